"""A receipt or an order Odoo never had (the demo's, goods that came without a document) still
reaches Odoo: its push makes the picking (a receipt from the vendor, a delivery to the customer),
fills it and validates it, exactly once, on 17, 18 and 19; and the pull never takes it for work."""

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from floor.ledger import services as ledger
from floor.ledger.models import Move
from floor.odoo import outbox, push
from floor.odoo.models import OdooMoveLine, Operation
from floor.picking.models import Order
from floor.receiving.models import Receipt, ReceiptLine
from floor.warehouse.models import Location, Lot, Package, Product, Warehouse
from floor.warehouse.services import location_of_kind, virtual_location
from tests import factories
from tests.odoo.pushing import sent
from tests.odoo.test_pull_support import connect, pull_now
from tests.odoo.test_stock_truth import floor_stock, odoo_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def odoo(odoo_double, settings):
    return connect(odoo_double, settings)


@pytest.fixture
def pulled(odoo):
    """Odoo holding stock in a bin, pulled: Floor's warehouse, bins, items, lots and its vendors and
    customers locations carry Odoo's ids, and Floor holds what Odoo holds."""
    bin_a = odoo.seed_location("A-01-01", parent=odoo.ids["shelf_1"], barcode="A-01-01")
    odoo.seed_stock(odoo.ids["product"], 20, location=bin_a)
    odoo.seed_stock(odoo.ids["product_lot"], 8, location=bin_a, lot="L-100")
    pull_now()
    assert floor_stock() == odoo_stock(odoo)
    return odoo, Location.objects.get(odoo_id=bin_a), bin_a


def floor_items():
    return Product.objects.get(sku="FW-100"), Product.objects.get(sku="FL-200")


def receipt_operation(bin_a, *, vendor="Floor Vendor Ltd", n=1):
    """What closing a receipt Odoo never had writes: vendor → bin moves, and its operation."""
    widget, lotted = floor_items()
    new_lot = Lot.objects.create(product=lotted, name="L-NEW")  # a lot first seen on the vendor's label
    vendors = virtual_location(Location.Kind.VENDOR)
    moves = ledger.post(
        [
            Move(product=widget, quantity=Decimal(6), from_location=vendors, to_location=bin_a),
            Move(product=lotted, lot=new_lot, quantity=Decimal(5), from_location=vendors, to_location=bin_a),
        ],
        key=f"receipt-{n}",
    )
    lines = [
        {"move": None, "product": m.product_id, "lot": m.lot_id, "package": None, "quantity": str(m.quantity)}
        for m in moves
    ]
    return outbox.enqueue(
        kind=Operation.Kind.RECEIPT,
        warehouse=bin_a.warehouse,
        reference=f"FLOOR-RCPT-{n}",
        payload={"picking": None, "partner": vendor, "lines": [{**line, "to": bin_a.pk} for line in lines]},
        document=f"WH/IN/{n:05d}",
    )


def delivery_operation(bin_a, *, customer="", n=1):
    """What packing an order Odoo never had writes: bin → customer moves (in a carton), and its operation."""
    widget, lotted = floor_items()
    picked_lot = Lot.objects.get(product=lotted, name="L-100")
    carton = Package.objects.create(barcode=f"0001234560000000{n:03d}")
    customers = virtual_location(Location.Kind.CUSTOMER)
    ledger.post(
        [
            Move(product=widget, quantity=Decimal(3), from_location=bin_a, to_location=customers),
            Move(product=lotted, lot=picked_lot, quantity=Decimal(2), from_location=bin_a, to_location=customers),
        ],
        key=f"delivery-{n}",
    )
    lines = [
        {"move": None, "product": widget.pk, "quantity": "3", "from": bin_a.pk, "lot": None, "package": carton.pk},
        {"move": None, "product": lotted.pk, "quantity": "2", "from": bin_a.pk, "lot": picked_lot.pk, "package": None},
    ]
    return outbox.enqueue(
        kind=Operation.Kind.DELIVERY,
        warehouse=bin_a.warehouse,
        reference=f"FLOOR-OUT-{n}",
        payload={"picking": None, "backorder": False, "partner": customer, "lines": lines},
        document=f"OUT/{n}",
    )


