"""The demo warehouse that `manage.py demo` loads: bins, products, stock, open work and one user per
role, enough to try every flow with a real scanner. The same on every machine (a fixed seed) and
loaded once: the whole load is one transaction, and its first stock post is the mark that it happened.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from floor.accounts.roles import Role
from floor.accounts.services import enrol
from floor.ledger.models import Move
from floor.ledger.services import post
from floor.packing.models import CartonType, Station
from floor.picking import waves
from floor.picking.models import Order, OrderLine
from floor.receiving.models import Receipt, ReceiptLine
from floor.returns.models import Return, ReturnLine
from floor.warehouse.gtin import check_digit
from floor.warehouse.models import Location, Lot, Package, Product, ProductBarcode, Warehouse
from floor.warehouse.services import (
    add_bin,
    add_tote,
    add_zone,
    create_warehouse,
    location_of_kind,
    virtual_location,
)

Kind = Location.Kind
Tracking = Product.Tracking

SEED = 20251122
WAREHOUSE_CODE = "WH"
WAREHOUSE_NAME = "Main warehouse"
# The ledger never loses a move, so the first stock post marks a loaded demo for good.
STOCK_KEY = "demo-stock-{}"
MARKER_KEY = STOCK_KEY.format(0)
# Moves per post: each move touches two quants and post() matches them in one OR'ed query, which
# SQLite caps at an expression depth of 1000.
MOVES_PER_POST = 200
PASSWORD = "floor-demo"  # noqa: S105 — a demo password, printed on purpose
PIN = "1234"
# A fixed 7-digit GS1 company prefix; item references are 5 digits.
COMPANY_PREFIX = "8499901"
CASE_QUANTITY = Decimal(12)

# (username, role, first name, last name); badges BDG-0001… in this order.
USERS = [
    ("receiver", Role.RECEIVER, "Rita", "Okafor"),
    ("picker", Role.PICKER, "Pablo", "García"),
    ("packer", Role.PACKER, "Paula", "Nowak"),
    ("counter", Role.COUNTER, "Carl", "Jensen"),
    ("inspector", Role.INSPECTOR, "Inês", "Costa"),
    ("supervisor", Role.SUPERVISOR, "Sam", "Taylor"),
]

ZONE_A, ZONE_B = "Zone A", "Zone B"  # ambient; cold and fast movers
ZONE_AISLES = {ZONE_A: "ABCDE", ZONE_B: "FGH"}
BAYS, LEVELS = range(1, 11), range(1, 5)
# Aisles with measured shelves (m³ by level); the rest have no recorded capacity.
MEASURED_AISLES = {"A", "B", "F"}
FLOOR_LEVEL_CAPACITY, SHELF_CAPACITY = Decimal("1.2000"), Decimal("0.3000")
TOTES = 60
PALLETS_AT_INPUT, PALLETS_IN_BINS = 3, 2
FIXED_BINS = 3  # items waiting at input that have a fixed bin
RECEIPTS, OPEN_ORDERS, SHIPPED_ORDERS = 12, 60, 8
DEMO_WAVE_ORDERS, DEMO_WAVE_TOTES = 8, 4

# Pack benches, one pack location each under the warehouse's pack area: (name, printer, scale).
# PACK-1 prints from the label preview page. PACK-2's printer and scale are set to this machine,
# where nothing answers until they are pointed at real devices (the station page): the packer
# sees a label that failed, with Retry, and types the weight.
STATIONS = [("PACK-1", "", ""), ("PACK-2", "127.0.0.1", "127.0.0.1")]
# Carton types: code, name, length × width × height (cm), maximum and empty weight (kg).
CARTON_TYPES = [
    ("S", "Small box", "30", "20", "15", "5", "0.15"),
    ("M", "Medium box", "40", "30", "25", "12", "0.3"),
    ("L", "Large box", "60", "40", "40", "20", "0.6"),
    ("XL", "Extra-large box", "80", "60", "50", "30", "1.2"),
]

CUSTOMERS = [
    "Hartley Builders",
    "Casa Verde Interiors",
    "Northwind Facilities",
    "Bakerloo Cafés",
    "Smith & Daughters",
    "Fjord Marine Supply",
    "Riverside School",
    "Kowalski Renovations",
    "Lumen Offices",
    "Old Mill Hotel",
    "Greenfield Farm Shop",
    "Atelier Rouge",
    "Parkside Clinic",
    "Blue Door Deli",
    "Summit Roofing",
    "Harbour Lights Pub",
    "Oakridge Council",
    "Nova Print Studio",
    "Marlow Property Services",
    "Tandem Bikes",
]
# Carrier and its collection time today.
CARRIERS = [
    ("DHL", time(16, 0)),
    ("UPS", time(17, 0)),
    ("DPD", time(15, 30)),
    ("GLS", time(14, 0)),
    ("FedEx", time(18, 0)),
    ("Own van", time(12, 0)),
]
RETURN_REASONS = [
    "Damaged in transit",
    "Wrong item sent",
    "No longer needed",
    "Faulty on arrival",
    "Ordered the wrong size",
    "Arrived after the job",
]


def gtin13(item_reference: int) -> str:
    body = f"{COMPANY_PREFIX}{item_reference:05d}"
    return body + check_digit(body)


def case_gtin14(unit_gtin13: str) -> str:
    """The GTIN of a case of the unit: indicator digit 1, the unit's body, a new check digit."""
    body = "1" + unit_gtin13[:12]
    return body + check_digit(body)


