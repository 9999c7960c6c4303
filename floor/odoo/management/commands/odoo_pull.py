"""`manage.py odoo_pull [--full]`: bring Odoo's changes over now, as the beat does every minute."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooError
from floor.odoo.management.commands.odoo_check import _one_line
from floor.odoo.pull import KINDS, pull


class Command(BaseCommand):
    help = (
        "Pull warehouses, locations, items, lots and open pickings from Odoo, then its on-hand stock (once per "
        "warehouse) and the moves Odoo made itself: what changed since the last pull, or everything with --full. "
        "Prints what was created and updated, and the exceptions raised."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true", help="read everything again, whatever changed since the last pull"
        )
        parser.add_argument(
            "--opening",
            action="store_true",
            help="take Odoo's on-hand stock as the opening balance of every warehouse that has none yet, even "
            "where Floor already holds stock of its own (which the first pull does not do on its own)",
        )

    def handle(self, *args, full=False, opening=False, **options):
        try:
            client = OdooClient.from_settings()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        with client:
            try:
                result = pull(client=client, full=full, opening=opening)
            except OdooError as exc:
                raise CommandError(_one_line(client, exc)) from None
        if result.skipped:
            raise CommandError("Another pull from Odoo is running: try again when it is done.")
        out = self.stdout.write
        out(f"Pulled from Odoo {client.url} ({'full' if full else 'changes only'}) in {result.calls} calls")
        width = max(len(kind) for kind in KINDS)
        for kind in KINDS:
            out(f"  {kind:<{width}}  created {result.created[kind]:>5}  updated {result.updated[kind]:>5}")
        line = f"  {'exceptions':<{width}}  {result.exceptions} new"
        out(self.style.WARNING(line) if result.exceptions else line)
