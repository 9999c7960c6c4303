"""A supervisor approves on someone else's scanner: their badge, then their PIN. The flows that
ask (tests/receiving, tests/packing) prove what the screen shows; this proves the pieces."""

import pytest
from django.conf import settings

from floor.accounts import approval
from floor.errors import ScanRejected
from floor.scanning.parser import Kind, Scan, parse
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def wh():
    return factories.warehouse()


@pytest.fixture
def sam(wh):
    return factories.user("sam", roles=["supervisor"], wh=wh, badge="BDG-SUP-1", pin="9753", first_name="Sam")


def test_a_supervisor_of_this_warehouse_is_taken_from_their_badge(wh, sam):
    assert approval.supervisor_from_badge(parse("BDG-SUP-1"), warehouse_id=wh.pk, why="Short") == sam


def test_anything_but_a_badge_is_refused_with_the_reason_it_waits_for(wh, sam):
    with pytest.raises(ScanRejected) as refused:
        a_bin = Scan(raw="A-01-1", code="A-01-1", kind=Kind.LOCATION)
        approval.supervisor_from_badge(a_bin, warehouse_id=wh.pk, why="Short shipment: X")
    assert str(refused.value) == "Short shipment: X — a supervisor must scan their badge (or scan CANCEL)"
    assert refused.value.sound == "supervisor"


@pytest.mark.parametrize("who", ["picker", "supervisor of another warehouse"])
def test_a_badge_that_cannot_approve_here_is_refused(wh, who):
    elsewhere = factories.warehouse("WH2")
    if who == "picker":
        factories.user(roles=["picker"], wh=wh, badge="BDG-X")
    else:
        factories.user(roles=["supervisor"], wh=elsewhere, badge="BDG-X")
    with pytest.raises(ScanRejected) as refused:
        approval.supervisor_from_badge(parse("BDG-X"), warehouse_id=wh.pk, why="Short")
    assert str(refused.value) == "That badge cannot approve here — a supervisor of this warehouse must"
    assert refused.value.sound == "supervisor"


def test_the_pin_is_asked_by_name_or_else_by_badge(wh, sam):
    nameless = factories.user(roles=["supervisor"], wh=wh, badge="BDG-SUP-2")
    assert approval.ask_pin(approval.supervisor_from_badge(parse("BDG-SUP-1"), warehouse_id=wh.pk, why="")) == (
        "Sam: type your PIN to approve"
    )
    assert approval.ask_pin(approval.supervisor_from_badge(parse("BDG-SUP-2"), warehouse_id=wh.pk, why="")) == (
        "BDG-SUP-2: type your PIN to approve"
    )
    assert nameless.get_full_name() == ""


def test_their_pin_approves_and_another_does_not(sam):
    assert approval.pin_approves(sam.pk, "9753") == sam
    assert approval.pin_approves(sam.pk, "0000") is None


def test_wrong_pins_lock_the_supervisor_as_at_sign_in(sam):
    for _try in range(settings.AXES_FAILURE_LIMIT):
        assert approval.pin_approves(sam.pk, "0000") is None
    with pytest.raises(ScanRejected) as refused:
        approval.pin_approves(sam.pk, "9753")
    assert "Too many wrong PINs for Sam" in str(refused.value)


def test_the_record_says_who_approved_what(sam):
    assert approval.record(sam, "Short shipment: X") == {"by": sam.pk, "name": "Sam", "what": "Short shipment: X"}