@dataclass(frozen=True)
class Family:
    """Products that share a SKU prefix, a vendor, a zone, tracking and sizes."""

    prefix: str
    vendor: str
    zone: str
    tracking: str
    weight: tuple[float, float]  # kg
    volume: tuple[float, float]  # m³
    per_bin: tuple[int, int]  # units stocked per bin (per lot for lots)
    names: list[str] = field(repr=False)


def _families() -> list[Family]:
    zinc_steel_oxide = ["zinc", "stainless A2", "black oxide"]
    fasteners = (
        [
            f"Hex bolt M{d}×{length} {f} box 50"
            for d in (6, 8, 10, 12)
            for length in (20, 30, 40, 50, 60)
            for f in zinc_steel_oxide
        ]
        + [f"Hex nut M{d} {f} box 100" for d in (5, 6, 8, 10, 12, 16) for f in zinc_steel_oxide]
        + [f"Flat washer M{d} {f} box 200" for d in (5, 6, 8, 10, 12, 16) for f in zinc_steel_oxide]
        + [
            f"Wood screw {d}×{length} mm {head} box 200"
            for d in ("3.5", "4", "4.5", "5", "6")
            for length in (20, 30, 40, 50, 60, 80)
            for head in ("Pozi", "Torx")
        ]
        + [f"Self-tapping screw {d}×{length} mm box 200" for d in ("3.5", "4.2", "4.8") for length in (13, 19, 25, 32)]
        + [
            f"Coach screw M{d}×{length} zinc box 25"
            for d, length in ((8, 50), (8, 80), (8, 100), (10, 80), (10, 100), (10, 120))
        ]
        + [f"Wall plug {d} mm nylon box 100" for d in (5, 6, 8, 10, 12)]
        + [f"Threaded rod M{d}×1 m {f}" for d in (6, 8, 10, 12) for f in ("zinc", "stainless A2")]
        + [f"Round wire nail {length} mm galvanised 1 kg" for length in (40, 50, 65, 75, 90, 100)]
        + [f"Blind rivet {d}×{length} mm aluminium box 500" for d in ("3.2", "4", "4.8") for length in (8, 10, 12)]
    )
    ppe = (
        [f"Nitrile gloves {size} {colour} box 100" for colour in ("blue", "black") for size in ("S", "M", "L", "XL")]
        + [f"Cut-resistant gloves size {n}" for n in range(7, 12)]
        + [f"Hi-vis vest {colour} {size}" for colour in ("yellow", "orange") for size in ("M", "L", "XL", "XXL")]
        + [f"Safety boots S3 size {n}" for n in range(38, 48)]
        + [
            "Safety glasses clear",
            "Safety glasses tinted",
            "Safety glasses anti-fog",
            "Dust mask FFP2 box 20",
            "Dust mask FFP3 box 10",
            "Foam ear plugs box 200",
            "Ear defenders SNR 30 dB",
        ]
        + [f"Hard hat {colour}" for colour in ("white", "yellow", "blue", "red")]
    )
    power_tools = [
        "Cordless drill 18 V",
        "Impact driver 18 V",
        "Angle grinder 125 mm",
        "Circular saw 190 mm",
        "Jigsaw 650 W",
        "Laser distance meter 50 m",
        "Rotary hammer SDS-plus",
        "Orbital sander 125 mm",
        "Cordless multi-tool 12 V",
        "Heat gun 2000 W",
        "Green line laser",
        "Battery pack 18 V 5 Ah",
        "Battery charger 18 V",
        "Reciprocating saw 18 V",
        "Electric planer 82 mm",
        "Tile cutter 600 W",
    ]
    hand_tools = (
        [
            "Claw hammer 450 g",
            "Club hammer 1.25 kg",
            "Screwdriver set 8 pcs",
            "Utility knife 18 mm",
            "Snap-off blades 18 mm pack 10",
            "Hex key set metric 9 pcs",
            "Hacksaw 300 mm",
            "Socket set ½ in 24 pcs",
        ]
        + [f"Combination spanner {n} mm" for n in (8, 10, 12, 13, 14, 17, 19)]
        + [f"Tape measure {n} m" for n in (3, 5, 8)]
        + [f"Spirit level {n} cm" for n in (40, 60, 100, 120)]
        + [f"{kind} pliers {n} mm" for kind in ("Combination", "Long nose", "Side cutting") for n in (160, 200)]
        + [f"HSS drill bit {n} mm" for n in range(2, 14)]
        + [f"Masonry drill bit {n} mm" for n in (5, 6, 8, 10, 12)]
        + [f"Wood drill bit {n} mm" for n in (6, 8, 10, 12)]
    )
    electrical = (
        [
            f"LED bulb {base} {watts} W {tone} white"
            for base in ("E27", "E14", "GU10")
            for watts in (5, 7, 9)
            for tone in ("warm", "cool")
        ]
        + [f"Cable ties {length} mm {colour} pack 100" for length in (100, 200, 300) for colour in ("black", "natural")]
        + [
            f"Alkaline batteries {size} pack {n}"
            for size, n in (("AA", 4), ("AA", 24), ("AAA", 4), ("AAA", 24), ("9 V", 1), ("C", 2), ("D", 2))
        ]
        + [f"Extension lead {ways}-way {length} m" for ways in (4, 6) for length in ("1.5", "3", "5")]
        + [f"Insulating tape 19 mm {colour}" for colour in ("black", "red", "blue", "green/yellow", "white")]
        + [f"Installation cable 3G{size} mm² {length} m" for size in ("1.5", "2.5") for length in (25, 50, 100)]
        + [f"Lever connector {n}-way box 50" for n in (2, 3, 5)]
        + [f"Fuse {amps} A box 10" for amps in (3, 5, 10, 13)]
        + [f"Cable clips {n} mm box 100" for n in (5, 7, 10)]
        + ["Double socket white", "Light switch single white", "Light switch double white", "Junction box IP65"]
    )
    cleaning = (
        [f"Dish soap {v}" for v in ("500 ml", "1 L", "5 L")]
        + [f"Bleach {v}" for v in ("1 L", "5 L")]
        + [f"All-purpose cleaner {scent} {v}" for scent in ("lemon", "unscented") for v in ("750 ml", "5 L")]
        + [f"Paper towels {n} rolls" for n in (2, 6, 12)]
        + [f"Toilet paper {n} rolls" for n in (4, 9, 24)]
        + [f"Bin bags {litres} L roll {n}" for litres in (30, 60, 120) for n in (20, 50)]
        + [f"Microfibre cloths {colour} pack 10" for colour in ("blue", "green", "red", "yellow")]
        + [
            "Cotton mop head 400 g",
            "Hand soap 300 ml",
            "Hand soap refill 5 L",
            "Disinfectant wipes tub 100",
            "Floor cleaner 5 L",
            "Glass cleaner 750 ml",
            "Descaler 1 L",
            "Sponge scourers pack 10",
            "Dustpan and brush",
            "Mop bucket 15 L",
        ]
    )
    office = (
        [f"Copy paper {size} {grams} g ream 500" for size, grams in (("A4", 80), ("A4", 90), ("A4", 100), ("A3", 80))]
        + [f"Ballpoint pens {colour} box 50" for colour in ("blue", "black", "red")]
        + [f"Permanent marker {colour}" for colour in ("black", "blue", "red", "green")]
        + [f"Whiteboard marker {colour}" for colour in ("black", "blue", "red", "green")]
        + [f"Highlighter {colour}" for colour in ("yellow", "green", "pink", "orange")]
        + [f"Printer labels {size} mm box 100 sheets" for size in ("99.1×38.1", "63.5×38.1", "105×148", "210×297")]
        + [f"Lever arch file A4 75 mm {colour}" for colour in ("black", "blue", "red")]
        + [f"Ring binder A4 {n}-ring" for n in (2, 4)]
        + [f"Toner cartridge {colour}" for colour in ("black", "cyan", "magenta", "yellow")]
        + [
            "Stapler 24/6",
            "Staples 24/6 box 1000",
            "Sticky notes 76×76 mm pack 12",
            "Clipboard A4",
            "Envelopes C4 box 250",
            "Envelopes DL box 500",
            "Scissors 210 mm",
        ]
    )
    packaging = (
        [f"Shipping box {size} mm pack 25" for size in ("200×150×100", "300×200×150", "400×300×200", "600×400×400")]
        + [f"Packing tape {colour} 48 mm × 66 m" for colour in ("brown", "clear")]
        + ["Printed FRAGILE tape 48 mm × 66 m"]
        + [f"Bubble wrap {width} mm × 50 m" for width in (300, 500, 750)]
        + [f"Stretch film {width} mm × 300 m" for width in (450, 500)]
        + [f"Mailing bags {size} pack 100" for size in ("A5", "A4", "A3")]
        + [
            "Void fill paper roll 380 mm",
            "Fragile labels roll 500",
            "Strapping band 12 mm × 1000 m",
            "Pallet corner boards pack 50",
        ]
    )
    paints = (
        [f"Wall paint {colour} {v} L" for colour in ("white", "magnolia", "grey") for v in ("2.5", "5", "10")]
        + [
            "Wood glue 250 ml",
            "Wood glue 750 ml",
            "Silicone sealant white 310 ml",
            "Silicone sealant clear 310 ml",
            "Construction adhesive 310 ml",
            "Epoxy 2-part 25 ml",
            "Primer 1 L",
            "Primer 5 L",
        ]
        + [f"Spray paint {colour} 400 ml" for colour in ("black", "white", "red")]
    )
    food = [
        "Whole milk 1 L",
        "Semi-skimmed milk 1 L",
        "Butter 250 g",
        "Greek yoghurt 500 g",
        "Cheddar 200 g",
        "Mozzarella 125 g",
        "Single cream 200 ml",
        "Olive oil 500 ml",
        "Olive oil 1 L",
        "Olive oil 5 L",
        "Orange juice 1 L",
        "Apple juice 1 L",
        "Coffee beans 1 kg",
        "Ground coffee 250 g",
        "Basmati rice 1 kg",
        "Basmati rice 5 kg",
        "Spaghetti 500 g",
        "Penne 500 g",
        "Tomato passata 700 g",
        "Chickpeas 400 g",
        "Black tea 100 bags",
        "Green tea 50 bags",
        "Sugar 1 kg",
        "Plain flour 1 kg",
        "Honey 450 g",
        "Peanut butter 340 g",
        "Sparkling water 1.5 L",
        "Still water 1.5 L",
        "Dark chocolate 100 g",
        "Oat drink 1 L",
        "Smoked salmon 200 g",
        "Free-range eggs box 12",
    ]
    none, lot, serial = Tracking.NONE, Tracking.LOT, Tracking.SERIAL
    return [
        Family("FAS", "Nordic Fasteners AB", ZONE_A, none, (0.2, 2.5), (0.0002, 0.0015), (10, 80), fasteners),
        Family("PPE", "SafeWork PPE Ltd", ZONE_A, none, (0.1, 1.5), (0.0005, 0.008), (5, 60), ppe),
        Family("PWR", "Atlas Tools GmbH", ZONE_A, serial, (1.2, 4.5), (0.004, 0.02), (3, 6), power_tools),
        Family("TLS", "Atlas Tools GmbH", ZONE_A, none, (0.05, 1.6), (0.0001, 0.003), (3, 30), hand_tools),
        Family("ELE", "Voltline Electrical", ZONE_A, none, (0.03, 3.0), (0.0001, 0.004), (10, 100), electrical),
        Family("PNT", "ColorWorks Paints", ZONE_A, lot, (0.3, 13.0), (0.0004, 0.012), (4, 24), paints),
        Family("CLN", "CleanPro Supplies", ZONE_B, none, (0.3, 5.5), (0.0005, 0.007), (6, 48), cleaning),
        Family("OFF", "PaperMill Office", ZONE_B, none, (0.02, 2.6), (0.0001, 0.005), (5, 60), office),
        Family("PKG", "BoxCo Packaging", ZONE_B, none, (0.2, 6.0), (0.002, 0.03), (5, 40), packaging),
        Family("FOO", "Iberia Foods S.L.", ZONE_B, lot, (0.1, 5.0), (0.0002, 0.006), (12, 96), food),
    ]


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    family: Family
    gtin13: str
    weight: Decimal
    volume: Decimal
    case: bool  # has a case GTIN-14 for 12 units


