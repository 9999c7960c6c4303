"""A supervisor hands a count to another counter of the warehouse, or back to Get work: the count
starts again for whoever has it next, and the one who lost it is told at their next scan."""

import uuid

import pytest
from channels.layers import InMemoryChannelLayer
from django.test import Client

from floor import events
from floor.counting import services
from floor.counting.models import CounterPlace, CountLine, CountTask
from floor.dashboard import drawing
from floor.errors import ScanRejected
from floor.ledger.models import Move
from tests import factories
from tests.counting.conftest import GTIN, on_hand
from tests.pages import page_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


class Desk:
    pass


def counter(wh, first_name):
    client = Client()
    person = factories.user(first_name.lower(), roles=["counter"], wh=wh, first_name=first_name, last_name="Counter")
    client.force_login(person)
    return person, client


def send(client, path, **data):
    return page_text(client.post(f"/count/{path}", {"key": str(uuid.uuid4()), "device": "test", **data}, **HTMX))


@pytest.fixture
def desk():
    d = Desk()
    d.wh = factories.warehouse("WH")
    d.a, d.b = factories.storage_bin(d.wh, aisle="A"), factories.storage_bin(d.wh, aisle="B")
    d.item = factories.product(gtin=GTIN)
    factories.stock(d.a, d.item, 37)
    d.task = CountTask.objects.create(warehouse=d.wh, location=d.a, reason="Short pick: bin empty")
    d.ana, d.ana_client = counter(d.wh, "Ana")
    d.ben, d.ben_client = counter(d.wh, "Ben")
    d.boss = Client()
    d.boss.force_login(factories.user("boss", roles=["supervisor"], wh=d.wh))
    return d


def ana_counts_a_few(d):
    send(d.ana_client, "work")
    send(d.ana_client, "scan", code=d.a.barcode)
    assert "counted" in send(d.ana_client, "scan", code=GTIN)
    send(d.ana_client, "quantity", quantity="5")


def reassign(d, to, **kwargs):
    return d.boss.post(f"/count/tasks/{d.task.pk}/reassign", {"counter": to.pk if to else ""}, **kwargs)


def test_the_page_offers_the_warehouses_counters(desk):
    ana_counts_a_few(desk)
    factories.user("pia", roles=["picker"], wh=desk.wh, first_name="Pia")
    factories.user("far", roles=["counter"], wh=factories.warehouse("FAR"), first_name="Faraway")
    page = page_text(desk.boss.get(f"/count/tasks/{desk.task.pk}/reassign"))
    assert "Now with Ana Counter" in page and "Ben Counter" in page
    assert "Pia" not in page and "Faraway" not in page
    assert "Nobody: back to Get work" in page


def test_a_count_handed_to_another_counter_starts_again_for_them(desk):
    ana_counts_a_few(desk)
    page = page_text(reassign(desk, desk.ben, follow=True))
    assert f"{desk.a.name} handed to Ben Counter." in page  # back on the dashboard, which says so
    desk.task.refresh_from_db()
    assert desk.task.counter == desk.ben and desk.task.lease_until is not None
    assert not CountLine.objects.filter(task=desk.task).exists()  # Ana's five are taken back
    # Ben's scanner shows the bin to scan, without pressing Get work; his count is the one that stands.
    assert "Scan bin" in page_text(desk.ben_client.get("/count/"))
    send(desk.ben_client, "scan", code=desk.a.barcode)
    send(desk.ben_client, "scan", code=GTIN)
    send(desk.ben_client, "quantity", quantity="37")
    assert "thank you" in send(desk.ben_client, "done")
    assert on_hand(desk.a, desk.item) == 37 and not Move.objects.filter(reference__startswith="COUNT-").exists()


def test_the_old_counters_next_scan_says_where_the_bin_went(desk):
    ana_counts_a_few(desk)
    reassign(desk, desk.ben)
    answer = send(desk.ana_client, "scan", code=GTIN)
    assert f"{desk.a.name} was handed to Ben Counter — get work again" in answer and "feedback-error" in answer
    assert "Bins to count" in answer  # her screen is back at Get work
    assert not CountLine.objects.filter(counter=desk.ana).exists()
    assert "No bins to count" in send(desk.ana_client, "work")  # Ben's now


def test_back_to_get_work_hands_it_to_the_next_counter_who_asks(desk):
    ana_counts_a_few(desk)
    page = page_text(reassign(desk, None, follow=True))
    assert f"{desk.a.name} is back in Get work." in page
    desk.task.refresh_from_db()
    assert desk.task.counter is None and desk.task.lease_until is None
    assert f"{desk.a.name} was taken off you — get work again" in send(desk.ana_client, "undo")
    assert f"Count {desk.a.name}" in send(desk.ben_client, "work")


