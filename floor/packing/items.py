"""Items into the open carton: each checked against what was picked for the order (item, lot or
serial, how many); a wrong or extra one is set aside."""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from floor.errors import ScanRejected
from floor.packing import sql
from floor.packing.cartons import check_room, contents_from, remaining, suggest_carton
from floor.packing.models import Carton, Packing
from floor.packing.place import (
    ZERO,
    Outcome,
    Seen,
    Waiting,
    lock_order_and_lines,
    said_code,
)
from floor.picking.models import Order, PickRecord
from floor.scanning.measures import amount, units_of
from floor.scanning.parser import Scan, readable
from floor.warehouse.models import Lot, Product
from floor.warehouse.quantities import qty

SET_ASIDE_SHOWN = 12  # the latest ones; the list empties when the order closes


def _set_aside(packing: Packing, scan: Scan, product: Product | None, why: str) -> Outcome:
    """A wrong or extra item: nothing is recorded but the note on screen, until the order closes."""
    entry = {"code": readable(scan.code), "sku": product.sku if product else "", "why": why}
    name = scan.serial or scan.lot
    if name:
        entry["lot"] = name
    packing.set_aside = [*packing.set_aside, entry][-SET_ASIDE_SHOWN:]
    packing.save(update_fields=["set_aside", "updated_at"])
    return Outcome(packing, _("%(why)s — set it aside") % {"why": why}, "wrong_item")


def _product_of_label(packing: Packing, order: Order, scan: Scan) -> Product | Outcome:
    """A lot or serial label alone: the item of the order picked with that lot."""
    name = scan.lot or scan.serial
    products = list(
        PickRecord.objects.filter(pick__order_line__order=order, lot__name=name, reverses=None, reversal__isnull=True)
        .values_list("pick__product_id", flat=True)
        .distinct()[:2]
    )
    if not products:  # a lot of one of the order's items, not the one picked: a wrong lot
        products = list(
            Lot.objects.filter(name=name, product__in=order.lines.values("product"))
            .values_list("product_id", flat=True)
            .distinct()[:2]
        )
    if not products:
        return _set_aside(
            packing, scan, None, _("%(lot)s was not picked for %(order)s") % {"lot": name, "order": order.reference}
        )
    if len(products) > 1:
        raise ScanRejected(_("%(lot)s is on more than one item — scan the item's GS1 label") % {"lot": name})
    return Product.objects.get(pk=products[0])


