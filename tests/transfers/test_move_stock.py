"""Move stock bin to bin, scan by scan, through the view as a scanner sends it."""

import uuid
from decimal import Decimal

import pytest

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move, Quant
from tests import factories
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(client):
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    item = factories.product(gtin="4006381333931")
    factories.stock(a, item, 5)
    person = factories.user(roles=["picker"], wh=wh)
    client.force_login(person)

    class Floor:
        pass

    f = Floor()
    f.wh, f.a, f.b, f.item, f.client, f.person = wh, a, b, item, client, person
    return f


def scan(client, code, key=None):
    return client.post(
        "/move/scan", {"code": code, "key": key or str(uuid.uuid4()), "device": "test"}, HTTP_HX_REQUEST="true"
    )


def on_hand(location, product):
    return sum(q.quantity for q in Quant.objects.filter(location=location, product=product))


def test_bin_item_bin_moves_one_unit(floor):
    assert b"Scan an item" in scan(floor.client, floor.a.barcode).content
    assert b"Scan the bin it goes to" in scan(floor.client, "4006381333931\r").content
    done = scan(floor.client, floor.b.barcode)
    assert b"Moved 1" in done.content and b"feedback-ok" in done.content
    assert (on_hand(floor.a, floor.item), on_hand(floor.b, floor.item)) == (4, 1)
    assert b"Scan the bin to take from" in done.content


def test_each_scan_of_the_item_adds_one(floor):
    scan(floor.client, floor.a.barcode)
    for _ in range(3):
        scan(floor.client, "4006381333931")
    scan(floor.client, floor.b.barcode)
    assert on_hand(floor.b, floor.item) == 3


def test_a_scan_sent_twice_counts_once(floor):
    scan(floor.client, floor.a.barcode)
    key = str(uuid.uuid4())
    scan(floor.client, "4006381333931", key=key)
    replay = scan(floor.client, "4006381333931", key=key)
    assert b"sent twice" in replay.content
    scan(floor.client, floor.b.barcode)
    assert on_hand(floor.b, floor.item) == 1


def test_a_move_replayed_after_reconnecting_posts_once(floor):
    scan(floor.client, floor.a.barcode)
    scan(floor.client, "4006381333931")
    key = str(uuid.uuid4())
    scan(floor.client, floor.b.barcode, key=key)
    scan(floor.client, floor.b.barcode, key=key)
    assert Move.objects.filter(to_location=floor.b).count() == 1
    assert ledger_differences() == []


def test_taking_more_than_the_bin_holds_is_refused_and_changes_nothing(floor):
    scan(floor.client, floor.a.barcode)
    for _ in range(5):
        scan(floor.client, "4006381333931")
    refused = scan(floor.client, "4006381333931")
    assert b"Only 5" in refused.content and b"feedback-error" in refused.content
    scan(floor.client, floor.b.barcode)
    assert on_hand(floor.b, floor.item) == 5 and on_hand(floor.a, floor.item) == 0


def test_an_item_that_is_not_in_the_bin_is_refused(floor):
    elsewhere = factories.product(gtin="5012345678900")
    scan(floor.client, floor.a.barcode)
    refused = scan(floor.client, "5012345678900")
    assert refused.status_code == 200 and b"Only 0" in refused.content
    assert not Quant.objects.filter(product=elsewhere, location=floor.a).exclude(quantity=0).exists()


def test_unknown_and_malformed_codes_get_a_message_and_change_nothing(floor):
    before = Move.objects.count()
    for code in ["", "\x1b[A", "NOT-A-CODE", "4006381333932", "]C1" + "01" * 20]:
        response = scan(floor.client, code)
        assert response.status_code == 200 and b"feedback-error" in response.content, code
    assert Move.objects.count() == before


def test_a_bin_of_another_warehouse_is_refused(floor):
    elsewhere = factories.storage_bin(factories.warehouse("WH2"), aisle="Z")
    refused = scan(floor.client, elsewhere.barcode)
    assert b"not a bin of this warehouse" in refused.content


def test_the_same_bin_is_no_destination(floor):
    scan(floor.client, floor.a.barcode)
    scan(floor.client, "4006381333931")
    refused = scan(floor.client, floor.a.barcode)
    assert b"the bin it comes from" in refused.content
    assert Move.objects.filter(from_location=floor.a).count() == 0


