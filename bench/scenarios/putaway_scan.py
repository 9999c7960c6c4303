"""Put away from input, scan by scan: the item (all of it waiting at input), then the bin Floor
suggests (which posts one move input → bin through the ledger and an internal operation to the
outbox). Each scanner has its own items at the warehouse's input and its own bin: half the items
have it as their fixed bin, the other half already have a unit there, so both suggestion rules
run. A scanner that has put all its items away goes on by undoing the last one (a reverse move
back to input) and putting it away again."""

import uuid

from wire import Request, Response

from scenarios import Load

NAME = "putaway_scan"
# The floor's normal load: 300 scanners, one scan every 2 s ± 0.5 s (≈150 scans/s).
NORMAL = Load(scanners=300, every=(1.5, 2.5))
SATURATION = Load(scanners=16)
LEDGER = True

# Items waiting at input per scanner: a normal-load scanner puts one away every ~4 s; the few
# that also run the saturation phase go as fast as the server lets them, and must not run out
# in it (at 500 scans/s, 18 s is 280 items each). Run out, they go on undoing and putting the
# last item again, a third more CPU a scan (bench/inprocess.py): that would measure undo.
ITEMS = 12
ITEMS_SATURATION = 400
UNITS = 6
MOVES_PER_POST = 500


def _ean(n: int, i: int) -> str:
    from floor.warehouse.gtin import check_digit

    body = f"40098{n:03d}{i:04d}"
    return body + check_digit(body)


def setup(base) -> list[dict]:
    from importlib import import_module

    from django.conf import settings
    from django.db import transaction

    from floor.ledger import services as ledger
    from floor.ledger.models import Move
    from floor.warehouse import services as warehouse
    from floor.warehouse.models import Location, Product, ProductBarcode

    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    zone = warehouse.add_zone(base.warehouse, name="Bench putaway")
    inbound = warehouse.location_of_kind(base.warehouse, Location.Kind.INPUT)
    vendor = warehouse.virtual_location(Location.Kind.VENDOR)
    scanners = []
    with transaction.atomic():
        homes, wanted = {}, []  # scanner → its bin; (scanner, item number, sku)
        for n, _user in enumerate(base.users, 1):
            homes[n] = warehouse.add_bin(zone, aisle="PW", bay=n, level=1)
            count = ITEMS_SATURATION if n <= SATURATION.scanners else ITEMS
            wanted += [(n, i, f"PUT-{n:03d}-{i:04d}") for i in range(1, count + 1)]
        Product.objects.bulk_create(
            [
                Product(
                    sku=sku,
                    name=f"Bench putaway item {n}/{i}",
                    zone=zone,
                    fixed_bin=homes[n] if i % 2 else None,
                )
                for n, i, sku in wanted
            ],
            ignore_conflicts=True,
        )
        products = {p.sku: p for p in Product.objects.filter(sku__startswith="PUT-")}
        ProductBarcode.objects.bulk_create(
            [ProductBarcode(product=products[sku], code=_ean(n, i).zfill(14), is_gtin=True) for n, i, sku in wanted],
            ignore_conflicts=True,
        )
        moves = []
        for n, i, sku in wanted:
            product = products[sku]
            moves.append(Move(product=product, from_location=vendor, to_location=inbound, quantity=UNITS))
            if not i % 2:
                # No fixed bin: one unit already in the scanner's bin makes it the suggestion.
                moves.append(Move(product=product, from_location=vendor, to_location=homes[n], quantity=1))
        for batch, start in enumerate(range(0, len(moves), MOVES_PER_POST)):
            chunk = moves[start : start + MOVES_PER_POST]
            for move in chunk:
                move.reference = "BENCH"
            ledger.post(chunk, key=f"bench-putaway-{batch}")

        items: dict[int, list[str]] = {}
        for n, i, _sku in wanted:
            items.setdefault(n, []).append(_ean(n, i))
        for n, user in enumerate(base.users, 1):
            # Signed in as a badge login would leave it, without paying for PBKDF2 300 times.
            session = session_store()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "floor.accounts.backends.BadgeBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            scanners.append({"session": session.session_key, "bin": homes[n].barcode, "items": items[n]})
    return scanners


def scanned(response: Response) -> str | None:
    if response.status != 200:
        return f"HTTP {response.status}"
    for band in (b"feedback-error", b"feedback-warning"):
        if band in response.body:
            return band.decode()
    return None


def suggests(bin_name: str):
    wanted = f'<p class="prompt-where">{bin_name}</p>'.encode()

    def check(response: Response) -> str | None:
        return scanned(response) or (None if wanted in response.body else f"suggested another bin than {bin_name}")

    return check


def undone(response: Response) -> str | None:
    if response.status != 200:
        return f"HTTP {response.status}"
    if b"feedback-error" in response.body or b"Undone:" not in response.body:
        return "not undone"
    return None


async def scanner(s, data):
    s.cookies["sessionid"] = data["session"]
    page = await s.send(Request("GET", "/putaway/"))
    if page.status != 200 or "csrftoken" not in s.cookies:
        raise RuntimeError(f"/putaway/: HTTP {page.status}, csrftoken cookie {'csrftoken' in s.cookies}")
    headers = {"HX-Request": "true", "X-CSRFToken": s.cookies["csrftoken"]}
    device = f"bench-{s.n}"
    home = data["bin"]

    def scan(code, check):
        form = {"code": code, "key": str(uuid.uuid4()), "device": device}
        return Request("POST", "/putaway/scan", form=form, headers=headers, check=check)

    for item in data["items"]:
        yield scan(item, suggests(home))
        yield scan(home, scanned)
    last = data["items"][-1]
    while True:
        yield scan("CMD-UNDO", undone)
        yield scan(last, suggests(home))
        yield scan(home, scanned)
