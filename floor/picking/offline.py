"""The task as the picker's device keeps it, so that a scan made where the Wi-Fi does not reach is
checked on the device (static/js/pick-offline.js) as stop.py would check it: the stops still open
in walking order (bin, item and its barcodes, the lot suggested, what is left, the order and its
tote), where the picker is, and every word the checks say, in the person's language. The words are
the msgids stop.py, place.py and task.py say, so the device says the server's words.

The pick page carries it. Every answer's screen carries `mark`, where the picker is, which the
device works out too and sends with each request (the `mark` it expects after it): an answer whose
mark differs carries the task again (without the words, which the page gave), so the device never
asks for it in a request of its own beside the scans. /pick/offline.json gives it too, for a page
whose copy does not agree with its screen.
"""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from floor.ledger.models import Quant
from floor.picking.models import Order, Pick, PickTask, TaskTote
from floor.picking.task import finished_words
from floor.warehouse.models import ProductBarcode
from floor.warehouse.quantities import plain

# Stops the device keeps ahead: a longer task's rest is checked when the network is back.
STOPS_KEPT = 40


def mark(context: dict) -> str:
    """Where the picker is (from the screen's context, no query): the task, the step, the stop,
    the quantity and lot under way, how far the task is, what is left at the stop."""
    task = context.get("task")
    if task is None:
        return ""
    picking, pick = context["picking"], context.get("pick")
    return "|".join(
        [
            task.reference,
            picking.waiting,
            str(pick.pk) if pick else "",
            plain(picking.quantity) if picking.quantity is not None else "",
            picking.lot.name if picking.lot_id else "",
            str(context["done"]),
            str(context["total"]),
            plain(context["remaining"]) if pick else "",
        ]
    )


def for_device(context: dict, *, page: bool = True) -> dict:
    """What the device keeps of the task on the screen (selectors.screen's context); with `page`,
    the words and how numbers are written too."""
    task = context.get("task")
    kept = {"task": None, "mark": ""}
    if page:
        kept.update(url=reverse("picking:offline"), words=words(), number=_number_format())
    if task is None:
        return kept
    picking = context["picking"]
    open_stops = list(
        Pick.objects.filter(task=task, state=Pick.State.OPEN)
        .select_related("product", "location", "lot", "order_line")
        .order_by("sequence", "pk")
    )
    stops = open_stops[:STOPS_KEPT]
    bindings = list(TaskTote.objects.filter(task=task).select_related("tote", "order").order_by("position", "pk"))
    items = {}
    for stop in stops:
        product = stop.product
        items.setdefault(
            str(product.pk), {"sku": product.sku, "name": product.name, "tracking": product.tracking, "codes": {}}
        )
    barcodes = ProductBarcode.objects.filter(product_id__in=[int(pk) for pk in items]).values_list(
        "product_id", "code", "quantity"
    )
    for product_id, code, per_scan in barcodes:
        items[str(product_id)]["codes"][code] = plain(per_scan)
    bound = [b for b in bindings if b.tote_id and b.freed_at is None]
    kept.update(
        task=task.reference,
        mark=mark(context),
        waiting=picking.waiting,
        stop=picking.pick_id,
        quantity=plain(picking.quantity) if picking.quantity is not None else None,
        lot=picking.lot.name if picking.lot_id else None,
        done=context["done"],
        total=context["total"],
        stops=[
            {
                "id": stop.pk,
                "bin": stop.location.name,
                "at": stop.location_id,
                # A bin no longer in use is refused by the parser, in its words: the server's to say.
                "code": stop.location.barcode if stop.location.active else None,
                "item": str(stop.product_id),
                "left": plain(stop.quantity - stop.picked),
                "lot": stop.lot.name if stop.lot_id else None,
                "order": str(stop.order_line.order_id),
            }
            for stop in stops
        ],
        more=len(open_stops) > len(stops),
        items=items,
        orders={str(b.order_id): {"ref": b.order.reference, "tote": _tote(b, bound)} for b in bindings},
        totes={b.tote.barcode: str(b.order_id) for b in bound},
        unbound=[str(b.order_id) for b in bindings if not b.tote_id],
        finish=_finish_said(task, bindings, bound, open_stops),
    )
    return kept


def _tote(binding: TaskTote, bound: list[TaskTote]) -> str | None:
    return binding.tote.barcode if binding in bound else None


