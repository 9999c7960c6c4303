"""Several identical units into a carton by a quantity and one scan, not a scan each: what was
picked of the item (of its lot) still bounds them, serial-numbered units stay one scan each."""

import re
import uuid

import pytest

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.packing.models import PackedItem
from tests.packing import test_pack_flow
from tests.packing.test_pack_flow import BOLT, MILK, PHONE, at_tote, close_carton, gs1, packed, packing
from tests.packing.test_pack_flow import post as post_html
from tests.packing.test_pack_flow import scan as scan_html
from tests.picking.task_factories import Stop

pytestmark = pytest.mark.django_db
floor = test_pack_flow.floor  # a station, products, totes and a packer, as there


def text(html: str) -> str:
    """What the screen says, its markup left out (a code in a message comes in a span of its own)."""
    return re.sub(r"<[^>]*>", "", html)


def scan(client, code, key=None):
    return text(scan_html(client, code, key))


def post(client, url, **data):
    return text(post_html(client, url, **data))


def records():
    return [(item.product.sku, item.lot.name if item.lot else None, item.quantity) for item in PackedItem.objects.all()]


def test_a_quantity_then_one_scan_packs_that_many_identical_units(floor):
    at_tote(floor, [Stop("OUT/1", floor.a1, floor.bolt, 5)])

    page = post_html(floor.client, "/pack/quantity", quantity="3")
    assert "Next scan packs 3 — scan the item" in text(page) and '<p class="prompt-what">Next scan packs 3</p>' in page
    page = scan_html(floor.client, BOLT)

    assert "3 × BOLT — 3 of 5 in carton 1" in text(page) and '<p class="prompt-what">Next scan packs' not in page
    assert "1 × BOLT — 4 of 5" in scan(floor.client, BOLT)  # for the next scan only
    assert records() == [("BOLT", None, 3), ("BOLT", None, 1)]


def test_the_qty_command_or_its_button_asks_for_the_quantity(floor):
    at_tote(floor, [Stop("OUT/1", floor.a1, floor.bolt, 5)])

    page = scan_html(floor.client, "CMD-QTY")

    assert "Type how many, then scan the item" in text(page) and '<label for="qty">Next scan packs</label>' in page
    assert '"CMD-QTY"' in scan_html(floor.client, BOLT)  # the field goes; a button asks for it again


def test_never_more_than_was_picked(floor):
    at_tote(floor, [Stop("OUT/1", floor.a1, floor.bolt, 3)])
    post(floor.client, "/pack/quantity", quantity="4")

    page = scan(floor.client, BOLT)

    assert "✖ Only 3 more × BOLT to pack (typed 4)" in page
    assert not PackedItem.objects.exists() and packing(floor).next_quantity == 4
    assert "Cancelled — the next scan packs one" in scan(floor.client, "CMD-CANCEL")
    assert "1 × BOLT — 1 of 3" in scan(floor.client, BOLT)


def test_a_quantity_of_a_lot_is_bounded_by_what_was_picked_of_that_lot(floor):
    at_tote(
        floor,
        [Stop("OUT/1", floor.a1, floor.milk, 2, lot=floor.l1), Stop("OUT/1", floor.a2, floor.milk, 2, lot=floor.l2)],
    )
    post(floor.client, "/pack/quantity", quantity="3")

    assert "Scan the lot label of MILK" in scan(floor.client, MILK)  # the quantity waits for the lot
    assert "Only 2 more × MILK to pack (typed 3)" in scan(floor.client, "L1")
    post(floor.client, "/pack/quantity", quantity="2")
    assert "2 × MILK — 2 of 4" in scan(floor.client, "L1")
    assert "2 × MILK — 4 of 4" in scan(floor.client, gs1(MILK, lot="L2", count=2))
    assert records() == [("MILK", "L1", 2), ("MILK", "L2", 2)]


def test_serial_numbered_units_stay_one_scan_each(floor):
    at_tote(
        floor,
        [
            Stop("OUT/1", floor.a1, floor.phone, 1, lot=floor.sn1),
            Stop("OUT/1", floor.a2, floor.phone, 1, lot=floor.sn2),
        ],
    )
    post(floor.client, "/pack/quantity", quantity="2")

    assert "One scan per serial-numbered unit" in scan(floor.client, gs1(PHONE, serial="SN1"))
    assert not PackedItem.objects.exists()


def test_a_quantity_sent_twice_or_not_a_number_changes_nothing(floor):
    at_tote(floor, [Stop("OUT/1", floor.a1, floor.bolt, 5)])
    for typed in ("0", "-3", "2,5", "abc", ""):
        assert "✖" in post(floor.client, "/pack/quantity", quantity=typed), typed
    assert packing(floor).next_quantity is None
    post(floor.client, "/pack/quantity", quantity="3")
    key = str(uuid.uuid4())

    scan(floor.client, BOLT, key=key)
    again = scan(floor.client, BOLT, key=key)

    assert "sent twice" in again and records() == [("BOLT", None, 3)]


def test_undo_takes_the_whole_quantity_back_and_done_posts_exactly_what_was_packed(floor):
    at_tote(floor, [Stop("OUT/1", floor.a1, floor.bolt, 3)])
    post(floor.client, "/pack/quantity", quantity="3")
    scan(floor.client, BOLT)
    assert "Undone: 3 × BOLT out of carton 1" in post(floor.client, "/pack/undo")
    post(floor.client, "/pack/quantity", quantity="3")
    scan(floor.client, BOLT)
    close_carton(floor)

    assert "OUT/1 packed" in post(floor.client, "/pack/done")
    assert packed() == 3
    assert sum(q.quantity for q in Quant.objects.filter(location=floor.output, product=floor.bolt)) == 3
    assert ledger_differences() == []
