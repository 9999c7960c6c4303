"""The pull's documents: open receipts, deliveries, returns and internal transfers, each following
its Odoo picking until the floor starts on it; what changes after that is raised as an exception
for a person."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from floor.odoo.models import InternalPicking, InternalPickingLine, Operation, SyncException
from floor.odoo.pull.base import (
    MOVE_FIELDS,
    OPEN,
    PICKING_FIELDS,
    PICKING_PAGE,
    PRODUCT_FIELDS,
    Reader,
    _assign,
    _digest,
    _id,
    _label,
    _Line,
    _local_date,
    _qty,
    _shown,
    _text,
    _Warehouse,
)
from floor.picking.models import Order, OrderLine
from floor.receiving.models import Receipt, ReceiptLine
from floor.returns.models import Return, ReturnLine
from floor.warehouse.models import Location, Product

TRACKING = "carrier_tracking_ref"


@dataclass(frozen=True)
class _Document:
    """How one kind of Floor document follows its Odoo picking."""

    kind: str
    counter: str
    model: type[Model]
    line_model: type[Model]
    parent: str  # the line's foreign key to its document
    quantity: str  # the line's expected quantity
    work: str  # the line's quantity done on the floor
    open: str
    done: str
    cancelled: str
    busy: frozenset  # document states that mean the floor has started
    activity: str  # what the floor does with it, in words
    header: Callable[[dict, _Warehouse, dict], dict]


def _receipt_header(row, wh, _context) -> dict:
    return {
        "warehouse_id": wh.floor.pk,
        "reference": _text(row["name"], 64),
        "vendor": _text(_label(row["partner_id"]), 200),
        "vendor_reference": _text(row["origin"], 64),
        "expected_date": _local_date(row["scheduled_date"]),
    }


def _order_header(row, wh, _context) -> dict:
    priority = str(row.get("priority") or "0")
    header = {
        "warehouse_id": wh.floor.pk,
        "reference": _text(row["name"], 64),
        "customer": _text(_label(row["partner_id"]), 200),
        "priority": int(priority) if priority.isdigit() else 0,
    }
    if TRACKING in row:  # Odoo's delivery module: set when the carrier takes the parcel
        header["tracking"] = _text(row[TRACKING], 128)
    return header


def _return_header(row, wh, context) -> dict:
    header = {
        "warehouse_id": wh.floor.pk,
        "reference": _text(row["name"], 64),
        "customer": _text(_label(row["partner_id"]), 200),
        # Why the customer sent it back, as the return's note in Odoo says (HTML there).
        "reason": _text(" ".join(unescape(strip_tags(row.get("note") or "")).split()), 200),
    }
    order = context["orders"].get(_id(row["return_id"]))
    if order is not None:  # the delivery it returns, when Floor has it
        header["order_id"] = order.pk
    return header


RECEIPTS = _Document(
    kind=SyncException.Kind.RECEIPT,
    counter="receipts",
    model=Receipt,
    line_model=ReceiptLine,
    parent="receipt",
    quantity="expected",
    work="received",
    open=Receipt.State.OPEN,
    done=Receipt.State.DONE,
    cancelled=Receipt.State.CANCELLED,
    busy=frozenset({Receipt.State.RECEIVING, Receipt.State.DONE}),
    activity=gettext_lazy("receiving"),
    header=_receipt_header,
)
ORDERS = _Document(
    kind=SyncException.Kind.ORDER,
    counter="orders",
    model=Order,
    line_model=OrderLine,
    parent="order",
    quantity="ordered",
    work="picked",
    open=Order.State.OPEN,
    done=Order.State.SHIPPED,
    cancelled=Order.State.CANCELLED,
    busy=frozenset({Order.State.IN_WAVE, Order.State.PICKED, Order.State.PACKED, Order.State.SHIPPED}),
    activity=gettext_lazy("picking"),
    header=_order_header,
)
RETURNS = _Document(
    kind=SyncException.Kind.RETURN,
    counter="returns",
    model=Return,
    line_model=ReturnLine,
    parent="ret",
    quantity="expected",
    work="inspected",
    open=Return.State.EXPECTED,
    done=Return.State.DONE,
    cancelled=Return.State.CANCELLED,
    busy=frozenset({Return.State.INSPECTING, Return.State.DONE}),
    activity=gettext_lazy("inspection"),
    header=_return_header,
)


class Documents(Reader):
    # --- pickings

    def picking_fields(self) -> list[str]:
        """The picking's fields, with the carrier's tracking number where Odoo has it."""
        if self._picking_fields is None:
            tracking = TRACKING in self.client.fields_get("stock.picking", ["type"])
            self._picking_fields = [*PICKING_FIELDS, "note"] + ([TRACKING] if tracking else [])
        return self._picking_fields

    def pull_pickings(self) -> None:
        if not self.warehouses:
            return
        types = self.type_rows.values()
        self.types = {t["id"]: (self.warehouses[_id(t["warehouse_id"])], t["code"]) for t in types}
        if not self.types:
            return
        since = self._since("stock.picking")
        domain = [("picking_type_id", "in", sorted(self.types))]
        if since:
            # All states: a cancel or a validation in Odoo is a change the floor must see.
            domain += ["|", ("write_date", ">=", since), ("move_ids.write_date", ">=", since)]
        else:
            domain += [("state", "in", list(OPEN))]
        dates, seen, last = [], set(), 0
        while True:
            page = self.client.search_read(
                "stock.picking", [*domain, ("id", ">", last)], self.picking_fields(), limit=PICKING_PAGE, order="id"
            )
            dates += self._pickings_page(page)
            seen.update(row["id"] for row in page)
            if len(page) < PICKING_PAGE:
                break
            last = page[-1]["id"]
        if self.full:
            self._recheck_open_documents(seen)
        with transaction.atomic():
            self._advance("stock.picking", dates)

    def _pickings_page(self, rows: list[dict]) -> list:
        """Apply one page of pickings with their moves; the write dates read."""
        if not rows:
            return []
        field_name, value = self.storable
        # Only storable goods become lines: Floor keeps no stock of consumables.
        moves = self._read(
            "stock.move",
            [("picking_id", "in", [row["id"] for row in rows]), (f"product_id.{field_name}", "=", value)],
            MOVE_FIELDS,
        )
        known = set(
            Product.objects.filter(odoo_id__in={_id(m["product_id"]) for m in moves}).values_list("odoo_id", flat=True)
        )
        missing = sorted({_id(m["product_id"]) for m in moves} - known - {None})
        if missing:  # storable items made in Odoo after this pull read its products
            found = self.client.read(
                "product.product", missing, [*PRODUCT_FIELDS, field_name], context={"active_test": False}
            )
            with transaction.atomic():
                self._apply_products(found)
        with transaction.atomic():
            self._apply_pickings(rows, moves)
        return [row["write_date"] for row in rows] + [move["write_date"] for move in moves]

    def _apply_pickings(self, rows: list[dict], moves: list[dict]) -> None:
        by_picking = defaultdict(list)
        for move in moves:
            by_picking[_id(move["picking_id"])].append(move)
        products = {p.odoo_id: p for p in Product.objects.filter(odoo_id__in={_id(m["product_id"]) for m in moves})}
        # Pickings Floor made itself: its push names a return after its reference (in the call that
        # creates it), and writes its reference into an internal transfer's origin.
        names = {row[field] for row in rows for field in ("origin", "name") if row[field]}
        floor_made = set(Operation.objects.filter(reference__in=names).values_list("reference", flat=True))
        groups: dict[str, list] = defaultdict(list)
        for row in rows:
            if row["origin"] in floor_made or row["name"] in floor_made:
                continue
            wh, code = self.types[_id(row["picking_type_id"])]
            wanted = [
                _Line(move["id"], products[_id(move["product_id"])], _qty(move["product_qty"]))
                for move in by_picking[row["id"]]
                if move["state"] != "cancel" and _id(move["product_id"]) in products
            ]
            kind = {"incoming": "return" if row["return_id"] else "receipt", "outgoing": "order"}.get(code, "internal")
            groups[kind].append((row, wh, wanted, by_picking[row["id"]]))
        if groups["receipt"]:
            self._apply_documents(RECEIPTS, groups["receipt"], {})
        if groups["order"]:
            self._apply_documents(ORDERS, groups["order"], {})
        if groups["return"]:
            originals = {_id(row["return_id"]) for row, *_rest in groups["return"]}
            orders = {order.odoo_id: order for order in Order.objects.filter(odoo_id__in=originals)}
            self._apply_documents(RETURNS, groups["return"], {"orders": orders})
        if groups["internal"]:
            self._apply_internal(groups["internal"])

    def _apply_documents(self, doc: _Document, items: list, context: dict) -> None:
        ids = [row["id"] for row, *_rest in items]
        # Locked: a scan on one of these waits for the pull, and the pull sees the scan's work.
        existing = {d.odoo_id: d for d in doc.model.objects.select_for_update().filter(odoo_id__in=ids).order_by("pk")}
        references = [_text(row["name"], 64) for row, *_rest in items if row["id"] not in existing]
        by_reference = {d.reference: d for d in doc.model.objects.select_for_update().filter(reference__in=references)}
        lines = defaultdict(list)
        documents = [*existing.values(), *by_reference.values()]
        for line in (
            doc.line_model.objects.select_for_update()
            .filter(**{f"{doc.parent}__in": documents})
            .select_related("product")
            .order_by("pk")
        ):
            lines[getattr(line, f"{doc.parent}_id")].append(line)
        done_elsewhere = self._pushed_by_floor([row["id"] for row, *_rest in items if row["state"] == "done"])
        for row, wh, wanted, _moves in items:
            header = doc.header(row, wh, context)
            document = existing.get(row["id"])
            if document is None and header["reference"] in by_reference:
                other = by_reference[header["reference"]]
                if other.odoo_id is not None:
                    self._exception(
                        kind=doc.kind,
                        odoo_model="stock.picking",
                        odoo_id=row["id"],
                        reference=header["reference"],
                        warehouse_id=wh.floor.pk,
                        message=_(
                            "Another Floor document already has this reference: the Odoo picking was not pulled."
                        ),
                    )
                    continue
                document = other  # made in Floor before Odoo was connected
                document.odoo_id = row["id"]
                document.save(update_fields=["odoo_id"])
            if document is None:
                if row["state"] not in OPEN:
                    continue
                document = doc.model.objects.create(**header, odoo_id=row["id"])
                doc.line_model.objects.bulk_create(
                    doc.line_model(
                        **{
                            doc.parent: document,
                            "product": line.product,
                            doc.quantity: line.quantity,
                            "odoo_move_id": line.move_id,
                        }
                    )
                    for line in wanted
                )
                self._count(doc.counter, created=True)
                continue
            if self._follow(doc, document, lines[document.pk], row, header, wanted, row["id"] in done_elsewhere):
                document.save()
                self._count(doc.counter, created=False)

    def _follow(
        self, doc: _Document, document, lines: list, row: dict, header: dict, wanted: list[_Line], pushed: bool
    ) -> bool:
        """Bring one existing document in step with its picking; whether it changed. Work under way
        on the floor is never overwritten: the difference becomes a SyncException."""
        changed = _assign(document, **header)  # reference, partner, dates: no scanned work in them
        work = document.state in doc.busy or any(getattr(line, doc.work) > 0 for line in lines)
        state = row["state"]
        # Reservation moves an open picking between confirmed, waiting and assigned: not a change.
        fingerprint = _digest(
            "open" if state in OPEN else state,
            sorted((line.move_id, line.product.odoo_id, str(line.quantity)) for line in wanted),
        )

        def flag(message):
            created = self._exception(
                kind=doc.kind,
                odoo_model="stock.picking",
                odoo_id=row["id"],
                reference=document.reference,
                warehouse_id=document.warehouse_id,
                message=message,
                fingerprint=fingerprint,
            )
            if created and not document.odoo_changed:
                document.odoo_changed = True
                return True
            return False

        words = {"activity": doc.activity}
        if state == "cancel":
            if document.state != doc.cancelled:
                if work:
                    changed |= flag(
                        _(
                            "Cancelled in Odoo while %(activity)s was under way on the floor. Floor kept "
                            "its lines and its work."
                        )
                        % words
                    )
                else:
                    document.state = doc.cancelled
                    changed = True
        elif state == "done":
            # Validated in Odoo: by Floor's own push (nothing to do), or by someone in Odoo.
            if document.state not in (doc.done, doc.cancelled) and not pushed:
                if work:
                    changed |= flag(
                        _(
                            "Validated in Odoo while %(activity)s was under way on the floor. Floor kept "
                            "its lines and its work."
                        )
                        % words
                    )
                else:
                    document.state = doc.done
                    changed = True
        elif state in OPEN:
            differences = _differences(doc, lines, wanted)
            if differences and work:
                changed |= flag(
                    _(
                        "Changed in Odoo while %(activity)s was under way on the floor: %(changes)s. Floor "
                        "kept its lines."
                    )
                    % {**words, "changes": "; ".join(differences)}
                )
            elif differences:
                _replace_lines(doc, document, lines, wanted)
                changed = True
            if document.state == doc.cancelled and not work:
                document.state = doc.open  # open again in Odoo
                changed = True
        return changed

    def _pushed_by_floor(self, picking_ids: list[int]) -> set[int]:
        """Which of these pickings Floor's own push validated (an outbox operation names them)."""
        if not picking_ids:
            return set()
        pushed = set()
        rows = Operation.objects.filter(Q(payload__picking__in=picking_ids) | Q(odoo_ids__picking__in=picking_ids))
        for payload, odoo_ids in rows.values_list("payload", "odoo_ids"):
            pushed.update(value for value in (payload.get("picking"), (odoo_ids or {}).get("picking")) if value)
        return pushed

    def _recheck_open_documents(self, seen: set[int]) -> None:
        """A --full pull also reads the documents Floor holds open that Odoo no longer lists as
        open: cancelled, validated or deleted while no incremental pull saw it."""
        ids = set()
        for doc in (RECEIPTS, ORDERS, RETURNS):
            ids.update(
                doc.model.objects.exclude(state__in=[doc.done, doc.cancelled])
                .exclude(odoo_id=None)
                .values_list("odoo_id", flat=True)
            )
        ids.update(InternalPicking.objects.filter(state=InternalPicking.State.OPEN).values_list("odoo_id", flat=True))
        ids -= seen
        if not ids:
            return
        rows = self.client.read("stock.picking", sorted(ids), self.picking_fields())
        rows = [row for row in rows if _id(row["picking_type_id"]) in self.types]
        for start in range(0, len(rows), PICKING_PAGE):
            self._pickings_page(rows[start : start + PICKING_PAGE])
        gone = ids - {row["id"] for row in rows}
        if gone:
            self._deleted_in_odoo(gone)

    def _deleted_in_odoo(self, gone: set[int]) -> None:
        with transaction.atomic():
            for doc in (RECEIPTS, ORDERS, RETURNS):
                for document in doc.model.objects.select_for_update().filter(odoo_id__in=gone):
                    lines = list(doc.line_model.objects.filter(**{doc.parent: document}))
                    work = document.state in doc.busy or any(getattr(line, doc.work) > 0 for line in lines)
                    if work:
                        created = self._exception(
                            kind=doc.kind,
                            odoo_model="stock.picking",
                            odoo_id=document.odoo_id,
                            reference=document.reference,
                            warehouse_id=document.warehouse_id,
                            fingerprint=_digest("deleted"),
                            message=_(
                                "Deleted in Odoo while %(activity)s was under way on the floor. Floor kept its "
                                "lines and its work."
                            )
                            % {"activity": doc.activity},
                        )
                        if created and not document.odoo_changed:
                            document.odoo_changed = True
                            document.save(update_fields=["odoo_changed"])
                    else:
                        document.state = doc.cancelled
                        document.save(update_fields=["state"])
                        self._count(doc.counter, created=False)
            closed = InternalPicking.objects.filter(odoo_id__in=gone).update(state=InternalPicking.State.CANCELLED)
            self.result.updated["internal transfers"] += closed

    def _apply_internal(self, items: list) -> None:
        """Internal transfers: no floor work is done on them yet, so they simply follow Odoo."""
        ids = [row["id"] for row, *_rest in items]
        existing = {p.odoo_id: p for p in InternalPicking.objects.filter(odoo_id__in=ids)}
        lines = defaultdict(list)
        for line in InternalPickingLine.objects.filter(picking__in=existing.values()).order_by("pk"):
            lines[line.picking_id].append(line)
        location_ids = set()
        for row, _wh, _wanted, moves in items:
            location_ids.update({_id(row["location_id"]), _id(row["location_dest_id"])})
            location_ids.update(_id(move[end]) for move in moves for end in ("location_id", "location_dest_id"))
        locations = {loc.odoo_id: loc for loc in Location.objects.filter(odoo_id__in=location_ids - {None})}
        states = {"done": InternalPicking.State.DONE, "cancel": InternalPicking.State.CANCELLED}
        for row, wh, lines_wanted, moves in items:
            state = InternalPicking.State.OPEN if row["state"] in OPEN else states.get(row["state"])
            picking = existing.get(row["id"])
            if state is None or (picking is None and state != InternalPicking.State.OPEN):
                continue
            created = picking is None
            picking = picking or InternalPicking(odoo_id=row["id"])
            changed = _assign(
                picking,
                warehouse_id=wh.floor.pk,
                reference=_text(row["name"], 64),
                state=state,
                source_id=getattr(locations.get(_id(row["location_id"])), "pk", None),
                destination_id=getattr(locations.get(_id(row["location_dest_id"])), "pk", None),
                scheduled_date=_local_date(row["scheduled_date"]),
            )
            if changed or created:
                picking.save()
            moves_by_id = {move["id"]: move for move in moves}
            wanted = (
                [
                    (
                        line.move_id,
                        line.product.pk,
                        line.quantity,
                        *(
                            getattr(locations.get(_id(moves_by_id[line.move_id][end])), "pk", None)
                            for end in ("location_id", "location_dest_id")
                        ),
                    )
                    for line in lines_wanted
                ]
                if state == InternalPicking.State.OPEN
                else None
            )
            current = [
                (line.odoo_move_id, line.product_id, line.quantity, line.source_id, line.destination_id)
                for line in lines[picking.pk]
            ]
            if wanted is not None and sorted(wanted) != sorted(current):
                InternalPickingLine.objects.filter(picking=picking).delete()
                InternalPickingLine.objects.bulk_create(
                    InternalPickingLine(
                        picking=picking,
                        odoo_move_id=move_id,
                        product_id=product_id,
                        quantity=quantity,
                        source_id=source,
                        destination_id=destination,
                    )
                    for move_id, product_id, quantity, source, destination in wanted
                )
                changed = True
            if changed or created:
                self._count("internal transfers", created=created)


