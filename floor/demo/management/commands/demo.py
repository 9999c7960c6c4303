import time

from django.core.management.base import BaseCommand

from floor.demo import warehouse as demo


class Command(BaseCommand):
    help = "Load the demo warehouse once: bins, products, stock, open documents and one user per role."

    def handle(self, *args, **options):
        # `make run` calls this on every start: when the demo is there, one query and out.
        if demo.is_loaded():
            self._already_loaded()
            return
        started = time.monotonic()
        try:
            summary = demo.load()
        except demo.DatabaseNotEmpty as refusal:
            self.stdout.write(self.style.WARNING(str(refusal)))
            return
        if summary is None:  # another process loaded it a moment ago
            self._already_loaded()
            return
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Demo warehouse {demo.WAREHOUSE_CODE} loaded in {elapsed:.1f} s:"))
        for what, count in summary.counts.items():
            self.stdout.write(f"  {count:>5}  {what}")
        self.stdout.write(f"Users (password {demo.PASSWORD}, PIN {demo.PIN}):")
        for username, role, badge in summary.users:
            self.stdout.write(f"  {username:<11} {badge}  {role}")

    def _already_loaded(self):
        usernames = ", ".join(username for username, *_ in demo.USERS)
        self.stdout.write(
            f"Demo warehouse {demo.WAREHOUSE_CODE} already loaded; nothing to do. Users: {usernames} "
            f"(password {demo.PASSWORD}, PIN {demo.PIN}, badges BDG-0001…BDG-{len(demo.USERS):04d})."
        )
