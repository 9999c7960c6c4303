"""Move stock bin to bin: scan the bin it is in, the item (once per unit, or set a quantity),
then the bin it goes to. The last scan posts one move through the ledger."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.keys import scan_key
from floor.ledger.models import Move, Quant
from floor.odoo import outbox
from floor.odoo.models import Operation
from floor.scanning import flow
from floor.scanning.measures import units_of
from floor.scanning.parser import Kind, Scan
from floor.scanning.selectors import scanned_name
from floor.sql import decimal
from floor.transfers.models import Transfer
from floor.warehouse.models import Location, Lot, Product
from floor.warehouse.quantities import qty

# Where a person may take stock from or put it on; not zones, totes or virtual locations.
PHYSICAL = [
    Location.Kind.STORAGE,
    Location.Kind.INPUT,
    Location.Kind.DOCK,
    Location.Kind.OUTPUT,
    Location.Kind.PACK,
    Location.Kind.RETURNS,
    Location.Kind.QUARANTINE,
]


FLOW = "move"


@dataclass
class Outcome(flow.Outcome):
    done: Transfer | None = None  # the transfer this scan finished: what Undo now takes back

    @property
    def transfer(self) -> Transfer:
        return self.place


@dataclass
class _Scanned:
    """What a scan names, read with the person's transfer: the location (None when the scan is
    no location), the product (None when it is no product) and how much of that product the
    transfer's source bin holds outside packages, whatever the lot."""

    location: Location | None = None
    product: Product | None = None
    on_hand: Decimal = Decimal(0)


def open_transfer(*, actor, warehouse, lock: bool = False) -> Transfer:
    return _open(actor=actor, warehouse=warehouse, lock=lock)[0]


def _begin(*, actor, warehouse, key: str, raw: str) -> tuple[Transfer, Outcome | None]:
    return flow.begin(open_transfer, flow=FLOW, actor=actor, warehouse=warehouse, key=key, raw=raw, outcome=Outcome)


def _open(*, actor, warehouse, lock: bool, scan: Scan | None = None) -> tuple[Transfer, _Scanned]:
    found = _read(actor=actor, warehouse=warehouse, lock=lock, scan=scan)
    if found is None:
        try:
            with transaction.atomic():
                Transfer.objects.create(actor=actor, warehouse=warehouse)
        except IntegrityError:
            pass  # the same person's other request opened it a moment ago
        found = _read(actor=actor, warehouse=warehouse, lock=lock, scan=scan)
    return found


# Every scan starts here, so this one statement is written out rather than built by the ORM:
# the person's open transfer, locked, with the names its screen shows, and what the scan names
# (a bin: its warehouse and kind; an item: it and its stock in the source bin). Built with the
# ORM, that took up to three statements and most of the scan's CPU.
@cache
def _open_sql(vendor: str, lock: bool) -> str:
    quote = connection.ops.quote_name

    def table(model, alias):
        return f"{quote(model._meta.db_table)} {alias}"

    def col(alias, model, name):
        return f"{alias}.{quote(model._meta.get_field(name).column)}"

    T, L, P = Transfer, Location, Product  # noqa: N806
    columns = [
        *(col("t", T, name) for name in ("id", "warehouse", "source", "product", "lot", "quantity")),
        col("s", L, "name"),
        col("s", L, "kind"),
        *(col("p", P, name) for name in ("sku", "name", "tracking")),
        col("l", Lot, "name"),
        *(col("here", L, name) for name in ("warehouse", "kind", "name")),
        *(col("item", P, name) for name in ("sku", "name", "tracking", "uom")),  # uom: what a weight label counts
        f"(SELECT SUM({col('q', Quant, 'quantity')}) FROM {table(Quant, 'q')} "  # noqa: S608 — names from the models
        f"WHERE {col('q', Quant, 'location')} = {col('t', T, 'source')} "
        f"AND {col('q', Quant, 'product')} = {col('item', P, 'id')} AND {col('q', Quant, 'package')} IS NULL)",
    ]
    sql = (
        f"SELECT {', '.join(columns)} FROM {table(T, 't')} "  # noqa: S608 — names from the models
        f"LEFT JOIN {table(L, 's')} ON {col('s', L, 'id')} = {col('t', T, 'source')} "
        f"LEFT JOIN {table(P, 'p')} ON {col('p', P, 'id')} = {col('t', T, 'product')} "
        f"LEFT JOIN {table(Lot, 'l')} ON {col('l', Lot, 'id')} = {col('t', T, 'lot')} "
        f"LEFT JOIN {table(L, 'here')} ON {col('here', L, 'id')} = %s "
        f"LEFT JOIN {table(P, 'item')} ON {col('item', P, 'id')} = %s "
        f"WHERE {col('t', T, 'actor')} = %s AND {col('t', T, 'state')} = %s"
    )
    if lock and connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF t"
    return sql