def catalogue(rng: random.Random) -> list[ProductSpec]:
    """Every demo product, from the families' word lists; the same list for the same seed."""
    specs = []
    for family in _families():
        for n, name in enumerate(family.names, start=1):
            specs.append(
                ProductSpec(
                    sku=f"{family.prefix}-{n:04d}",
                    name=name,
                    family=family,
                    gtin13=gtin13(len(specs) + 1),
                    weight=Decimal(f"{rng.uniform(*family.weight):.3f}"),
                    volume=Decimal(f"{rng.uniform(*family.volume):.6f}"),
                    # Cases for the things that are bought and shipped by the dozen.
                    case=family.prefix in {"FOO", "CLN"} and rng.random() < 0.3,
                )
            )
    return specs


class DatabaseNotEmpty(Exception):
    """The database holds products that are not the demo's (an Odoo pull, say): leave it alone."""


def is_loaded() -> bool:
    return Move.objects.filter(key=MARKER_KEY).exists()


@dataclass
class Summary:
    counts: dict[str, int]
    users: list[tuple[str, str, str]]  # username, role, badge


@dataclass(eq=False)
class _Stock:
    """A quantity the demo puts somewhere, remembered so that orders only ask for what is there."""

    location: Location
    product: Product
    quantity: int
    lot: Lot | None = None
    package: Package | None = None


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
    zones, bins = _build_locations(warehouse)
    for n in range(1, TOTES + 1):
        add_tote(warehouse, f"T-{n:04d}")
    pallets = Package.objects.bulk_create(
        [Package(barcode=f"PLT-{n:06d}") for n in range(1, PALLETS_AT_INPUT + PALLETS_IN_BINS + 1)]
    )
    products = _build_products(rng, zones)
    lots = _build_lots(rng, products, today)
    stock = _place_stock(rng, warehouse, bins, products, lots, pallets)
    _post_stock(stock)
    _fix_bins(stock)
    shipped = _ship_history(rng, warehouse, stock, today)
    _open_orders(rng, warehouse, stock, today)
    _open_receipts(rng, warehouse, products, today)
    _open_returns(rng, warehouse, shipped)
    _first_wave(warehouse)
    _pack_stations(warehouse)
    users = _enrol_users(warehouse)
    return Summary(counts=_counts(warehouse), users=users)


