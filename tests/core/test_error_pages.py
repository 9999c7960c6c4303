"""The 403, 404 and 500 answers are pages of the app: its layout (header, styles, script), the
reason in words, and the way back to the work list; not Django's bare serif text."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_page_for_another_role_says_whose_it_is_and_leads_home(client):
    client.force_login(factories.user(roles=["picker"], wh=factories.warehouse()))
    answer = client.get("/waves/")
    assert answer.status_code == 403
    page = answer.content.decode()
    assert '<header class="bar">' in page and "css/floor.css" in page and "js/scanner.js" in page
    assert "This page is for: Supervisor." in page
    assert 'href="/"' in page and "Work list" in page


def test_a_receivers_page_names_both_roles_that_may_open_it(client):
    client.force_login(factories.user(roles=["packer"], wh=factories.warehouse()))
    answer = client.get("/receive/")
    assert answer.status_code == 403
    assert "This page is for: Receiver, Supervisor." in answer.content.decode()


def test_it_says_why_in_the_persons_language(client):
    person = factories.user(roles=["picker"], wh=factories.warehouse())
    person.profile.language = "es"
    person.profile.save()
    client.force_login(person)
    answer = client.get("/waves/")
    assert answer.status_code == 403
    page = answer.content.decode()
    assert "Esta página es para: Supervisor." in page and "Lista de trabajo" in page


def test_an_address_that_does_not_exist_is_a_page_of_the_app(client):
    client.force_login(factories.user(roles=["picker"], wh=factories.warehouse()))
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert '<header class="bar">' in page and "Not found" in page and 'href="/"' in page


def test_a_server_error_is_a_page_of_the_app_even_without_the_request():
    # Django renders 500.html with no context at all: no person, no token, no request.
    answer = server_error(RequestFactory().get("/"))
    assert answer.status_code == 500
    page = answer.content.decode()
    assert '<header class="bar">' in page and "Server error" in page and 'href="/"' in page
