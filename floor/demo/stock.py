"""The demo's bins, items, lots and the stock in them: most in bins, some at input waiting for
putaway (loose and on pallets), posted through the ledger from the vendor."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from floor.demo.catalogue import CASE_QUANTITY, ZONE_A, ZONE_B, case_gtin14, catalogue
from floor.ledger.models import Move
from floor.ledger.services import post
from floor.warehouse.models import Location, Lot, Package, Product, ProductBarcode, Warehouse
from floor.warehouse.services import add_bin, add_zone, location_of_kind, virtual_location

Kind = Location.Kind
Tracking = Product.Tracking

# The ledger never loses a move, so the first stock post marks a loaded demo for good.
STOCK_KEY = "demo-stock-{}"
MARKER_KEY = STOCK_KEY.format(0)
# Moves per post: each move touches two quants and post() matches them in one OR'ed query, which
# SQLite caps at an expression depth of 1000.
MOVES_PER_POST = 200

ZONE_AISLES = {ZONE_A: "ABCDE", ZONE_B: "FGH"}
BAYS, LEVELS = range(1, 11), range(1, 5)
# Aisles with measured shelves (m³ by level); the rest have no recorded capacity.
MEASURED_AISLES = {"A", "B", "F"}
FLOOR_LEVEL_CAPACITY, SHELF_CAPACITY = Decimal("1.2000"), Decimal("0.3000")
TOTES = 60
PALLETS_AT_INPUT, PALLETS_IN_BINS = 3, 2
FIXED_BINS = 3  # items waiting at input that have a fixed bin


@dataclass(eq=False)
class Stock:
    """A quantity the demo puts somewhere, remembered so that orders only ask for what is there."""

    location: Location
    product: Product
    quantity: int
    lot: Lot | None = None
    package: Package | None = None


def build_locations(warehouse: Warehouse) -> tuple[dict[str, Location], dict[str, list[Location]]]:
    zones, bins = {}, {}
    for zone_name, aisles in ZONE_AISLES.items():
        zone = zones[zone_name] = add_zone(warehouse, name=zone_name)
        bins[zone_name] = [
            add_bin(zone, aisle=aisle, bay=bay, level=level, capacity_volume=_capacity(aisle, level))
            for aisle in aisles
            for bay in BAYS
            for level in LEVELS
        ]
    return zones, bins


def _capacity(aisle: str, level: int) -> Decimal | None:
    if aisle not in MEASURED_AISLES:
        return None
    return FLOOR_LEVEL_CAPACITY if level == 1 else SHELF_CAPACITY


def build_products(rng: random.Random, zones: dict[str, Location]) -> list[Product]:
    specs = catalogue(rng)
    products = Product.objects.bulk_create(
        [
            Product(
                sku=s.sku,
                name=s.name,
                tracking=s.family.tracking,
                weight=s.weight,
                volume=s.volume,
                zone=zones[s.family.zone],
            )
            for s in specs
        ]
    )
    barcodes = []
    for spec, product in zip(specs, products, strict=True):
        product.spec = spec  # kept on the instance for the steps that follow
        barcodes.append(ProductBarcode(product=product, code=spec.gtin13.zfill(14), is_gtin=True))
        if spec.case:
            barcodes.append(
                ProductBarcode(product=product, code=case_gtin14(spec.gtin13), is_gtin=True, quantity=CASE_QUANTITY)
            )
    ProductBarcode.objects.bulk_create(barcodes)
    return products


def build_lots(rng: random.Random, products: list[Product], today: date) -> dict[int, list[Lot]]:
    """Lots (2–3 per lot-tracked product, the oldest of some expiring within two weeks) and serial
    numbers (3–6 per serial-tracked product)."""
    lots, names = [], set()

    def unique(prefix: str, digits: int) -> str:
        return new_name(rng, names, prefix, digits)

    for product in products:
        if product.tracking == Tracking.LOT:
            food = product.spec.family.prefix == "FOO"
            days = rng.randint(3, 14) if food and rng.random() < 0.4 else rng.randint(20, 90 if food else 365)
            for _ in range(rng.randint(2, 3)):
                lots.append(Lot(product=product, name=unique("L", 5), expiry_date=today + timedelta(days=days)))
                days += rng.randint(14, 60 if food else 180)
        elif product.tracking == Tracking.SERIAL:
            for _ in range(rng.randint(3, 6)):
                lots.append(Lot(product=product, name=unique("SN", 8)))
    by_product: dict[int, list[Lot]] = {}
    for lot in Lot.objects.bulk_create(lots):
        by_product.setdefault(lot.product_id, []).append(lot)
    return by_product


def new_name(rng: random.Random, taken: set[str], prefix: str, digits: int) -> str:
    """A lot or serial number not used yet (unique per product would do; unique overall reads better)."""
    while True:
        name = f"{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"
        if name not in taken:
            taken.add(name)
            return name


def place_stock(rng, warehouse, bins, products, lots, pallets) -> list[Stock]:
    """Most products in 1–3 bins of their zone, lots each in a bin, serials one unit each; some stock
    (loose and on pallets) still at input, waiting for putaway."""
    room = {b.pk: b.capacity_volume for b in bins[ZONE_A] + bins[ZONE_B]}

    def fits(location: Location, product: Product, quantity: int) -> bool:
        if room[location.pk] is None:
            return True
        need = product.volume * quantity
        if need > room[location.pk]:
            return False
        room[location.pk] -= need
        return True

    def pick_bin(product: Product, quantity: int, taken=()) -> Location:
        candidates = [b for b in bins[product.spec.family.zone] if b not in taken]
        for location in rng.sample(candidates, 12):
            if fits(location, product, quantity):
                return location
        # Every sampled shelf was full: any bin without a recorded capacity will do.
        return rng.choice([b for b in candidates if room[b.pk] is None])

    stock = []
    for product in products:
        low, high = product.spec.family.per_bin
        if product.tracking == Tracking.SERIAL:
            location = pick_bin(product, len(lots[product.pk]))
            stock += [Stock(location, product, 1, lot=serial) for serial in lots[product.pk]]
        elif product.tracking == Tracking.LOT:
            for lot in lots[product.pk]:
                quantity = rng.randint(low, high)
                stock.append(Stock(pick_bin(product, quantity), product, quantity, lot=lot))
        else:
            taken = []
            for _ in range(rng.choices([1, 2, 3], weights=[6, 3, 1])[0]):
                quantity = rng.randint(low, high)
                taken.append(pick_bin(product, quantity, taken))
                stock.append(Stock(taken[-1], product, quantity))

    input_location = location_of_kind(warehouse, Kind.INPUT)
    untracked = [p for p in products if p.tracking == Tracking.NONE]
    lot_tracked = [p for p in products if p.tracking == Tracking.LOT]
    for product in rng.sample(untracked, 10):
        stock.append(Stock(input_location, product, rng.randint(*product.spec.family.per_bin)))
    for product in rng.sample(lot_tracked, 2):
        stock.append(Stock(input_location, product, rng.randint(6, 24), lot=lots[product.pk][-1]))
    for pallet in pallets[:PALLETS_AT_INPUT]:
        for product in rng.sample(untracked, rng.randint(1, 2)):
            stock.append(Stock(input_location, product, rng.randint(20, 60), package=pallet))
    floor_bins = [b for b in bins[ZONE_A] if b.level == 1 and b.capacity_volume is None]
    ambient = [p for p in untracked if p.spec.family.zone == ZONE_A]
    for pallet in pallets[PALLETS_AT_INPUT:]:
        stock.append(Stock(rng.choice(floor_bins), rng.choice(ambient), rng.randint(40, 120), package=pallet))
    return stock


def fix_bins(stock: list[Stock]) -> None:
    """A few of the items waiting at input get a fixed bin (a pick face: the bin holding most of
    them), so putaway shows that rule too. Chosen without the random generator, so the rest of
    the demo stays the same."""
    loose_at_input = sorted(
        {s.product for s in stock if s.location.kind == Kind.INPUT and s.package is None and s.lot is None},
        key=lambda p: p.sku,
    )
    for product in loose_at_input[:FIXED_BINS]:
        in_bins = [s for s in stock if s.product == product and s.location.kind == Kind.STORAGE and s.package is None]
        if in_bins:
            fixed = max(in_bins, key=lambda s: (s.quantity, -s.location.pk)).location
            Product.objects.filter(pk=product.pk, fixed_bin=None).update(fixed_bin=fixed)


def post_stock(stock: list[Stock]) -> None:
    vendor = virtual_location(Kind.VENDOR)
    moves = [
        Move(
            product=s.product,
            lot=s.lot,
            to_package=s.package,
            quantity=Decimal(s.quantity),
            from_location=vendor,
            to_location=s.location,
            device="demo",
            reference="Opening stock",
        )
        for s in stock
    ]
    for n, start in enumerate(range(0, len(moves), MOVES_PER_POST)):
        post(moves[start : start + MOVES_PER_POST], key=STOCK_KEY.format(n))


def pickable(stock: list[Stock]) -> list[Stock]:
    """Loose stock in storage bins: what a picker can take for an order."""
    return [s for s in stock if s.location.kind == Kind.STORAGE and s.package is None and s.quantity > 0]
