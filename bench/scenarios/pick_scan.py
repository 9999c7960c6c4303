"""Picking, scan by scan: at each stop the bin, the item (a GS1 label with a count of 2), the
order's tote (which posts one move bin → tote through the ledger and the pick records), then SKIP
to the next stop. Each scanner holds its own task, leased to it, with its tote already bound and
STOPS stops in bins of its own. A stop wants far more than is ever picked in a run, so no stop
completes and the skip sends it to the end of the path: the task stays in a steady state, and
each scanner keeps walking its bins for as long as the run lasts."""

import re
import uuid

from wire import Request, Response

from scenarios import Load
from scenarios.scan import scanned

NAME = "pick_scan"
# The floor's normal load: 300 scanners, one scan every 2 s ± 0.5 s (≈150 scans/s).
NORMAL = Load(scanners=300, every=(1.5, 2.5))
SATURATION = Load(scanners=16)
LEDGER = True

STOPS = 6
WANTED = 1_000_000  # per stop: never reached
COUNT = 2  # units per item scan (AI 30 on the label)
WHERE = re.compile(rb'<p class="prompt-where">([^<]+)</p>')


def _ean(n: int) -> str:
    from floor.warehouse.gtin import check_digit

    body = f"40097{n:07d}"
    return body + check_digit(body)


def setup(base) -> list[dict]:
    from datetime import timedelta
    from importlib import import_module

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from floor.ledger import services as ledger
    from floor.ledger.models import Move
    from floor.picking.models import Order, OrderLine, Pick, PickerPlace, PickTask, TaskTote, Wave
    from floor.warehouse import services as warehouse
    from floor.warehouse.models import Location, Product, ProductBarcode

    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    zone = warehouse.add_zone(base.warehouse, name="Bench picking")
    vendor = warehouse.virtual_location(Location.Kind.VENDOR)
    now = timezone.now()
    scanners = []
    with transaction.atomic():
        wave, _ = Wave.objects.get_or_create(
            reference="BENCH-PICK",
            defaults={"warehouse": base.warehouse, "state": Wave.State.RELEASED, "released_at": now},
        )
        for n, user in enumerate(base.users, 1):
            product, _ = Product.objects.get_or_create(sku=f"BENCH-PICK-{n:03d}", defaults={"name": f"Bench pick {n}"})
            barcode, _ = ProductBarcode.objects.get_or_create(
                code=_ean(n).zfill(14), defaults={"product": product, "is_gtin": True}
            )
            if barcode.product_id != product.pk:
                raise RuntimeError(f"EAN {_ean(n)} already belongs to another bench item")
            bins = [warehouse.add_bin(zone, aisle="PK", bay=n, level=level) for level in range(1, STOPS + 1)]
            ledger.post(
                [
                    Move(product=product, from_location=vendor, to_location=b, quantity=WANTED, reference="BENCH")
                    for b in bins
                ],
                key=f"bench-pick-stock-{n}",
            )
            order = Order.objects.create(
                warehouse=base.warehouse, reference=f"BENCH/OUT/{n:05d}", state=Order.State.IN_WAVE, wave=wave
            )
            line = OrderLine.objects.create(order=order, product=product, ordered=WANTED * STOPS)
            task = PickTask.objects.create(
                wave=wave,
                warehouse=base.warehouse,
                reference=f"BENCH-PICK-{n:03d}",
                state=PickTask.State.ACTIVE,
                picker=user,
                started_at=now,
                lease_until=now + timedelta(hours=1),
            )
            picks = Pick.objects.bulk_create(
                [
                    Pick(task=task, order_line=line, product=product, location=b, quantity=WANTED, sequence=level)
                    for level, b in enumerate(bins, 1)
                ]
            )
            tote = warehouse.add_tote(base.warehouse, f"BENCH-T-{n:03d}")
            TaskTote.objects.create(task=task, order=order, tote=tote, bound_at=now)
            # Where "Get work" leaves a picker whose totes are bound: at the first stop.
            PickerPlace.objects.update_or_create(
                actor=user,
                defaults={
                    "warehouse": base.warehouse,
                    "task": task,
                    "pick": picks[0],
                    "waiting": PickerPlace.Waiting.BIN,
                },
            )
            # Signed in as a badge login would leave it, without paying for PBKDF2 300 times.
            session = session_store()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "floor.accounts.backends.BadgeBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            scanners.append(
                {
                    "session": session.session_key,
                    "bins": [b.barcode for b in bins],
                    "item": f"01{_ean(n).zfill(14)}30{COUNT}",
                    "tote": tote.barcode,
                }
            )
    return scanners


def _next_bin(response: Response, bins: list[str]) -> str | None:
    found = WHERE.search(response.body)
    where = found.group(1).decode() if found else None
    return where if where in bins else None


def skipped(bins: list[str]):
    def check(response: Response) -> str | None:
        if response.status != 200:
            return f"HTTP {response.status}"
        if b"feedback-error" in response.body or b"Skipped" not in response.body:
            return "not skipped"
        return None if _next_bin(response, bins) else "no next bin"

    return check


async def scanner(s, data):
    s.cookies["sessionid"] = data["session"]
    page = await s.send(Request("GET", "/pick/"))
    if page.status != 200 or "csrftoken" not in s.cookies:
        raise RuntimeError(f"/pick/: HTTP {page.status}, csrftoken cookie {'csrftoken' in s.cookies}")
    headers = {"HX-Request": "true", "X-CSRFToken": s.cookies["csrftoken"]}
    device = f"bench-{s.n}"
    bins = data["bins"]

    def scan(code, check):
        form = {"code": code, "key": str(uuid.uuid4()), "device": device}
        return Request("POST", "/pick/scan", form=form, headers=headers, check=check)

    # Wherever the task was left (a bench run stops mid-stop), SKIP starts a stop afresh.
    start = await s.send(scan("CMD-SKIP", skipped(bins)))
    here = _next_bin(start, bins)
    if start.status != 200 or here is None:
        raise RuntimeError(f"SKIP: HTTP {start.status}, no bin to go to")
    while True:
        yield scan(here, scanned)
        yield scan(data["item"], scanned)
        yield scan(data["tote"], scanned)
        here = _next_bin((yield scan("CMD-SKIP", skipped(bins))), bins)
