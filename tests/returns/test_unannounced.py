"""Parcels that come back without an announced return, and what comes back beyond what the
order shipped: opened from the order, its tracking label, its carton or its tote; an unknown
return to quarantine; items not on the order; more than shipped, on a supervisor's approval."""

from decimal import Decimal

import pytest

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move
from floor.odoo.models import Operation
from floor.picking.models import Order
from floor.returns.models import Inspection, Return
from tests import factories
from tests.packing.label_factories import closed_carton
from tests.packing.label_factories import station as a_station
from tests.pages import page_text
from tests.returns.conftest import MUG, TEA, grade, gs1, on_hand, post, scan
from tests.returns.factories import shipped_order

pytestmark = pytest.mark.django_db

KETTLE = factories.gtin13("400000000777")


@pytest.fixture
def parcel(floor):
    """Order SO-300 shipped 2 mugs and 2 tea (lot T-7), with no return announced for it."""
    order = shipped_order(floor.wh, (floor.mug, 2), (floor.tea, 2, floor.t7), reference="SO-300", odoo_id=600)
    floor.parcel_order = order
    return floor


def returns_of(order):
    return list(Return.objects.filter(order=order))


# --- Opened from its order


def test_a_parcel_without_a_return_is_opened_from_its_order(parcel):
    answer = page_text(scan(parcel.client, "SO-300"))
    [ret] = returns_of(parcel.parcel_order)
    assert "No return was announced: return SO-300-R1 made from order SO-300, 4 items shipped" in answer
    assert (ret.source, ret.state, ret.customer) == (Return.Source.UNANNOUNCED, Return.State.INSPECTING, "")
    assert {(line.product.sku, line.expected) for line in ret.lines.all()} == {("MUG", 2), ("TEA", 2)}


def test_what_came_back_before_is_not_expected_again(parcel):
    scan(parcel.client, "SO-300")
    scan(parcel.client, MUG)
    grade(parcel.client, "A")
    post(parcel.client, "close")
    answer = page_text(scan(parcel.client, "SO-300"))
    assert "return SO-300-R2 made from order SO-300, 3 items shipped" in answer
    second = Return.objects.get(reference="SO-300-R2")
    assert {(line.product.sku, line.expected) for line in second.lines.all()} == {("MUG", 1), ("TEA", 2)}


def test_an_order_all_back_already_is_refused(parcel):
    scan(parcel.client, "SO-300")
    for code in (MUG, MUG, gs1(TEA, lot="T-7"), gs1(TEA, lot="T-7")):
        scan(parcel.client, code)
        grade(parcel.client, "A")
    post(parcel.client, "close")
    answer = page_text(scan(parcel.client, "SO-300"))
    assert "Everything order SO-300 shipped has come back already" in answer and 'data-sound="error"' in answer
    assert len(returns_of(parcel.parcel_order)) == 1


def test_the_open_return_of_the_order_is_taken_not_a_new_one(parcel):
    scan(parcel.client, "SO-300")
    post(parcel.client, "scan", {"code": "CMD-CANCEL"})
    assert "Return SO-300-R1: 4 items expected" in page_text(scan(parcel.client, "SO-300"))
    assert len(returns_of(parcel.parcel_order)) == 1


def test_the_carriers_tracking_label_opens_the_order(parcel):
    Order.objects.filter(pk=parcel.parcel_order.pk).update(tracking="1Z999AA10123456784")
    assert "made from order SO-300" in page_text(scan(parcel.client, "1Z999AA10123456784"))


def test_the_cartons_label_opens_the_order(parcel):
    carton = closed_carton(a_station(parcel.wh), order=parcel.parcel_order)
    assert "made from order SO-300" in page_text(scan(parcel.client, carton.sscc))


def test_an_order_of_another_warehouse_is_refused(parcel):
    elsewhere = factories.warehouse("W2")
    shipped_order(elsewhere, (parcel.mug, 1), reference="SO-W2")
    answer = page_text(scan(parcel.client, "SO-W2"))
    assert "Order SO-W2 belongs to another warehouse" in answer
    assert not Return.objects.filter(order__reference="SO-W2").exists()


