"""After signing in, `next` leads only to a page of this site, as Django's own LoginView allows."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PASSWORD_LOGIN = reverse("accounts:login_password")
ELSEWHERE = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "http://testserver.evil.example/",
]


@pytest.fixture
def person():
    return factories.user("pat", roles=["picker"], wh=factories.warehouse(), badge="BDG-0042", pin="2468")


def badge_and_pin(client, next_url, **extra):
    return client.post(f"{LOGIN}?next={next_url}", {"badge": "BDG-0042", "pin": "2468"}, **extra)


def username_and_password(client, next_url):
    return client.post(f"{PASSWORD_LOGIN}?next={next_url}", {"username": "pat", "password": "floor-test-pw"})


@pytest.mark.parametrize("sign_in", [badge_and_pin, username_and_password])
@pytest.mark.parametrize("next_url", ELSEWHERE)
def test_a_next_off_the_site_leads_home_instead(client, person, sign_in, next_url):
    response = sign_in(client, next_url)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(person.pk)


@pytest.mark.parametrize("sign_in", [badge_and_pin, username_and_password])
def test_a_next_on_the_site_is_followed(client, person, sign_in):
    response = sign_in(client, "/pick/?from=login")
    assert response.status_code == 302 and response.url == "/pick/?from=login"


def test_a_next_in_the_form_is_checked_as_well(client, person):
    response = client.post(LOGIN, {"badge": "BDG-0042", "pin": "2468", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("home")


def test_an_http_next_is_refused_on_an_https_site(client, person):
    response = badge_and_pin(client, "http://testserver/pick/", secure=True)
    assert response.status_code == 302 and response.url == reverse("home")
    client.logout()
    response = badge_and_pin(client, "https://testserver/pick/", secure=True)
    assert response.url == "https://testserver/pick/"
