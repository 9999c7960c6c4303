"""Picking a variable measure item: the weight on the label of the piece picked is what leaves the
bin, in the item's unit; over-pick is judged on it; a weight cannot say how many of a counted item.

GS1 General Specifications 3.6.2: a variable measure trade item's label carries its net weight or
measure (AIs 310n–369n), the AI naming the unit and its fourth digit the implied decimals:
(3103)001250 is 1.250 kg, (3202)000250 is 2.50 lb.
"""

from decimal import Decimal

import pytest

from floor.ledger.checks import ledger_differences
from floor.picking.models import PickRecord
from tests import factories
from tests.picking import test_pick_flow
from tests.picking.task_factories import Stop
from tests.picking.test_pick_flow import BOLT, fresh, nothing_recorded, on_hand, ready, scan

pytestmark = pytest.mark.django_db
floor = test_pick_flow.floor  # bins A-01-01…, totes T-0001…, a picker, as there

GS = "\x1d"
CHEESE = "90950600013432"  # indicator 9: a variable measure trade item (3.6.2)


@pytest.fixture
def cheese(floor):
    return factories.product(gtin=CHEESE, sku="CHEESE", name="Cheese wheel", uom="kg")


def test_the_weight_on_the_label_is_what_is_picked(floor, cheese):
    # 3.6.2: (3103)001250, 1.250 kg; 5 kg wanted, the bin holds 5 kg.
    built = ready(floor, [Stop("OUT/1", floor.a1, cheese, 5)])
    scan(floor.client, floor.a1.barcode)

    page = scan(floor.client, f"]C101{CHEESE}3103001250")
    assert "1.25 × CHEESE" in page and "Put in tote" in page
    page = scan(floor.client, "T-0001")

    assert "1.25 × CHEESE in T-0001" in page and "Scan the item" in page  # 3.75 kg still to pick here
    assert fresh(built.picks[0]).picked == Decimal("1.25")
    assert on_hand(floor.a1, cheese) == Decimal("3.75") and on_hand(floor.t1.location, cheese) == Decimal("1.25")
    assert [r.quantity for r in PickRecord.objects.all()] == [Decimal("1.25")]
    assert ledger_differences() == []


def test_a_weight_in_pounds_is_picked_in_kilograms(floor, cheese):
    # 3.6.2: 320n, net weight in pounds; 2.50 lb = 1.133980925 kg, to the gram.
    built = ready(floor, [Stop("OUT/1", floor.a1, cheese, 5)])
    scan(floor.client, floor.a1.barcode)
    scan(floor.client, f"]C101{CHEESE}3202000250")
    scan(floor.client, "T-0001")
    assert fresh(built.picks[0]).picked == Decimal("1.134")


def test_a_piece_heavier_than_what_is_left_to_pick_is_refused(floor, cheese):
    # 3.6.2: the measure is the quantity; 2 kg wanted, a 2.400 kg wheel is over.
    ready(floor, [Stop("OUT/1", floor.a1, cheese, 2)])
    scan(floor.client, floor.a1.barcode)

    page = scan(floor.client, f"]C101{CHEESE}3103002400")

    assert "Only 2 to pick" in page and "feedback-error" in page and nothing_recorded()


def test_a_counted_item_refuses_a_weight_label(floor):
    # 3.6.2: a net weight does not say how many bolts.
    ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 3)])
    scan(floor.client, floor.a1.barcode)

    page = scan(floor.client, f"]C101{BOLT.zfill(14)}3103001250")

    assert "BOLT is counted in Units: a weight label (1.250 kg) does not say how many" in page
    assert "feedback-error" in page and nothing_recorded()


def test_the_items_own_barcode_offers_what_is_left_as_before(floor, cheese):
    # No measure on the label (a plain GTIN): what is still to pick, to be put or typed less.
    ready(floor, [Stop("OUT/1", floor.a1, cheese, Decimal("4.5"))])
    scan(floor.client, floor.a1.barcode)
    assert "4.5 × CHEESE" in scan(floor.client, f"]C101{CHEESE}")


def test_a_lot_tracked_weighed_item_takes_its_lot_and_weight_from_one_label(floor):
    # 3.6.2 with 3.4.1 (AI 10): the lot and the weight of the piece on one label.
    ham = factories.product(gtin=CHEESE, sku="HAM", name="Ham", uom="kg", tracking="lot")
    lot = factories.lot(ham, "H-7")
    built = ready(floor, [Stop("OUT/1", floor.a1, ham, 3, lot=lot)])
    scan(floor.client, floor.a1.barcode)

    assert "0.9 × HAM" in scan(floor.client, f"]C101{CHEESE}10H-7{GS}3103000900")
    scan(floor.client, "T-0001")

    assert fresh(built.picks[0]).picked == Decimal("0.9") and on_hand(floor.t1.location, ham, lot) == Decimal("0.9")