def _build_locations(warehouse: Warehouse) -> tuple[dict[str, Location], dict[str, list[Location]]]:
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


def _build_products(rng: random.Random, zones: dict[str, Location]) -> list[Product]:
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


def _build_lots(rng: random.Random, products: list[Product], today: date) -> dict[int, list[Lot]]:
    """Lots (2–3 per lot-tracked product, the oldest of some expiring within two weeks) and serial
    numbers (3–6 per serial-tracked product)."""
    lots, names = [], set()

    def unique(prefix: str, digits: int) -> str:
        return _new_name(rng, names, prefix, digits)

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


def _new_name(rng: random.Random, taken: set[str], prefix: str, digits: int) -> str:
    """A lot or serial number not used yet (unique per product would do; unique overall reads better)."""
    while True:
        name = f"{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"
        if name not in taken:
            taken.add(name)
            return name


def _place_stock(rng, warehouse, bins, products, lots, pallets) -> list[_Stock]:
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
            stock += [_Stock(location, product, 1, lot=serial) for serial in lots[product.pk]]
        elif product.tracking == Tracking.LOT:
            for lot in lots[product.pk]:
                quantity = rng.randint(low, high)
                stock.append(_Stock(pick_bin(product, quantity), product, quantity, lot=lot))
        else:
            taken = []
            for _ in range(rng.choices([1, 2, 3], weights=[6, 3, 1])[0]):
                quantity = rng.randint(low, high)
                taken.append(pick_bin(product, quantity, taken))
                stock.append(_Stock(taken[-1], product, quantity))

    input_location = location_of_kind(warehouse, Kind.INPUT)
    untracked = [p for p in products if p.tracking == Tracking.NONE]
    lot_tracked = [p for p in products if p.tracking == Tracking.LOT]
    for product in rng.sample(untracked, 10):
        stock.append(_Stock(input_location, product, rng.randint(*product.spec.family.per_bin)))
    for product in rng.sample(lot_tracked, 2):
        stock.append(_Stock(input_location, product, rng.randint(6, 24), lot=lots[product.pk][-1]))
    for pallet in pallets[:PALLETS_AT_INPUT]:
        for product in rng.sample(untracked, rng.randint(1, 2)):
            stock.append(_Stock(input_location, product, rng.randint(20, 60), package=pallet))
    floor_bins = [b for b in bins[ZONE_A] if b.level == 1 and b.capacity_volume is None]
    ambient = [p for p in untracked if p.spec.family.zone == ZONE_A]
    for pallet in pallets[PALLETS_AT_INPUT:]:
        stock.append(_Stock(rng.choice(floor_bins), rng.choice(ambient), rng.randint(40, 120), package=pallet))
    return stock


