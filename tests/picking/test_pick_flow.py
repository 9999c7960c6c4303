"""The picker's flow, scan by scan, through the views as a scanner sends them: get work, bind
totes, bin · item · tote at each stop, and every way a scan can be wrong."""

import datetime
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from floor.counting.models import CountTask
from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move, Quant
from floor.odoo.models import Operation
from floor.picking import allocation, waves
from floor.picking.models import Order, OrderLine, Pick, PickerPlace, PickRecord, PickTask, TaskTote
from floor.warehouse.models import Location
from floor.warehouse.services import virtual_location
from tests import factories
from tests.pages import page_text
from tests.picking.task_factories import Stop, bind, lease, pick_task

pytestmark = pytest.mark.django_db

BOLT = "4006381333931"
NUT = factories.gtin13("400000000017")
MILK = factories.gtin13("400000000024")
PHONE = factories.gtin13("400000000031")
TODAY = timezone.localdate()


def gs1(gtin, **ais):
    """A GS1 element string: the GTIN, then lot (10), serial (21), count (30), each ended by GS."""
    fields = {"lot": "10", "serial": "21", "count": "30"}
    return f"01{gtin.zfill(14)}" + "".join(f"{fields[name]}{value}\x1d" for name, value in ais.items())


@pytest.fixture
def floor(client):
    f = SimpleNamespace()
    f.wh = factories.warehouse()
    f.a1 = factories.storage_bin(f.wh, aisle="A", bay=1)
    f.a2 = factories.storage_bin(f.wh, aisle="A", bay=2)
    f.b1 = factories.storage_bin(f.wh, aisle="B", bay=1)
    f.bolt = factories.product(gtin=BOLT, sku="BOLT", name="Hex bolt M8")
    f.nut = factories.product(gtin=NUT, sku="NUT", name="Hex nut M8")
    f.milk = factories.product(gtin=MILK, sku="MILK", name="Milk powder", tracking="lot")
    f.phone = factories.product(gtin=PHONE, sku="PHONE", name="Phone", tracking="serial")
    f.t1, f.t2, f.t3 = (factories.tote(f.wh, f"T-000{n}") for n in (1, 2, 3))
    f.person = factories.user(roles=["picker"], wh=f.wh, first_name="Pat")
    client.force_login(f.person)
    f.client = client
    return f


def scan(client, code, key=None):
    return page_text(
        client.post(
            "/pick/scan", {"code": code, "key": key or str(uuid.uuid4()), "device": "test"}, HTTP_HX_REQUEST="true"
        )
    )


def post(client, url, **data):
    data.setdefault("key", str(uuid.uuid4()))
    return page_text(client.post(url, data, HTTP_HX_REQUEST="true"))


def on_hand(location, product, lot=None):
    quants = Quant.objects.filter(location=location, product=product)
    if lot is not None:
        quants = quants.filter(lot=lot)
    return sum((q.quantity for q in quants), Decimal(0))


def fresh(obj):
    obj.refresh_from_db()
    return obj


def ready(floor, stops, *totes, **kw):
    """A task leased to the person with its totes bound, at its first stop."""
    built = pick_task(floor.wh, stops, **kw)
    post(floor.client, "/pick/work")
    for tote in totes or (floor.t1, floor.t2, floor.t3)[: len(built.bindings)]:
        scan(floor.client, tote.barcode)
    return built


def nothing_recorded():
    return not PickRecord.objects.exists() and not Move.objects.filter(key__startswith="pick:").exists()


# --- Get work


def test_get_work_leases_the_most_urgent_task_to_the_picker(floor, settings):
    settings.PICK_LEASE_SECONDS = 300
    later = pick_task(floor.wh, [Stop("OUT/1", floor.a1, floor.bolt, 2)], sequence=5)
    sooner = pick_task(floor.wh, [Stop("OUT/2", floor.a2, floor.bolt, 2)], sequence=1)

    page = post(floor.client, "/pick/work")

    task = fresh(sooner.task)
    assert task.state == "active" and task.picker == floor.person and task.started_at is not None
    assert abs((task.lease_until - timezone.now()).total_seconds() - 300) < 5
    assert fresh(later.task).state == "open"
    assert "Scan a tote for" in page and "OUT/2" in page and f"{task.reference} · 0/1" in page


