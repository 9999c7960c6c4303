"""The demo's open work: orders (and some shipped, for returns to come back from), one wave
released, pack stations and carton types, receipts due from the vendors, expected returns."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from floor.demo.stock import new_name, pickable
from floor.ledger.models import Move
from floor.ledger.services import post
from floor.packing.models import CartonType, Station
from floor.picking import waves
from floor.picking.models import Order, OrderLine
from floor.receiving.models import Receipt, ReceiptLine
from floor.returns.models import Return, ReturnLine
from floor.warehouse.models import Location, Lot, Product, Warehouse
from floor.warehouse.services import location_of_kind, virtual_location

Kind = Location.Kind
Tracking = Product.Tracking

RECEIPTS, OPEN_ORDERS, SHIPPED_ORDERS, UNANNOUNCED = 12, 60, 8, 2
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


def _cutoff(rng: random.Random, today: date) -> tuple[str, datetime]:
    carrier, at = rng.choice(CARRIERS)
    return carrier, timezone.make_aware(datetime.combine(today, at))


def ship_history(rng, warehouse, stock, today) -> list[Order]:
    """Orders shipped before today, so that returns have something to come back from. Their goods
    left through the ledger (bin → customer) like any delivery."""
    customer_location = virtual_location(Kind.CUSTOMER)
    untracked = [s for s in pickable(stock) if s.product.tracking == Tracking.NONE and s.quantity > 4]
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
            tracking=f"1Z{rng.randint(10**13, 10**14 - 1)}",
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


def open_orders(rng, warehouse, stock, today) -> None:
    """Open orders asking only for what the bins hold, all of them together included."""
    available: dict[Product, int] = {}
    for s in pickable(stock):
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


def first_wave(warehouse) -> None:
    """One wave released, so the picker has work at the first "Get work"; the other open orders
    wait for the supervisor to build a wave."""
    wave = waves.build_wave(
        warehouse=warehouse, filters=waves.Filters(max_orders=DEMO_WAVE_ORDERS, totes_per_picker=DEMO_WAVE_TOTES)
    )
    waves.release_wave(wave=wave, actor=None)


def pack_stations(warehouse: Warehouse) -> None:
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


def open_receipts(rng, warehouse, products, today) -> None:
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
                        name=new_name(rng, taken, "L", 5),
                        expiry_date=today + timedelta(days=rng.randint(*shelf_life)),
                    )
                    new_lots.append(lot)
            lines.append(ReceiptLine(receipt=receipt, product=product, lot=lot, expected=expected))
    Lot.objects.bulk_create(new_lots)
    Receipt.objects.bulk_create(receipts)
    ReceiptLine.objects.bulk_create(lines)


def open_returns(rng, warehouse, shipped: list[Order]) -> None:
    """Returns announced for all but the last UNANNOUNCED shipped orders: their parcels come back
    with no RMA, to be opened from the order's number or the carrier's tracking label."""
    shipped = shipped[:-UNANNOUNCED]
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
