"""The bench's data, in the database DATABASE_URL names: the demo warehouse (`manage.py demo`, or
just warehouse WH while that command does not exist), scanner users bench001… with badges
BENCH-001… and PIN 1234, then each scenario's own data, and, when a scenario opens dashboards
beside its scanners, supervisors benchsup01… signed in. Writes one JSON file for the load client.

    DATABASE_URL=postgres://root@127.0.0.1/floor_bench python bench/setup_data.py --out fixture.json
"""

import argparse
import io
import json
import os
import sys
import time
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "floor.settings")

import django  # noqa: E402

django.setup()

import scenarios  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command, get_commands  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from floor.accounts.models import Profile  # noqa: E402
from floor.accounts.roles import Role  # noqa: E402
from floor.warehouse.models import Warehouse  # noqa: E402
from floor.warehouse.services import create_warehouse  # noqa: E402

PIN = "1234"


def demo_warehouse() -> Warehouse:
    if "demo" in get_commands():
        out = io.StringIO()
        call_command("demo", stdout=out)
        print(f"  manage.py demo: {out.getvalue().splitlines()[0]}", file=sys.stderr)
    else:
        print("  (no `manage.py demo` yet: warehouse WH only)", file=sys.stderr)
    return create_warehouse(code="WH", name="Main warehouse")


@transaction.atomic
def bench_users(warehouse: Warehouse, count: int) -> list:
    """Pickers bench001…, created in bulk: enrol() would hash a password and a PIN 300 times."""
    user_model = get_user_model()
    names = [f"bench{n:03d}" for n in range(1, count + 1)]
    existing = set(user_model.objects.filter(username__in=names).values_list("username", flat=True))
    # Hashed as the models hash them, once: PBKDF2 is slow by design.
    password = make_password(get_random_string(24))
    hashed = Profile()
    hashed.set_pin(PIN)
    pin = hashed.pin_hash
    user_model.objects.bulk_create(
        [
            user_model(username=name, password=password, first_name="Bench", last_name=name[5:])
            for name in names
            if name not in existing
        ]
    )
    users = list(user_model.objects.filter(username__in=names).order_by("username"))
    Profile.objects.bulk_create(
        [
            Profile(user=user, badge=f"BENCH-{user.username[5:]}", pin_hash=pin, warehouse=warehouse, language="en")
            for user in users
        ],
        ignore_conflicts=True,
    )
    # Each bench scanner may pick, receive, put away, pack, count and inspect returns: the scenarios
    # share the same people.
    roles = (Role.PICKER, Role.RECEIVER, Role.PACKER, Role.COUNTER, Role.INSPECTOR)
    groups = [Group.objects.get_or_create(name=role.value)[0] for role in roles]
    membership = user_model.groups.through
    membership.objects.bulk_create(
        [membership(user=user, group=group) for user in users for group in groups], ignore_conflicts=True
    )
    return list(user_model.objects.filter(username__in=names).select_related("profile").order_by("username"))


@transaction.atomic
def bench_supervisors(warehouse: Warehouse, count: int) -> list[dict]:
    """Supervisors benchsup01… of the bench warehouse, each signed in at a desk: the sessions their
    open dashboards use (bench/dashboards.py)."""
    user_model = get_user_model()
    names = [f"benchsup{n:02d}" for n in range(1, count + 1)]
    existing = set(user_model.objects.filter(username__in=names).values_list("username", flat=True))
    password = make_password(get_random_string(24))
    user_model.objects.bulk_create(
        [
            user_model(username=name, password=password, first_name="Bench", last_name=f"supervisor {name[8:]}")
            for name in names
            if name not in existing
        ]
    )
    users = list(user_model.objects.filter(username__in=names).order_by("username"))
    Profile.objects.bulk_create(
        [Profile(user=user, warehouse=warehouse, language="en") for user in users], ignore_conflicts=True
    )
    group = Group.objects.get_or_create(name=Role.SUPERVISOR.value)[0]
    membership = user_model.groups.through
    membership.objects.bulk_create([membership(user=user, group=group) for user in users], ignore_conflicts=True)
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    signed_in = []
    for user in users:
        # As a username and password login would leave it, without paying for PBKDF2 each time.
        session = session_store()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "floor.accounts.backends.PasswordBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        signed_in.append({"session": session.session_key, "warehouse": warehouse.pk})
    return signed_in


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--scenarios", default=",".join(scenarios.NAMES))
    args = parser.parse_args(argv)
    names = args.scenarios.split(",")
    modules = [scenarios.get(name) for name in names]
    # A scenario that drives another's scanners (pick_scan_dashboards) uses that one's data.
    data_modules = {scenarios.data_of(m): scenarios.get(scenarios.data_of(m)) for m in modules}.values()

    started = time.monotonic()
    warehouse = demo_warehouse()
    print(f"  demo data: {time.monotonic() - started:.1f} s", file=sys.stderr)
    count = max(max(m.NORMAL.scanners, m.SATURATION.scanners) for m in data_modules)
    base = SimpleNamespace(warehouse=warehouse, users=bench_users(warehouse, count), pin=PIN)
    fixture = {}
    for module in data_modules:
        started = time.monotonic()
        fixture[module.NAME] = module.setup(base)
        print(
            f"  {module.NAME}: data for {len(fixture[module.NAME])} scanners, {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )
    dashboards = max(getattr(m, "DASHBOARDS", 0) for m in modules)
    if dashboards:
        fixture[scenarios.DASHBOARDS] = bench_supervisors(warehouse, dashboards)
        print(f"  {dashboards} supervisors signed in for the dashboards", file=sys.stderr)
    with open(args.out, "w") as f:
        json.dump(fixture, f)


if __name__ == "__main__":
    main()