def test_get_work_gives_the_pickers_own_task_back_first(floor):
    mine = pick_task(floor.wh, [Stop("OUT/1", floor.a1, floor.bolt, 2)], sequence=9)
    pick_task(floor.wh, [Stop("OUT/2", floor.a2, floor.bolt, 2)], sequence=1)
    lease(mine, floor.person)

    post(floor.client, "/pick/work")

    assert PickerPlace.objects.get(actor=floor.person).task == mine.task


def test_no_work_waiting_says_so(floor):
    page = post(floor.client, "/pick/work")
    assert "No work waiting" in page and "feedback-warning" in page


def test_tasks_of_a_wave_not_released_are_not_handed_out(floor):
    from tests.picking.task_factories import wave

    pick_task(floor.wh, [Stop("OUT/1", floor.a1, floor.bolt, 2)], in_wave=wave(floor.wh, state="draft"))
    assert "No work waiting" in post(floor.client, "/pick/work")


def test_done_scanned_with_no_task_gets_work(floor):
    built = pick_task(floor.wh, [Stop("OUT/1", floor.a1, floor.bolt, 2)])
    assert "Get work first" in scan(floor.client, floor.a1.barcode)
    scan(floor.client, "CMD-DONE")
    assert fresh(built.task).picker == floor.person


# --- Totes


def test_a_tote_is_bound_to_each_order_in_turn_then_the_first_stop_is_asked(floor):
    built = pick_task(floor.wh, [Stop("OUT/1", floor.a1, floor.bolt, 2), Stop("OUT/2", floor.a2, floor.nut, 1)])
    post(floor.client, "/pick/work")

    page = scan(floor.client, "T-0002")
    assert "Tote T-0002 for OUT/1" in page and "Scan a tote for" in page and "OUT/2" in page
    page = scan(floor.client, "T-0001")
    assert "Scan bin" in page and floor.a1.name in page
    assert fresh(built.bindings["OUT/1"]).tote == floor.t2 and fresh(built.bindings["OUT/2"]).tote == floor.t1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("A-99-99", "Not a code Floor knows: A-99-99"),
        (BOLT, "Scan a tote for OUT/1 (scanned"),
        ("T-OTHER", "Tote T-OTHER is of another warehouse"),
        ("T-FULL", "Tote T-FULL is not empty"),
        ("T-BUSY", "Tote T-BUSY already carries OUT/9"),
    ],
)
def test_a_tote_that_cannot_take_the_order_is_refused(floor, code, message):
    factories.tote(factories.warehouse("WH2"), "T-OTHER")
    full = factories.tote(floor.wh, "T-FULL")
    factories.stock(full.location, floor.nut, 1)
    busy = pick_task(floor.wh, [Stop("OUT/9", floor.b1, floor.nut, 1)], sequence=9)
    bind(busy, factories.tote(floor.wh, "T-BUSY"))
    built = pick_task(floor.wh, [Stop("OUT/1", floor.a1, floor.bolt, 2)], sequence=0)
    post(floor.client, "/pick/work")
    assert PickerPlace.objects.get(actor=floor.person).task == built.task

    page = scan(floor.client, code)

    assert message in page and "feedback-error" in page and 'data-sound="error"' in page
    assert fresh(built.bindings["OUT/1"]).tote is None


# --- Stops: the happy path


def test_three_scans_per_line_and_two_in_the_same_bin(floor):
    built = ready(
        floor,
        [
            Stop("OUT/1", floor.a1, floor.bolt, 3),
            Stop("OUT/2", floor.a1, floor.nut, 2),  # the same bin: no bin scan
            Stop("OUT/1", floor.b1, floor.nut, 1),
        ],
    )
    scans = 0

    def go(code):
        nonlocal scans
        scans += 1
        return scan(floor.client, code)

    page = go(floor.a1.barcode)
    assert "Scan the item" in page and "BOLT" in page
    page = go(BOLT)
    assert "Put in tote" in page and "T-0001" in page and "<strong>3</strong> × BOLT" in page
    page = go("T-0001")
    assert "3 × BOLT in T-0001" in page and 'data-sound="line"' in page
    assert "Scan the item" in page and "NUT" in page  # still at A-01-01
    assert scans == 3
    go(NUT)
    page = go("T-0002")
    assert "Scan bin" in page and floor.b1.name in page
    assert scans == 5
    go(floor.b1.barcode)
    go(NUT)
    page = go("T-0001")
    assert scans == 8
    assert "done — take the totes to packing: T-0001, T-0002" in page and 'data-sound="document"' in page
    assert "Get work" in page

    built.refresh()
    assert [p.state for p in built.picks] == ["picked"] * 3 and [p.picked for p in built.picks] == [3, 2, 1]
    assert built.lines[("OUT/1", floor.bolt.pk)].picked == 3 and built.lines[("OUT/1", floor.nut.pk)].picked == 1
    assert on_hand(floor.t1.location, floor.bolt) == 3 and on_hand(floor.t1.location, floor.nut) == 1
    assert on_hand(floor.t2.location, floor.nut) == 2 and on_hand(floor.a1, floor.bolt) == 0
    assert built.task.state == "done" and built.task.finished_at is not None
    assert fresh(built.wave).state == "done"  # its only task
    assert {o.state for o in built.orders.values()} == {"picked"}
    assert all(b.freed_at is None for b in built.bindings.values())  # they wait at packing
    move = Move.objects.filter(key__startswith="pick:").first()
    assert move.reference == "OUT/1" and move.actor == floor.person and move.device == "test"
    assert ledger_differences() == []


