"""A supervisor's PIN at an approval counts against the same per-person limit as at sign-in."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.receiving import test_receiving
from tests.receiving.test_receiving import WIDGET, post, received, scan

pytestmark = pytest.mark.django_db

dock = test_receiving.dock  # the receiving tests' dock: a receipt, a receiver signed in, BOSS-1

LOGIN = reverse("accounts:login")


def waiting_for_approval(dock, settings):
    settings.RECEIVING_OVER_TOLERANCE = 0.10
    scan(dock.client, "WH/IN/00042")
    post(dock.client, "/receive/quantity", quantity="12")
    assert "supervisor" in scan(dock.client, WIDGET).lower()


def boss_signs_in(pin="4321"):
    return Client().post(LOGIN, {"badge": "BOSS-1", "pin": pin, "device": "office"}).status_code


def test_wrong_pins_at_sign_in_and_at_approvals_add_up_to_one_lock(dock, settings):
    waiting_for_approval(dock, settings)
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        assert boss_signs_in(pin="0000") == 400
    for _ in range(2):
        scan(dock.client, "BOSS-1")
        assert "Wrong PIN" in post(dock.client, "/receive/approve", pin="0000")
    assert boss_signs_in() == 429  # locked at sign-in by wrong PINs at the approval prompt
    scan(dock.client, "BOSS-1")
    page = post(dock.client, "/receive/approve", pin="4321")
    assert "Too many wrong PINs for" in page and received(dock.widget_line) == 0


def test_a_supervisor_locked_at_sign_in_cannot_approve(dock, settings):
    waiting_for_approval(dock, settings)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        boss_signs_in(pin="0000")
    scan(dock.client, "BOSS-1")
    page = post(dock.client, "/receive/approve", pin="4321")
    assert "Too many wrong PINs for" in page and "feedback-error" in page
    assert received(dock.widget_line) == 0


def test_once_unlocked_by_another_supervisor_they_approve_again(dock, settings):
    waiting_for_approval(dock, settings)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        boss_signs_in(pin="0000")
    other = Client()
    other.force_login(factories.user(roles=["supervisor"], wh=dock.wh))
    other.post(reverse("accounts:unlock", kwargs={"person_id": dock.boss.pk}))
    scan(dock.client, "BOSS-1")
    post(dock.client, "/receive/approve", pin="4321")
    assert received(dock.widget_line) == 12