def test_a_quantity_can_be_typed_for_a_case(floor):
    scan(floor.client, floor.a.barcode)
    scan(floor.client, "4006381333931")
    floor.client.post("/move/quantity", {"quantity": "4", "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    scan(floor.client, floor.b.barcode)
    assert on_hand(floor.b, floor.item) == 4


def test_undo_says_what_it_will_undo_then_moves_the_stock_back(floor):
    scan(floor.client, floor.a.barcode)
    scan(floor.client, "4006381333931")
    done = scan(floor.client, floor.b.barcode)
    assert b"Undo: move 1" in done.content
    undone = floor.client.post("/move/undo", {"key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    assert b"back to" in undone.content
    assert (on_hand(floor.a, floor.item), on_hand(floor.b, floor.item)) == (5, 0)
    reverse = Move.objects.get(reverses__isnull=False)
    assert reverse.actor == floor.person and reverse.from_location == floor.b


def test_a_lot_tracked_item_needs_its_lot_when_the_bin_holds_several(floor):
    tracked = factories.product(tracking="lot", gtin="9501101530003")
    lot1, lot2 = factories.lot(tracked, "LOT-A"), factories.lot(tracked, "LOT-B")
    factories.stock(floor.a, tracked, 2, lot=lot1)
    factories.stock(floor.a, tracked, 2, lot=lot2)
    scan(floor.client, floor.a.barcode)
    assert b"lot label" in scan(floor.client, "9501101530003").content
    scan(floor.client, "(01)09501101530003(10)LOT-B".replace("(01)", "]C101").replace("(10)", "10"))
    scan(floor.client, floor.b.barcode)
    assert Quant.objects.get(location=floor.b, product=tracked).lot == lot2


def test_queries_per_scan_stay_small(floor, django_assert_max_num_queries):
    scan(floor.client, floor.a.barcode)
    scan(floor.client, "4006381333931")
    # Parse 1, the transfer locked with what the scan names 1, replay check 1, ledger post 4,
    # outbox 1, this transfer done and the next one opened 2, and the test's own savepoints 2;
    # nothing grows with the bin's contents.
    for _ in range(30):
        factories.stock(floor.a, factories.product(), 1)
    with django_assert_max_num_queries(14):
        scan(floor.client, floor.b.barcode)
    assert on_hand(floor.b, floor.item) == Decimal(1)


def test_a_bin_or_an_item_scan_asks_one_question_beyond_parse_and_replay(floor, django_assert_num_queries):
    scan(floor.client, floor.a.barcode)
    for _ in range(30):
        factories.stock(floor.a, factories.product(), 1)
    # Parse 1, the transfer locked with the bin or item scanned (and its stock there) 1, replay
    # check 1, the transfer written 1, and the test's own savepoints 2.
    with django_assert_num_queries(6):
        scan(floor.client, floor.a.barcode)
    with django_assert_num_queries(6):
        scan(floor.client, "4006381333931")


def test_part_units_in_stock_are_read_exactly(floor):
    # SQLite keeps decimals as floats: 1.1 + 0.2 must still read as 1.3.
    loose = factories.product(gtin="9501101530003")
    factories.stock(floor.a, loose, "1.1")
    factories.stock(floor.a, loose, "0.2")
    scan(floor.client, floor.a.barcode)
    scan(floor.client, "9501101530003")
    refused = page_text(scan(floor.client, "9501101530003"))
    assert f"Only 1.3 {loose.sku} in" in refused and "feedback-error" in refused
    floor.client.post("/move/quantity", {"quantity": "1.3", "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    assert f"Moved 1.3 × {loose.sku}" in page_text(scan(floor.client, floor.b.barcode))
    assert (on_hand(floor.a, loose), on_hand(floor.b, loose)) == (0, Decimal("1.3"))


def test_quantities_read_as_a_person_writes_them(floor):
    factories.stock(floor.a, floor.item, 15)
    scan(floor.client, floor.a.barcode)
    scan(floor.client, "4006381333931")
    floor.client.post("/move/quantity", {"quantity": "10", "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    done = page_text(scan(floor.client, floor.b.barcode))
    assert "Moved 10 ×" in done and "E+" not in done


def test_two_people_taking_the_last_unit_only_one_moves_it(floor, client):
    other = factories.user(roles=["picker"], wh=floor.wh)
    second = type(client)()
    second.force_login(other)
    factories.stock(floor.b, factories.product(), 1)  # b is a real bin with other stock
    for c in (floor.client, second):
        scan(c, floor.a.barcode)
        for _ in range(5):
            scan(c, "4006381333931")
    assert b"Moved 5" in scan(floor.client, floor.b.barcode).content
    late = scan(second, floor.b.barcode)
    assert b"Not enough" in late.content and b"feedback-error" in late.content
    assert on_hand(floor.a, floor.item) == 0 and on_hand(floor.b, floor.item) == 5


def test_each_move_and_its_undo_wait_in_the_outbox_for_odoo(floor):
    from floor.odoo.models import Operation

    scan(floor.client, floor.a.barcode)
    scan(floor.client, "4006381333931")
    scan(floor.client, floor.b.barcode)
    floor.client.post("/move/undo", {"key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    there, back = Operation.objects.order_by("pk")
    assert (there.kind, back.kind) == ("internal", "internal")
    assert there.payload["lines"][0]["from"] == floor.a.pk and back.payload["lines"][0]["from"] == floor.b.pk
    assert there.state == back.state == "pending"  # sent to Odoo after commit, by Celery


def test_a_person_with_no_warehouse_is_told_so(client):
    client.force_login(factories.user(roles=["picker"]))
    assert "no warehouse" in page_text(client.get("/move/"))
    assert "no warehouse" in page_text(scan(client, "A-01-01"))
    assert "no warehouse" in page_text(client.post("/move/quantity", {"quantity": "2", "key": "k"}))
