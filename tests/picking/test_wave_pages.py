"""The supervisor's wave pages: list, new wave with a preview, release, cancel, reassign, rules."""

import datetime
import time

import pytest
from channels.layers import InMemoryChannelLayer
from django.test import Client
from django.utils import timezone

from floor import events
from floor.picking import waves
from floor.picking.models import Order, Pick, PickTask, Wave, WaveRule
from floor.picking.waves import Filters
from floor.warehouse.services import add_zone
from tests import factories
from tests.picking.factories import order


@pytest.fixture
def wh(db):
    return factories.warehouse()


@pytest.fixture
def item(wh):
    made = factories.product(sku="MUG")
    factories.stock(factories.storage_bin(wh, aisle="A", bay=1), made, 10)
    return made


@pytest.fixture
def boss(wh):
    client = Client()
    client.force_login(factories.user(roles=["supervisor"], wh=wh))
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/waves/"),
        ("get", "/waves/new"),
        ("post", "/waves/new"),
        ("get", "/waves/rules/"),
        ("post", "/waves/rules/new"),
        ("post", "/waves/1/release"),
        ("post", "/waves/1/cancel"),
        ("post", "/waves/tasks/1/reassign"),
    ],
)
def test_a_picker_may_not_open_the_wave_pages(wh, method, url):
    client = Client()
    client.force_login(factories.user(roles=["picker"], wh=wh))

    assert getattr(client, method)(url).status_code == 403


def test_someone_signed_out_is_sent_to_sign_in(db):
    response = Client().get("/waves/")

    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_a_supervisor_without_a_warehouse_is_told_so(db):
    client = Client()
    client.force_login(factories.user(roles=["supervisor"]))

    for url in ("/waves/", "/waves/new", "/waves/rules/"):
        assert "not assigned to a warehouse" in text(client.get(url))


def test_the_list_shows_each_wave_with_its_state_and_progress(wh, item, boss):
    order(wh, (item, 4), reference="OUT/1")
    wave = waves.release_wave(wave=waves.build_wave(warehouse=wh, filters=Filters()), actor=None)
    Order.objects.filter(wave=wave).first().lines.update(picked=1)

    page = text(boss.get("/waves/"))

    assert wave.reference in page
    assert "Released" in page
    assert "1 / 4" in page
    assert "25 %" in page


def test_preview_shows_the_orders_and_totals_and_creates_nothing(wh, item, boss):
    order(wh, (item, 2), reference="OUT/URGENT", priority=1, carrier="DHL")
    order(wh, (item, 1), reference="OUT/LATER", carrier="DHL")
    order(wh, (item, 1), reference="OUT/UPS", carrier="UPS")

    page = text(boss.post("/waves/new", {"carrier": "DHL", "totes_per_picker": 6, "mode": "cluster", "preview": "1"}))

    assert page.index("OUT/URGENT") < page.index("OUT/LATER")
    assert "OUT/UPS" not in page.split('id="preview"')[1]
    assert "Create wave of 2 orders" in page
    assert not Wave.objects.exists()


def test_the_form_says_what_is_wrong(wh, boss):
    page = text(boss.post("/waves/new", {"totes_per_picker": 0, "mode": "cluster", "max_orders": "-1"}))

    assert page.count('class="errorlist') >= 2
    assert not Wave.objects.exists()


def test_create_builds_a_draft_wave_and_opens_it(wh, item, boss):
    order(wh, (item, 1), reference="OUT/1")

    response = boss.post("/waves/new", {"totes_per_picker": 4, "mode": "zone", "create": "1"}, follow=True)

    wave = Wave.objects.get()
    assert response.redirect_chain[-1][0] == f"/waves/{wave.pk}/"
    assert (wave.state, wave.mode, wave.totes_per_picker) == ("draft", "zone", 4)
    assert "OUT/1" in text(response)
    assert "release it to start picking" in text(response)


def test_create_with_nothing_to_take_says_so(wh, item, boss):
    order(wh, (item, 1), carrier="UPS")

    page = text(boss.post("/waves/new", {"carrier": "DHL", "totes_per_picker": 6, "mode": "cluster", "create": "1"}))

    assert "No open order fits these filters and limits." in page
    assert not Wave.objects.exists()


def test_release_from_the_wave_page_shows_the_tasks_and_what_is_short(wh, item, boss):
    order(wh, (item, 6), reference="OUT/A")
    wave = waves.build_wave(warehouse=wh, filters=Filters())
    order(wh, (item, 8), reference="OUT/B", state=Order.State.IN_WAVE, wave=wave)  # only 4 left for it

    page = text(boss.post(f"/waves/{wave.pk}/release", follow=True))

    assert f"{wave.reference} released: 1 pick task." in page
    assert f"{wave.reference}-01" in page
    assert "not enough stock: 4 short" in page
    assert "Reassign" in page
    assert Wave.objects.get().state == "released"