def made(odoo, op):
    return odoo.records(
        "stock.picking",
        [["origin", "=", op.reference]],
        ["state", "picking_type_id", "partner_id", "location_id", "location_dest_id"],
    )


def assert_the_pull_takes_nothing_for_work(odoo):
    receipts, orders = Receipt.objects.count(), Order.objects.count()
    pull_now()
    assert (Receipt.objects.count(), Order.objects.count()) == (receipts, orders)
    assert not OdooMoveLine.objects.filter(state="posted").exists()  # Floor's own moves, not Odoo's


def test_a_receipt_odoo_never_had_is_made_from_the_vendor_and_validated(pulled):
    odoo, bin_a, odoo_bin = pulled
    partner = odoo.seed_partner("Floor Vendor Ltd")
    op = sent(receipt_operation(bin_a))
    [picking] = made(odoo, op)
    assert picking["state"] == "done" and op.odoo_ids == {"picking": picking["id"], "backorders": []}
    assert picking["picking_type_id"][0] == odoo.ids["in_type"] and picking["partner_id"][0] == partner
    assert (picking["location_id"][0], picking["location_dest_id"][0]) == (odoo.ids["supplier"], odoo.ids["stock"])
    assert odoo.on_hand(odoo.ids["product"], odoo_bin) == 26.0
    [new_lot] = odoo.records("stock.lot", [["name", "=", "L-NEW"]], ["product_id"])
    assert odoo.on_hand(odoo.ids["product_lot"], odoo_bin, lot_id=new_lot["id"]) == 5.0
    assert_the_pull_takes_nothing_for_work(odoo)
    assert floor_stock() == odoo_stock(odoo)


def test_a_delivery_odoo_never_had_is_made_to_the_customer_and_validated(pulled):
    odoo, bin_a, odoo_bin = pulled
    op = sent(delivery_operation(bin_a, customer="Hartley Builders"))
    [picking] = made(odoo, op)
    assert picking["state"] == "done" and op.odoo_ids["picking"] == picking["id"]
    assert picking["picking_type_id"][0] == odoo.ids["out_type"] and not picking["partner_id"]  # Odoo has no such
    assert (picking["location_id"][0], picking["location_dest_id"][0]) == (odoo.ids["stock"], odoo.ids["customer"])
    assert odoo.on_hand(odoo.ids["product"], odoo_bin) == 17.0
    [lot] = odoo.records("stock.lot", [["name", "=", "L-100"]], ["id"])
    assert odoo.on_hand(odoo.ids["product_lot"], odoo_bin, lot_id=lot["id"]) == 6.0
    [carton] = odoo.records(odoo.package_model, [["name", "=", "0001234560000000001"]], ["id"])
    assert op.odoo_ids["packages"] == [carton["id"]]
    lines = odoo.records("stock.move.line", [["picking_id", "=", picking["id"]]], ["product_id", "result_package_id"])
    assert {line["product_id"][0]: line["result_package_id"] and line["result_package_id"][0] for line in lines} == {
        odoo.ids["product"]: carton["id"],
        odoo.ids["product_lot"]: False,
    }
    assert_the_pull_takes_nothing_for_work(odoo)
    assert floor_stock() == odoo_stock(odoo)


def test_the_customer_odoo_knows_is_the_deliverys_partner(pulled):
    odoo, bin_a, _odoo_bin = pulled
    [partner] = odoo.records("res.partner", [["id", "=", odoo.ids["customer_partner"]]], ["name"])
    op = sent(delivery_operation(bin_a, customer=partner["name"]))
    [picking] = made(odoo, op)
    assert picking["state"] == "done" and picking["partner_id"][0] == odoo.ids["customer_partner"]


