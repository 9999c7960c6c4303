"""An inspector takes a return in as a scanner sends it: the return, each item, a tap on its grade."""

from decimal import Decimal

import pytest

from floor.home import work_for
from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move
from floor.odoo.models import Operation
from floor.returns.models import Inspection, Return
from floor.warehouse.models import Location
from floor.warehouse.services import virtual_location
from tests import factories
from tests.pages import page_text
from tests.picking.factories import order as an_order
from tests.returns.conftest import MUG, PHONE, TEA, grade, gs1, on_hand, post, scan
from tests.returns.factories import announced_return

pytestmark = pytest.mark.django_db


def state(ret):
    ret.refresh_from_db()
    return ret.state


def nothing_moved_since(count):
    return Move.objects.count() == count


# --- Find the return


def test_the_return_opens_by_its_reference_and_shows_what_is_expected(floor):
    answer = page_text(scan(floor.client, "WH/RET/00001"))
    assert "4 items expected" in answer and "MUG" in answer and "PHONE" in answer
    assert state(floor.ret) == Return.State.INSPECTING


def test_the_return_opens_by_its_order(floor):
    assert "4 items expected" in page_text(scan(floor.client, "SO-100"))


def test_an_order_that_has_not_shipped_cannot_come_back(floor):
    an_order(floor.wh, (floor.mug, 1), reference="SO-200")
    answer = page_text(scan(floor.client, "SO-200"))
    assert "Order SO-200 has not shipped" in answer and 'data-sound="error"' in answer
    assert not Return.objects.filter(order__reference="SO-200").exists()


def test_a_return_of_another_warehouse_is_refused(floor):
    elsewhere = factories.warehouse("W2")
    announced_return(elsewhere, None, (floor.mug, 1), reference="W2/RET/1")
    answer = page_text(scan(floor.client, "W2/RET/1"))
    assert "belongs to another warehouse" in answer
    assert Return.objects.get(reference="W2/RET/1").state == Return.State.EXPECTED


def test_a_closed_return_is_refused(floor):
    Return.objects.filter(pk=floor.ret.pk).update(state=Return.State.DONE)
    assert "closed already" in page_text(scan(floor.client, "WH/RET/00001"))


def test_an_unknown_code_is_refused(floor):
    answer = page_text(scan(floor.client, "NO-SUCH-THING"))
    assert "Not a code Floor knows" in answer and 'data-sound="error"' in answer


def test_an_item_before_the_return_is_refused(floor):
    assert "Scan the return or its order" in page_text(scan(floor.client, MUG))


# --- Scan each item, tap its grade


def test_a_mug_graded_a_goes_to_input_for_putaway(floor):
    scan(floor.client, "WH/RET/00001")
    answer = page_text(scan(floor.client, MUG))
    assert "1 × MUG in" in answer and "A · resealable" in answer
    assert on_hand(floor.returns, floor.mug) == 1
    answer = page_text(grade(floor.client, "A"))
    assert "MUG A: Restock, to" in answer
    assert on_hand(floor.returns, floor.mug) == 0 and on_hand(floor.input, floor.mug) == 1
    [item] = Inspection.objects.all()
    assert (item.grade, item.disposition, item.quantity) == ("A", "restock", Decimal(1))
    assert ledger_differences() == []


@pytest.mark.parametrize(
    ("grade_of", "where"),
    [("B", "input"), ("C", "quarantine"), ("D", "scrap")],
)
def test_each_grade_sends_the_item_where_the_setting_says(floor, grade_of, where):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    grade(floor.client, grade_of)
    to = {"input": floor.input, "quarantine": floor.quarantine, "scrap": virtual_location(Location.Kind.SCRAP)}[where]
    assert on_hand(to, floor.mug) == 1 and on_hand(floor.returns, floor.mug) == 0


def test_quarantine_without_a_quarantine_area_stays_in_returns_marked(floor):
    Location.objects.filter(pk=floor.quarantine.pk).update(active=False)
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    assert "kept in returns" in page_text(grade(floor.client, "C"))
    assert on_hand(floor.returns, floor.mug) == 1
    assert Inspection.objects.get().disposition == "quarantine"


