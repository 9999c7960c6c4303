"""The demo warehouse that `manage.py demo` loads: bins, products, stock, open work and one user per
role, enough to try every flow with a real scanner. The same on every machine (a fixed seed) and
loaded once: the whole load is one transaction, and its first stock post is the mark that it happened.
"""

import random
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from floor.accounts.roles import Role
from floor.accounts.services import enrol
from floor.demo import stock, work
from floor.ledger.models import Move
from floor.picking.models import Order
from floor.receiving.models import Receipt
from floor.returns.models import Return
from floor.warehouse.models import Location, Lot, Package, Product, Warehouse
from floor.warehouse.services import add_tote, create_warehouse

Kind = Location.Kind
Tracking = Product.Tracking

SEED = 20251122
WAREHOUSE_CODE = "WH"
WAREHOUSE_NAME = "Main warehouse"
PASSWORD = "floor-demo"  # noqa: S105 — a demo password, printed on purpose
PIN = "1234"

# (username, role, first name, last name); badges BDG-0001… in this order.
USERS = [
    ("receiver", Role.RECEIVER, "Rita", "Okafor"),
    ("picker", Role.PICKER, "Pablo", "García"),
    ("packer", Role.PACKER, "Paula", "Nowak"),
    ("counter", Role.COUNTER, "Carl", "Jensen"),
    ("inspector", Role.INSPECTOR, "Inês", "Costa"),
    ("supervisor", Role.SUPERVISOR, "Sam", "Taylor"),
]


class DatabaseNotEmpty(Exception):
    """The database holds products that are not the demo's (an Odoo pull, say): leave it alone."""


def is_loaded() -> bool:
    return Move.objects.filter(key=stock.MARKER_KEY).exists()


@dataclass
class Summary:
    counts: dict[str, int]
    users: list[tuple[str, str, str]]  # username, role, badge


@transaction.atomic
def load(*, today: date | None = None, seed: int = SEED) -> Summary | None:
    """Load the demo warehouse, or return None if it is already there."""
    if is_loaded():
        return None
    if Product.objects.exists():
        raise DatabaseNotEmpty("The database already holds products; the demo warehouse is not loaded into it.")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    warehouse = create_warehouse(code=WAREHOUSE_CODE, name=WAREHOUSE_NAME)
    zones, bins = stock.build_locations(warehouse)
    for n in range(1, stock.TOTES + 1):
        add_tote(warehouse, f"T-{n:04d}")
    pallets = Package.objects.bulk_create(
        [Package(barcode=f"PLT-{n:06d}") for n in range(1, stock.PALLETS_AT_INPUT + stock.PALLETS_IN_BINS + 1)]
    )
    products = stock.build_products(rng, zones)
    lots = stock.build_lots(rng, products, today)
    placed = stock.place_stock(rng, warehouse, bins, products, lots, pallets)
    stock.post_stock(placed)
    stock.fix_bins(placed)
    shipped = work.ship_history(rng, warehouse, placed, today)
    work.open_orders(rng, warehouse, placed, today)
    work.open_receipts(rng, warehouse, products, today)
    work.open_returns(rng, warehouse, shipped)
    work.first_wave(warehouse)
    work.pack_stations(warehouse)
    users = _enrol_users(warehouse)
    return Summary(counts=_counts(warehouse), users=users)


def _enrol_users(warehouse: Warehouse) -> list[tuple[str, str, str]]:
    users = []
    for n, (username, role, first_name, last_name) in enumerate(USERS, start=1):
        badge = f"BDG-{n:04d}"
        enrol(
            username=username,
            roles=[role],
            password=PASSWORD,
            badge=badge,
            pin=PIN,
            warehouse=warehouse,
            first_name=first_name,
            last_name=last_name,
        )
        users.append((username, str(role.label), badge))
    return users


def _counts(warehouse: Warehouse) -> dict[str, int]:
    return {
        "storage bins": Location.objects.filter(warehouse=warehouse, kind=Kind.STORAGE).count(),
        "totes": warehouse.totes.count(),
        "licence plates": Package.objects.count(),
        "products": Product.objects.count(),
        "lot-tracked": Product.objects.filter(tracking=Tracking.LOT).count(),
        "serial-tracked": Product.objects.filter(tracking=Tracking.SERIAL).count(),
        "lots and serials": Lot.objects.count(),
        "stock moves": Move.objects.count(),
        "open receipts": warehouse.receipts.filter(state=Receipt.State.OPEN).count(),
        "open orders": warehouse.orders.filter(state=Order.State.OPEN).count(),
        "orders in a released wave": warehouse.orders.filter(state=Order.State.IN_WAVE).count(),
        "pack stations": warehouse.stations.count(),
        "expected returns": warehouse.returns.filter(state=Return.State.EXPECTED).count(),
    }
