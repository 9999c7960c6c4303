"""What the home screen shows: the work waiting for each of the person's roles."""

from django.urls import reverse
from django.utils.translation import gettext as _

from floor.accounts.roles import Role, has_role, roles_of
from floor.counting.models import CountTask
from floor.counting.raising import BUSY
from floor.counting.services import tasks_waiting
from floor.ledger.models import Quant
from floor.odoo.models import Operation, StockDifference, SyncException
from floor.picking.models import Order, PickTask
from floor.receiving.models import Receipt
from floor.returns.models import Return
from floor.warehouse.models import Location


def work_for(user, warehouse) -> dict:
    """Cards the person can open, and counts of what waits for their roles."""
    actions = []
    if has_role(user, Role.RECEIVER):
        actions.append({"title": _("Receive"), "hint": _("Receipts at the dock"), "url": reverse("receiving:receive")})
        actions.append({"title": _("Put away"), "hint": _("Input to bin"), "url": reverse("putaway:putaway")})
    if has_role(user, Role.PICKER):
        actions.append(
            {"title": _("Pick"), "hint": _("Get work: a wave's orders into totes"), "url": reverse("picking:pick")}
        )
    if has_role(user, Role.PACKER):
        actions.append({"title": _("Pack"), "hint": _("Totes into cartons, labelled"), "url": reverse("packing:pack")})
    if has_role(user, Role.COUNTER):
        actions.append({"title": _("Count"), "hint": _("Get work: bins to count"), "url": reverse("counting:count")})
    if has_role(user, Role.INSPECTOR):
        actions.append(
            {"title": _("Inspect"), "hint": _("Returns: grade each item"), "url": reverse("returns:inspect")}
        )
    actions.append({"title": _("Move stock"), "hint": _("Bin to bin"), "url": reverse("transfers:move")})
    waiting = []
    if warehouse is not None:
        if has_role(user, Role.RECEIVER):
            receipts = Receipt.objects.filter(warehouse=warehouse, state__in=["open", "receiving"]).count()
            waiting.append({"title": _("Receipts to receive"), "count": receipts})
            at_input = (
                Quant.objects.filter(location__warehouse=warehouse, location__kind=Location.Kind.INPUT, quantity__gt=0)
                .values("product", "package")
                .distinct()
                .count()
            )
            waiting.append({"title": _("Items and pallets to put away"), "count": at_input})
        if has_role(user, Role.PICKER):
            tasks = PickTask.objects.filter(warehouse=warehouse, state=PickTask.State.OPEN).count()
            waiting.append({"title": _("Pick tasks waiting"), "count": tasks})
        if has_role(user, Role.PICKER, Role.PACKER):
            orders = Order.objects.filter(warehouse=warehouse, state="open").count()
            waiting.append({"title": _("Orders to pick"), "count": orders})
        if has_role(user, Role.PACKER):
            picked = Order.objects.filter(warehouse=warehouse, state=Order.State.PICKED).count()
            waiting.append({"title": _("Orders to pack"), "count": picked})
        if has_role(user, Role.COUNTER):
            # Those they may take: a recount of their own count is someone else's.
            waiting.append({"title": _("Bins to count"), "count": tasks_waiting(warehouse=warehouse, actor=user)})
        if has_role(user, Role.INSPECTOR):
            returns = Return.objects.filter(warehouse=warehouse, state__in=["expected", "inspecting"]).count()
            waiting.append({"title": _("Returns to inspect"), "count": returns})
        if Role.SUPERVISOR in roles_of(user):
            actions.append(
                {
                    "title": _("Floor dashboard"),
                    "hint": _("The floor live: work, waves against cutoff, people, exceptions, sync"),
                    "url": reverse("dashboard:dashboard"),
                }
            )
            actions.append(
                {"title": _("Waves"), "hint": _("Build, release and follow waves"), "url": reverse("waves:waves")}
            )
            actions.append(
                {
                    "title": _("Pack stations"),
                    "hint": _("Printers, scales, carton types, labels"),
                    "url": reverse("stations:stations"),
                }
            )
            actions.append(
                {
                    "title": _("Counts"),
                    "hint": _("%(n)s waiting · plans, classes, today's bins")
                    % {"n": CountTask.objects.filter(warehouse=warehouse, state__in=BUSY).count()},
                    "url": reverse("counting:plans"),
                }
            )
            to_approve = CountTask.objects.filter(warehouse=warehouse, state=CountTask.State.APPROVAL).count()
            actions.append(
                {
                    "title": _("Counts to approve"),
                    "hint": _("%(n)s bins counted twice, the counts disagreeing") % {"n": to_approve},
                    "url": reverse("counting:approvals"),
                }
            )
            actions.append(
                {
                    "title": _("Count accuracy"),
                    "hint": _("Bins and units right first time"),
                    "url": reverse("counting:accuracy"),
                }
            )
            actions.append(
                {
                    "title": _("Returns inspected"),
                    "hint": _("Grades, dispositions, return rates · CSV"),
                    "url": reverse("returns:report"),
                }
            )
            actions.append(
                {
                    "title": _("Return grades"),
                    "hint": _("The grades inspectors tap, and where each sends the item"),
                    "url": reverse("returns:grades"),
                }
            )
            failed = Operation.objects.filter(warehouse=warehouse, state=Operation.State.FAILED).count()
            changed = SyncException.objects.filter(warehouse=warehouse, resolved=False).count()
            differing = StockDifference.objects.filter(warehouse=warehouse, state=StockDifference.State.OPEN).count()
            actions.append(
                {
                    "title": _("Odoo sync"),
                    "hint": _("%(failed)s failed · %(changed)s changed in Odoo")
                    % {"failed": failed, "changed": changed},
                    "url": reverse("odoo:operations"),
                }
            )
            actions.append(
                {
                    "title": _("Stock vs Odoo"),
                    "hint": _("%(n)s differences to look at") % {"n": differing},
                    "url": reverse("odoo:differences"),
                }
            )
            actions.append(
                {
                    "title": _("Changes from Odoo"),
                    "hint": _("Documents Odoo changed under way"),
                    "url": reverse("odoo:exceptions"),
                }
            )
            actions.append(
                {
                    "title": _("Locked sign-ins"),
                    "hint": _("Unlock someone after wrong PINs"),
                    "url": reverse("accounts:locked"),
                }
            )
    actions.append({"title": _("Labels"), "hint": _("Print bins, items, totes, badges"), "url": reverse("demo:labels")})
    actions.append(
        {"title": _("Scanner test"), "hint": _("See what a scan sends"), "url": reverse("scanning:selftest")}
    )
    return {
        "roles": [Role(r).label for r in Role if r in roles_of(user)],
        "actions": actions,
        "waiting": waiting,
    }
