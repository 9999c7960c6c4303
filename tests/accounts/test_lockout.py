"""Nobody can keep the floor locked out: a lock is per person and runs its course whatever is
tried meanwhile, and one device trying badge after badge is stopped before it locks everyone."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PASSWORD_LOGIN = reverse("accounts:login_password")


@pytest.fixture
def pat():
    return factories.user("pat", roles=["picker"], wh=factories.warehouse(), badge="BDG-0042", pin="2468")


def minutes_pass(n):
    """The clock moves on for every try django-axes has on record."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=n))


def sign_in(client, badge="BDG-0042", pin="2468", device="scanner-1"):
    return client.post(LOGIN, {"badge": badge, "pin": pin, "device": device})


def lock(client, settings, badge="BDG-0042"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, badge, pin="0000")
    assert sign_in(client, badge).status_code == 429


def test_wrong_pins_during_a_lock_do_not_extend_it(client, pat, settings):
    lock(client, settings)
    minutes_pass(10)
    for _ in range(3):
        assert sign_in(client, pin="0000").status_code == 429
    minutes_pass(6)  # 16 minutes after the lock, 6 after the last wrong try
    assert sign_in(client).status_code == 302
    assert client.session["_auth_user_id"] == str(pat.pk)


def test_the_right_pin_during_a_lock_does_not_extend_it(client, pat, settings):
    lock(client, settings)
    minutes_pass(14)
    assert sign_in(client).status_code == 429  # still locked: a minute to go
    minutes_pass(2)
    assert sign_in(client).status_code == 302


def test_password_tries_during_a_lock_do_not_extend_it(client, pat, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(PASSWORD_LOGIN, {"username": "pat", "password": "wrong"})
    minutes_pass(10)
    assert client.post(PASSWORD_LOGIN, {"username": "pat", "password": "wrong"}).status_code == 429
    minutes_pass(6)
    assert client.post(PASSWORD_LOGIN, {"username": "pat", "password": "floor-test-pw"}).status_code == 302


def test_a_device_trying_many_unknown_badges_is_refused_for_a_while(client, pat, settings):
    settings.LOGIN_DEVICE_BADGE_LIMIT = 5
    for n in range(5):
        assert client.post(LOGIN, {"badge": f"GUESS-{n}", "device": "scanner-1"}).status_code == 400
    refused = sign_in(client)  # a real badge and PIN, from that device: refused too
    assert refused.status_code == 429 and "Too many badges tried on this device" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.post(LOGIN, {"badge": "BDG-0042", "device": "scanner-1"}).status_code == 429
    # Another scanner on the same floor (same address) is not held up.
    assert sign_in(Client(), device="scanner-2").status_code == 302


def test_wrong_pins_on_many_badges_from_one_device_count_too_before_anyone_is_locked(client, pat, settings):
    settings.LOGIN_DEVICE_BADGE_LIMIT = 4
    for n in range(4):
        factories.user(badge=f"BDG-10{n}", pin="1111")
        assert sign_in(client, f"BDG-10{n}", pin="0000").status_code == 400
    assert sign_in(client, "BDG-101", pin="1111").status_code == 429  # the device is held
    assert sign_in(Client(), "BDG-101", pin="1111", device="scanner-2").status_code == 302  # the person is not


def test_one_persons_own_wrong_pins_count_once_for_the_device(client, pat, settings):
    settings.LOGIN_DEVICE_BADGE_LIMIT = 2
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):  # short of Pat's own lock
        assert sign_in(client, pin="0000").status_code == 400
    assert sign_in(client).status_code == 302  # one badge, however many typos: the device is not held


def test_the_pin_step_carries_the_device_on(client, pat):
    page = client.post(LOGIN, {"badge": "BDG-0042", "device": "scanner-7"}).content.decode()
    assert 'name="device" value="scanner-7"' in page


def test_usernames_tried_from_one_device_count_as_badges(client, pat, settings):
    settings.LOGIN_DEVICE_BADGE_LIMIT = 3
    for name in ("ann", "bob", "cid"):
        client.post(PASSWORD_LOGIN, {"username": name, "password": "guess"})
    answer = client.post(PASSWORD_LOGIN, {"username": "pat", "password": "floor-test-pw"})
    assert answer.status_code == 429 and "_auth_user_id" not in client.session
