"""The Now panel's figures, checked against counts asked of the database directly in SQL, on a day
of work in two warehouses: one warehouse's dashboard never counts the other's work."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from floor.counting.models import CountTask
from floor.dashboard import now as dashboard
from floor.ledger.models import Quant
from floor.picking.models import Pick, PickRecord, PickTask, TaskTote, Wave
from floor.receiving.models import Receipt, ReceiptLine
from floor.returns.models import Return, ReturnLine
from floor.warehouse.models import Location, Package
from floor.warehouse.services import location_of_kind
from tests import factories
from tests.packing.pack_factories import picked_order
from tests.picking.task_factories import Stop, bind, lease, pick_task
from tests.returns.factories import announced_return

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


def sql(query: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()


def t(model) -> str:
    return model._meta.db_table


def units(value) -> Decimal:
    return Decimal(str(value or 0))


def receipt(wh, state, *lines):
    made = Receipt.objects.create(warehouse=wh, reference=f"{wh.code}/IN/{next(_seq):05d}", state=state)
    for expected, received in lines:
        ReceiptLine.objects.create(
            receipt=made, product=factories.product(), expected=Decimal(expected), received=Decimal(received)
        )
    return made


def stops(wh, n, quantity=2):
    ref = f"{wh.code}/OUT/{next(_seq):05d}"
    return [Stop(ref, factories.storage_bin(wh), factories.product(), quantity) for _ in range(n)]


def put(pick: Pick, at, *, short=False):
    """The picker put the pick's goods in its order's tote at `at` (or found none: short)."""
    binding = TaskTote.objects.get(task=pick.task_id, order=pick.order_line.order_id)
    if not short:
        record = PickRecord.objects.create(
            pick=pick, tote=binding.tote, quantity=pick.quantity, key=f"put-{next(_seq)}", actor=pick.task.picker
        )
        PickRecord.objects.filter(pk=record.pk).update(created_at=at)
    state = Pick.State.SHORT if short else Pick.State.PICKED
    Pick.objects.filter(pk=pick.pk).update(state=state, picked=0 if short else pick.quantity)


def wave_picking(wh, n, *, cutoff, puts=(), short=(), now=None):
    """A released wave of one task of `n` picks for one order with `cutoff`, leased to a picker:
    pick i put `puts[i]` minutes before `now`, those in `short` given up on."""
    built = pick_task(wh, stops(wh, n))
    bind(built, *(factories.tote(wh) for _ in built.bindings))
    lease(built, factories.user(roles=["picker"], wh=wh))
    for binding in built.bindings.values():
        binding.order.cutoff = cutoff
        binding.order.save(update_fields=["cutoff"])
    now = now or timezone.now()
    for pick, minutes in zip(built.picks, puts, strict=False):
        put(Pick.objects.select_related("task", "order_line").get(pk=pick.pk), now - timedelta(minutes=minutes))
    for index in short:
        put(Pick.objects.select_related("task", "order_line").get(pk=built.picks[index].pk), now, short=True)
    return built.wave


def day_of_work(wh):
    """Every kind of open work, some done and cancelled work beside it."""
    receipt(wh, Receipt.State.OPEN, (10, 0), (5, 0))
    receipt(wh, Receipt.State.OPEN)  # announced, no lines yet
    receipt(wh, Receipt.State.RECEIVING, (8, 3), (2, 4))  # the second came in over
    receipt(wh, Receipt.State.DONE, (4, 4))
    receipt(wh, Receipt.State.CANCELLED, (9, 0))

    at_input = location_of_kind(wh, Location.Kind.INPUT)
    factories.stock(at_input, factories.product(), 7)
    lot_item = factories.product(tracking="lot")
    factories.stock(at_input, lot_item, 3, lot=factories.lot(lot_item))
    plate = Package.objects.create(barcode=f"PLATE-{next(_seq)}")
    factories.stock(at_input, factories.product(), 12, package=plate)
    factories.stock(at_input, factories.product(), 6, package=plate)
    factories.stock(factories.storage_bin(wh), factories.product(), 40)  # put away already

    # Waves: one being picked, one waiting for a picker; a drafted one and a done one beside them.
    soon = timezone.now() + timedelta(hours=2)
    wave_picking(wh, 4, cutoff=soon, puts=(20, 5), short=(2,))
    pick_task(wh, stops(wh, 3, quantity=5))
    Wave.objects.create(warehouse=wh, reference=f"W-{wh.code}-{next(_seq):05d}")  # drafted: no tasks yet
    picked_order(wh, stops(wh, 2))  # picked: its tote waits at packing
    picked_order(wh, stops(wh, 1) + stops(wh, 1))  # two orders, two totes at packing
    finished = picked_order(wh, stops(wh, 1))  # packed: its tote freed
    TaskTote.objects.filter(task=finished.task).update(freed_at=timezone.now())
    Wave.objects.filter(pk=finished.wave.pk).update(state=Wave.State.DONE)

    bins = [factories.storage_bin(wh) for _ in range(4)]
    CountTask.objects.create(warehouse=wh, location=bins[0], reason="Short pick")
    CountTask.objects.create(warehouse=wh, location=bins[1], reason="Plan", source=CountTask.Source.PLAN)
    CountTask.objects.create(warehouse=wh, location=bins[2], reason="Recount", state=CountTask.State.APPROVAL)
    CountTask.objects.create(warehouse=wh, location=bins[3], reason="Done", state=CountTask.State.DONE)

    announced_return(wh, None, (factories.product(), 3), (factories.product(), 1))
    inspecting = announced_return(wh, None, (factories.product(), 4), state=Return.State.INSPECTING)
    ReturnLine.objects.filter(ret=inspecting).update(inspected=Decimal(1))
    announced_return(wh, None, (factories.product(), 2), state=Return.State.DONE)

    quarantine = location_of_kind(wh, Location.Kind.QUARANTINE)
    factories.stock(quarantine, factories.product(), 2)
    factories.stock(quarantine, factories.product(), 1)


@pytest.fixture
def day():
    wh, other = factories.warehouse("WH"), factories.warehouse("WH2")
    day_of_work(wh)
    day_of_work(other)
    factories.stock(location_of_kind(other, Location.Kind.INPUT), factories.product(), 99)
    return wh, other


def figures(wh) -> dict[tuple[str, str], dashboard.Work]:
    return {(w.kind, w.state): w for w in dashboard.open_work(wh)}


def test_every_figure_of_open_work_is_what_the_database_holds(day):
    wh, _other = day
    shown = figures(wh)
    receipt_sql = (
        f"SELECT COUNT(DISTINCT r.id), SUM(CASE WHEN l.expected > l.received THEN l.expected - l.received "  # noqa: S608
        f"ELSE 0 END) FROM {t(Receipt)} r LEFT JOIN {t(ReceiptLine)} l ON l.receipt_id = r.id "
        f"WHERE r.warehouse_id = %s AND r.state = %s"
    )
    for state in ("open", "receiving"):
        count, left = sql(receipt_sql, wh.pk, state)
        assert (shown["receipts", state].count, shown["receipts", state].units) == (count, units(left))

    stock_sql = (
        f"SELECT SUM(CASE WHEN q.package_id IS NULL THEN 1 ELSE 0 END) + COUNT(DISTINCT q.package_id), "  # noqa: S608
        f"SUM(q.quantity) FROM {t(Quant)} q JOIN {t(Location)} l ON l.id = q.location_id "
        f"WHERE l.warehouse_id = %s AND l.kind = %s AND q.quantity > 0"
    )
    for kind, area in (("putaway", "input"), ("quarantine", "quarantine")):
        lines, held = sql(stock_sql, wh.pk, area)
        assert (shown[kind, ""].count, shown[kind, ""].units) == (lines, units(held))

    (released,) = sql(f"SELECT COUNT(*) FROM {t(Wave)} WHERE warehouse_id = %s AND state = 'released'", wh.pk)  # noqa: S608
    assert shown["waves", "released"].count == released

    task_sql = (
        f"SELECT COUNT(DISTINCT k.id), SUM(CASE WHEN p.state = 'open' THEN p.quantity - p.picked ELSE 0 END) "  # noqa: S608
        f"FROM {t(PickTask)} k LEFT JOIN {t(Pick)} p ON p.task_id = k.id WHERE k.warehouse_id = %s AND k.state = %s"
    )
    for state in ("open", "active"):
        count, left = sql(task_sql, wh.pk, state)
        assert (shown["pick_tasks", state].count, shown["pick_tasks", state].units) == (count, units(left))

    (totes,) = sql(
        f"SELECT COUNT(*) FROM {t(TaskTote)} b JOIN {t(PickTask)} k ON k.id = b.task_id "  # noqa: S608
        f"WHERE k.warehouse_id = %s AND k.state = 'done' AND b.tote_id IS NOT NULL AND b.freed_at IS NULL",
        wh.pk,
    )
    assert shown["packing", ""].count == totes

    for state in ("open", "approval"):
        (count,) = sql(f"SELECT COUNT(*) FROM {t(CountTask)} WHERE warehouse_id = %s AND state = %s", wh.pk, state)  # noqa: S608
        assert shown["counts", state].count == count

    return_sql = (
        f"SELECT COUNT(DISTINCT r.id), SUM(CASE WHEN l.expected > l.inspected THEN l.expected - l.inspected "  # noqa: S608
        f"ELSE 0 END) FROM {t(Return)} r LEFT JOIN {t(ReturnLine)} l ON l.ret_id = r.id "
        f"WHERE r.warehouse_id = %s AND r.state = %s"
    )
    for state in ("expected", "inspecting"):
        count, left = sql(return_sql, wh.pk, state)
        assert (shown["returns", state].count, shown["returns", state].units) == (count, units(left))


def test_the_day_reads_as_a_floor_lead_would_count_it(day):
    wh, other = day
    shown = figures(wh)
    assert [(w.label, w.count, w.units) for w in shown.values()] == [
        ("Receipts to receive", 2, Decimal(15)),
        ("Receipts being received", 1, Decimal(5)),  # 5 of 8 still to come; the over-receipt is no debt
        ("Waiting at input to put away", 3, Decimal(28)),  # two loose items, one plate of two
        ("Waves released", 4, None),
        ("Pick tasks waiting for a picker", 1, Decimal(15)),
        ("Pick tasks being picked", 1, Decimal(2)),
        ("Totes waiting at packing", 3, None),
        ("Counts to do", 2, None),
        ("Counts to approve", 1, None),
        ("Returns expected", 1, Decimal(4)),
        ("Returns being inspected", 1, Decimal(3)),
        ("Items in quarantine", 2, Decimal(3)),
    ]
    # The other warehouse's extra item at input counts there, not here.
    assert figures(other)["putaway", ""].count == 4


def test_a_quiet_floor_shows_every_kind_at_nought():
    wh = factories.warehouse("QUIET")
    shown = dashboard.open_work(wh)
    assert len(shown) == 12
    assert all(w.count == 0 and w.units in (None, Decimal(0)) for w in shown)


def test_each_wave_against_its_cutoff(day):
    wh, _other = day
    now = timezone.now()
    late = wave_picking(wh, 10, cutoff=now + timedelta(minutes=30), puts=(20, 10), now=now)
    ahead = wave_picking(wh, 4, cutoff=now + timedelta(hours=4), puts=(50, 5), now=now)
    untouched = wave_picking(wh, 3, cutoff=now - timedelta(minutes=10), now=now)
    shown = {p.wave.pk: p for p in dashboard.waves(wh, now=now)}

    # 2 lines in the 20 minutes since its first pick: 6 an hour, 8 left: done in 80 minutes, after the cutoff.
    assert (shown[late.pk].lines_done, shown[late.pk].lines) == (2, 10)
    assert shown[late.pk].rate == pytest.approx(6)
    assert abs(shown[late.pk].projected_finish - (now + timedelta(minutes=80))) < timedelta(seconds=1)
    assert shown[late.pk].late
    # Its first pick was 50 minutes ago: the last half hour had 1 line, 2 an hour; done in an hour.
    assert shown[ahead.pk].rate == pytest.approx(2)
    assert abs(shown[ahead.pk].projected_finish - (now + timedelta(hours=1))) < timedelta(seconds=1)
    assert not shown[ahead.pk].late
    # Nothing picked yet: no rate, no projection; its cutoff has passed with all of it to do.
    assert (shown[untouched.pk].rate, shown[untouched.pk].projected_finish) == (None, None)
    assert shown[untouched.pk].late and shown[untouched.pk].lines_left == 3
    # The most urgent cutoff first; waves without one last.
    cutoffs = [p.cutoff for p in dashboard.waves(wh, now=now)]
    assert cutoffs == sorted(c for c in cutoffs if c) + [None] * cutoffs.count(None)


def test_wave_figures_are_what_the_database_holds(day):
    wh, other = day
    now = timezone.now()
    # First put 40 minutes ago: its rate is the last half hour's lines, twice over.
    measured = wave_picking(wh, 5, cutoff=now + timedelta(hours=1), puts=(40, 25, 3), short=(4,), now=now)
    shown = dashboard.waves(wh, now=now)
    (released,) = sql(f"SELECT COUNT(*) FROM {t(Wave)} WHERE warehouse_id = %s AND state = 'released'", wh.pk)  # noqa: S608
    assert len(shown) == released
    assert not {p.wave.pk for p in shown} & {p.wave.pk for p in dashboard.waves(other, now=now)}
    since = connection.ops.adapt_datetimefield_value(now - dashboard.RATE_WINDOW)
    for progress in shown:
        total, done = sql(
            f"SELECT COUNT(*), SUM(CASE WHEN p.state IN ('picked', 'short') THEN 1 ELSE 0 END) "  # noqa: S608
            f"FROM {t(Pick)} p JOIN {t(PickTask)} k ON k.id = p.task_id "
            f"WHERE k.wave_id = %s AND p.state <> 'cancelled'",
            progress.wave.pk,
        )
        assert (progress.lines, progress.lines_done) == (total, done or 0)
        (recent,) = sql(
            f"SELECT COUNT(DISTINCT r.pick_id) FROM {t(PickRecord)} r JOIN {t(Pick)} p ON p.id = r.pick_id "  # noqa: S608
            f"JOIN {t(PickTask)} k ON k.id = p.task_id WHERE k.wave_id = %s AND r.created_at >= %s "
            f"AND p.state IN ('picked', 'short') AND r.reverses_id IS NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {t(PickRecord)} u WHERE u.reverses_id = r.id)",
            progress.wave.pk,
            since,
        )
        if progress.wave == measured:
            assert recent == 2 and progress.rate == pytest.approx(recent * 2)


def test_a_put_taken_back_is_no_pace(day):
    wh, _other = day
    now = timezone.now()
    wave = wave_picking(wh, 3, cutoff=now + timedelta(hours=1), puts=(10, 5), now=now)
    undone = PickRecord.objects.filter(pick__task__wave=wave).latest("created_at")
    PickRecord.objects.create(
        pick=undone.pick, tote=undone.tote, quantity=-undone.quantity, key="undo", actor=undone.actor, reverses=undone
    )
    Pick.objects.filter(pk=undone.pick_id).update(state=Pick.State.OPEN, picked=0)
    [progress] = [p for p in dashboard.waves(wh, now=now) if p.wave == wave]
    assert (progress.lines_done, progress.rate) == (1, pytest.approx(6))  # 1 line in the 10 minutes since the first


def test_queries_stay_the_same_however_many_waves(day, django_assert_max_num_queries):
    wh, _other = day
    for _ in range(4):
        wave_picking(wh, 3, cutoff=timezone.now(), puts=(4,))
    with django_assert_max_num_queries(3):
        assert len(dashboard.waves(wh)) == 8
    with django_assert_max_num_queries(8):
        dashboard.open_work(wh)
