"""`manage.py rcn_region WH [REGION]`: the region whose rule reads a warehouse's store price and
weight labels (GS1 prefixes 02, 20–29); without REGION, what it is; `-` clears it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from floor.warehouse.models import RCN_REGION_CHOICES, Warehouse


class Command(BaseCommand):
    help = "Show or set the region rule for a warehouse's store price and weight labels."

    def add_arguments(self, parser):
        parser.add_argument("warehouse", help="the warehouse's code")
        parser.add_argument("region", nargs="?", help="dk, ee, fi, de, gb, lv, lt, no, se; - to clear")

    def handle(self, *args, warehouse, region, **options):
        found = Warehouse.objects.filter(code=warehouse).first()
        if found is None:
            raise CommandError(f"No warehouse {warehouse}")
        if region is not None:
            region = "" if region == "-" else region.lower()
            if region and region not in dict(RCN_REGION_CHOICES):
                raise CommandError(f"No rule for region {region}: {', '.join(dict(RCN_REGION_CHOICES))}")
            found.rcn_region = region
            found.save(update_fields=["rcn_region"])
        own = found.rcn_region or f"none (the setting's: {settings.GS1_RCN_REGION or 'none'})"
        self.stdout.write(f"{found.code}: {own}")
