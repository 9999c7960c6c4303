"""`manage.py plan_counts`: raise today's planned counts now, as the morning's beat does."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from floor.counting import planning
from floor.warehouse.models import Warehouse


class Command(BaseCommand):
    help = (
        "Raise the counts due today (classes A/B/C, zone, aisle and item plans, bins not counted for "
        "COUNT_NOT_COUNTED_DAYS), riskiest first, up to COUNT_DAILY_CAPACITY planned counts waiting per warehouse."
    )

    def add_arguments(self, parser):
        parser.add_argument("--warehouse", help="the warehouse's code (default: every warehouse)")
        parser.add_argument("--date", type=date.fromisoformat, help="plan as on this day (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="list what is due, raise nothing")

    def handle(self, *args, warehouse=None, date=None, dry_run=False, **options):
        warehouses = Warehouse.objects.order_by("code")
        if warehouse:
            warehouses = warehouses.filter(code=warehouse)
            if not warehouses:
                raise CommandError(f"No warehouse {warehouse}")
        for wh in warehouses:
            if dry_run:
                due = planning.due_counts(warehouse=wh, today=date)
                self.stdout.write(f"{wh.code}: {len(due)} bins due")
                for one in due:
                    self.stdout.write(f"  {one.location.name}  [{one.source} {one.priority}]  {one.reason}")
                continue
            raised = planning.make_due_counts(warehouse=wh, today=date)
            self.stdout.write(f"{wh.code}: {len(raised)} counts raised")
            for task in raised:
                self.stdout.write(f"  {task.location.name}  {task.reason}")
