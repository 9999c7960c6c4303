from django.core.management.base import BaseCommand, CommandError

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move, Quant


class Command(BaseCommand):
    help = "Prove that every quant equals the sum of the ledger's moves."

    def handle(self, *args, **options):
        differences = ledger_differences()
        for d in differences[:50]:
            self.stderr.write(
                f"location {d['location']} product {d['product']} lot {d['lot']} package {d['package']}: "
                f"moves say {d['moves_say']}, quant says {d['quant_says']}"
            )
        if differences:
            raise CommandError(f"{len(differences)} quant(s) differ from the ledger")
        self.stdout.write(
            self.style.SUCCESS(f"Ledger exact: {Quant.objects.count()} quants match {Move.objects.count()} moves.")
        )