def test_an_override_needs_a_reason_from_the_list(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    answer = page_text(grade(floor.client, "A", disposition="scrap"))
    assert "Choose a reason" in answer and on_hand(floor.returns, floor.mug) == 1
    assert "Choose a reason from the list" in page_text(grade(floor.client, "A", disposition="scrap", reason="x"))
    grade(floor.client, "A", disposition="scrap", reason="parts_missing", note="no lid")
    item = Inspection.objects.get()
    assert (item.grade, item.disposition, item.reason, item.note) == ("A", "scrap", "parts_missing", "no lid")
    assert on_hand(virtual_location(Location.Kind.SCRAP), floor.mug) == 1


def test_a_wrong_grade_or_disposition_is_refused(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    assert "Choose a grade" in page_text(grade(floor.client, "Z"))
    assert "Choose where it goes" in page_text(grade(floor.client, "A", disposition="moon", reason="other"))
    assert Inspection.objects.get().grade == ""


def test_a_grade_before_an_item_is_refused(floor):
    scan(floor.client, "WH/RET/00001")
    assert "Scan an item first" in page_text(grade(floor.client, "A"))


def test_the_next_item_waits_for_the_grade(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    assert "Choose a grade for MUG first" in page_text(scan(floor.client, MUG))
    assert on_hand(floor.returns, floor.mug) == 1


def test_a_product_not_on_the_return_is_refused_where_the_setting_says_so(floor, settings):
    settings.RETURN_NOT_ON_ORDER = "refuse"
    factories.product(gtin=factories.gtin13("400000000777"), sku="KETTLE")
    scan(floor.client, "WH/RET/00001")
    before = Move.objects.count()
    answer = page_text(scan(floor.client, factories.gtin13("400000000777")))
    assert "KETTLE is not on return WH/RET/00001" in answer and 'data-sound="wrong_item"' in answer
    assert nothing_moved_since(before)


def test_more_than_expected_waits_for_a_supervisor(floor):
    scan(floor.client, "WH/RET/00001")
    for _ in range(2):
        scan(floor.client, MUG)
        grade(floor.client, "A")
    before = Move.objects.count()
    answer = page_text(scan(floor.client, MUG))
    assert "1 more × MUG than order SO-100 shipped (2)" in answer and "supervisor must scan their badge" in answer
    assert nothing_moved_since(before)


def test_a_double_read_counts_once(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG, key="k-1")
    answer = page_text(scan(floor.client, MUG, key="k-1"))
    assert "Already counted" in answer
    assert on_hand(floor.returns, floor.mug) == 1 and Inspection.objects.count() == 1


def test_a_serial_is_asked_for_and_must_have_left_on_the_order(floor):
    scan(floor.client, "WH/RET/00001")
    assert "Scan the serial number label of PHONE" in page_text(scan(floor.client, PHONE))
    answer = page_text(scan(floor.client, gs1(PHONE, serial="SN-2")))
    assert "serial number SN-2 of PHONE did not leave on order SO-100" in answer
    assert "did not leave" in page_text(scan(floor.client, gs1(PHONE, serial="SN-99")))
    scan(floor.client, gs1(PHONE, serial="SN-1"))
    grade(floor.client, "B")
    assert on_hand(floor.input, floor.phone, floor.sn1) == 1


def test_a_lot_is_asked_for_and_checked(floor):
    scan(floor.client, "WH/RET/00001")
    assert "Scan the lot label of TEA" in page_text(scan(floor.client, TEA))
    assert "did not leave on order SO-100" in page_text(scan(floor.client, gs1(TEA, lot="T-8")))
    scan(floor.client, gs1(TEA, lot="T-7"))
    grade(floor.client, "D")
    assert on_hand(virtual_location(Location.Kind.SCRAP), floor.tea, floor.t7) == 1


def test_a_serial_back_in_stock_already_is_refused(floor):
    factories.stock(floor.returns, floor.phone, 1, lot=floor.sn1)
    scan(floor.client, "WH/RET/00001")
    assert "Serial SN-1 of PHONE is in stock already" in page_text(scan(floor.client, gs1(PHONE, serial="SN-1")))


# --- Undo


def test_undo_takes_back_the_last_item_graded(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    assert "Undo: take back 1 × MUG" in page_text(grade(floor.client, "D"))
    answer = page_text(post(floor.client, "undo"))
    assert "Undone: 1 × MUG not taken in" in answer
    assert on_hand(virtual_location(Location.Kind.SCRAP), floor.mug) == 0
    assert on_hand(floor.returns, floor.mug) == 0
    assert floor.ret.lines.get(product=floor.mug).inspected == 0
    assert Inspection.objects.get().undone
    assert ledger_differences() == []
    assert "Nothing to undo" in page_text(post(floor.client, "undo"))


def test_cancel_takes_back_the_item_not_graded_then_leaves_the_return(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    assert "Undone" in page_text(scan(floor.client, "CMD-CANCEL"))
    assert on_hand(floor.returns, floor.mug) == 0
    assert "Left return WH/RET/00001" in page_text(scan(floor.client, "CMD-CANCEL"))
    assert "Scan the return or its order" in page_text(floor.client.get("/inspect/", HTTP_HX_REQUEST="true"))


def test_a_restocked_item_put_away_already_cannot_be_undone(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    grade(floor.client, "A")
    shelf = factories.storage_bin(floor.wh)
    from floor.ledger.services import post as ledger_post

    ledger_post([Move(product=floor.mug, quantity=1, from_location=floor.input, to_location=shelf)], key="putaway-1")
    answer = page_text(post(floor.client, "undo"))
    assert "Not enough MUG" in answer
    assert not Inspection.objects.get().undone


# --- Close


def test_the_summary_shows_expected_received_missing_by_grade_and_disposition(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    grade(floor.client, "A")
    scan(floor.client, MUG)
    grade(floor.client, "D")
    answer = page_text(floor.client.get("/inspect/review", HTTP_HX_REQUEST="true"))
    assert "Close return WH/RET/00001?" in answer and "Back: 2 of 4" in answer
    assert "A · resealable" in answer and "D · defective" in answer and "Scrap" in answer and "Restock" in answer
    assert "Confirm: close the return" in answer


def test_close_tells_odoo_the_return_then_the_scrap_and_the_move(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    grade(floor.client, "A")
    scan(floor.client, MUG)
    grade(floor.client, "D")
    scan(floor.client, gs1(PHONE, serial="SN-1"))
    grade(floor.client, "C")
    answer = page_text(post(floor.client, "close"))
    assert "Return WH/RET/00001 closed: 3 of 4 items back" in answer
    assert state(floor.ret) == Return.State.DONE
    ops = list(Operation.objects.filter(document="WH/RET/00001").order_by("pk"))
    assert [op.kind for op in ops] == ["return", "scrap", "internal"]
    returned, scrapped, moved = ops
    assert returned.reference == f"FLOOR-RET-{floor.ret.pk}"
    assert returned.payload == {
        "delivery": 500,
        "lines": [
            {"product": floor.mug.pk, "lot": None, "quantity": "2", "to": floor.returns.pk},
            {"product": floor.phone.pk, "lot": floor.sn1.pk, "quantity": "1", "to": floor.returns.pk},
        ],
    }
    scrap = virtual_location(Location.Kind.SCRAP)
    assert [(line["product"], line["from"], line["to"], line["quantity"]) for line in scrapped.payload["lines"]] == [
        (floor.mug.pk, floor.returns.pk, scrap.pk, "1.000")
    ]
    assert sorted((line["product"], line["to"]) for line in moved.payload["lines"]) == sorted(
        [(floor.mug.pk, floor.input.pk), (floor.phone.pk, floor.quarantine.pk)]
    )
    assert ledger_differences() == []
    # Closed: the next scan starts a return again, and Undo has nothing of it to take back.
    assert "Nothing to undo" in page_text(post(floor.client, "undo"))


def test_a_return_odoo_announced_is_validated_on_its_own_moves(floor):
    ret = announced_return(floor.wh, floor.order, (floor.mug, 1, 7001), reference="WH/RET/00002", odoo_id=8001)
    Return.objects.filter(pk=floor.ret.pk).update(state=Return.State.CANCELLED)
    scan(floor.client, "SO-100")
    scan(floor.client, MUG)
    grade(floor.client, "B")
    post(floor.client, "close")
    [op] = Operation.objects.filter(kind="return", document=ret.reference)
    assert op.payload == {
        "picking": 8001,
        "lines": [{"product": floor.mug.pk, "lot": None, "quantity": "1", "to": floor.returns.pk, "move": 7001}],
    }


def test_close_waits_for_the_grade(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    assert "Choose a grade for MUG first" in page_text(post(floor.client, "close"))
    assert state(floor.ret) == Return.State.INSPECTING


def test_a_return_closed_with_nothing_back_tells_odoo_nothing(floor):
    scan(floor.client, "WH/RET/00001")
    assert "closed: 0 of 4 items back" in page_text(post(floor.client, "close"))
    assert not Operation.objects.filter(document="WH/RET/00001").exists()


def test_the_inspect_card_is_on_the_home_screen(floor):
    answer = page_text(floor.client.get("/"))
    assert "Inspect" in answer and "/inspect/" in answer


def test_without_a_warehouse_the_screen_says_so(client):
    client.force_login(factories.user(roles=["inspector"]))
    assert "no warehouse" in page_text(client.get("/inspect/"))
    assert "no warehouse" in page_text(post(client, "scan", {"code": "X"}))


def test_a_restocked_item_is_put_away_from_input_as_a_receipt_is(floor):
    from django.test import Client

    from floor.putaway.models import Putaway

    shelf = factories.storage_bin(floor.wh, aisle="S")
    floor.mug.fixed_bin = shelf
    floor.mug.save()
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    grade(floor.client, "A")
    receiver = Client()
    receiver.force_login(factories.user(roles=["receiver"], wh=floor.wh))
    answer = receiver.post("/putaway/scan", {"code": MUG, "key": "p-1"}, HTTP_HX_REQUEST="true")
    assert "feedback-error" not in answer.content.decode()
    putaway = Putaway.objects.get(actor__in=[answer.wsgi_request.user], state="open")
    assert putaway.suggested == shelf and putaway.quantity == 1
    receiver.post("/putaway/scan", {"code": shelf.barcode, "key": "p-2"}, HTTP_HX_REQUEST="true")
    assert on_hand(shelf, floor.mug) == 1 and on_hand(floor.input, floor.mug) == 0


def test_a_return_under_way_still_waits_on_the_home_screen(floor):
    scan(floor.client, "WH/RET/00001")
    assert "Returns to inspect" in page_text(floor.client.get("/"))
    [waiting] = [w for w in work_for(floor.person, floor.wh)["waiting"] if w["title"] == "Returns to inspect"]
    assert waiting["count"] == 1


def test_one_item_expected_is_said_as_one(floor):
    one = announced_return(floor.wh, None, (floor.mug, 1), reference="WH/RET/00099")
    assert "Return WH/RET/00099: 1 item expected" in page_text(scan(floor.client, one.reference))
