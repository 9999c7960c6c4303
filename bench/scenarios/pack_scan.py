"""Packing, scan by scan: each scanner packs an order of its own at a station of its own. It scans
the station and the order's tote once (not timed), then item after item, each verified against
what was picked and recorded into the order's open carton. The tote holds far more than is ever
packed in a run, so the order never completes: a steady state. Nothing moves in the ledger until
an order is done, so check_ledger finds exactly the setup's stock."""

import uuid

from wire import Request

from scenarios import Load
from scenarios.scan import scanned

NAME = "pack_scan"
# The floor's normal load: 300 scanners, one scan every 2 s ± 0.5 s (≈150 scans/s).
NORMAL = Load(scanners=300, every=(1.5, 2.5))
SATURATION = Load(scanners=16)
LEDGER = True

PICKED = 1_000_000  # units in each order's tote: never all packed


def _ean(n: int) -> str:
    from floor.warehouse.gtin import check_digit

    body = f"40096{n:07d}"  # a range of its own: the other scenarios' items keep theirs
    return body + check_digit(body)


def setup(base) -> list[dict]:
    from importlib import import_module

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from floor.ledger import services as ledger
    from floor.ledger.models import Move
    from floor.packing.models import Carton, CartonType, Station
    from floor.picking.models import Order, OrderLine, Pick, PickRecord, PickTask, TaskTote, Wave
    from floor.warehouse import services as warehouse
    from floor.warehouse.models import Location, Product, ProductBarcode

    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    zone = warehouse.add_zone(base.warehouse, name="Bench packing")
    vendor = warehouse.virtual_location(Location.Kind.VENDOR)
    area = warehouse.location_of_kind(base.warehouse, Location.Kind.PACK)
    now = timezone.now()
    scanners = []
    with transaction.atomic():
        wave, _ = Wave.objects.get_or_create(
            reference="BENCH-PACK",
            defaults={"warehouse": base.warehouse, "state": Wave.State.DONE, "released_at": now},
        )
        # One carton for a whole run: items with no recorded weight or volume never fill it.
        carton_type, _ = CartonType.objects.get_or_create(
            warehouse=base.warehouse,
            code="BENCH",
            defaults={
                "name": "Bench carton",
                "length_cm": 60,
                "width_cm": 40,
                "height_cm": 40,
                "max_weight_kg": 30,
            },
        )
        for n, user in enumerate(base.users, 1):
            product, _ = Product.objects.get_or_create(sku=f"BENCH-PACK-{n:03d}", defaults={"name": f"Bench pack {n}"})
            barcode, _ = ProductBarcode.objects.get_or_create(
                code=_ean(n).zfill(14), defaults={"product": product, "is_gtin": True}
            )
            if barcode.product_id != product.pk:
                raise RuntimeError(f"EAN {_ean(n)} already belongs to another bench item")
            shelf = warehouse.add_bin(zone, aisle="PA", bay=n, level=1)
            tote = warehouse.add_tote(base.warehouse, f"BENCH-PT-{n:03d}")
            order = Order.objects.create(
                warehouse=base.warehouse, reference=f"BENCH/PACK/{n:05d}", state=Order.State.PICKED, wave=wave
            )
            line = OrderLine.objects.create(order=order, product=product, ordered=PICKED, picked=PICKED)
            task = PickTask.objects.create(
                wave=wave, warehouse=base.warehouse, reference=f"BENCH-PACK-{n:03d}", state=PickTask.State.DONE
            )
            pick = Pick.objects.create(
                task=task,
                order_line=line,
                product=product,
                location=shelf,
                quantity=PICKED,
                picked=PICKED,
                state=Pick.State.PICKED,
            )
            TaskTote.objects.create(task=task, order=order, tote=tote, bound_at=now)
            # Picked as the picker's flow leaves it: the units in the tote, with their pick record.
            key = f"bench-pack-stock-{n}"
            ledger.post(
                [Move(product=product, from_location=vendor, to_location=tote.location, quantity=PICKED)], key=key
            )
            PickRecord.objects.create(pick=pick, tote=tote, quantity=PICKED, key=key, actor=user)
            bench = Location.objects.create(
                warehouse=base.warehouse,
                parent=area,
                kind=Location.Kind.PACK,
                name=f"Bench pack {n:03d}",
                barcode=f"BENCH-PL-{n:03d}",
            )
            station = Station.objects.create(
                warehouse=base.warehouse, name=f"BENCH-{n:03d}", barcode=f"BENCH-ST-{n:03d}", location=bench
            )
            Carton.objects.create(order=order, station=station, carton_type=carton_type, opened_by=user)
            # Signed in as a badge login would leave it, without paying for PBKDF2 300 times.
            session = session_store()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "floor.accounts.backends.BadgeBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            scanners.append(
                {"session": session.session_key, "station": station.barcode, "tote": tote.barcode, "item": _ean(n)}
            )
    return scanners


async def scanner(s, data):
    s.cookies["sessionid"] = data["session"]
    page = await s.send(Request("GET", "/pack/"))
    if page.status != 200 or "csrftoken" not in s.cookies:
        raise RuntimeError(f"/pack/: HTTP {page.status}, csrftoken cookie {'csrftoken' in s.cookies}")
    headers = {"HX-Request": "true", "X-CSRFToken": s.cookies["csrftoken"]}
    device = f"bench-{s.n}"

    def scan(code):
        form = {"code": code, "key": str(uuid.uuid4()), "device": device}
        return Request("POST", "/pack/scan", form=form, headers=headers, check=scanned)

    # At the station with the order open (a run may start where an earlier one left off).
    for code in (data["station"], data["tote"]):
        answer = await s.send(scan(code))
        if scanned(answer):
            raise RuntimeError(f"{code}: {scanned(answer)}")
    while True:
        yield scan(data["item"])
