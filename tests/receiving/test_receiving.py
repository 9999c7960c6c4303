"""Receiving at the dock, scan by scan, through the views as a scanner sends them."""

import uuid
from decimal import Decimal

import pytest

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.odoo.models import Operation
from floor.receiving.models import Receipt, ReceiptLine, ReceiptScan, Receiving
from floor.warehouse.models import Location, Lot, Package, ProductBarcode
from floor.warehouse.services import location_of_kind
from tests import factories
from tests.pages import page_text

pytestmark = pytest.mark.django_db

WIDGET = "4006381333931"
VACCINE = "05012345678900"
PHONE = "09501101530003"


class Dock:
    pass


@pytest.fixture
def dock(client):
    d = Dock()
    d.wh = factories.warehouse()
    d.input = location_of_kind(d.wh, Location.Kind.INPUT)
    d.quarantine = location_of_kind(d.wh, Location.Kind.QUARANTINE)
    d.widget = factories.product(gtin=WIDGET)
    d.vaccine = factories.product(gtin=VACCINE[1:], tracking="lot")
    d.phone = factories.product(gtin=PHONE[1:], tracking="serial")
    d.receipt = Receipt.objects.create(
        warehouse=d.wh, reference="WH/IN/00042", vendor="Acme", vendor_reference="PO-777", odoo_id=4242
    )
    d.widget_line = ReceiptLine.objects.create(receipt=d.receipt, product=d.widget, expected=10, odoo_move_id=91)
    d.vaccine_line = ReceiptLine.objects.create(receipt=d.receipt, product=d.vaccine, expected=6, odoo_move_id=92)
    d.phone_line = ReceiptLine.objects.create(receipt=d.receipt, product=d.phone, expected=2, odoo_move_id=93)
    d.person = factories.user(roles=["receiver"], wh=d.wh)
    d.boss = factories.user(roles=["supervisor"], wh=d.wh, badge="BOSS-1", pin="4321")
    client.force_login(d.person)
    d.client = client
    return d


def scan(client, code, key=None):
    return page_text(
        client.post(
            "/receive/scan", {"code": code, "key": key or str(uuid.uuid4()), "device": "test"}, HTTP_HX_REQUEST="true"
        )
    )


def post(client, url, **data):
    data.setdefault("key", str(uuid.uuid4()))
    return page_text(client.post(url, data, HTTP_HX_REQUEST="true"))


def received(line):
    line.refresh_from_db()
    return line.received


def test_open_a_receipt_by_its_reference_or_the_vendors_po(dock):
    assert "Scan a receipt" in page_text(dock.client.get("/receive/"))
    assert "Receiving WH/IN/00042" in scan(dock.client, "WH/IN/00042")
    post(dock.client, "/receive/leave")
    assert "Receiving WH/IN/00042" in scan(dock.client, "PO-777")


def test_todays_open_receipts_are_listed_and_open_with_a_tap(dock):
    page = page_text(dock.client.get("/receive/"))
    assert "WH/IN/00042" in page and "Acme" in page
    assert "Receiving WH/IN/00042" in post(dock.client, f"/receive/open/{dock.receipt.pk}")


def test_each_scan_counts_one_into_the_input_area(dock):
    scan(dock.client, "WH/IN/00042")
    page = scan(dock.client, WIDGET)
    assert "1 × " in page and "1 of 10" in page
    scan(dock.client, WIDGET)
    assert received(dock.widget_line) == 2
    [first, second] = ReceiptScan.objects.order_by("pk")
    assert first.destination == dock.input and second.quantity == 1


def test_a_case_quantity_counts_for_the_next_scan_only(dock):
    scan(dock.client, "WH/IN/00042")
    assert "Next scan counts 6" in post(dock.client, "/receive/quantity", quantity="6")
    scan(dock.client, WIDGET)
    scan(dock.client, WIDGET)
    assert received(dock.widget_line) == 7