def test_handed_back_to_the_same_counter_keeps_what_they_counted(desk):
    ana_counts_a_few(desk)
    reassign(desk, desk.ana)
    assert CountLine.objects.filter(task=desk.task, counter=desk.ana).count() == 1
    assert "6 × " in send(desk.ana_client, "scan", code=GTIN)  # her five and one more


def test_another_warehouses_count_is_not_found(desk):
    far = factories.warehouse("FAR")
    theirs = CountTask.objects.create(warehouse=far, location=factories.storage_bin(far, aisle="Z"), reason="plan")
    assert desk.boss.get(f"/count/tasks/{theirs.pk}/reassign").status_code == 404
    assert desk.boss.post(f"/count/tasks/{theirs.pk}/reassign", {"counter": desk.ben.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.counter is None


def test_only_a_supervisor_reassigns(desk):
    assert desk.ana_client.get(f"/count/tasks/{desk.task.pk}/reassign").status_code == 403


def test_someone_not_offered_is_not_found_and_someone_who_does_not_count_here_is_refused(desk):
    ana_counts_a_few(desk)
    picker = factories.user("pia", roles=["picker"], wh=desk.wh, first_name="Pia")
    assert reassign(desk, picker).status_code == 404
    far = factories.user("far", roles=["counter"], wh=factories.warehouse("FAR"), first_name="Faraway")
    for person in (picker, far):
        with pytest.raises(ScanRejected, match="does not count in this warehouse"):
            services.reassign_count(task=desk.task, counter=person, actor=None)
    desk.task.refresh_from_db()
    assert desk.task.counter == desk.ana and CountLine.objects.filter(counter=desk.ana).exists()


def test_a_counted_bin_is_refused_in_words(desk):
    CountTask.objects.filter(pk=desk.task.pk).update(state=CountTask.State.DONE)
    page = page_text(reassign(desk, desk.ben))
    assert f"{desk.a.name}: Counted — there is nothing left to hand over." in page
    desk.task.refresh_from_db()
    assert desk.task.counter is None and not CounterPlace.objects.filter(task=desk.task).exists()


def test_a_counter_on_another_bin_hands_that_one_over_first(desk):
    CountTask.objects.create(warehouse=desk.wh, location=desk.b, reason="plan", priority=99)
    assert f"Count {desk.b.name}" in send(desk.ben_client, "work")
    ana_counts_a_few(desk)
    page = page_text(reassign(desk, desk.ben))
    assert f"Ben Counter is already counting {desk.b.name}: hand that one over first." in page
    desk.task.refresh_from_db()
    assert desk.task.counter == desk.ana


def test_a_recount_is_not_handed_to_who_counted_the_bin_before(desk):
    CountTask.objects.filter(pk=desk.task.pk).update(state=CountTask.State.DONE, counter=desk.ana)
    recount = CountTask.objects.create(
        warehouse=desk.wh, location=desk.a, reason="Recount", recount_of=desk.task, not_for=desk.ben
    )
    for person in (desk.ana, desk.ben):
        with pytest.raises(ScanRejected, match="counted this bin before"):
            services.reassign_count(task=recount, counter=person, actor=None)
    cleo, _client = counter(desk.wh, "Cleo")
    assert services.reassign_count(task=recount, counter=cleo, actor=None).counter == cleo


def test_the_dashboard_offers_reassign_for_a_count_and_redraws_after_it(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    send(desk.ana_client, "work")
    link = f'href="/count/tasks/{desk.task.pk}/reassign"'
    assert link in page_text(desk.boss.get("/dashboard/"))
    # An open dashboard hears of the change and its panels, drawn then, show Ben on the bin.
    monkeypatch.setattr(events, "get_channel_layer", InMemoryChannelLayer)
    drawn = []
    real = drawing.figures
    monkeypatch.setattr(drawing, "figures", lambda warehouse: drawn.append(warehouse.pk) or real(warehouse))
    with django_capture_on_commit_callbacks(execute=True):
        reassign(desk, desk.ben)
    assert drawn == [desk.wh.pk]
    panels = page_text(desk.boss.get("/dashboard/panels?since=0", **HTMX))
    ben_row = panels[panels.index("Ben Counter") :]
    assert link in ben_row[: ben_row.index("</tr>")]