@pytest.mark.parametrize("lost", ["create", "action_confirm", "button_validate"])
@pytest.mark.parametrize("kind", ["receipt", "delivery"])
def test_an_answer_lost_in_transit_still_makes_one_picking_validated_once(pulled, kind, lost):
    odoo, bin_a, odoo_bin = pulled
    op = receipt_operation(bin_a) if kind == "receipt" else delivery_operation(bin_a)
    odoo.commit_then_drop(model="stock.picking", method=lost, times=1)
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "pending" and op.attempts == 1  # looked like a network failure: retry later
    [half_done] = made(odoo, op)  # Odoo did commit it
    assert_the_pull_takes_nothing_for_work(odoo)  # a pull meanwhile does not take it for work either
    op.next_try_at = timezone.now()
    op.save()
    sent(op)
    [picking] = made(odoo, op)
    assert picking["id"] == half_done["id"] and picking["state"] == "done" and op.odoo_ids["picking"] == picking["id"]
    assert odoo.call_count(model="stock.picking", method="create") == 1
    assert odoo.call_count(model="stock.picking", method="button_validate") == 1
    assert odoo.on_hand(odoo.ids["product"], odoo_bin) == (26.0 if kind == "receipt" else 17.0)  # once
    assert_the_pull_takes_nothing_for_work(odoo)
    assert floor_stock() == odoo_stock(odoo)


def test_an_item_odoo_does_not_know_yet_waits_for_a_pull_and_makes_nothing(pulled):
    odoo, bin_a, _odoo_bin = pulled
    stranger = factories.product(sku="FLOOR-ONLY")
    op = outbox.enqueue(
        kind=Operation.Kind.RECEIPT,
        warehouse=bin_a.warehouse,
        reference="FLOOR-RCPT-9",
        payload={
            "picking": None,
            "partner": "",
            "lines": [
                {"move": None, "product": stranger.pk, "lot": None, "package": None, "quantity": "1", "to": bin_a.pk}
            ],
        },
    )
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "failed" and "pull from Odoo" in op.last_error
    assert made(odoo, op) == []


def test_a_demo_like_receipt_closed_on_the_floor_reaches_odoo(pulled, client, django_capture_on_commit_callbacks):
    """The whole way: a receipt Floor holds with no Odoo id is received and closed at the dock; its
    operation says there is no Odoo picking, and its push makes the receipt in Odoo."""
    odoo, bin_a, _odoo_bin = pulled
    widget, _lotted = floor_items()
    wh = Warehouse.objects.get(odoo_id=odoo.ids["warehouse"])
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/00001", vendor="Nordic Fasteners AB")
    ReceiptLine.objects.create(receipt=receipt, product=widget, expected=12)
    client.force_login(factories.user(roles=["receiver"], wh=wh))

    def post(url, **data):
        data = {"key": str(uuid.uuid4()), "device": "test", **data}
        return client.post(url, data, HTTP_HX_REQUEST="true").content.decode()

    post("/receive/scan", code="WH/IN/00001")
    post("/receive/quantity", quantity="12")
    post("/receive/scan", code=widget.barcodes.get().code)
    with django_capture_on_commit_callbacks(execute=False):
        assert "closed" in post("/receive/close")
    [op] = Operation.objects.all()
    assert (op.kind, op.reference, op.document) == ("receipt", f"FLOOR-RCPT-{receipt.pk}", "WH/IN/00001")
    assert op.payload["picking"] is None and op.payload["partner"] == "Nordic Fasteners AB"
    input_area = location_of_kind(wh, Location.Kind.INPUT)
    assert op.payload["lines"] == [
        {"move": None, "product": widget.pk, "lot": None, "package": None, "quantity": "12", "to": input_area.pk}
    ]
    sent(op)
    [picking] = made(odoo, op)
    # Floor's input is an area Odoo does not model: the goods are in Odoo's stock location.
    assert picking["state"] == "done" and picking["location_dest_id"][0] == odoo.ids["stock"]
    assert odoo.on_hand(odoo.ids["product"], odoo.ids["stock"]) == 32.0
    assert_the_pull_takes_nothing_for_work(odoo)
    receipt.refresh_from_db()
    assert receipt.state == "done" and receipt.odoo_id is None
