"""`manage.py odoo_reconcile`: compare Floor's stock with Odoo's now, as the nightly beat does."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooError
from floor.odoo.management.commands.odoo_check import _one_line
from floor.odoo.models import StockDifference
from floor.odoo.reconcile import ReconcileBusy, reconcile
from floor.warehouse.quantities import plain


class Command(BaseCommand):
    help = (
        "Pull from Odoo, then compare Floor's on-hand with Odoo's for every linked bin, item, lot and package. "
        "Prints what was compared and each open difference; supervisors act on them at /odoo/differences/."
    )

    def handle(self, *args, **options):
        try:
            client = OdooClient.from_settings()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        with client:
            try:
                run = reconcile(client=client)
            except ReconcileBusy:
                raise CommandError("A pull from Odoo is running: try again when it is done.") from None
            except OdooError as exc:
                raise CommandError(_one_line(client, exc)) from None
        out = self.stdout.write
        out(
            f"Compared {run.compared} bins and items with Odoo {client.url}: {run.differences} new differences, "
            f"{run.uncertain} left for next time (on their way to or from Odoo)"
        )
        open_ = StockDifference.objects.filter(state=StockDifference.State.OPEN).select_related(
            "warehouse", "location", "product", "lot"
        )
        for difference in open_.order_by("warehouse__code", "location__name", "product__sku"):
            lot = f" lot {difference.lot.name}" if difference.lot else ""
            out(
                self.style.WARNING(
                    f"  {difference.warehouse.code} {difference.location.name} {difference.product.sku}{lot}: "
                    f"Floor {plain(difference.floor_quantity)}, Odoo {plain(difference.odoo_quantity)} "
                    f"— {difference.cause}"
                )
            )