# --- A tote of returned goods


def test_a_return_set_aside_in_a_tote_is_opened_by_the_tote(parcel):
    tote = factories.tote(parcel.wh, "RT-01")
    scan(parcel.client, "SO-300")
    assert "Return SO-300-R1 set aside in tote RT-01" in page_text(scan(parcel.client, "RT-01"))
    post(parcel.client, "scan", {"code": "CMD-CANCEL"})
    assert "Return SO-300-R1: 4 items expected" in page_text(scan(parcel.client, "RT-01"))
    scan(parcel.client, MUG)
    grade(parcel.client, "A")
    post(parcel.client, "close")
    assert Return.objects.get(reference="SO-300-R1").tote is None  # the tote is free again
    assert "Tote RT-01 holds no return" in page_text(scan(parcel.client, tote.barcode))


def test_a_tote_holding_another_return_is_refused(parcel):
    factories.tote(parcel.wh, "RT-02")
    scan(parcel.client, "WH/RET/00001")
    scan(parcel.client, "RT-02")
    post(parcel.client, "scan", {"code": "CMD-CANCEL"})
    scan(parcel.client, "SO-300")
    assert "Tote RT-02 holds return WH/RET/00001 already" in page_text(scan(parcel.client, "RT-02"))


# --- Not on the order


def test_an_item_not_on_the_order_is_taken_in_for_quarantine(parcel):
    kettle = factories.product(gtin=KETTLE, sku="KETTLE")
    scan(parcel.client, "SO-300")
    answer = page_text(scan(parcel.client, KETTLE))
    assert "KETTLE was not on order SO-300: taken in for quarantine" in answer and 'data-sound="warning"' in answer
    assert "Not shipped on this order: to quarantine" in answer
    answer = page_text(grade(parcel.client, "A"))  # a grade that would restock it
    assert "KETTLE A: Quarantine, to" in answer
    assert on_hand(parcel.quarantine, kettle) == 1 and on_hand(parcel.input, kettle) == 0
    assert Inspection.objects.get(product=kettle).extra


def test_an_item_not_on_the_order_cannot_be_sent_elsewhere(parcel):
    factories.product(gtin=KETTLE, sku="KETTLE")
    scan(parcel.client, "SO-300")
    scan(parcel.client, KETTLE)
    answer = page_text(grade(parcel.client, "A", disposition="restock", reason="other"))
    assert "KETTLE was not shipped on this order: it goes to quarantine" in answer


def test_a_lot_not_on_the_order_is_taken_as_labelled(parcel):
    other = factories.product(gtin=factories.gtin13("400000000888"), sku="JAM", tracking="lot")
    scan(parcel.client, "SO-300")
    assert "JAM was not on order SO-300" in page_text(scan(parcel.client, gs1(other.gtin, lot="J-1")))
    assert Inspection.objects.get(product=other).lot.name == "J-1"


# --- More than shipped: a supervisor's badge and PIN


def supervisor_at(wh, badge="BDG-SUP", pin="4321"):
    return factories.user(roles=["supervisor"], wh=wh, badge=badge, pin=pin)


def test_more_than_shipped_is_taken_in_on_a_supervisors_approval(parcel):
    boss = supervisor_at(parcel.wh)
    scan(parcel.client, "SO-300")
    for _ in range(2):
        scan(parcel.client, MUG)
        grade(parcel.client, "A")
    before = Move.objects.count()
    assert "1 more × MUG than order SO-300 shipped (2)" in page_text(scan(parcel.client, MUG))
    assert "type your PIN to approve" in page_text(scan(parcel.client, "BDG-SUP"))
    assert Move.objects.count() == before
    answer = page_text(post(parcel.client, "approve", {"pin": "4321"}))
    assert "1 × MUG in: its grade?" in answer
    item = Inspection.objects.filter(product=parcel.mug).latest("pk")
    assert (item.extra, item.approved_by) == (True, boss)
    grade(parcel.client, "A")
    assert on_hand(parcel.input, parcel.mug) == 3
    assert ledger_differences() == []


