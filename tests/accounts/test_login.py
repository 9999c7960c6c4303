import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def picker():
    return factories.user(
        "pat",
        roles=["picker"],
        wh=factories.warehouse(),
        badge="BDG-0042",
        pin="2468",
        first_name="Pat",
        last_name="Lee",
    )


def test_scanning_a_badge_asks_for_that_persons_pin(client, picker):
    response = client.post(LOGIN, {"badge": "BDG-0042"})
    assert response.status_code == 200
    assert b"Type your PIN" in response.content and b"Pat Lee" in response.content


def test_badge_and_right_pin_sign_in_and_open_the_home_screen(client, picker):
    response = client.post(LOGIN, {"badge": "BDG-0042", "pin": "2468"})
    assert response.status_code == 302 and response.url == reverse("home")
    home = client.get(reverse("home"))
    assert b"Picker" in home.content and b"PL" in home.content  # role and initials


def test_an_unknown_badge_is_refused_with_a_message(client, picker):
    response = client.post(LOGIN, {"badge": "BDG-9999", "pin": "2468"})
    assert response.status_code == 400 and b"Unknown badge" in response.content
    assert "_auth_user_id" not in client.session


def test_a_wrong_pin_is_refused(client, picker):
    response = client.post(LOGIN, {"badge": "BDG-0042", "pin": "0000"})
    assert response.status_code == 400 and b"Wrong PIN" in response.content
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_pins_lock_that_person_but_not_their_colleagues(client, picker, settings):
    colleague = factories.user("sam", roles=["picker"], badge="BDG-0043", pin="1357")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"badge": "BDG-0042", "pin": "0000"})
    locked = client.post(LOGIN, {"badge": "BDG-0042", "pin": "2468"})
    assert locked.status_code == 429 and b"locked" in locked.content
    assert "_auth_user_id" not in client.session
    # Same device, same address: a colleague still gets in.
    assert client.post(LOGIN, {"badge": "BDG-0043", "pin": "1357"}).status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_username_and_password_also_sign_in(client, picker):
    response = client.post(reverse("accounts:login_password"), {"username": "pat", "password": "floor-test-pw"})
    assert response.status_code == 302


def test_every_page_needs_a_signed_in_person(client):
    for url in ["/", "/move/", "/warehouse/labels/", "/scan/lookup/?code=A", "/scan/selftest/", "/accounts/language/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(LOGIN), url


def test_a_person_reads_floor_in_their_own_language(client, picker):
    picker.profile.language = "es"
    picker.profile.save()
    client.force_login(picker)
    page = client.get("/").content.decode()
    assert 'lang="es"' in page and "Mover existencias" in page and "Cerrar sesión" in page


def test_each_scan_answers_in_the_scanning_persons_language(client, picker):
    # The scan screens are Jinja templates, whose words are looked up once per language: the
    # Spanish picker's answer must not leave Spanish behind for the next person, nor take theirs.
    picker.profile.language = "es"
    picker.profile.save()
    english = factories.user("sam", roles=["picker"], wh=picker.profile.warehouse)
    other = Client()
    client.force_login(picker)
    other.force_login(english)

    def scan(who, code):
        form = {"code": code, "key": str(uuid.uuid4()), "device": "test"}
        return who.post("/move/scan", form, HTTP_HX_REQUEST="true").content.decode()

    assert "Escanee la ubicación de origen" in scan(client, "NO-SUCH-CODE")
    assert "Scan the bin to take from" in scan(other, "NO-SUCH-CODE")
    assert "Escanee la ubicación de origen" in scan(client, "NO-SUCH-CODE")
    waiting = client.get("/pick/", HTTP_HX_REQUEST="true").content.decode()
    assert "0 tareas en espera" in waiting  # a plural, worded in the view


def test_signing_out_needs_a_post_and_ends_the_session(client, picker):
    client.force_login(picker)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_a_pin_is_stored_salted_and_hashed_never_as_typed(picker):
    profile = picker.profile
    assert "2468" not in profile.pin_hash and profile.pin_hash.startswith("pbkdf2_pin$")
    other = factories.user(pin="2468").profile
    assert other.pin_hash != profile.pin_hash  # a salt each
    assert profile.check_pin("2468") and not profile.check_pin("2469") and not profile.check_pin("")