def test_a_gs1_count_counts_that_many(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{WIDGET.zfill(14)}\x1d374")
    assert received(dock.widget_line) == 4


def test_a_gs1_count_of_more_than_one_scan_stands_for_is_refused_and_changes_nothing(dock):
    # 99,999,999 cases of 12: more than the session's quantity column holds (a 500 on PostgreSQL).
    ProductBarcode.objects.create(product=dock.widget, code="14006381333938", quantity=12)
    scan(dock.client, "WH/IN/00042")
    page = scan(dock.client, "0114006381333938\x1d3799999999")
    assert "too many for one scan" in page and "feedback-error" in page
    session = Receiving.objects.get(actor=dock.person)
    assert (session.waiting, session.quantity, received(dock.widget_line)) == ("", 0, 0)


def test_lot_and_expiry_on_one_gs1_label(dock):
    scan(dock.client, "WH/IN/00042")
    page = scan(dock.client, f"01{VACCINE}17271231\x1d10LOT-A")
    assert "1 of 6" in page
    lot = Lot.objects.get(product=dock.vaccine, name="LOT-A")
    assert str(lot.expiry_date) == "2027-12-31"


def test_lot_and_expiry_on_a_second_label_are_put_together_with_the_item(dock):
    scan(dock.client, "WH/IN/00042")
    page = scan(dock.client, f"01{VACCINE}")
    assert "Scan the lot label" in page and received(dock.vaccine_line) == 0
    page = scan(dock.client, "17280630\x1d10LOT-B")
    assert "1 of 6" in page
    assert str(Lot.objects.get(product=dock.vaccine, name="LOT-B").expiry_date) == "2028-06-30"


def test_a_label_of_another_item_does_not_give_the_lot(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{VACCINE}")
    page = scan(dock.client, WIDGET)
    assert "feedback-error" in page and "lot label" in page
    assert received(dock.widget_line) == 0 and received(dock.vaccine_line) == 0


def test_serials_one_scan_per_unit_and_a_repeated_serial_is_rejected(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{PHONE}21SN-1")
    page = scan(dock.client, f"01{PHONE}21SN-1")
    assert "SN-1" in page and "already received" in page and "feedback-error" in page
    assert received(dock.phone_line) == 1
    page = scan(dock.client, f"01{PHONE}")
    assert "Scan the serial number" in page
    scan(dock.client, "]C121SN-2")  # a GS1-128 serial label
    assert received(dock.phone_line) == 2


def test_a_plain_barcode_is_taken_as_the_lot_the_scan_waits_for(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{VACCINE}")
    scan(dock.client, "B-2291")
    scan(dock.client, "CMD-SKIP")  # its expiry, asked for once: none on this one
    assert Lot.objects.filter(product=dock.vaccine, name="B-2291").exists() and received(dock.vaccine_line) == 1


def test_a_serial_already_in_stock_is_rejected(dock):
    bin_ = factories.storage_bin(dock.wh)
    lot = factories.lot(dock.phone, "SN-9")
    factories.stock(bin_, dock.phone, 1, lot=lot)
    scan(dock.client, "WH/IN/00042")
    assert "already received" in scan(dock.client, f"01{PHONE}21SN-9")
    assert received(dock.phone_line) == 0


def test_an_item_not_on_the_receipt_is_rejected(dock):
    other = factories.product(gtin="5901234123457")
    scan(dock.client, "WH/IN/00042")
    page = scan(dock.client, "5901234123457")
    assert "feedback-error" in page and f"{other.sku} is not on WH/IN/00042" in page
    assert not ReceiptScan.objects.exists()


def test_an_item_not_on_the_receipt_comes_in_with_a_supervisors_approval(dock, settings):
    settings.RECEIVING_ALLOW_UNEXPECTED = True
    other = factories.product(gtin="5901234123457")
    scan(dock.client, "WH/IN/00042")
    page = scan(dock.client, "5901234123457")
    assert "Supervisor approval" in page and 'data-sound="supervisor"' in page
    assert "PIN" in scan(dock.client, "BOSS-1")
    page = post(dock.client, "/receive/approve", pin="4321")
    [line] = ReceiptLine.objects.filter(receipt=dock.receipt, product=other)
    assert line.expected == 0 and line.received == 1
    assert ReceiptScan.objects.get().approved_by == dock.boss


def test_over_the_tolerance_needs_a_supervisor_on_the_spot(dock, settings):
    settings.RECEIVING_OVER_TOLERANCE = 0.10
    scan(dock.client, "WH/IN/00042")
    post(dock.client, "/receive/quantity", quantity="12")
    assert received(dock.widget_line) == 0
    page = scan(dock.client, WIDGET)
    assert "12 of 10" in page and "supervisor" in page.lower()
    assert received(dock.widget_line) == 0
    # Anything but a supervisor's badge is refused while it waits.
    assert "feedback-error" in scan(dock.client, WIDGET)
    assert "cannot approve" in scan(dock.client, dock.person.profile.badge)
    scan(dock.client, "BOSS-1")
    assert "Wrong PIN" in post(dock.client, "/receive/approve", pin="0000")
    assert received(dock.widget_line) == 0
    scan(dock.client, "BOSS-1")
    post(dock.client, "/receive/approve", pin="4321")
    assert received(dock.widget_line) == 12
    assert "over the limit" in ReceiptScan.objects.get().approval


def test_a_supervisor_pin_cannot_be_guessed_at_the_approval_prompt(dock, settings):
    settings.RECEIVING_OVER_TOLERANCE = 0.10
    settings.AXES_FAILURE_LIMIT = 3
    scan(dock.client, "WH/IN/00042")
    post(dock.client, "/receive/quantity", quantity="12")
    scan(dock.client, WIDGET)
    for guess in ("0000", "1111", "2222"):
        scan(dock.client, "BOSS-1")
        assert "Wrong PIN" in post(dock.client, "/receive/approve", pin=guess)
    scan(dock.client, "BOSS-1")
    page = post(dock.client, "/receive/approve", pin="4321")  # the right one, too late
    assert "Too many wrong PINs for" in page and "feedback-error" in page
    assert received(dock.widget_line) == 0


def test_a_right_pin_clears_the_wrong_ones_before_it(dock, settings):
    settings.RECEIVING_OVER_TOLERANCE = 0.10
    settings.AXES_FAILURE_LIMIT = 2
    scan(dock.client, "WH/IN/00042")
    post(dock.client, "/receive/quantity", quantity="12")
    scan(dock.client, WIDGET)
    scan(dock.client, "BOSS-1")
    assert "Wrong PIN" in post(dock.client, "/receive/approve", pin="0000")
    post(dock.client, "/receive/approve", pin="4321")  # the badge first, again
    assert received(dock.widget_line) == 0
    scan(dock.client, "BOSS-1")
    post(dock.client, "/receive/approve", pin="4321")
    assert received(dock.widget_line) == 12
    post(dock.client, "/receive/quantity", quantity="12")
    scan(dock.client, WIDGET)  # over again: 24 of 10
    scan(dock.client, "BOSS-1")
    assert "Wrong PIN" in post(dock.client, "/receive/approve", pin="0000")  # one wrong, not two
    scan(dock.client, "BOSS-1")
    post(dock.client, "/receive/approve", pin="4321")
    assert received(dock.widget_line) == 24


def test_within_the_tolerance_needs_no_one(dock, settings):
    settings.RECEIVING_OVER_TOLERANCE = 0.10
    scan(dock.client, "WH/IN/00042")
    post(dock.client, "/receive/quantity", quantity="11")  # 10 % over 10: at the limit, not over it
    scan(dock.client, WIDGET)
    assert received(dock.widget_line) == 11


def test_damaged_goods_go_to_quarantine_with_their_reason(dock):
    scan(dock.client, "WH/IN/00042")
    assert "quarantine" in post(dock.client, "/receive/damaged", reason="crushed")
    scan(dock.client, WIDGET)
    scan(dock.client, WIDGET)
    first, second = ReceiptScan.objects.order_by("pk")
    assert first.destination == dock.quarantine and first.damage
    assert second.destination == dock.input and not second.damage


def test_goods_onto_a_pallet_move_as_one(dock):
    scan(dock.client, "WH/IN/00042")
    assert "Onto pallet" in scan(dock.client, "00123456789012345675")
    scan(dock.client, WIDGET)
    scan(dock.client, f"01{VACCINE}10LOT-C")
    pallet = Package.objects.get(barcode="123456789012345675")
    assert set(ReceiptScan.objects.values_list("package", flat=True)) == {pallet.pk}


def test_a_bin_is_no_place_to_receive_into(dock):
    bin_ = factories.storage_bin(dock.wh)
    scan(dock.client, "WH/IN/00042")
    page = scan(dock.client, bin_.barcode)
    assert "feedback-error" in page and "input area" in page


def test_unknown_and_malformed_codes_change_nothing(dock):
    scan(dock.client, "WH/IN/00042")
    for code in ("NOPE-123", "4006381333932", "\x01\x02", ""):
        assert "feedback-error" in scan(dock.client, code)
    assert not ReceiptScan.objects.exists()


def test_a_scan_sent_twice_counts_once(dock):
    scan(dock.client, "WH/IN/00042")
    key = str(uuid.uuid4())
    scan(dock.client, WIDGET, key=key)
    page = scan(dock.client, WIDGET, key=key)
    assert "sent twice" in page and received(dock.widget_line) == 1


def test_undo_takes_back_the_last_scan_with_a_record_of_it(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, WIDGET)
    page = scan(dock.client, WIDGET)
    assert "Undo: take back 1 × " in page
    page = post(dock.client, "/receive/undo")
    assert "taken back" in page and received(dock.widget_line) == 1
    original = ReceiptScan.objects.order_by("pk")[1]
    assert original.reversal.actor == dock.person
    post(dock.client, "/receive/undo")
    assert received(dock.widget_line) == 0
    assert "Nothing to undo" in post(dock.client, "/receive/undo")


def test_closing_posts_vendor_to_input_moves_and_one_receipt_operation(dock, django_capture_on_commit_callbacks):
    scan(dock.client, "WH/IN/00042")
    post(dock.client, "/receive/quantity", quantity="10")
    scan(dock.client, WIDGET)
    scan(dock.client, f"01{VACCINE}10LOT-A")
    assert "Close the receipt?" in scan(dock.client, "CMD-DONE")
    assert not Quant.objects.filter(location=dock.input).exists()  # nothing moves before the confirm
    with django_capture_on_commit_callbacks(execute=False):
        page = post(dock.client, "/receive/close")
    assert "closed" in page and "7 short" in page
    dock.receipt.refresh_from_db()
    assert dock.receipt.state == "done" and dock.receipt.closed_by == dock.person
    on_hand = {q.product_id: q.quantity for q in Quant.objects.filter(location=dock.input)}
    assert on_hand == {dock.widget.pk: Decimal(10), dock.vaccine.pk: Decimal(1)}
    [op] = Operation.objects.all()
    assert op.kind == "receipt" and op.payload["picking"] == 4242
    assert sorted((line["move"], line["quantity"]) for line in op.payload["lines"]) == [(91, "10"), (92, "1")]
    assert ledger_differences() == []
    # Closed: the receipt takes no more scans, and closing again changes nothing.
    assert "Scan a receipt" in scan(dock.client, WIDGET)
    assert "Scan a receipt first" in post(dock.client, "/receive/close")
    assert Operation.objects.count() == 1


def test_undone_scans_are_not_received_at_close(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, WIDGET)
    scan(dock.client, WIDGET)
    post(dock.client, "/receive/undo")
    scan(dock.client, "CMD-DONE")
    scan(dock.client, "CMD-DONE")
    assert Quant.objects.get(location=dock.input, product=dock.widget).quantity == 1


def test_closing_with_nothing_received_is_refused(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, "CMD-DONE")
    assert "Nothing received yet" in scan(dock.client, "CMD-DONE")
    assert Receipt.objects.get().state == "open"


def test_a_receipt_of_another_warehouse_does_not_open(dock):
    other = factories.warehouse("W2")
    Receipt.objects.create(warehouse=other, reference="W2/IN/1")
    assert "not a receipt of this warehouse" in scan(dock.client, "W2/IN/1")


def test_only_receivers_receive(client):
    wh = factories.warehouse()
    client.force_login(factories.user(roles=["picker"], wh=wh))
    assert client.get("/receive/").status_code == 403
    assert client.post("/receive/scan", {"code": "X"}).status_code == 403


def test_queries_per_scan_do_not_grow_with_the_receipt(dock, django_assert_max_num_queries):
    big = Receipt.objects.create(warehouse=dock.wh, reference="WH/IN/BIG")
    products = [factories.product() for _ in range(60)]
    ReceiptLine.objects.bulk_create(ReceiptLine(receipt=big, product=p, expected=5) for p in products)
    ReceiptLine.objects.create(receipt=big, product=dock.widget, expected=5)
    counts = {}
    for reference in ("WH/IN/00042", "WH/IN/BIG"):
        scan(dock.client, reference)
        scan(dock.client, WIDGET)  # warm: the first scan of a receipt changes its state
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            scan(dock.client, WIDGET)
        counts[reference] = len(queries)
        post(dock.client, "/receive/leave")
    assert counts["WH/IN/00042"] == counts["WH/IN/BIG"]


def test_a_receiver_with_no_warehouse_is_told_so(client):
    client.force_login(factories.user(roles=["receiver"]))
    page = page_text(client.get("/receive/"))
    assert "no warehouse" in page
    assert "no warehouse" in scan(client, "WH/IN/00042")
    assert client.get("/receive/lines").status_code == 200
