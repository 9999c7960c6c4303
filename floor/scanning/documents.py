"""The documents a barcode opens (a receipt, an order, a return), as each flow registers its own
from its AppConfig.ready(): the parser and the lookup page read them here and import no flow."""

import re
from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True, eq=False)  # hashed by identity: the parser keys its cached statement on them
class DocumentKind:
    name: str  # what `Scan.document.model` says: "receipt"
    model: type[Model]  # with `reference`, `state`, `warehouse` and `lines`
    label: str  # the lookup page's title: "Receipt"
    named: str  # how a rejection names one: "receipt %(reference)s"
    # A second reference that several documents may share (a vendor's PO with its backorders):
    # it opens the oldest in `open_states`, else the latest. Looked at after every own reference.
    shared_reference: str = ""
    open_states: tuple[str, ...] = ()


_NAME = re.compile(r"[a-z_]+")  # it goes into the parser's statement as a literal
_kinds: dict[str, DocumentKind] = {}
_all: tuple[DocumentKind, ...] = ()


def register(
    name: str,
    *,
    model: type[Model],
    label: str,
    named: str,
    shared_reference: str = "",
    open_states: tuple[str, ...] = (),
) -> None:
    """Make the model's references scannable. The order of registration (INSTALLED_APPS) is the
    order in which a code that is the reference of two kinds of document opens one."""
    global _all
    if not _NAME.fullmatch(name):
        raise ValueError(f"A document kind is named in lower-case letters, not {name!r}")
    _kinds[name] = DocumentKind(name, model, label, named, shared_reference, tuple(open_states))
    _all = tuple(_kinds.values())


def kinds() -> tuple[DocumentKind, ...]:
    return _all


def get(name: str) -> DocumentKind | None:
    return _kinds.get(name)
