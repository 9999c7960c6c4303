"""The picker's place read by hand-written SQL (floor/picking/sql.py): what a scan's screen shows
from it is what the ORM reads afresh, scan after scan, whatever the way through a task."""

import uuid

import pytest

from floor.picking import place as places
from floor.picking import selectors, sql, stop, task
from floor.picking.models import Pick, PickerPlace
from floor.scanning.parser import parse
from tests import factories
from tests.picking.task_factories import Stop, pick_task

pytestmark = pytest.mark.django_db

BOLT = "4006381333931"
MILK = factories.gtin13("400000000024")


@pytest.fixture
def place():
    wh = factories.warehouse()
    bins = [factories.storage_bin(wh, aisle="A", bay=n) for n in (1, 2, 3)]
    bolt = factories.product(gtin=BOLT, sku="BOLT", name="Hex bolt M8")
    milk = factories.product(gtin=MILK, sku="MILK", name="Milk powder", tracking="lot")
    lot = factories.lot(milk, "L1")
    person = factories.user(roles=["picker"], wh=wh)
    stops = [
        Stop("OUT/1", bins[0], bolt, 4),
        Stop("OUT/2", bins[1], bolt, 2),
        Stop("OUT/1", bins[2], milk, 1, lot=lot),
    ]
    built = pick_task(wh, stops)
    factories.tote(wh, "T-0001"), factories.tote(wh, "T-0002")
    return wh, person, built


def _start(wh, person):
    """Get work, then the totes bound by scans."""
    task.get_work(actor=person, warehouse=wh)
    for code in ("T-0001", "T-0002"):
        _scan(wh, person, code)


def _as_the_orm_reads_it(picking: PickerPlace) -> dict:
    """The screen of the same place, every part of it read by the ORM."""
    fresh = PickerPlace.objects.select_related("task", "pick__product", "pick__location", "pick__lot", "lot").get(
        pk=picking.pk
    )
    fresh.actor = picking.actor
    return selectors.screen(fresh)


def _shown(context: dict) -> dict:
    shown = {key: value for key, value in context.items() if key not in ("picking", "binding", "pick", "task")}
    for key in ("binding", "pick", "task"):
        if context.get(key) is not None:
            shown[key] = context[key].pk
    binding = context.get("binding")
    if binding is not None:
        shown["tote"] = binding.tote.barcode if binding.tote_id else None
        shown["order"] = binding.order.reference
    pick = context.get("pick")
    if pick is not None:
        shown["stop"] = (pick.location.name, pick.product.sku, pick.product.name, pick.lot_id)
        shown["counted"] = (pick.quantity, pick.picked, pick.state)
    return shown


def _scan(wh, person, code):
    outcome = stop.handle_scan(actor=person, warehouse=wh, scan=parse(code), key=str(uuid.uuid4()))
    return outcome.picking


def test_each_scan_shows_what_the_orm_reads_afresh(place):
    wh, person, built = place
    task.get_work(actor=person, warehouse=wh)
    codes = [
        "T-0001",
        "T-0002",
        built.picks[0].location.barcode,
        BOLT,
        "T-0001",  # 4 of 4: on to the next stop
        "CMD-SKIP",  # the second stop goes to the end
        built.picks[2].location.barcode,
        "CMD-PROBLEM",
        "CMD-SKIP",  # and the third: back to the second
        built.picks[1].location.barcode,
        BOLT,
        "CMD-CANCEL",
        BOLT,
        "T-0002",
    ]
    for code in codes:
        picking = _scan(wh, person, code)
        read = sql.place(actor_id=person.pk)
        read.actor = person
        assert _shown(selectors.screen(picking)) == _shown(_as_the_orm_reads_it(picking)), code
        assert _shown(selectors.screen(read)) == _shown(_as_the_orm_reads_it(picking)), code


def test_the_place_carries_how_far_the_task_is_and_the_last_put(place):
    wh, person, built = place
    _start(wh, person)
    assert sql.place(actor_id=person.pk).last_put_seen is None
    for code in (built.picks[0].location.barcode, BOLT, "T-0001"):
        _scan(wh, person, code)

    read = sql.place(actor_id=person.pk)

    assert read.task_progress == (3, 1)
    quantity, sku, tote, state = read.last_put_seen
    assert (quantity, sku, tote, state) == (4, "BOLT", "T-0001", Pick.State.PICKED)
    assert read.pick == built.picks[1] and read.pick.tote_binding.order.reference == "OUT/2"


def test_skip_sends_the_stop_to_the_end_and_goes_to_the_first_other_open_stop(place):
    wh, person, built = place
    _start(wh, person)

    picking = _scan(wh, person, "CMD-SKIP")

    assert picking.pick == built.picks[1] and picking.waiting == PickerPlace.Waiting.BIN
    sequences = dict(Pick.objects.filter(task=built.task).values_list("pk", "sequence"))
    assert sequences[built.picks[0].pk] > max(sequences[p.pk] for p in built.picks[1:])
    assert selectors.screen(picking)["binding"].tote.barcode == "T-0002"


def test_a_place_is_read_for_someone_with_no_task(place):
    wh, _, _ = place
    nobody = factories.user(roles=["picker"], wh=wh)

    picking = places.picking_for(actor=nobody, warehouse=wh)

    assert picking.task is None and picking.pick is None and picking.last_put_seen is None
    assert selectors.screen(picking)["waiting_tasks"] == 1
