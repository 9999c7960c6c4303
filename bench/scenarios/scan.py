"""Move stock, scan by scan: bin A, the item, bin B (which posts one move A→B through the
ledger), then back: bin B, the item, bin A. Each scanner has its own bins and product, so
stock never runs out and scanners never wait on each other's rows."""

import uuid

from wire import Request, Response

from scenarios import Load

NAME = "scan"
# The floor's normal load: 300 scanners, one scan every 2 s ± 0.5 s (≈150 scans/s).
NORMAL = Load(scanners=300, every=(1.5, 2.5))
SATURATION = Load(scanners=16)
LEDGER = True

STOCK = 10


def setup(base) -> list[dict]:
    from importlib import import_module

    from django.conf import settings
    from django.db import transaction

    from floor.ledger import services as ledger
    from floor.ledger.models import Move
    from floor.warehouse import services as warehouse
    from floor.warehouse.gtin import check_digit
    from floor.warehouse.models import Location, Product, ProductBarcode

    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    zone = warehouse.add_zone(base.warehouse, name="Bench")
    vendor = warehouse.virtual_location(Location.Kind.VENDOR)
    scanners = []
    with transaction.atomic():
        for n, user in enumerate(base.users, 1):
            bin_a = warehouse.add_bin(zone, aisle="BZ", bay=n, level=1)
            bin_b = warehouse.add_bin(zone, aisle="BZ", bay=n, level=2)
            body = f"40099{n:07d}"
            ean = body + check_digit(body)
            product, _ = Product.objects.get_or_create(sku=f"BENCH-{n:03d}", defaults={"name": f"Bench item {n}"})
            barcode, _ = ProductBarcode.objects.get_or_create(
                code=ean.zfill(14), defaults={"product": product, "is_gtin": True}
            )
            if barcode.product_id != product.pk:
                raise RuntimeError(f"EAN {ean} already belongs to {barcode.product}")
            ledger.post(
                [Move(product=product, from_location=vendor, to_location=bin_a, quantity=STOCK, reference="BENCH")],
                key=f"bench-stock-{n}",
            )
            # Signed in as a badge login would leave it, without paying for PBKDF2 300 times.
            session = session_store()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "floor.accounts.backends.BadgeBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            scanners.append(
                {"session": session.session_key, "bin_a": bin_a.barcode, "item": ean, "bin_b": bin_b.barcode}
            )
    return scanners


def scanned(response: Response) -> str | None:
    if response.status != 200:
        return f"HTTP {response.status}"
    for band in (b"feedback-error", b"feedback-warning"):
        if band in response.body:
            return band.decode()
    return None


async def scanner(s, data):
    s.cookies["sessionid"] = data["session"]
    page = await s.send(Request("GET", "/move/"))
    if page.status != 200 or "csrftoken" not in s.cookies:
        raise RuntimeError(f"/move/: HTTP {page.status}, csrftoken cookie {'csrftoken' in s.cookies}")
    headers = {"HX-Request": "true", "X-CSRFToken": s.cookies["csrftoken"]}
    device = f"bench-{s.n}"
    a, item, b = data["bin_a"], data["item"], data["bin_b"]
    while True:
        for code in (a, item, b, b, item, a):
            form = {"code": code, "key": str(uuid.uuid4()), "device": device}
            yield Request("POST", "/move/scan", form=form, headers=headers, check=scanned)