def _differences(doc: _Document, lines: list, wanted: list[_Line]) -> list[str]:
    """What Odoo's moves say that Floor's lines do not, in words."""
    by_move = {line.odoo_move_id: line for line in lines if line.odoo_move_id}
    wanted_moves = {line.move_id for line in wanted}
    words = []
    for line in wanted:
        mine = by_move.get(line.move_id)
        if mine is None:
            words.append(_("%(item)s added (%(qty)s)") % {"item": line.product, "qty": _shown(line.quantity)})
        elif mine.product_id != line.product.pk:
            words.append(
                _("%(old)s replaced by %(new)s (%(qty)s)")
                % {"old": mine.product, "new": line.product, "qty": _shown(line.quantity)}
            )
        elif getattr(mine, doc.quantity) != line.quantity:
            words.append(
                _("%(item)s %(old)s → %(new)s")
                % {"item": line.product, "old": _shown(getattr(mine, doc.quantity)), "new": _shown(line.quantity)}
            )
    for line in lines:
        if line.odoo_move_id not in wanted_moves:
            words.append(
                _("%(item)s removed (was %(qty)s)") % {"item": line.product, "qty": _shown(getattr(line, doc.quantity))}
            )
    return words


def _replace_lines(doc: _Document, document, lines: list, wanted: list[_Line]) -> None:
    """Make a document with no work yet say what Odoo says: lines kept by move, changed, added, removed."""
    by_move = {line.odoo_move_id: line for line in lines if line.odoo_move_id}
    keep = set()
    for line in wanted:
        mine = by_move.get(line.move_id)
        if mine is None:
            doc.line_model.objects.create(
                **{
                    doc.parent: document,
                    "product": line.product,
                    doc.quantity: line.quantity,
                    "odoo_move_id": line.move_id,
                }
            )
            continue
        keep.add(mine.pk)
        if _assign(mine, product=line.product, **{doc.quantity: line.quantity}):
            mine.save()
    doc.line_model.objects.filter(pk__in=[line.pk for line in lines if line.pk not in keep]).delete()


DOCUMENTS = {doc.kind: doc for doc in (RECEIPTS, ORDERS, RETURNS)}


@transaction.atomic
def resolve_exception(*, exception: SyncException, actor) -> None:
    """A person has dealt with it. The document's warning goes once none of its exceptions is
    open; the same difference is not raised again, a new change in Odoo is."""
    exception = SyncException.objects.select_for_update().get(pk=exception.pk)
    if exception.resolved:
        return
    exception.resolved, exception.resolved_at, exception.resolved_by = True, timezone.now(), actor
    exception.save(update_fields=["resolved", "resolved_at", "resolved_by"])
    doc = DOCUMENTS.get(exception.kind)
    if doc is None or exception.odoo_id is None:
        return
    still_open = SyncException.objects.filter(
        odoo_model=exception.odoo_model, odoo_id=exception.odoo_id, resolved=False
    ).exists()
    if not still_open:
        doc.model.objects.filter(odoo_id=exception.odoo_id).update(odoo_changed=False)
