"""The demo's items: families of products with their vendor, zone, tracking and sizes, named from
word lists, with GTINs under a fixed company prefix."""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from floor.warehouse.gtin import check_digit
from floor.warehouse.models import Product

Tracking = Product.Tracking

# A fixed 7-digit GS1 company prefix; item references are 5 digits.
COMPANY_PREFIX = "8499901"
CASE_QUANTITY = Decimal(12)
ZONE_A, ZONE_B = "Zone A", "Zone B"  # ambient; cold and fast movers


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