def _read(*, actor, warehouse, lock: bool, scan: Scan | None) -> tuple[Transfer, _Scanned] | None:
    here_id = scan.location_id if scan is not None and scan.kind == Kind.LOCATION else None
    item_id = scan.product_id if scan is not None else None
    with connection.cursor() as cursor:
        cursor.execute(_open_sql(connection.vendor, lock), [here_id, item_id, actor.pk, Transfer.State.OPEN])
        row = cursor.fetchone()  # at most one is open: a unique constraint
    if row is None:
        return None
    (pk, warehouse_id, source_id, product_id, lot_id, quantity) = row[:6]
    (source_name, source_kind, sku, name, tracking, lot_name) = row[6:12]
    (here_warehouse_id, here_kind, here_name, item_sku, item_name, item_tracking, item_uom, on_hand) = row[12:]
    transfer = Transfer(
        pk=pk,
        actor=actor,
        warehouse_id=warehouse_id,
        state=Transfer.State.OPEN,
        source=Location(pk=source_id, name=source_name, kind=source_kind) if source_id else None,
        product=Product(pk=product_id, sku=sku, name=name, tracking=tracking) if product_id else None,
        lot=Lot(pk=lot_id, product_id=product_id, name=lot_name) if lot_id else None,
        quantity=decimal(quantity),
    )
    if warehouse is not None and warehouse.pk == warehouse_id:
        transfer.warehouse = warehouse
    transfer._state.adding, transfer._state.db = False, connection.alias
    scanned = _Scanned(on_hand=decimal(on_hand))
    if here_kind is not None:
        scanned.location = Location(pk=here_id, warehouse_id=here_warehouse_id, kind=here_kind, name=here_name)
    if item_sku is not None:
        scanned.product = Product(pk=item_id, sku=item_sku, name=item_name, tracking=item_tracking, uom=item_uom)
    return transfer, scanned


# A scan writes its transfer once: written out too, as Model.save() costs several times the
# CPU of the UPDATE itself. Values go through the fields, as save() would send them.
def _write(transfer: Transfer, *fields: str) -> None:
    """UPDATE `fields` of `transfer` (by name) and its updated_at."""
    transfer.updated_at = timezone.now()
    columns = [Transfer._meta.get_field(name) for name in (*fields, "updated_at")]
    with connection.cursor() as cursor:
        cursor.execute(
            _update_sql(connection.vendor, tuple(field.column for field in columns)),
            [field.get_db_prep_save(getattr(transfer, field.attname), connection) for field in columns] + [transfer.pk],
        )