def test_each_scan_renews_the_lease(floor, settings):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 3)])
    PickTask.objects.filter(pk=built.task.pk).update(lease_until=timezone.now() + datetime.timedelta(seconds=5))
    scan(floor.client, floor.a1.barcode)
    assert fresh(built.task).lease_until > timezone.now() + datetime.timedelta(seconds=250)


def test_the_task_screen_shows_the_stop_and_the_header_how_far(floor):
    ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 3), Stop("OUT/1", floor.a2, floor.nut, 1)])
    page = page_text(floor.client.get("/pick/"))
    assert '<p class="prompt-where">A-01-01</p>' in page and "0/2" in page and "Hex bolt M8" in page


# --- Wrong scans: each says what was expected, and nothing is recorded


def test_a_wrong_bin_is_refused(floor):
    ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 3)])
    page = scan(floor.client, floor.a2.barcode)
    assert "Wrong bin — expected A-01-01 (scanned A-02-01)" in page and 'data-sound="wrong_bin"' in page
    assert PickerPlace.objects.get(actor=floor.person).waiting == "bin"
    page = scan(floor.client, BOLT)
    assert "Scan the bin first — expected A-01-01" in page
    scan(floor.client, floor.a1.barcode)
    assert "Wrong bin — expected A-01-01 (scanned B-01-01)" in scan(floor.client, floor.b1.barcode)
    assert nothing_recorded()


def test_a_wrong_item_is_refused(floor):
    ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 3)])
    scan(floor.client, floor.a1.barcode)
    page = scan(floor.client, NUT)
    # What was scanned is named as the picker knows it: the item's SKU, not its barcode's digits.
    assert "Wrong item — expected BOLT (scanned NUT)" in page and 'data-sound="wrong_item"' in page
    assert "Scan the item — expected BOLT (scanned tote T-0001)" in scan(floor.client, "T-0001")
    assert nothing_recorded() and PickerPlace.objects.get(actor=floor.person).waiting == "item"


def test_a_wrong_tote_is_refused(floor):
    ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 3), Stop("OUT/2", floor.a2, floor.nut, 1)])
    scan(floor.client, floor.a1.barcode)
    scan(floor.client, BOLT)
    page = scan(floor.client, "T-0002")
    assert "Wrong tote — expected T-0001 for OUT/1 (scanned T-0002)" in page and 'data-sound="wrong_tote"' in page
    assert "Scan tote T-0001 for OUT/1 (scanned A-01-01)" in scan(floor.client, floor.a1.barcode)
    assert nothing_recorded() and on_hand(floor.a1, floor.bolt) == 3


def test_an_unknown_barcode_is_refused(floor):
    ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 3)])
    page = scan(floor.client, "NOPE-123")
    assert "Not a code Floor knows: NOPE-123" in page and "feedback-error" in page


def test_a_replayed_scan_changes_nothing(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 2), Stop("OUT/1", floor.a2, floor.bolt, 2)])
    scan(floor.client, floor.a1.barcode)
    scan(floor.client, BOLT)
    key = str(uuid.uuid4())
    scan(floor.client, "T-0001", key=key)
    page = scan(floor.client, "T-0001", key=key)
    assert "Already counted — that scan was sent twice" in page
    assert PickRecord.objects.count() == 1 and fresh(built.picks[0]).picked == 2
    assert on_hand(floor.t1.location, floor.bolt) == 2