def _fix_bins(stock: list[_Stock]) -> None:
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


def _post_stock(stock: list[_Stock]) -> None:
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


def _pickable(stock: list[_Stock]) -> list[_Stock]:
    """Loose stock in storage bins: what a picker can take for an order."""
    return [s for s in stock if s.location.kind == Kind.STORAGE and s.package is None and s.quantity > 0]


def _cutoff(rng: random.Random, today: date) -> tuple[str, datetime]:
    carrier, at = rng.choice(CARRIERS)
    return carrier, timezone.make_aware(datetime.combine(today, at))


def _ship_history(rng, warehouse, stock, today) -> list[Order]:
    """Orders shipped before today, so that returns have something to come back from. Their goods
    left through the ledger (bin → customer) like any delivery."""
    customer_location = virtual_location(Kind.CUSTOMER)
    untracked = [s for s in _pickable(stock) if s.product.tracking == Tracking.NONE and s.quantity > 4]
    orders, lines, moves = [], [], []
    for n in range(1, SHIPPED_ORDERS + 1):
        carrier, cutoff = _cutoff(rng, today - timedelta(days=rng.randint(3, 20)))
        order = Order(
            warehouse=warehouse,
            reference=f"WH/OUT/{n:05d}",
            customer=rng.choice(CUSTOMERS),
            carrier=carrier,
            cutoff=cutoff,
            state=Order.State.SHIPPED,
        )
        orders.append(order)
        for source in rng.sample(untracked, rng.randint(1, 3)):
            quantity = rng.randint(1, 3)
            source.quantity -= quantity
            untracked.remove(source)  # one line per stock row keeps the sums simple
            lines.append(OrderLine(order=order, product=source.product, ordered=quantity, picked=quantity))
            moves.append(
                Move(
                    product=source.product,
                    quantity=Decimal(quantity),
                    from_location=source.location,
                    to_location=customer_location,
                    device="demo",
                    reference=order.reference,
                )
            )
    Order.objects.bulk_create(orders)
    OrderLine.objects.bulk_create(lines)
    post(moves, key="demo-shipped")
    return orders