@cache
def _update_sql(vendor: str, columns: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    return f"UPDATE {quote(Transfer._meta.db_table)} SET {assignments} WHERE {quote(Transfer._meta.pk.column)} = %s"  # noqa: S608 — names from the model


def last_done(*, actor) -> Transfer | None:
    return (
        Transfer.objects.select_related("source", "destination", "product", "lot", "move")
        .filter(actor=actor, state=Transfer.State.DONE)
        .order_by("-pk")  # transfers finish in the order they start: one is open at a time
        .first()
    )


@transaction.atomic
def handle_scan(*, actor, warehouse, scan: Scan, key: str, device: str = "") -> Outcome:
    transfer, scanned = _open(actor=actor, warehouse=warehouse, lock=True, scan=scan)
    if replayed := flow.replay(
        transfer, flow=FLOW, actor=actor, key=key, raw=scan.raw, outcome=Outcome, warehouse=warehouse
    ):
        return replayed
    if scan.kind == Kind.COMMAND:
        if scan.command == "CANCEL":
            return cancel(transfer=transfer)
        if scan.command == "UNDO":
            return _undo(actor=actor, device=device, transfer=transfer)
        raise ScanRejected(_("%(command)s does nothing here") % {"command": scan.command})
    if transfer.step == "source":
        return _take_source(transfer, scan, scanned)
    if scan.kind == Kind.LOCATION:
        if transfer.product_id is None:
            return _take_source(transfer, scan, scanned)
        return _put(transfer, scan, scanned, warehouse=warehouse, key=key, device=device)
    return _take_item(transfer, scan, scanned)


def _said(transfer: Transfer, scan: Scan) -> dict:
    """What a rejection says was scanned: the item's SKU, a tote… (asked only then)."""
    return {"code": scanned_name(scan=scan, warehouse_id=transfer.warehouse_id)}


def _location(scan: Scan, transfer: Transfer, scanned: _Scanned, *, expected: str) -> Location:
    if scan.kind != Kind.LOCATION:
        raise ScanRejected(
            _("Scan a bin — %(expected)s (scanned %(code)s)") % {"expected": expected, **_said(transfer, scan)}
        )
    location = scanned.location
    if location is None or location.warehouse_id != transfer.warehouse_id or location.kind not in PHYSICAL:
        raise ScanRejected(_("%(code)s is not a bin of this warehouse") % {"code": scan.code})
    return location


def _take_source(transfer: Transfer, scan: Scan, scanned: _Scanned) -> Outcome:
    location = _location(scan, transfer, scanned, expected=_("the bin to take from"))
    transfer.source, transfer.product, transfer.lot, transfer.quantity = location, None, None, Decimal(0)
    _write(transfer, "source", "product", "lot", "quantity")
    return Outcome(transfer, _("From %(bin)s") % {"bin": location.name})


def _on_hand(transfer: Transfer, product: Product, lot: Lot | None) -> Decimal:
    quants = Quant.objects.filter(location=transfer.source_id, product=product, package=None)
    if lot is not None:
        quants = quants.filter(lot=lot)
    return quants.aggregate(total=Sum("quantity"))["total"] or Decimal(0)


def _take_item(transfer: Transfer, scan: Scan, scanned: _Scanned) -> Outcome:
    if scan.kind not in (Kind.PRODUCT, Kind.GS1) or scan.product_id is None:
        raise ScanRejected(
            _("Scan an item in %(bin)s (scanned %(code)s)") % {"bin": transfer.source.name, **_said(transfer, scan)}
        )
    product = scanned.product or Product.objects.get(pk=scan.product_id)
    if transfer.product_id not in (None, product.pk):
        raise ScanRejected(
            _("Moving %(sku)s — scan the bin it goes to (scanned %(other)s)")
            % {"sku": transfer.product.sku, "other": product.sku}
        )
    lot = _lot(transfer, product, scan)
    if transfer.product_id and lot != transfer.lot:
        raise ScanRejected(_("Moving lot %(lot)s — scan the bin it goes to") % {"lot": transfer.lot})
    if product.tracking == Product.Tracking.SERIAL and transfer.quantity:
        raise ScanRejected(_("One serial at a time — scan the bin it goes to"))
    quantity = transfer.quantity + units_of(scan, product)  # a weight label: its weight
    # Without a lot, the bin's stock of it was read with the transfer.
    on_hand = scanned.on_hand if lot is None and scanned.product else _on_hand(transfer, product, lot)
    if quantity > on_hand:
        raise ScanRejected(
            _("Only %(qty)s %(sku)s in %(bin)s")
            % {"qty": qty(on_hand), "sku": product.sku, "bin": transfer.source.name}
        )
    transfer.product, transfer.lot, transfer.quantity = product, lot, quantity
    _write(transfer, "product", "lot", "quantity")
    return Outcome(transfer, _("%(qty)s × %(sku)s") % {"qty": qty(quantity), "sku": product.sku})


def _lot(transfer: Transfer, product: Product, scan: Scan) -> Lot | None:
    if product.tracking == Product.Tracking.NONE:
        return None
    name = scan.serial if product.tracking == Product.Tracking.SERIAL else scan.lot
    if name:
        lot = Lot.objects.filter(product=product, name=name).first()
        if lot is None:
            raise ScanRejected(_("Lot %(lot)s of %(sku)s is not in stock here") % {"lot": name, "sku": product.sku})
        return lot
    if transfer.lot_id:
        return transfer.lot
    # No lot on the label: fine when the bin holds a single lot of it.
    lots = list(
        Quant.objects.filter(location=transfer.source_id, product=product, quantity__gt=0, package=None)
        .values_list("lot", flat=True)
        .distinct()[:2]
    )
    if len(lots) == 1 and lots[0] is not None:
        return Lot.objects.get(pk=lots[0])
    what = _("serial number") if product.tracking == Product.Tracking.SERIAL else _("lot")
    raise ScanRejected(_("Scan the %(what)s label of %(sku)s") % {"what": what, "sku": product.sku})


def _put(transfer: Transfer, scan: Scan, scanned: _Scanned, *, warehouse, key: str, device: str) -> Outcome:
    destination = _location(scan, transfer, scanned, expected=_("the bin it goes to"))
    if destination.pk == transfer.source_id:
        raise ScanRejected(_("That is the bin it comes from — scan another bin"))
    move = Move(
        product=transfer.product,
        lot=transfer.lot,
        quantity=transfer.quantity,
        from_location=transfer.source,
        to_location=destination,
        actor_id=transfer.actor_id,
        device=device[:64],
        reference=f"MOVE-{transfer.pk}",
    )
    [move] = ledger.post([move], key=scan_key(FLOW, key))
    outbox.enqueue(
        kind=Operation.Kind.INTERNAL,
        warehouse=transfer.warehouse,
        reference=f"FLOOR-MOVE-{move.pk}",
        payload={"lines": outbox.lines_of([move])},
        document=move.reference,
        actor=transfer.actor,
    )
    transfer.destination, transfer.move, transfer.state = destination, move, Transfer.State.DONE
    _write(transfer, "destination", "move", "state")
    message = _("Moved %(qty)s × %(sku)s to %(bin)s") % {
        "qty": qty(transfer.quantity),
        "sku": transfer.product.sku,
        "bin": destination.name,
    }
    # The next transfer opens now, while this person's row is locked: the next scan finds it.
    following = Transfer.objects.create(actor=transfer.actor, warehouse=warehouse)
    return Outcome(following, message, "document", done=transfer)


@transaction.atomic
def set_quantity(*, actor, warehouse, quantity: Decimal, key: str) -> Outcome:
    transfer, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=f"qty {quantity}")
    if replayed:
        return replayed
    if transfer.product_id is None:
        raise ScanRejected(_("Scan the item first"))
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    if transfer.product.tracking == Product.Tracking.SERIAL and quantity != 1:
        raise ScanRejected(_("One serial at a time — scan the bin it goes to"))
    on_hand = _on_hand(transfer, transfer.product, transfer.lot)
    if quantity > on_hand:
        raise ScanRejected(
            _("Only %(qty)s %(sku)s in %(bin)s")
            % {"qty": qty(on_hand), "sku": transfer.product.sku, "bin": transfer.source.name}
        )
    transfer.quantity = quantity
    _write(transfer, "quantity")
    return Outcome(transfer, _("%(qty)s × %(sku)s") % {"qty": qty(quantity), "sku": transfer.product.sku})