def test_a_wrong_pin_asks_for_the_badge_again_and_takes_nothing(parcel):
    supervisor_at(parcel.wh)
    scan(parcel.client, "SO-300")
    for _ in range(3):
        scan(parcel.client, MUG)
        grade(parcel.client, "A")
    scan(parcel.client, "BDG-SUP")
    before = Move.objects.count()
    assert "Wrong PIN" in page_text(post(parcel.client, "approve", {"pin": "0000"}))
    assert "A supervisor must scan their badge first" in page_text(post(parcel.client, "approve", {"pin": "4321"}))
    assert Move.objects.count() == before


def test_an_inspectors_badge_cannot_approve(parcel):
    factories.user(roles=["inspector"], wh=parcel.wh, badge="BDG-INS")
    scan(parcel.client, "SO-300")
    for _ in range(3):
        scan(parcel.client, MUG)
        grade(parcel.client, "A")
    answer = page_text(scan(parcel.client, "BDG-INS"))
    assert "That badge cannot approve here" in answer


def test_cancel_drops_the_scan_waiting_for_a_supervisor(parcel):
    scan(parcel.client, "SO-300")
    for _ in range(3):
        scan(parcel.client, MUG)
        grade(parcel.client, "A")
    answer = page_text(post(parcel.client, "scan", {"code": "CMD-CANCEL"}))
    assert "Not taken in: put it aside for a supervisor" in answer
    assert "Scan each item" in answer
    assert on_hand(parcel.input, parcel.mug) == 2


# --- No order at all


def test_an_unknown_return_takes_anything_into_quarantine(parcel):
    kettle = factories.product(gtin=KETTLE, sku="KETTLE")
    answer = page_text(post(parcel.client, "unknown"))
    ret = Return.objects.get(source=Return.Source.UNKNOWN)
    assert f"Unknown return {ret.reference}: scan each item, all go to quarantine" in answer
    scan(parcel.client, KETTLE)
    grade(parcel.client, "A")
    scan(parcel.client, MUG)
    grade(parcel.client, "B")
    post(parcel.client, "close")
    assert on_hand(parcel.quarantine, kettle) == 1 and on_hand(parcel.quarantine, parcel.mug) == 1
    [returned, moved] = Operation.objects.filter(document=ret.reference).order_by("pk")
    assert returned.kind == Operation.Kind.RETURN and "delivery" not in returned.payload
    assert all(line["extra"] for line in returned.payload["lines"])
    assert moved.kind == Operation.Kind.INTERNAL
    assert ledger_differences() == []


def test_an_unknown_return_is_refused_while_another_is_open(parcel):
    scan(parcel.client, "WH/RET/00001")
    assert "Inspecting return WH/RET/00001: close it first" in page_text(post(parcel.client, "unknown"))
    assert not Return.objects.filter(source=Return.Source.UNKNOWN).exists()


def test_close_sends_what_the_order_did_not_ship_as_lines_of_their_own(parcel):
    factories.product(gtin=KETTLE, sku="KETTLE")
    scan(parcel.client, "SO-300")
    scan(parcel.client, MUG)
    grade(parcel.client, "A")
    scan(parcel.client, KETTLE)
    grade(parcel.client, "C")
    post(parcel.client, "close")
    ret = Return.objects.get(reference="SO-300-R1")
    returned = Operation.objects.filter(document=ret.reference, kind=Operation.Kind.RETURN).get()
    assert returned.payload["delivery"] == 600
    lines = {
        (line["product"], bool(line.get("extra"))): Decimal(line["quantity"]) for line in returned.payload["lines"]
    }
    kettle = Inspection.objects.get(product__sku="KETTLE").product_id
    assert lines == {(parcel.mug.pk, False): 1, (kettle, True): 1}
    assert ret.closed_at is not None
