"""The sync page: with no Odoo connected it says the operations wait for one (nothing failed), it
opens on the tab that has rows, and it names each operation once."""

import re
import uuid

import pytest
from django.utils import timezone

from floor.odoo.models import Operation
from tests import factories

pytestmark = pytest.mark.django_db

State = Operation.State


@pytest.fixture
def no_odoo(settings):
    settings.ODOO_URL = settings.ODOO_DB = settings.ODOO_USER = settings.ODOO_API_KEY = ""


@pytest.fixture
def odoo_set(settings):
    settings.ODOO_URL, settings.ODOO_DB = "https://odoo.example.com", "floor"
    settings.ODOO_USER, settings.ODOO_API_KEY = "floor", "key"


def operation(wh, n, state=State.PENDING, payload=None, **fields):
    return Operation.objects.create(
        kind=Operation.Kind.INTERNAL,
        warehouse=wh,
        reference=f"FLOOR-MOVE-{n}",
        document=f"MOVE-{n}",
        payload=payload or {"lines": []},
        state=state,
        next_try_at=timezone.now(),
        **fields,
    )


def page_of(client, wh, query=""):
    client.force_login(factories.user(roles=["supervisor"], wh=wh))
    return client.get(f"/odoo/operations/{query}").content.decode()


def opened_tab(page):
    return re.search(r'class="btn btn-primary" aria-current="page">([^<]+)<', page).group(1)


def test_with_no_odoo_connected_it_says_the_operations_will_be_sent_when_one_is(client, no_odoo):
    wh = factories.warehouse()
    for n in range(3):
        operation(wh, n)
    page = page_of(client, wh)
    assert "No Odoo connected: 3 operations will be sent when one is" in page
    # Waiting for an Odoo is not a failure: no warning band, no retry times that will not come.
    assert "feedback-warning" not in page and "feedback-error" not in page and "⚠" not in page
    assert "Next try" not in page and "tries" not in page


def test_with_an_odoo_connected_it_says_nothing_of_the_kind(client, odoo_set):
    wh = factories.warehouse()
    operation(wh, 1)
    page = page_of(client, wh)
    assert "No Odoo connected" not in page and "Next try" in page


def test_it_opens_on_failed_pushes_if_any(client):
    wh = factories.warehouse()
    operation(wh, 1, State.SENT)
    operation(wh, 2)
    operation(wh, 3, State.FAILED, last_error="Odoo said no")
    page = page_of(client, wh)
    assert opened_tab(page) == "Failed · 1" and "Odoo said no" in page and "MOVE-2" not in page


def test_else_on_what_waits(client):
    wh = factories.warehouse()
    operation(wh, 1, State.SENT)
    operation(wh, 2)
    page = page_of(client, wh)
    assert opened_tab(page) == "Waiting · 1" and "MOVE-2" in page and "MOVE-1" not in page


def test_else_on_what_was_sent(client):
    wh = factories.warehouse()
    operation(wh, 1, State.SENT)
    page = page_of(client, wh)
    assert opened_tab(page) == "Sent · 1" and "MOVE-1" in page


def test_a_tab_asked_for_is_the_tab_shown(client):
    wh = factories.warehouse()
    operation(wh, 1, State.SENT)
    operation(wh, 2, State.FAILED)
    assert opened_tab(page_of(client, wh, "?state=sent")) == "Sent · 1"


def test_a_move_and_its_undo_are_each_named_once(client, no_odoo):
    """Move stock and its Undo write two operations for the same document: the undo says so."""
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    item = factories.product(gtin="4006381333931")
    factories.stock(a, item, 5)
    picker = factories.user(roles=["picker"], wh=wh)
    client.force_login(picker)
    for code in (a.barcode, "4006381333931", b.barcode):
        client.post("/move/scan", {"code": code, "key": str(uuid.uuid4()), "device": "t"}, HTTP_HX_REQUEST="true")
    client.post("/move/undo", {"key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    [document] = set(Operation.objects.values_list("document", flat=True))
    page = page_of(client, wh)
    rows = re.findall(r"<strong>Internal transfer</strong> ([^\n<]+)", page)
    assert sorted(rows) == sorted([document, f"Undo of {document}"])
    assert "No Odoo connected: 2 operations will be sent when one is" in page


def test_an_operation_waiting_for_an_undo_names_it_as_the_undo(client, odoo_set):
    wh = factories.warehouse()
    undo = operation(wh, 1, payload={"lines": [], "undo": True})
    count = Operation.objects.create(
        kind=Operation.Kind.ADJUSTMENT,
        warehouse=wh,
        reference="FLOOR-CNT-2",
        document="CNT-2",
        payload={"lines": []},
        waiting_for=undo,
    )
    page = page_of(client, wh)
    assert count.document in page and "Waits for Undo of MOVE-1 to reach Odoo first" in page
