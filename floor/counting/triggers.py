"""A refused post raises a count on its bin: the ledger said there was less than the person found.

The ledger tells of the refusal (floor/ledger/signals.py) inside the transaction the refusal ends:
a count raised there would roll back with the scan. So the bin is remembered beside the thread,
outside the database, and its count raised once that transaction is over: when the request or the
Celery task that refused it has finished, in a transaction of its own.
"""

import threading

from django.utils.translation import gettext as _

from floor.counting.models import CountTask
from floor.counting.raising import raise_count
from floor.warehouse.models import Location, Product

_refused = threading.local()


def _pending() -> dict[int, int]:
    if not hasattr(_refused, "bins"):
        _refused.bins = {}
    return _refused.bins


def remember_refusal(sender, *, location_id: int, product_id: int, **kwargs) -> None:
    _pending().setdefault(location_id, product_id)


def forget_refusals(**kwargs) -> None:
    """A request starts: what was left behind before it is not its own."""
    _pending().clear()


def raise_refused_counts(**kwargs) -> list[CountTask]:
    """The counts of the bins whose posts were refused since the last call (storage bins only)."""
    pending = _pending()
    if not pending:
        return []
    refused = dict(pending)
    pending.clear()
    skus = dict(Product.objects.filter(pk__in=refused.values()).values_list("pk", "sku"))
    raised = []
    for location in Location.objects.filter(pk__in=refused, kind=Location.Kind.STORAGE).order_by("pk"):
        task = raise_count(
            warehouse_id=location.warehouse_id,
            location_id=location.pk,
            source=CountTask.Source.NEGATIVE,
            reason=_("Refused: more %(sku)s taken from %(bin)s than Floor holds there")
            % {"sku": skus.get(refused[location.pk], "?"), "bin": location.name},
        )
        if task is not None:
            raised.append(task)
    return raised