def pack_item(packing: Packing, scan: Scan, *, device: str) -> Outcome:
    order, lines = lock_order_and_lines(packing)
    if isinstance(order, Outcome):
        return order  # closed by someone else meanwhile
    # Read after the order's lock, never with it: what another packer at the order changed while
    # this scan waited for the lock is seen.
    cartons = sql.cartons(order.pk)
    carton = next((c for c in cartons if c.state == Carton.State.OPEN), None)
    if carton is None or packing.waiting == Waiting.CARTON:
        packing.carton, packing.waiting = carton, Waiting.ITEM if carton else Waiting.CARTON
        packing.save()
        if carton is None:
            suggested = suggest_carton(order)
            message = _("Choose a carton first (or scan its barcode)")
            if suggested is not None:
                message += " · " + _("Floor suggests %(type)s") % {"type": suggested.name}
            return Outcome(packing, message, "warning")
    if scan.product_id is None:
        if not (scan.lot or scan.serial):
            raise ScanRejected(_("Scan an item of %(order)s (scanned %(code)s)") % {"order": order, **said_code(scan)})
        found = _product_of_label(packing, order, scan)
        if isinstance(found, Outcome):
            return found
        product = found
    else:
        product = next((line.product for line in lines if line.product_id == scan.product_id), None)
        if product is None:  # not an item of the order's lines: read for its SKU, set aside below
            product = Product.objects.get(pk=scan.product_id)
    said = {"sku": product.sku, "order": order.reference}
    # What the order's cartons hold, what was picked of the item, the totes: one question for the
    # checks below, the open carton's room and the screen.
    in_cartons, picked, totes = sql.amounts(order.pk, product.pk)
    if not picked:
        return _set_aside(packing, scan, product, _("%(sku)s was not picked for %(order)s") % said)
    packed = defaultdict(Decimal)
    for (_carton, item, lot), (units, _weight, _volume) in in_cartons.items():
        if item == product.pk:
            packed[lot] += units
    serial = product.tracking == Product.Tracking.SERIAL
    # Several identical units, typed once; else what the label says: one, its count, or its
    # weight or measure in the item's unit.
    quantity = packing.next_quantity or units_of(scan, product)
    if product.tracking == Product.Tracking.NONE:
        lot_id = None
    else:
        name = scan.serial if serial else scan.lot
        if not name:
            what = _("serial number") if serial else _("lot")
            return Outcome(packing, _("Scan the %(what)s label of %(sku)s") % {"what": what, **said}, "warning")
        if serial and quantity != 1:
            raise ScanRejected(_("One scan per serial-numbered unit — scan each unit's serial"))
        lot_id = next((lot for lot, (lot_name, _q) in picked.items() if lot_name == name), None)
        if lot_id is None:
            wanted = ", ".join(sorted(lot_name for lot_name, _q in picked.values() if lot_name)[:3])
            if serial:
                why = _("Serial %(lot)s was not picked — picked %(wanted)s") % {"lot": name, "wanted": wanted}
            else:
                why = _("Wrong lot %(lot)s — picked %(wanted)s") % {"lot": name, "wanted": wanted}
            return _set_aside(packing, scan, product, why)
        if serial and packed.get(lot_id, ZERO) >= 1:
            raise ScanRejected(_("Serial %(lot)s is packed already") % {"lot": name})
    left = picked.get(lot_id, (None, ZERO))[1] - packed.get(lot_id, ZERO)
    if left <= 0:
        return _set_aside(packing, scan, product, _("One %(sku)s more than was picked") % said)
    if quantity > left and packing.next_quantity:
        raise ScanRejected(
            _("Only %(n)s more × %(sku)s to pack (typed %(typed)s)") % {"n": qty(left), "typed": qty(quantity), **said}
        )
    if quantity > left and scan.measure is not None:  # a piece heavier than what is left: not one picked
        raise ScanRejected(
            _("Only %(n)s more of %(sku)s to pack — the label says %(qty)s")
            % {"n": amount(left, product), "qty": amount(quantity, product), **said}
        )
    if quantity > left:
        raise ScanRejected(_("Only %(n)s more × %(sku)s to pack — scan them one by one") % {"n": qty(left), **said})
    check_room(carton, product, quantity, contents_from(in_cartons, carton))
    sql.add_item(
        carton_id=carton.pk,
        product_id=product.pk,
        lot_id=lot_id,
        quantity=quantity,
        actor_id=packing.actor_id,
        device=device[:64],
    )
    moved = packing.carton_id != carton.pk or packing.waiting != Waiting.ITEM or packing.next_quantity is not None
    packing.carton, packing.waiting, packing.next_quantity = carton, Waiting.ITEM, None
    if moved:  # most scans leave the place as it was: nothing to write
        packing.save(update_fields=["carton", "waiting", "next_quantity", "updated_at"])
    line_packed = sum(packed.values(), ZERO) + quantity
    line_picked = sum((q for _name, q in picked.values()), ZERO)
    by_product = defaultdict(Decimal)
    for (_carton, item, _lot), (units, _weight, _volume) in in_cartons.items():
        by_product[item] += units
    by_product[product.pk] += quantity
    seen = Seen(
        lines=lines,
        cartons=cartons,
        packed=by_product,
        last=(quantity, product.pk, product.sku, carton.number, carton.state),
        totes=totes,
    )
    message = _("%(qty)s × %(sku)s — %(done)s of %(of)s in carton %(n)s") % {
        "qty": qty(quantity),
        "done": qty(line_packed),
        "of": qty(line_picked),
        "n": carton.number,
        **said,
    }
    if line_packed < line_picked:
        return Outcome(packing, message, seen=seen)
    units, _weight, _volume = remaining(order)
    if units <= 0:
        return Outcome(packing, message + " · " + _("all packed: close the carton, then Done"), "document", seen)
    return Outcome(packing, message, "line", seen)