def _open_orders(rng, warehouse, stock, today) -> None:
    """Open orders asking only for what the bins hold, all of them together included."""
    available: dict[Product, int] = {}
    for s in _pickable(stock):
        available[s.product] = available.get(s.product, 0) + s.quantity
    orders, lines = [], []
    for n in range(SHIPPED_ORDERS + 1, SHIPPED_ORDERS + OPEN_ORDERS + 1):
        carrier, cutoff = _cutoff(rng, today)
        order = Order(
            warehouse=warehouse,
            reference=f"WH/OUT/{n:05d}",
            customer=rng.choice(CUSTOMERS),
            carrier=carrier,
            cutoff=cutoff,
            priority=1 if rng.random() < 0.2 else 0,
            order_type="B2B" if n % 5 == 0 else "B2C",  # not drawn: the demo's other draws stay as they were
        )
        orders.append(order)
        in_stock = [p for p, quantity in available.items() if quantity > 0]
        for product in rng.sample(in_stock, rng.randint(1, 6)):
            wanted = 1 if product.tracking == Tracking.SERIAL else rng.choices([1, 2, 3, 5, 10], [5, 4, 3, 2, 1])[0]
            quantity = min(wanted, available[product])
            available[product] -= quantity
            lines.append(OrderLine(order=order, product=product, ordered=quantity))
    Order.objects.bulk_create(orders)
    OrderLine.objects.bulk_create(lines)