def test_releasing_twice_shows_why_and_changes_nothing(wh, item, boss):
    order(wh, (item, 1))
    wave = waves.build_wave(warehouse=wh, filters=Filters())
    boss.post(f"/waves/{wave.pk}/release")

    page = text(boss.post(f"/waves/{wave.pk}/release", follow=True))

    assert "already released" in page
    assert Pick.objects.count() == 1


def test_cancel_from_the_wave_page(wh, item, boss):
    taken = order(wh, (item, 1))
    wave = waves.build_wave(warehouse=wh, filters=Filters())

    page = text(boss.post(f"/waves/{wave.pk}/cancel", follow=True))

    assert "cancelled: its orders are open again" in page
    assert Order.objects.get(pk=taken.pk).state == "open"


def test_release_and_cancel_need_a_post(wh, item, boss):
    order(wh, (item, 1))
    wave = waves.build_wave(warehouse=wh, filters=Filters())

    assert boss.get(f"/waves/{wave.pk}/release").status_code == 405
    assert boss.get(f"/waves/{wave.pk}/cancel").status_code == 405


def test_another_warehouses_wave_is_not_found(wh, item, boss):
    far = factories.warehouse("FAR")
    elsewhere = Wave.objects.create(warehouse=far, reference="W-FAR")

    assert boss.get(f"/waves/{elsewhere.pk}/").status_code == 404
    assert boss.post(f"/waves/{elsewhere.pk}/release").status_code == 404


def test_the_wave_page_asks_few_queries_for_many_tasks(wh, boss, django_assert_max_num_queries):
    items = [factories.product() for _ in range(4)]
    for n, it in enumerate(items):
        factories.stock(factories.storage_bin(wh, bay=n + 1), it, 100)
    for n in range(24):
        order(wh, (items[n % 4], 1), (items[(n + 1) % 4], 1))
    wave = waves.release_wave(wave=waves.build_wave(warehouse=wh, filters=Filters(totes_per_picker=2)), actor=None)

    with django_assert_max_num_queries(14):
        response = boss.get(f"/waves/{wave.pk}/")
    assert text(response).count("Reassign") >= 12


# --- Reassign


@pytest.fixture
def task(wh, item):
    order(wh, (item, 1))
    wave = waves.release_wave(wave=waves.build_wave(warehouse=wh, filters=Filters()), actor=None)
    return PickTask.objects.get(wave=wave)


def test_reassign_offers_this_warehouses_pickers(wh, task, boss):
    factories.user("ana", first_name="Ana", last_name="Ruiz", wh=wh)
    factories.user("far", first_name="Far", last_name="Away", wh=factories.warehouse("FAR"))
    factories.user("rec", first_name="Rec", last_name="Eiver", roles=["receiver"], wh=wh)

    page = text(boss.get(f"/waves/tasks/{task.pk}/reassign"))

    assert "Ana Ruiz" in page
    assert "Far Away" not in page
    assert "Rec Eiver" not in page
    assert "Nobody: back to Get work" in page


def test_reassign_to_a_picker_and_back_to_nobody(wh, task, boss):
    ana = factories.user("ana", first_name="Ana", last_name="Ruiz", wh=wh)

    page = text(boss.post(f"/waves/tasks/{task.pk}/reassign", {"picker": ana.pk}, follow=True))

    assert f"{task.reference} handed to Ana Ruiz." in page
    assert PickTask.objects.get(pk=task.pk).picker == ana

    page = text(boss.post(f"/waves/tasks/{task.pk}/reassign", {"picker": ""}, follow=True))

    assert "is back in Get work" in page
    assert PickTask.objects.get(pk=task.pk).state == "open"


def test_reassign_to_someone_not_offered_is_not_found(wh, task, boss):
    stranger = factories.user(wh=factories.warehouse("FAR"))

    assert boss.post(f"/waves/tasks/{task.pk}/reassign", {"picker": stranger.pk}).status_code == 404
    assert PickTask.objects.get(pk=task.pk).picker is None


def test_reassign_refused_shows_why(wh, task, boss):
    PickTask.objects.filter(pk=task.pk).update(state="done")

    page = text(boss.post(f"/waves/tasks/{task.pk}/reassign", {"picker": ""}))

    assert "nothing left to hand over" in page


# --- Rules


