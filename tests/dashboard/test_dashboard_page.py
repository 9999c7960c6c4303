"""The supervisor's floor dashboard: its panels on one page, each exception's action done in
place and recorded with who and why, a dismissal only with a reason; one warehouse only."""

import time
import uuid

import pytest
from channels.layers import InMemoryChannelLayer
from django.test import Client

from floor import events
from floor.dashboard import drawing
from floor.dashboard.models import Handled
from floor.odoo import outbox
from floor.odoo.models import Operation, SyncException
from floor.packing import printing
from floor.packing.models import PrintJob, Station
from floor.warehouse.models import Location
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


def test_the_panels_are_drawn_once_as_the_floor_changes_for_every_dashboard_of_the_warehouse(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    wh, boss, client, failed, theirs, changed = desk
    # One process's way (the embedded run's layer): drawn in the request's thread, which sees this
    # test's uncommitted data (on Redis it is the timer's thread, in the bench and the browser walk).
    monkeypatch.setattr(events, "get_channel_layer", InMemoryChannelLayer)
    drawn = []
    real = drawing.figures
    monkeypatch.setattr(drawing, "figures", lambda warehouse: drawn.append(warehouse.code) or real(warehouse))
    deputy = Client()
    deputy.force_login(factories.user("deputy", roles=["supervisor"], wh=wh))
    shown = f'data-exception="push_failed:{failed.pk}"'
    for someone in (client, deputy):  # two dashboards open: the first drawing serves both
        assert shown in page_text(someone.get("/dashboard/panels", **HTMX))
    assert drawn == ["WH"]

    heard = time.time()
    picker = Client()
    picker.force_login(factories.user(roles=["picker"], wh=wh))
    with django_capture_on_commit_callbacks(execute=True):  # a scan: the dashboards will hear of it
        picker.post("/move/scan", {"code": "CMD-CANCEL", "key": str(uuid.uuid4())}, **HTMX)
    assert drawn == ["WH", "WH"]  # drawn before they were told, once
    for someone in (client, deputy):
        assert shown in page_text(someone.get(f"/dashboard/panels?since={heard}", **HTMX))
    assert drawn == ["WH", "WH"]  # what they asked for was drawn already

    far = Client()
    far.force_login(factories.user("far", roles=["supervisor"], wh=factories.warehouse("WH3")))
    assert shown not in page_text(far.get(f"/dashboard/panels?since={heard}", **HTMX))
    assert drawn == ["WH", "WH", "WH3"]  # another warehouse's panels are its own


def test_a_push_or_a_label_dismissed_that_fails_again_after_a_retry_is_back(desk, settings):
    wh, boss, client, failed, theirs, changed = desk
    settings.STATION_TIMEOUT_SECONDS = 0.5
    pack = Location.objects.create(warehouse=wh, kind=Location.Kind.PACK, name="Pack A", barcode="PK-A")
    station = Station.objects.create(
        warehouse=wh, name="Bench A", barcode="ST-A", location=pack, printer_host="127.0.0.1", printer_port=1
    )
    label = printing.send(PrintJob.objects.create(station=station, zpl="^XA^XZ"))  # nothing listens on port 1
    assert label.state == PrintJob.State.FAILED
    for kind, pk in (("push_failed", failed.pk), ("print_failed", label.pk)):
        answer = act(client, kind=kind, object_id=pk, action="dismiss", reason="The printer is being moved")
        assert f'data-exception="{kind}:{pk}"' not in answer

    operation = outbox.claim(outbox.retry(failed).pk)  # tried again later, and Odoo says no again
    outbox.failed(operation, error="Odoo said no again", retry=False)
    printing.send(printing.retry(label))
    panels = page_text(client.get("/dashboard/panels"))
    assert f'data-exception="push_failed:{failed.pk}"' in panels and "Odoo said no again" in panels
    assert f'data-exception="print_failed:{label.pk}"' in panels
