"""Receiving at the dock, scan by scan: each scanner opens its own receipt once, then counts
items in, alternating a plain EAN and a GS1 label with a lot and an expiry (the lot is found or
made). Every scan is tallied on the receipt's line under the receipt's row lock."""

import uuid

from wire import Request

from scenarios import Load
from scenarios.scan import scanned

NAME = "receive_scan"
# The floor's normal load: 300 scanners, one scan every 2 s ± 0.5 s (≈150 scans/s).
NORMAL = Load(scanners=300, every=(1.5, 2.5))
SATURATION = Load(scanners=16)
LEDGER = False  # receiving tallies; stock moves when a receipt closes

EXPECTED = 1_000_000  # never reached: no scan stops for a supervisor


def setup(base) -> list[dict]:
    from importlib import import_module

    from django.conf import settings
    from django.db import transaction

    from floor.receiving.models import Receipt, ReceiptLine
    from floor.warehouse.gtin import check_digit
    from floor.warehouse.models import Product, ProductBarcode

    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    scanners = []
    with transaction.atomic():
        for n, user in enumerate(base.users, 1):
            items = []
            for kind, tracking in (("P", "none"), ("L", "lot")):
                body = f"40098{n:06d}{1 if kind == 'P' else 2}"
                ean = body + check_digit(body)
                product, _ = Product.objects.get_or_create(
                    sku=f"BENCH-RCV-{kind}{n:03d}", defaults={"name": f"Bench receipt item {n}", "tracking": tracking}
                )
                ProductBarcode.objects.get_or_create(code=ean.zfill(14), defaults={"product": product, "is_gtin": True})
                items.append((product, ean))
            receipt, _ = Receipt.objects.get_or_create(
                reference=f"BENCH/IN/{n:05d}", defaults={"warehouse": base.warehouse, "vendor": "Bench"}
            )
            Receipt.objects.filter(pk=receipt.pk).update(state=Receipt.State.OPEN)
            for product, _ean in items:
                ReceiptLine.objects.get_or_create(receipt=receipt, product=product, defaults={"expected": EXPECTED})
            session = session_store()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "floor.accounts.backends.BadgeBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            (_plain, ean), (_lot, lot_ean) = items
            scanners.append(
                {
                    "session": session.session_key,
                    "receipt": receipt.reference,
                    "item": ean,
                    "lot_label": f"01{lot_ean.zfill(14)}17301231\x1d10B{n:04d}",
                }
            )
    return scanners


async def scanner(s, data):
    s.cookies["sessionid"] = data["session"]
    page = await s.send(Request("GET", "/receive/"))
    if page.status != 200 or "csrftoken" not in s.cookies:
        raise RuntimeError(f"/receive/: HTTP {page.status}, csrftoken cookie {'csrftoken' in s.cookies}")
    headers = {"HX-Request": "true", "X-CSRFToken": s.cookies["csrftoken"]}
    device = f"bench-{s.n}"
    opened = await s.send(
        Request(
            "POST",
            "/receive/scan",
            form={"code": data["receipt"], "key": str(uuid.uuid4()), "device": device},
            headers=headers,
        )
    )
    if opened.status != 200:
        raise RuntimeError(f"opening {data['receipt']}: HTTP {opened.status}")
    while True:
        for code in (data["item"], data["lot_label"]):
            form = {"code": code, "key": str(uuid.uuid4()), "device": device}
            yield Request("POST", "/receive/scan", form=form, headers=headers, check=scanned)