def _first_wave(warehouse) -> None:
    """One wave released, so the picker has work at the first "Get work"; the other open orders
    wait for the supervisor to build a wave."""
    wave = waves.build_wave(
        warehouse=warehouse, filters=waves.Filters(max_orders=DEMO_WAVE_ORDERS, totes_per_picker=DEMO_WAVE_TOTES)
    )
    waves.release_wave(wave=wave, actor=None)


def _pack_stations(warehouse: Warehouse) -> None:
    """Two pack benches in the pack area and the carton types they use. Drawn from no random
    generator: the rest of the demo stays the same."""
    area = location_of_kind(warehouse, Kind.PACK)
    for name, printer, scale in STATIONS:
        bench = Location.objects.create(
            warehouse=warehouse,
            parent=area,
            kind=Kind.PACK,
            name=f"{area.name}/{name}",
            barcode=f"{warehouse.code}-{name}",
        )
        Station.objects.create(
            warehouse=warehouse, name=name, barcode=name, location=bench, printer_host=printer, scale_host=scale
        )
    CartonType.objects.bulk_create(
        [
            CartonType(
                warehouse=warehouse,
                code=code,
                name=name,
                barcode=f"CTN-{code}",
                length_cm=Decimal(length),
                width_cm=Decimal(width),
                height_cm=Decimal(height),
                max_weight_kg=Decimal(max_kg),
                tare_kg=Decimal(tare),
            )
            for code, name, length, width, height, max_kg, tare in CARTON_TYPES
        ]
    )