def test_more_than_needed_is_refused(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 3)])
    factories.stock(floor.a1, floor.bolt, 10)
    scan(floor.client, floor.a1.barcode)
    assert "Only 3 to pick" in scan(floor.client, gs1(BOLT, count=4))
    scan(floor.client, BOLT)
    assert "Only 3 to pick" in post(floor.client, "/pick/quantity", quantity="5")
    assert "Type a number" in post(floor.client, "/pick/quantity", quantity="lots")
    assert nothing_recorded() and fresh(built.picks[0]).picked == 0


# --- Quantity


def test_a_gs1_count_or_a_typed_quantity_picks_part_and_the_rest_is_asked_in_the_same_bin(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 5)])
    scan(floor.client, floor.a1.barcode)
    assert "<strong>2</strong> × BOLT" in scan(floor.client, gs1(BOLT, count=2))
    page = scan(floor.client, "T-0001")
    assert "2 × BOLT in T-0001" in page and "Scan the item" in page and "<strong>3</strong>" in page
    scan(floor.client, BOLT)
    page = post(floor.client, "/pick/quantity", quantity="1")
    assert "<strong>1</strong> × BOLT" in page
    scan(floor.client, "T-0001")
    assert fresh(built.picks[0]).picked == 3 and fresh(built.picks[0]).state == "open"
    scan(floor.client, BOLT)
    scan(floor.client, "T-0001")
    assert fresh(built.picks[0]).state == "picked" and PickRecord.objects.count() == 3


# --- Lots and serials


@pytest.fixture
def lots(floor):
    floor.soon = factories.lot(floor.milk, "SOON", TODAY + datetime.timedelta(days=5))
    floor.late = factories.lot(floor.milk, "LATE", TODAY + datetime.timedelta(days=90))
    factories.stock(floor.a1, floor.milk, 4, lot=floor.late)
    return floor


def milk_task(floor):
    """A pick of 3 MILK allocated the way a wave release does it: FEFO."""
    factories.stock(floor.a1, floor.milk, 3, lot=floor.soon)
    built = pick_task(floor.wh, [], stock=False)
    order = Order.objects.create(warehouse=floor.wh, reference="OUT/7", state="in_wave", wave=built.wave)
    line = OrderLine.objects.create(order=order, product=floor.milk, ordered=3)
    with transaction.atomic():
        [pick] = allocation.allocate(warehouse=floor.wh, needs=[(line, Decimal(3))])
        pick.task, pick.sequence = built.task, 1
        pick.save()
    TaskTote.objects.create(task=built.task, order=order)
    post(floor.client, "/pick/work")
    scan(floor.client, "T-0001")
    scan(floor.client, floor.a1.barcode)
    return pick


def test_the_lot_suggested_is_the_first_to_expire(lots):
    pick = milk_task(lots)
    assert pick.lot == lots.soon
    assert "lot SOON" in page_text(lots.client.get("/pick/"))


def test_the_lot_from_the_gs1_label_is_recorded(lots):
    milk_task(lots)
    assert "Put in tote" in scan(lots.client, gs1(MILK, lot="SOON"))
    scan(lots.client, "T-0001")
    [record] = PickRecord.objects.all()
    assert record.lot == lots.soon and on_hand(lots.t1.location, lots.milk, lots.soon) == 3


def test_a_plain_barcode_asks_for_the_lot_label_and_a_plain_label_is_the_lot(lots):
    milk_task(lots)
    page = scan(lots.client, MILK)
    assert "Scan the lot label of MILK" in page and "feedback-warning" in page
    assert "Scan the lot label of MILK (scanned tote T-0001)" in scan(lots.client, "T-0001")
    assert "Put in tote" in scan(lots.client, "SOON")  # an unknown code read as the lot name
    scan(lots.client, "T-0001")
    assert PickRecord.objects.get().lot == lots.soon


def test_another_lot_with_free_stock_in_the_bin_is_taken_and_recorded(lots):
    milk_task(lots)
    page = scan(lots.client, gs1(MILK, lot="LATE"))
    assert "of lot LATE — not the one suggested" in page
    scan(lots.client, "T-0001")
    assert PickRecord.objects.get().lot == lots.late
    assert on_hand(lots.a1, lots.milk, lots.late) == 1 and on_hand(lots.a1, lots.milk, lots.soon) == 3