def cancel(*, transfer: Transfer) -> Outcome:
    if transfer.step == "source":
        return Outcome(transfer, _("Nothing to cancel"), "warning")
    transfer.source, transfer.product, transfer.lot, transfer.quantity = None, None, None, Decimal(0)
    _write(transfer, "source", "product", "lot", "quantity")
    return Outcome(transfer, _("Cancelled — nothing was moved"), "warning")


@transaction.atomic
def undo(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    transfer, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="undo")
    if replayed:
        return replayed
    return _undo(actor=actor, device=device, transfer=transfer)


def _undo(*, actor, device: str, transfer: Transfer) -> Outcome:
    """Undo the last step: an item scan not yet moved, else the last move, by a reverse move.
    `transfer`: the person's open transfer, locked."""
    if transfer.product_id is not None:
        transfer.product, transfer.lot, transfer.quantity = None, None, Decimal(0)
        _write(transfer, "product", "lot", "quantity")
        return Outcome(transfer, _("Undone — scan an item"), "warning")
    if transfer.source_id is not None:
        transfer.source = None
        _write(transfer, "source")
        return Outcome(transfer, _("Undone — scan the bin to take from"), "warning")
    done = last_done(actor=actor)
    if done is None:
        raise ScanRejected(_("Nothing to undo"))
    original = done.move
    [reverse] = ledger.reverse([original], actor_id=actor.pk, device=device)
    outbox.enqueue(
        kind=Operation.Kind.INTERNAL,
        warehouse=done.warehouse,
        reference=f"FLOOR-MOVE-{reverse.pk}",
        payload={"lines": outbox.lines_of([reverse]), "undo": True},
        document=reverse.reference,
        actor=actor,
    )
    done.state = Transfer.State.UNDONE
    _write(done, "state")
    return Outcome(
        transfer,
        _("Undone: %(qty)s × %(sku)s back to %(bin)s")
        % {"qty": qty(original.quantity), "sku": done.product.sku, "bin": done.source.name},
        "warning",
    )


def undo_preview(*, actor, transfer: Transfer, done: Transfer | None = None) -> str:
    """What Undo would do, said before it does it. `done`: the person's last finished transfer,
    when the caller has it (it just finished it)."""
    if transfer.product_id is not None:
        return _("Undo: drop %(sku)s") % {"sku": transfer.product.sku}
    if transfer.source_id is not None:
        return _("Undo: choose another bin")
    if done is None:
        done = last_done(actor=actor)
    if done is None:
        return ""
    return _("Undo: move %(qty)s × %(sku)s back to %(bin)s") % {
        "qty": qty(done.quantity),
        "sku": done.product.sku,
        "bin": done.source.name,
    }