def _open_receipts(rng, warehouse, products, today) -> None:
    """Receipts from the vendors, due today and tomorrow. Lot-tracked lines mostly name the lot the
    vendor announced (so that a GS1 label can be printed for it); the rest leave it to the receiver."""
    by_vendor: dict[str, list[Product]] = {}
    for product in products:
        by_vendor.setdefault(product.spec.family.vendor, []).append(product)
    vendors = [
        "Nordic Fasteners AB",
        "Iberia Foods S.L.",
        "SafeWork PPE Ltd",
        "ColorWorks Paints",
        "Atlas Tools GmbH",
        "Voltline Electrical",
        "CleanPro Supplies",
        "Iberia Foods S.L.",
        "PaperMill Office",
        "BoxCo Packaging",
        "Nordic Fasteners AB",
        "ColorWorks Paints",
    ]
    receipts, lines, new_lots = [], [], []
    taken = set(Lot.objects.values_list("name", flat=True))
    for n, vendor in enumerate(vendors[:RECEIPTS], start=1):
        receipt = Receipt(
            warehouse=warehouse,
            reference=f"WH/IN/{n:05d}",
            vendor=vendor,
            vendor_reference=f"PO-{24000 + 37 * n}",
            expected_date=today + timedelta(days=0 if n <= 7 else 1),
        )
        receipts.append(receipt)
        offered = by_vendor[vendor]
        for product in rng.sample(offered, min(len(offered), rng.randint(2, 20))):
            lot = None
            if product.tracking == Tracking.SERIAL:
                expected = rng.randint(1, 3)
            else:
                expected = rng.choice([6, 12, 24, 36, 48, 60, 100])
                if product.tracking == Tracking.LOT and rng.random() < 2 / 3:
                    shelf_life = (30, 150) if product.spec.family.prefix == "FOO" else (180, 720)
                    lot = Lot(
                        product=product,
                        name=_new_name(rng, taken, "L", 5),
                        expiry_date=today + timedelta(days=rng.randint(*shelf_life)),
                    )
                    new_lots.append(lot)
            lines.append(ReceiptLine(receipt=receipt, product=product, lot=lot, expected=expected))
    Lot.objects.bulk_create(new_lots)
    Receipt.objects.bulk_create(receipts)
    ReceiptLine.objects.bulk_create(lines)


def _open_returns(rng, warehouse, shipped: list[Order]) -> None:
    returns, lines = [], []
    shipped_lines = OrderLine.objects.filter(order__in=shipped).select_related("order").order_by("pk")
    by_order: dict[int, list[OrderLine]] = {}
    for line in shipped_lines:
        by_order.setdefault(line.order_id, []).append(line)
    for n, order in enumerate(shipped, start=1):
        ret = Return(
            warehouse=warehouse,
            reference=f"WH/RET/{n:05d}",
            order=order,
            customer=order.customer,
            reason=rng.choice(RETURN_REASONS),
        )
        returns.append(ret)
        order_lines = by_order[order.pk]
        for line in rng.sample(order_lines, rng.randint(1, len(order_lines))):
            lines.append(ReturnLine(ret=ret, product=line.product, expected=rng.randint(1, int(line.ordered))))
    Return.objects.bulk_create(returns)
    ReturnLine.objects.bulk_create(lines)


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