def test_another_lot_promised_to_another_pick_is_refused(lots):
    pick_task(lots.wh, [Stop("OUT/8", lots.a1, lots.milk, 3, lot=lots.late)], stock=False, sequence=9)  # 3 of 4
    milk_task(lots)
    page = scan(lots.client, gs1(MILK, lot="LATE"))
    assert "Only 1 of lot LATE free in A-01-01 — pick lot SOON" in page and "feedback-error" in page
    assert "Lot NOWHERE is not free in A-01-01 — pick lot SOON" in scan(lots.client, gs1(MILK, lot="NOWHERE"))
    assert nothing_recorded()


def test_serials_are_picked_one_per_unit(floor):
    sn1, sn2, sn3 = (factories.lot(floor.phone, f"SN-{n}") for n in (1, 2, 3))
    factories.stock(floor.a1, floor.phone, 1, lot=sn3)
    built = ready(
        floor, [Stop("OUT/1", floor.a1, floor.phone, 1, lot=sn1), Stop("OUT/1", floor.a1, floor.phone, 1, lot=sn2)]
    )
    scan(floor.client, floor.a1.barcode)
    assert "One scan per serial-numbered unit" in scan(floor.client, gs1(PHONE, serial="SN-1", count=2))
    assert "Scan the serial number label of PHONE" in scan(floor.client, PHONE)
    assert "<strong>1</strong> × PHONE" in scan(floor.client, "SN-3")  # another serial, free in the bin
    scan(floor.client, "T-0001")
    assert "Lot SN-3 is not free in A-01-01" in scan(floor.client, gs1(PHONE, serial="SN-3"))
    scan(floor.client, gs1(PHONE, serial="SN-2"))
    scan(floor.client, "T-0001")
    assert [r.lot.name for r in PickRecord.objects.order_by("pk")] == ["SN-3", "SN-2"]
    assert fresh(built.picks[0]).state == "picked"


# --- Skip


def test_a_skipped_stop_comes_back_at_the_end(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 1), Stop("OUT/1", floor.a2, floor.nut, 1)])
    page = post(floor.client, "/pick/skip")
    assert "Skipped A-01-01 — it comes back at the end" in page and "A-02-01" in page
    scan(floor.client, floor.a2.barcode)
    scan(floor.client, NUT)
    page = scan(floor.client, "T-0001")
    assert '<p class="prompt-where">A-01-01</p>' in page
    assert "This is the last stop" in scan(floor.client, "CMD-SKIP")
    assert fresh(built.picks[0]).sequence > fresh(built.picks[1]).sequence


# --- Undo


def test_undo_says_what_it_will_take_back_then_moves_it_back_to_the_bin(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 2), Stop("OUT/1", floor.a2, floor.nut, 1)])
    scan(floor.client, floor.a1.barcode)
    page = scan(floor.client, BOLT)
    assert "Undo: drop the scan under way" in page
    page = scan(floor.client, "T-0001")
    assert "Undo: take 2 × BOLT out of T-0001" in page

    page = post(floor.client, "/pick/undo")

    assert "Undone: put 2 × BOLT back in A-01-01" in page and "Scan bin" in page
    pick = fresh(built.picks[0])
    assert (pick.picked, pick.state) == (0, "open") and fresh(built.lines[("OUT/1", floor.bolt.pk)]).picked == 0
    assert on_hand(floor.a1, floor.bolt) == 2 and on_hand(floor.t1.location, floor.bolt) == 0
    original, reversal = PickRecord.objects.order_by("pk")
    assert reversal.reverses == original
    assert Move.objects.get(key=reversal.key).reverses == Move.objects.get(key=original.key)
    assert "undo-preview" not in page and "Nothing to undo" in post(floor.client, "/pick/undo")
    assert ledger_differences() == []


def test_undo_twice_takes_back_the_puts_last_first_and_says_each_before(floor):
    stops = [
        Stop("OUT/1", floor.a1, floor.bolt, 2),
        Stop("OUT/1", floor.a2, floor.nut, 1),
        Stop("OUT/1", floor.b1, floor.nut, 1),
    ]
    built = ready(floor, stops)
    for code in (floor.a1.barcode, BOLT, "T-0001", floor.a2.barcode, NUT):
        scan(floor.client, code)
    assert "Undo: take 1 × NUT out of T-0001" in scan(floor.client, "T-0001")

    page = post(floor.client, "/pick/undo")

    assert "Undone: put 1 × NUT back in A-02-01" in page and "Undo: take 2 × BOLT out of T-0001" in page
    page = post(floor.client, "/pick/undo")
    assert "Undone: put 2 × BOLT back in A-01-01" in page and "undo-preview" not in page
    assert [fresh(p).picked for p in built.picks] == [0, 0, 0] and on_hand(floor.t1.location, floor.bolt) == 0
    assert "Nothing to undo" in post(floor.client, "/pick/undo")
    assert ledger_differences() == []


