"""Inspecting returns, scan by scan: the item (which takes it in from the customer into the
returns area through the ledger), then a tap on its grade (which sends it on): A, restock to
input, and D, scrap, in turn. Each inspector has a return of their own, announced for an item of
their own, expecting far more than is ever scanned in a run, so scans never go over what the
order shipped and inspectors never wait on each other's rows. The return is opened before the
timed requests; it is never closed."""

import re
import uuid

from wire import Request, Response

from scenarios import Load
from scenarios.scan import scanned

NAME = "inspect_scan"
# The floor's normal load: 300 scanners, one scan every 2 s ± 0.5 s (≈150 scans/s).
NORMAL = Load(scanners=300, every=(1.5, 2.5))
SATURATION = Load(scanners=16)
LEDGER = True

EXPECTED = 1_000_000  # units of the return's one line: never reached
GRADES = ("A", "D")  # restock, scrap (settings.RETURN_GRADES)
WHERE = re.compile(rb'<p class="prompt-where">([^<]+)</p>')
GRADE_BUTTONS = b'hx-post="/inspect/grade"'
RETURN_PROMPT = b'hx-post="/inspect/unknown"'  # shown only while no return is open


def _ean(n: int) -> str:
    from floor.warehouse.gtin import check_digit

    body = f"40094{n:07d}"  # a range of its own: the other scenarios' items keep theirs
    return body + check_digit(body)


def _reference(n: int) -> str:
    return f"BENCH/RET/{n:03d}"


def setup(base) -> list[dict]:
    from importlib import import_module

    from django.conf import settings
    from django.db import transaction

    from floor.returns import grading
    from floor.returns.models import Return, ReturnLine
    from floor.warehouse.models import Product, ProductBarcode

    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    scanners = []
    with transaction.atomic():
        grading.table_of(base.warehouse)  # the warehouse's grades, as once it has inspected
        for n, user in enumerate(base.users, 1):
            product, _ = Product.objects.get_or_create(sku=f"BENCH-RET-{n:03d}", defaults={"name": f"Bench return {n}"})
            barcode, _ = ProductBarcode.objects.get_or_create(
                code=_ean(n).zfill(14), defaults={"product": product, "is_gtin": True}
            )
            if barcode.product_id != product.pk:
                raise RuntimeError(f"EAN {_ean(n)} already belongs to another bench item")
            ret, made = Return.objects.get_or_create(
                reference=_reference(n), defaults={"warehouse": base.warehouse, "customer": f"Bench customer {n}"}
            )
            if made:
                ReturnLine.objects.create(ret=ret, product=product, expected=EXPECTED)
            # Signed in as a badge login would leave it, without paying for PBKDF2 300 times.
            session = session_store()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "floor.accounts.backends.BadgeBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            scanners.append({"session": session.session_key, "return": ret.reference, "item": _ean(n)})
    return scanners


def _inspecting(response: Response) -> str | None:
    found = WHERE.search(response.body)
    return found.group(1).decode() if found else None


def asks_grade(response: Response) -> str | None:
    return scanned(response) or (None if GRADE_BUTTONS in response.body else "no grade asked")


def graded(reference: str):
    def check(response: Response) -> str | None:
        return scanned(response) or (None if _inspecting(response) == reference else "not back to the return")

    return check


async def scanner(s, data):
    s.cookies["sessionid"] = data["session"]
    page = await s.send(Request("GET", "/inspect/"))
    if page.status != 200 or "csrftoken" not in s.cookies:
        raise RuntimeError(f"/inspect/: HTTP {page.status}, csrftoken cookie {'csrftoken' in s.cookies}")
    headers = {"HX-Request": "true", "X-CSRFToken": s.cookies["csrftoken"]}
    device = f"bench-{s.n}"
    reference = data["return"]

    def post(path, check, **form):
        form = {**form, "key": str(uuid.uuid4()), "device": device}
        return Request("POST", f"/inspect/{path}", form=form, headers=headers, check=check)

    # Where an earlier run left the inspector: an item waiting for its grade is graded, and the
    # return is opened by its label when none is, so that the timed requests start at an item scan.
    if GRADE_BUTTONS in page.body:
        page = await s.send(post("grade", graded(reference), grade=GRADES[0]))
    if RETURN_PROMPT in page.body:
        page = await s.send(post("scan", scanned, code=reference))
    if _inspecting(page) != reference:
        raise RuntimeError(f"return {reference} not open: HTTP {page.status}")
    while True:
        for grade in GRADES:
            yield post("scan", asks_grade, code=data["item"])
            yield post("grade", graded(reference), grade=grade)
