"""The station's barcode, then a tote (or the order's reference): the order to pack."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from floor.errors import ScanRejected
from floor.packing.models import Carton, Packing, Station
from floor.packing.place import Outcome, Waiting, clear, said_code
from floor.picking.models import Order, Pick, TaskTote
from floor.scanning.parser import Kind, Scan
from floor.warehouse.models import Location, Tote


def take_station(packing: Packing, warehouse, scan: Scan) -> Outcome:
    station = Station.objects.select_related("location").filter(location_id=scan.location_id).first()
    if station is None:
        name = Location.objects.filter(pk=scan.location_id).values_list("name", flat=True).first()
        raise ScanRejected(_("%(name)s is no pack station — scan your station's barcode") % {"name": name})
    if station.warehouse_id != warehouse.pk:
        raise ScanRejected(_("Station %(station)s is of another warehouse") % {"station": station.name})
    if not station.active:
        raise ScanRejected(_("Station %(station)s is not in use — use another") % {"station": station.name})
    packing.station = station
    if packing.order_id is None:
        packing.waiting = Waiting.TOTE
    packing.save()
    if packing.order_id is None:
        return Outcome(packing, _("Station %(station)s — scan a tote") % {"station": station.name})
    return Outcome(packing, _("Station %(station)s") % {"station": station.name})


def take_tote(packing: Packing, scan: Scan) -> Outcome:
    warehouse_id = packing.station.warehouse_id
    if scan.kind == Kind.TOTE:
        binding = TaskTote.objects.select_related("order").filter(tote_id=scan.tote_id, freed_at=None).first()
        if binding is None:
            if not Tote.objects.filter(pk=scan.tote_id, warehouse_id=warehouse_id).exists():
                raise ScanRejected(_("Tote %(code)s is of another warehouse") % said_code(scan))
            raise ScanRejected(_("Tote %(code)s carries no order — scan a tote from picking") % said_code(scan))
        order = binding.order
    else:
        order = Order.objects.get(pk=scan.document.id)
        if not TaskTote.objects.filter(order=order, tote__isnull=False, freed_at=None).exists():
            raise ScanRejected(_("%(order)s has no tote waiting at packing") % {"order": order.reference})
    said = {"order": order.reference, **said_code(scan)}
    if order.warehouse_id != warehouse_id:
        raise ScanRejected(_("%(order)s is of another warehouse") % said)
    if packing.order_id is not None and packing.order.state != Order.State.PICKED:
        clear(packing)  # closed by someone else meanwhile: nothing of it to finish here
    if packing.order_id == order.pk:
        return Outcome(packing, _("%(code)s is %(order)s's too") % said)
    if packing.order_id is not None:
        raise ScanRejected(
            _("Finish %(current)s first — Done, or Leave it (scanned %(code)s of %(order)s)")
            % {"current": packing.order.reference, **said}
        )
    if order.state in (Order.State.OPEN, Order.State.IN_WAVE):
        left = Pick.objects.filter(order_line__order=order, state=Pick.State.OPEN).count()
        raise ScanRejected(
            ngettext(
                "%(order)s is still being picked — %(n)s stop left",
                "%(order)s is still being picked — %(n)s stops left",
                left,
            )
            % {**said, "n": left}
        )
    if order.state != Order.State.PICKED:
        raise ScanRejected(
            _("%(order)s is %(state)s — ask a supervisor") % {**said, "state": order.get_state_display().lower()}
        )
    packing.order = order
    packing.set_aside, packing.approver, packing.approval = [], None, ""
    packing.carton = order.cartons.filter(state=Carton.State.OPEN).select_related("carton_type").first()
    packing.waiting = Waiting.ITEM if packing.carton else Waiting.CARTON
    packing.save()
    others = list(
        TaskTote.objects.filter(order=order, tote__isnull=False, freed_at=None)
        .exclude(tote_id=scan.tote_id)
        .values_list("tote__barcode", flat=True)
    )
    message = _("Packing %(order)s") % said
    if others:
        message += " · " + _("its other totes: %(totes)s") % {"totes": ", ".join(others)}
    if order.odoo_changed:
        return Outcome(packing, message + " · " + _("changed in Odoo — ask a supervisor"), "warning")
    return Outcome(packing, message)