def test_a_task_taken_up_again_can_still_undo_what_the_picker_put_before(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 2), Stop("OUT/1", floor.a2, floor.nut, 1)])
    for code in (floor.a1.barcode, BOLT, "T-0001"):
        scan(floor.client, code)
    post(floor.client, "/pick/leave")

    page = post(floor.client, "/pick/work")

    assert fresh(built.task).picker == floor.person and "Undo: take 2 × BOLT out of T-0001" in page
    assert "Undone: put 2 × BOLT back in A-01-01" in post(floor.client, "/pick/undo")
    assert fresh(built.picks[0]).picked == 0 and ledger_differences() == []


def test_undo_in_the_middle_of_a_step_drops_the_scan(floor):
    ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 2)])
    scan(floor.client, floor.a1.barcode)
    scan(floor.client, BOLT)
    page = scan(floor.client, "CMD-UNDO")
    assert "nothing was recorded" in page and "Scan the item" in page


def test_undo_frees_a_tote_bound_by_mistake(floor):
    built = pick_task(floor.wh, [Stop("OUT/1", floor.a1, floor.bolt, 2), Stop("OUT/2", floor.a2, floor.nut, 1)])
    post(floor.client, "/pick/work")
    page = scan(floor.client, "T-0003")
    assert "Undo: free tote T-0003" in page
    page = post(floor.client, "/pick/undo")
    assert "Undone: tote T-0003 is free" in page and fresh(built.bindings["OUT/1"]).tote is None


# --- Short picks


def test_nothing_found_makes_the_line_short_and_asks_for_a_count(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 4), Stop("OUT/1", floor.a2, floor.nut, 1)])
    scan(floor.client, floor.a1.barcode)
    page = scan(floor.client, "CMD-PROBLEM")
    assert "What is wrong at A-01-01?" in page and '<details class="more" id="problem" open data-reveal>' in page

    page = post(floor.client, "/pick/short", reason="empty", quantity="0")

    assert "4 × BOLT short (bin empty) — A-01-01 will be counted" in page and "A-02-01" in page
    pick = fresh(built.picks[0])
    assert (pick.state, pick.picked, pick.short_reason) == ("short", 0, "empty")
    assert pick.short_at is not None  # when, for the supervisor's dashboard
    assert fresh(built.lines[("OUT/1", floor.bolt.pk)]).short == 4
    [count] = CountTask.objects.all()
    assert count.location == floor.a1 and count.reason == f"Short pick: bin empty ({built.task.reference})"
    assert nothing_recorded()


def test_what_was_found_goes_in_the_tote_and_the_rest_is_short(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 4)])
    CountTask.objects.create(warehouse=floor.wh, location=floor.a1, reason="already")
    assert "Only 4 to pick" in post(floor.client, "/pick/short", reason="damaged", quantity="4")
    assert "Choose what is wrong" in post(floor.client, "/pick/short", reason="lost", quantity="1")
    page = post(floor.client, "/pick/short", reason="damaged", quantity="1")
    assert "Put the 1 found in the tote" in page and "Put in tote" in page
    assert "Wrong tote" in scan(floor.client, "T-0002")

    page = scan(floor.client, "T-0001")

    assert "1 × BOLT in T-0001" in page and "3 × BOLT short (damaged)" in page
    pick = fresh(built.picks[0])
    assert (pick.state, pick.picked) == ("short", 1)
    line = fresh(built.lines[("OUT/1", floor.bolt.pk)])
    assert (line.picked, line.short) == (1, 3)
    assert CountTask.objects.count() == 1  # the open one covers it
    assert on_hand(floor.t1.location, floor.bolt) == 1
    assert fresh(built.task).state == "done" and fresh(built.orders["OUT/1"]).state == "picked"


def test_with_reallocation_the_rest_is_looked_for_in_another_bin(floor, settings):
    settings.PICK_SHORT = "reallocate"
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 4), Stop("OUT/1", floor.a2, floor.nut, 1)])
    factories.stock(floor.b1, floor.bolt, 3)

    page = post(floor.client, "/pick/short", reason="not_found", quantity="0")

    assert "4 × BOLT short — 3 more added from other bins" in page
    added = Pick.objects.get(task=built.task, location=floor.b1)
    assert added.quantity == 3 and added.sequence > fresh(built.picks[1]).sequence
    assert fresh(built.lines[("OUT/1", floor.bolt.pk)]).short == 1
    scan(floor.client, floor.a2.barcode)
    scan(floor.client, NUT)
    assert '<p class="prompt-where">B-01-01</p>' in scan(floor.client, "T-0001")