def test_a_rule_is_created_listed_edited_and_turned_off(wh, boss):
    cold = add_zone(wh, name="Cold")
    fields = {
        "name": "DHL morning",
        "active": "on",
        "cutoff_within": 90,
        "carrier": "DHL",
        "zone": cold.pk,
        "max_orders": 40,
        "totes_per_picker": 8,
        "mode": "zone",
        "every_minutes": 15,
        "release": "on",
    }

    response = boss.post("/waves/rules/new", fields, follow=True)

    rule = WaveRule.objects.get()
    assert (rule.warehouse, rule.zone, rule.carrier, rule.every_minutes, rule.release) == (wh, cold, "DHL", 15, True)
    assert "DHL morning" in text(response)
    assert "every 15 minutes" in text(response)

    boss.post(f"/waves/rules/{rule.pk}/", {**fields, "every_minutes": 45})
    boss.post(f"/waves/rules/{rule.pk}/toggle")

    rule.refresh_from_db()
    assert (rule.every_minutes, rule.active) == (45, False)
    assert "Turn on" in text(boss.get("/waves/rules/"))


def test_a_rule_needs_a_schedule_and_totes(wh, boss):
    page = text(
        boss.post("/waves/rules/new", {"name": "x", "totes_per_picker": 0, "mode": "cluster", "every_minutes": 0})
    )

    assert page.count('class="errorlist') >= 2
    assert not WaveRule.objects.exists()


def test_a_rule_of_another_warehouse_is_not_found(wh, boss):
    far = WaveRule.objects.create(warehouse=factories.warehouse("FAR"), name="Far")

    assert boss.get(f"/waves/rules/{far.pk}/").status_code == 404
    assert boss.post(f"/waves/rules/{far.pk}/toggle").status_code == 404


def test_a_zone_of_another_warehouse_cannot_be_chosen(wh, boss):
    far = add_zone(factories.warehouse("FAR"), name="Far zone")

    page = text(boss.post("/waves/new", {"zone": far.pk, "totes_per_picker": 6, "mode": "cluster", "preview": "1"}))

    assert "Select a valid choice" in page


def test_cutoff_before_is_read_in_the_persons_time(wh, item, boss):
    soon = timezone.localtime() + datetime.timedelta(hours=1)
    order(wh, (item, 1), reference="OUT/SOON", cutoff=soon)
    order(wh, (item, 1), reference="OUT/LATE", cutoff=soon + datetime.timedelta(hours=5))
    before = (soon + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    page = text(
        boss.post("/waves/new", {"cutoff_before": before, "totes_per_picker": 6, "mode": "cluster", "preview": "1"})
    )

    assert "OUT/SOON" in page
    assert "OUT/LATE" not in page


def test_a_long_preview_lists_the_most_urgent_and_counts_them_all(wh, boss):
    item = factories.product()
    factories.stock(factories.storage_bin(wh), item, 500)
    for n in range(105):
        order(wh, (item, 1), reference=f"OUT/{n:03d}", priority=1 if n == 104 else 0)

    page = text(boss.post("/waves/new", {"totes_per_picker": 6, "mode": "cluster", "preview": "1"}))

    assert "OUT/104" in page  # the urgent one, first
    assert "OUT/099" not in page
    assert "…of 105 orders in all." in page
    assert "Create wave of 105 orders" in page


def test_a_wave_and_a_rule_are_built_from_the_same_filters(boss):
    new = boss.get("/waves/new").content.decode()
    rule = boss.get("/waves/rules/new").content.decode()
    for both in (
        'name="cutoff_within"',
        'name="carrier"',
        'name="zone"',
        'name="max_units"',
        'name="totes_per_picker"',
    ):
        assert both in new and both in rule
    # A rule runs again and again, so only "within N minutes" makes sense for it.
    assert 'name="cutoff_before"' in new and 'name="cutoff_before"' not in rule


def test_the_dashboard_shows_the_new_picker_at_once_after_a_reassign(
    wh, task, boss, monkeypatch, django_capture_on_commit_callbacks
):
    # One process's way (the embedded run's layer): drawn as the change commits, in this thread.
    monkeypatch.setattr(events, "get_channel_layer", InMemoryChannelLayer)
    ana = factories.user("ana", first_name="Ana", last_name="Ruiz", wh=wh)
    ben = factories.user("ben", first_name="Ben", last_name="Soto", wh=wh)
    with django_capture_on_commit_callbacks(execute=True):
        boss.post(f"/waves/tasks/{task.pk}/reassign", {"picker": ana.pk})
    assert "Ana Ruiz" in text(boss.get("/dashboard/"))  # who is on what, kept a few seconds

    with django_capture_on_commit_callbacks(execute=True):
        boss.post(f"/waves/tasks/{task.pk}/reassign", {"picker": ben.pk})
    panels = text(boss.get(f"/dashboard/panels?since={time.time() - 1}", HTTP_HX_REQUEST="true"))
    assert "Ben Soto" in panels and "Ana Ruiz" not in panels
