"""Packing's short-shipment approval: the supervisor's PIN counts as a sign-in PIN does."""

import pytest
from django.test import Client
from django.urls import reverse

from floor.picking.models import Order
from tests.packing import test_pack_flow
from tests.packing.test_pack_flow import BOLT, at_tote, close_carton, post, scan
from tests.picking.task_factories import Stop

pytestmark = pytest.mark.django_db

floor = test_pack_flow.floor  # the packing tests' floor: a station, totes, a packer signed in, BOSS-1

LOGIN = reverse("accounts:login")


def short_shipment_waiting(floor):
    at_tote(floor, [Stop("OUT/1", floor.a1, floor.bolt, 3)])
    scan(floor.client, BOLT)
    close_carton(floor, "0.2")
    assert "a supervisor must scan their badge" in post(floor.client, "/pack/done")


def boss_signs_in(pin="9876"):
    return Client().post(LOGIN, {"badge": "BOSS-1", "pin": pin, "device": "office"}).status_code


def test_a_supervisor_locked_at_sign_in_cannot_approve_a_short_shipment(floor, settings):
    short_shipment_waiting(floor)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        boss_signs_in(pin="0000")
    scan(floor.client, "BOSS-1")
    page = post(floor.client, "/pack/approve", pin="9876")
    assert "Too many wrong PINs for" in page and Order.objects.get().state == "picked"


def test_wrong_pins_at_the_packing_approval_lock_the_supervisors_sign_in(floor, settings):
    short_shipment_waiting(floor)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert boss_signs_in(pin="0000") == 400
    scan(floor.client, "BOSS-1")
    assert "Wrong PIN" in post(floor.client, "/pack/approve", pin="0000")
    assert boss_signs_in() == 429