# --- Leases


def test_a_lapsed_lease_is_handed_to_the_next_picker_and_keeps_what_was_picked(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 2), Stop("OUT/1", floor.a2, floor.nut, 1)])
    scan(floor.client, floor.a1.barcode)
    scan(floor.client, BOLT)
    scan(floor.client, "T-0001")
    PickTask.objects.filter(pk=built.task.pk).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    ana = factories.user(roles=["picker"], wh=floor.wh, first_name="Ana")
    other = Client()
    other.force_login(ana)

    page = post(other, "/pick/work")

    assert fresh(built.task).picker == ana and "A-02-01" in page  # the totes with goods stay bound
    assert fresh(built.picks[0]).picked == 2 and on_hand(floor.t1.location, floor.bolt) == 2
    page = scan(floor.client, floor.a2.barcode)
    assert f"{built.task.reference} was handed to Ana — get work again" in page and "feedback-error" in page
    assert PickerPlace.objects.get(actor=floor.person).task is None
    assert PickRecord.objects.count() == 1


def test_an_idle_lease_not_taken_by_anyone_is_still_the_pickers(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 2)])
    PickTask.objects.filter(pk=built.task.pk).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    assert "Bin A-01-01" in scan(floor.client, floor.a1.barcode)


def test_a_task_a_supervisor_hands_over_goes_on_with_the_new_pickers_totes(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 2), Stop("OUT/2", floor.a2, floor.nut, 1)])
    scan(floor.client, floor.a1.barcode)
    scan(floor.client, BOLT)
    scan(floor.client, "T-0001")
    ana = factories.user(roles=["picker"], wh=floor.wh, first_name="Ana")
    waves.reassign_task(task=built.task, picker=ana, actor=factories.user(roles=["supervisor"], wh=floor.wh))
    assert "was handed to Ana" in page_text(floor.client.get("/pick/"))
    other = Client()
    other.force_login(ana)

    page = post(other, "/pick/work")

    # The tote with OUT/1's goods stays bound; OUT/2's empty one stayed on the first cart.
    assert fresh(built.bindings["OUT/1"]).tote == floor.t1 and fresh(built.bindings["OUT/2"]).tote is None
    assert "Scan a tote for" in page and "OUT/2" in page
    scan(other, "T-0002")
    assert fresh(built.bindings["OUT/2"]).tote == floor.t2
    assert "was handed to Ana" in scan(floor.client, floor.a2.barcode)


def test_leaving_puts_the_task_back_with_what_was_picked(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 2), Stop("OUT/1", floor.a2, floor.nut, 1)])
    scan(floor.client, floor.a1.barcode)
    scan(floor.client, BOLT)
    scan(floor.client, "T-0001")
    page = post(floor.client, "/pick/leave")
    assert "what you picked stays picked" in page and "Get work" in page
    task = fresh(built.task)
    assert (task.state, task.picker) == ("open", None) and fresh(built.picks[0]).picked == 2


# --- The end of the task


def test_an_order_with_picks_left_in_another_task_is_not_picked_yet(floor):
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 1)])
    other = pick_task(floor.wh, [Stop("OUT/1", floor.b1, floor.nut, 1)], in_wave=built.wave)
    assert other.orders["OUT/1"] == built.orders["OUT/1"]
    scan(floor.client, floor.a1.barcode)
    scan(floor.client, BOLT)
    scan(floor.client, "T-0001")
    assert fresh(built.task).state == "done" and fresh(built.orders["OUT/1"]).state == "in_wave"
    assert fresh(built.wave).state == "released"  # the other task is still to pick


