"""The supervisor's floor dashboard: its panels on one page, each exception's action done in
place and recorded with who and why, a dismissal only with a reason; one warehouse only."""

import time

import pytest
from django.test import Client

from floor.dashboard.models import Handled
from floor.odoo import outbox
from floor.odoo.models import Operation, SyncException
from tests import factories
from tests.pages import page_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk():
    wh, other = factories.warehouse("WH"), factories.warehouse("WH2")
    boss = factories.user("boss", roles=["supervisor"], wh=wh, first_name="Bea")
    failed = Operation.objects.create(
        kind=Operation.Kind.DELIVERY,
        warehouse=wh,
        reference="FLOOR-OUT-1",
        document="WH/OUT/00001",
        state=Operation.State.FAILED,
        last_error="Odoo said no",
    )
    theirs = Operation.objects.create(
        kind=Operation.Kind.DELIVERY,
        warehouse=other,
        reference="FLOOR-OUT-2",
        document="WH2/OUT/00001",
        state=Operation.State.FAILED,
        last_error="Odoo said no",
    )
    changed = SyncException.objects.create(
        kind=SyncException.Kind.RECEIPT,
        warehouse=wh,
        reference="WH/IN/00007",
        odoo_model="stock.picking",
        odoo_id=7,
        message="Odoo changed the receipt",
        fingerprint="x",
    )
    client = Client()
    client.force_login(boss)
    return wh, boss, client, failed, theirs, changed


def act(client, **data):
    return page_text(client.post("/dashboard/act", data, **HTMX))


def test_the_dashboard_shows_the_floor_and_what_waits_for_a_supervisor(desk):
    wh, boss, client, failed, theirs, changed = desk
    text = page_text(client.get("/dashboard/"))
    for words in ("Now", "Open work", "Exceptions", "People", "Sync with Odoo", "WH/IN/00007", "WH/OUT/00001"):
        assert words in text, words
    assert "WH2/OUT/00001" not in text  # another warehouse's failure is not theirs
    assert f'data-watch="floor:{wh.pk}"' in text
    assert "Floor dashboard" in page_text(client.get("/"))


def test_a_failed_push_is_retried_from_the_dashboard_on_record(desk):
    wh, boss, client, failed, theirs, changed = desk
    answer = act(client, kind="push_failed", object_id=failed.pk, action="retry")
    assert "FLOOR-OUT-1 goes to Odoo again" in answer
    failed.refresh_from_db()
    assert failed.state == Operation.State.PENDING
    assert f'data-exception="push_failed:{failed.pk}"' not in answer
    handled = Handled.objects.get()
    assert (handled.kind, handled.action, handled.by) == ("push_failed", "retry", boss)


def test_an_odoo_change_is_marked_dealt_with(desk):
    wh, boss, client, failed, theirs, changed = desk
    assert "WH/IN/00007: marked as dealt with" in act(client, kind="sync", object_id=changed.pk, action="resolve")
    changed.refresh_from_db()
    assert changed.resolved


def test_a_dismissal_needs_a_reason_and_puts_the_exception_out_of_the_stream(desk):
    wh, boss, client, failed, theirs, changed = desk
    assert "Say why it is dismissed" in act(client, kind="sync", object_id=changed.pk, action="dismiss", reason=" ")
    assert not Handled.objects.exists()
    answer = act(client, kind="sync", object_id=changed.pk, action="dismiss", reason="Known: Odoo fixed it")
    assert "Dismissed: Known: Odoo fixed it" in answer
    assert f'data-exception="sync:{changed.pk}"' not in answer
    assert Handled.objects.get().reason == "Known: Odoo fixed it"
    assert f'data-exception="sync:{changed.pk}"' not in page_text(client.get("/dashboard/panels"))


def test_another_warehouses_exception_is_refused_and_left_alone(desk):
    wh, boss, client, failed, theirs, changed = desk
    assert "That is not in this warehouse" in act(client, kind="push_failed", object_id=theirs.pk, action="retry")
    theirs.refresh_from_db()
    assert theirs.state == Operation.State.FAILED and not Handled.objects.exists()


def test_an_action_a_kind_does_not_offer_is_refused(desk):
    wh, boss, client, failed, theirs, changed = desk
    assert "not done from the dashboard" in act(client, kind="sync", object_id=changed.pk, action="retry")
    assert "Not an exception the dashboard knows" in act(client, kind="bogus", object_id=1, action="retry")
    assert not Handled.objects.exists()


def test_the_warehouses_dashboards_share_one_drawing_of_the_panels_made_after_the_change(desk, monkeypatch):
    from floor.dashboard import views

    wh, boss, client, failed, theirs, changed = desk
    drawn = []
    real = views._panels
    monkeypatch.setattr(views, "_panels", lambda request: drawn.append(1) or real(request))
    deputy = Client()
    deputy.force_login(factories.user("deputy", roles=["supervisor"], wh=wh))
    heard = time.time()
    shown = f'data-exception="push_failed:{failed.pk}"'
    for someone in (client, deputy, client):
        assert shown in page_text(someone.get(f"/dashboard/panels?since={heard}", **HTMX))
    assert len(drawn) == 1  # one drawing for three asks of the same moment
    time.sleep(0.01)
    outbox.retry(failed)  # the floor changes, and the dashboards hear of it
    later = time.time()
    assert shown not in page_text(deputy.get(f"/dashboard/panels?since={later}", **HTMX))
    assert len(drawn) == 2
    elsewhere = Client()
    elsewhere.force_login(factories.user("far", roles=["supervisor"], wh=factories.warehouse("WH3")))
    assert "WH/OUT/00001" not in page_text(elsewhere.get(f"/dashboard/panels?since={heard}", **HTMX))
