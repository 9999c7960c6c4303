"""Cycle counting, scan by scan: Get work (the warehouse's next open count, leased to the counter),
the bin, its items as they are (one by one, and a case scanned once with its quantity typed),
Done. Every scanner draws from the one queue of open counts, as counters on the floor do (a bin
another counter is taking right now is skipped), so none knows its next bin in advance: it reads
the bin from the screen, and the bin's name says what it holds. Of every ten bins five are as the
ledger says (Done adjusts nothing and tells Odoo), four are one unit short (Done posts the unit
to inventory loss and tells Odoo) and one is four short (beyond tolerance: a recount is raised,
behind every planned count). Each bin was counted once before, its lines kept, as in a warehouse
that has been counting. There are counts enough for a whole `make bench`; a count is 12 requests,
so bench/inprocess.py's whole rounds of 12 stop between two bins."""

import re
import uuid

from wire import Request, Response

from scenarios import Load
from scenarios.scan import scanned

NAME = "count_scan"
# The floor's normal load: 300 scanners, one scan every 2 s ± 0.5 s (≈150 scans/s).
NORMAL = Load(scanners=300, every=(1.5, 2.5))
SATURATION = Load(scanners=16)
LEDGER = True

# Normal load counts a bin every 24 s a scanner (≈350 bins in 28 s, and 300 held at its end);
# saturation, at 500 requests/s, would count 750 in 18 s; bench/inprocess.py 125 for 1500 requests.
BINS = 2000
AISLE = "CT"
PER_KIND = 20  # items of each kind (loose, case, pair): a bin holds one of each, by its bay
LOOSE, CASE, PAIR = 5, 24, 2  # what the counter finds of each
WHERE = re.compile(rb'<p class="prompt-where">([^<]+)</p>')
GET_WORK = b'hx-post="/count/work"'


def _ean(i: int) -> str:
    from floor.warehouse.gtin import check_digit

    body = f"40095{i:07d}"  # a range of its own: the other scenarios' items keep theirs
    return body + check_digit(body)


def _ledger_holds(bay: int) -> tuple[int, int, int]:
    """What the ledger says the bin holds, against what the counter finds (LOOSE, CASE, PAIR)."""
    if bay % 10 == 0:
        return LOOSE + 4, CASE, PAIR  # beyond the 2 units' tolerance: recounted
    if bay % 2 == 0:
        return LOOSE + 1, CASE, PAIR  # within it: one unit to inventory loss
    return LOOSE, CASE, PAIR


def setup(base) -> list[dict]:
    from importlib import import_module

    from django.conf import settings
    from django.db import transaction

    from floor.counting.models import CountLine, CountTask
    from floor.counting.raising import raise_count
    from floor.ledger import services as ledger
    from floor.ledger.models import Move
    from floor.warehouse import services as warehouse
    from floor.warehouse.models import Location, Product, ProductBarcode

    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    zone = warehouse.add_zone(base.warehouse, name="Bench counting")
    vendor = warehouse.virtual_location(Location.Kind.VENDOR)
    with transaction.atomic():
        products = []
        for i in range(3 * PER_KIND):
            product, _ = Product.objects.get_or_create(sku=f"BENCH-CNT-{i:02d}", defaults={"name": f"Bench count {i}"})
            barcode, _ = ProductBarcode.objects.get_or_create(
                code=_ean(i).zfill(14), defaults={"product": product, "is_gtin": True}
            )
            if barcode.product_id != product.pk:
                raise RuntimeError(f"EAN {_ean(i)} already belongs to another bench item")
            products.append(product)
        moves, earlier = [], []
        for bay in range(1, BINS + 1):
            shelf = warehouse.add_bin(zone, aisle=AISLE, bay=bay, level=1)
            for product, quantity in zip(_holds(products, bay), _ledger_holds(bay), strict=True):
                moves.append(
                    Move(product=product, from_location=vendor, to_location=shelf, quantity=quantity, reference="BENCH")
                )
            earlier.append(
                CountTask(
                    warehouse=base.warehouse,
                    location=shelf,
                    state=CountTask.State.DONE,
                    source=CountTask.Source.PLAN,
                    reason="Count plan (bench), last cycle",
                    counter=base.users[bay % len(base.users)],
                )
            )
            raise_count(
                warehouse_id=base.warehouse.pk,
                location_id=shelf.pk,
                source=CountTask.Source.PLAN,
                reason="Count plan (bench)",
            )
        for batch, start in enumerate(range(0, len(moves), 500)):
            ledger.post(moves[start : start + 500], key=f"bench-count-stock-{batch}")
        # A warehouse that counts holds the lines of its earlier counts. PostgreSQL plans Get work's
        # "not the recount of a bin they counted" with that table's statistics: taken empty, the
        # plan (kept by a pooled connection) reads every count line for every open count.
        CountLine.objects.bulk_create(
            CountLine(
                task=task,
                counter=task.counter,
                location=task.location,
                product=product,
                quantity=quantity,
                expected=quantity,
            )
            for task in CountTask.objects.bulk_create(earlier)
            for product, quantity in zip(
                _holds(products, task.location.bay), _ledger_holds(task.location.bay), strict=True
            )
        )

        items = [_ean(i) for i in range(3 * PER_KIND)]
        scanners = []
        for user in base.users:
            # Signed in as a badge login would leave it, without paying for PBKDF2 300 times.
            session = session_store()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "floor.accounts.backends.BadgeBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            scanners.append({"session": session.session_key, "items": items})
    return scanners


def _holds(items: list, bay: int) -> list:
    """The loose item, the case and the pair a bin holds: one of each kind, by the bin's bay."""
    return [items[kind * PER_KIND + bay % PER_KIND] for kind in range(3)]


def _bin(response: Response) -> str | None:
    found = WHERE.search(response.body)
    name = found.group(1).decode() if found else ""
    return name if name.startswith(f"{AISLE}-") else None


def given_a_bin(response: Response) -> str | None:
    return scanned(response) or (None if _bin(response) else "no bench bin to count")


def back_to_work(response: Response) -> str | None:
    if response.status != 200:
        return f"HTTP {response.status}"
    if b"feedback-error" in response.body or GET_WORK not in response.body:
        return "not counted"
    return None


async def scanner(s, data):
    s.cookies["sessionid"] = data["session"]
    page = await s.send(Request("GET", "/count/"))
    if page.status != 200 or "csrftoken" not in s.cookies:
        raise RuntimeError(f"/count/: HTTP {page.status}, csrftoken cookie {'csrftoken' in s.cookies}")
    headers = {"HX-Request": "true", "X-CSRFToken": s.cookies["csrftoken"]}
    device = f"bench-{s.n}"

    def post(path, check, **form):
        return Request(
            "POST",
            f"/count/{path}",
            form={**form, "key": str(uuid.uuid4()), "device": device},
            headers=headers,
            check=check,
        )

    # A bin still held from an earlier run is ended first (its bin scanned again, then Done), so
    # that the timed requests start at Get work. Gone to someone else meanwhile, Get work says so.
    held = _bin(page)
    if held:
        await s.send(post("scan", scanned, code=held))
        await s.send(post("done", back_to_work))
    while True:
        here = _bin((yield post("work", given_a_bin)))
        loose, case, pair = _holds(data["items"], int(here.split("-")[1]))
        yield post("scan", scanned, code=here)
        for _ in range(LOOSE):
            yield post("scan", scanned, code=loose)
        yield post("scan", scanned, code=case)
        yield post("quantity", scanned, quantity=str(CASE))
        for _ in range(PAIR):
            yield post("scan", scanned, code=pair)
        yield post("done", back_to_work)