def test_without_a_pack_step_the_order_ships_and_odoo_gets_the_delivery(floor, settings):
    settings.PACKING_STEP = False
    soon = factories.lot(floor.milk, "SOON", TODAY + datetime.timedelta(days=5))
    built = ready(
        floor,
        [
            Stop("OUT/1", floor.a1, floor.bolt, 2),
            Stop("OUT/1", floor.a2, floor.milk, 3, lot=soon),
            Stop("OUT/1", floor.b1, floor.nut, 2),
            Stop("OUT/2", floor.b1, floor.bolt, 1),
        ],
        odoo_ids={"OUT/1": 501},
    )
    OrderLine.objects.filter(pk=built.lines[("OUT/1", floor.bolt.pk)].pk).update(odoo_move_id=61)
    OrderLine.objects.filter(pk=built.lines[("OUT/1", floor.milk.pk)].pk).update(odoo_move_id=62)
    OrderLine.objects.filter(pk=built.lines[("OUT/1", floor.nut.pk)].pk).update(odoo_move_id=63)
    for code in (floor.a1.barcode, BOLT, "T-0001", floor.a2.barcode, gs1(MILK, lot="SOON"), "T-0001"):
        scan(floor.client, code)
    scan(floor.client, floor.b1.barcode)
    post(floor.client, "/pick/short", reason="empty", quantity="1")
    scan(floor.client, "T-0001")
    scan(floor.client, BOLT)
    page = scan(floor.client, "T-0002")

    assert "done — 2 orders shipped" in page
    customers = virtual_location(Location.Kind.CUSTOMER)
    assert on_hand(floor.t1.location, floor.bolt) == 0 and on_hand(customers, floor.milk, soon) == 3
    assert {o.state for o in Order.objects.all()} == {"shipped"}
    assert all(b.freed_at is not None for b in TaskTote.objects.all())
    op, made = Operation.objects.order_by("document")
    assert (op.kind, op.reference, op.document) == ("delivery", f"FLOOR-OUT-{built.orders['OUT/1'].pk}", "OUT/1")
    # OUT/2 came from no Odoo picking: its push makes the delivery in Odoo.
    assert (made.kind, made.reference, made.document) == ("delivery", f"FLOOR-OUT-{built.orders['OUT/2'].pk}", "OUT/2")
    assert made.payload["picking"] is None and made.payload["partner"] == ""
    assert made.payload["lines"] == [
        {"move": None, "product": floor.bolt.pk, "quantity": "1", "from": floor.b1.pk, "lot": None, "package": None}
    ]
    assert op.payload["picking"] == 501 and op.payload["backorder"] is True
    assert sorted(op.payload["lines"], key=lambda line: line["move"]) == [
        {"move": 61, "product": floor.bolt.pk, "quantity": "2", "from": floor.a1.pk, "lot": None, "package": None},
        {"move": 62, "product": floor.milk.pk, "quantity": "3", "from": floor.a2.pk, "lot": soon.pk, "package": None},
        {"move": 63, "product": floor.nut.pk, "quantity": "1", "from": floor.b1.pk, "lot": None, "package": None},
    ]
    assert ledger_differences() == []


def test_an_undone_pick_is_not_delivered(floor, settings):
    settings.PACKING_STEP = False
    built = ready(floor, [Stop("OUT/1", floor.a1, floor.bolt, 2)], odoo_ids={"OUT/1": 777})
    scan(floor.client, floor.a1.barcode)
    scan(floor.client, gs1(BOLT, count=1))
    scan(floor.client, "T-0001")
    post(floor.client, "/pick/undo")
    scan(floor.client, floor.a1.barcode)
    scan(floor.client, BOLT)
    scan(floor.client, "T-0001")
    [op] = Operation.objects.all()
    assert op.payload["backorder"] is False
    assert [line["quantity"] for line in op.payload["lines"]] == ["2"]
    assert fresh(built.orders["OUT/1"]).state == "shipped"


# --- Queries per scan do not grow with the task


@pytest.mark.parametrize("stops", [5, 200])
def test_queries_per_scan_stay_the_same_whatever_the_size_of_the_task(floor, stops, django_assert_max_num_queries):
    bins = [factories.storage_bin(floor.wh, aisle="C", bay=n) for n in range(1, stops + 1)]
    ready(floor, [Stop(f"OUT/{n % 3}", b, floor.bolt, 2) for n, b in enumerate(bins)])
    scan(floor.client, bins[0].barcode)
    scan(floor.client, BOLT)
    scan(floor.client, "T-0001")  # the first of each kind warms caches
    # Measured: 7, 7, 16 and 8 queries for 5 stops and for 200, savepoints included (the put
    # posts through the ledger): the place, the stop, its tote and the screen are read at once.
    with django_assert_max_num_queries(7):
        scan(floor.client, bins[1].barcode)
    with django_assert_max_num_queries(7):
        scan(floor.client, BOLT)
    with django_assert_max_num_queries(16):
        scan(floor.client, "T-0002")
    with django_assert_max_num_queries(8):
        scan(floor.client, "CMD-SKIP")