def _finish_said(task: PickTask, bindings: list[TaskTote], bound: list[TaskTote], open_stops: list[Pick]) -> str:
    """What the end of the task will say (task._finish) once every open stop is put in full: the
    totes that will hold goods then, or, with no pack step, the orders that will ship."""
    receiving = {stop.order_line.order_id for stop in open_stops}
    holding = set(
        Quant.objects.filter(location_id__in=[b.tote.location_id for b in bound], quantity__gt=0).values_list(
            "location_id", flat=True
        )
    )
    totes = [b.tote.barcode for b in bound if b.order_id in receiving or b.tote.location_id in holding]
    shipped = 0
    if not settings.PACKING_STEP:
        ours = {b.order_id for b in bindings}
        elsewhere = set(
            Pick.objects.filter(order_line__order_id__in=ours, state=Pick.State.OPEN)
            .exclude(task=task)
            .values_list("order_line__order_id", flat=True)
        )
        settled = [Order.State.PACKED, Order.State.SHIPPED, Order.State.CANCELLED]
        shipped = (
            Order.objects.filter(pk__in=ours - elsewhere)
            .exclude(state__in=settled)
            .filter(Q(lines__picked__gt=0) | Q(pk__in=receiving))
            .distinct()
            .count()
        )
    return finished_words(task, shipped=shipped, totes=totes)


def _number_format() -> dict:
    """How qty() writes a number in the person's language (no grouping unless the settings ask)."""
    grouping = formats.get_format("NUMBER_GROUPING")
    thousand = formats.get_format("THOUSAND_SEPARATOR") if settings.USE_THOUSAND_SEPARATOR else ""
    return {
        "decimal": formats.get_format("DECIMAL_SEPARATOR"),
        "thousand": thousand if isinstance(grouping, int) and grouping > 0 else "",
        "grouping": grouping if isinstance(grouping, int) else 0,
    }


def words() -> dict:
    """The words of the checks (stop.py, place.py, problems.py, undo.py) and of the prompt
    (picking/_screen.jinja), with their placeholders for the device to fill."""
    return {
        # stop.py
        "wrong_bin": _("Wrong bin — expected %(bin)s (scanned %(code)s)"),
        "bin_first": _("Scan the bin first — expected %(bin)s (scanned %(code)s)"),
        "at_bin": _("Bin %(bin)s"),
        "item_first": _("Scan the item — expected %(sku)s (scanned %(code)s)"),
        "wrong_item": _("Wrong item — expected %(sku)s (scanned %(code)s)"),
        "one_serial": _("One scan per serial-numbered unit — scan each unit's serial"),
        "label": _("Scan the %(what)s label of %(sku)s"),
        "label_first": _("Scan the %(what)s label of %(sku)s (scanned %(code)s)"),
        "lot": _("lot"),
        "serial": _("serial number"),
        "ready": _("%(qty)s × %(sku)s"),
        "tote_for": _("Scan a tote for %(order)s (scanned %(code)s)"),
        "carries": _("Tote %(tote)s already carries %(order)s — take another"),
        "tote_first": _("Scan tote %(tote)s for %(order)s (scanned %(code)s)"),
        "wrong_tote": _("Wrong tote — expected %(tote)s for %(order)s (scanned %(code)s)"),
        "put": _("%(qty)s × %(sku)s in %(tote)s"),
        "bind_first": _("Bind the totes first"),
        "type_qty": _("Type the quantity, then scan the tote"),
        "does_nothing": _("%(command)s does nothing here"),
        # place.py
        "only": _("Only %(n)s to pick"),
        # scanning/selectors.py: what a rejection says was scanned
        "tote": _("tote %(code)s"),
        # problems.py
        "skipped": _("Skipped %(bin)s — it comes back at the end"),
        "last_stop": _("This is the last stop — pick it, or report a Problem"),
        # undo.py
        "nothing_to_cancel": _("Nothing to cancel"),
        "cancelled": _("Cancelled — nothing was recorded · scan the item"),
        # the prompt (picking/_screen.jinja, _title.jinja)
        "pick": _("Pick"),
        "get_work": _("Get work"),
        "scan_bin": _("Scan bin"),
        "scan_item": _("Scan the item"),
        "scan_lot": _("Scan the lot label"),
        "scan_serial": _("Scan the serial number"),
        "put_in": _("Put in tote"),
        "from": _("from"),
        "in": _("in"),
    }
