"""Allocation: which bins and lots a release reserves, and that it never promises more than is there."""

import datetime
import itertools
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from floor.ledger.models import Move, Quant
from floor.ledger.services import post
from floor.picking.allocation import allocate, free_stock
from floor.picking.models import Pick, PickTask, Wave
from floor.warehouse.models import Location, Package
from floor.warehouse.services import add_bin, add_zone, location_of_kind, virtual_location
from tests import factories
from tests.picking.factories import order

TODAY = timezone.localdate()
KEYS = itertools.count()


@pytest.fixture
def wh(db):
    return factories.warehouse()


def line_of(wh, item, quantity):
    return order(wh, (item, quantity)).lines.get()


def taken(picks):
    return [(p.location.name, p.lot.name if p.lot else None, p.quantity) for p in picks]


def test_it_takes_the_earliest_expiry_first_and_undated_lots_last(wh):
    item = factories.product(tracking="lot")
    a, b, c = (factories.storage_bin(wh, aisle=x, bay=1) for x in "ABC")
    factories.stock(a, item, 5, lot=factories.lot(item, "NODATE"))
    factories.stock(b, item, 5, lot=factories.lot(item, "LATE", TODAY + datetime.timedelta(days=90)))
    factories.stock(c, item, 5, lot=factories.lot(item, "SOON", TODAY + datetime.timedelta(days=3)))

    picks = allocate(warehouse=wh, needs=[(line_of(wh, item, 12), Decimal(12))])

    assert taken(picks) == [("C-01-01", "SOON", 5), ("B-01-01", "LATE", 5), ("A-01-01", "NODATE", 2)]


def test_a_lot_with_no_expiry_goes_by_its_best_before_date(wh):
    # GS1 General Specifications 3.4.5 (AI 15, best before) beside 3.4.7 (AI 17, expiration):
    # first-expiry-first-out takes a lot's best-before date where it has no expiry.
    item = factories.product(tracking="lot")
    a, b, c, d = (factories.storage_bin(wh, aisle=x, bay=1) for x in "ABCD")
    factories.stock(a, item, 5, lot=factories.lot(item, "NODATE"))
    factories.stock(b, item, 5, lot=factories.lot(item, "EXPIRES", TODAY + datetime.timedelta(days=30)))
    best = factories.lot(item, "BEST")
    best.best_before = TODAY + datetime.timedelta(days=10)
    best.save()
    factories.stock(c, item, 5, lot=best)
    both = factories.lot(item, "BOTH", TODAY + datetime.timedelta(days=60))
    both.best_before = TODAY + datetime.timedelta(days=1)  # the expiry wins where there is one
    both.save()
    factories.stock(d, item, 5, lot=both)

    picks = allocate(warehouse=wh, needs=[(line_of(wh, item, 18), Decimal(18))])

    assert taken(picks) == [
        ("C-01-01", "BEST", 5),
        ("B-01-01", "EXPIRES", 5),
        ("D-01-01", "BOTH", 5),
        ("A-01-01", "NODATE", 3),
    ]


def test_a_lot_past_its_best_before_date_is_still_allocated_first(wh):
    # 3.4.5: best before is a date of quality, not a limit of use (that is 3.4.7's expiry): the
    # lot is not held back as an expired one is, and goes first.
    item = factories.product(tracking="lot")
    old = factories.lot(item, "PAST")
    old.best_before = TODAY - datetime.timedelta(days=2)
    old.save()
    factories.stock(factories.storage_bin(wh, aisle="B"), item, 5, lot=old)
    factories.stock(factories.storage_bin(wh, aisle="A"), item, 5, lot=factories.lot(item, "NODATE"))

    picks = allocate(warehouse=wh, needs=[(line_of(wh, item, 6), Decimal(6))])

    assert [(lot, quantity) for _bin, lot, quantity in taken(picks)] == [("PAST", 5), ("NODATE", 1)]


def test_expired_lots_stay_in_the_bin(wh):
    item = factories.product(tracking="lot")
    factories.stock(factories.storage_bin(wh), item, 5, lot=factories.lot(item, "OLD", TODAY - datetime.timedelta(1)))
    factories.stock(factories.storage_bin(wh), item, 5, lot=factories.lot(item, "TODAY", TODAY))

    picks = allocate(warehouse=wh, needs=[(line_of(wh, item, 8), Decimal(8))])

    assert [(lot, q) for _b, lot, q in taken(picks)] == [("TODAY", 5)]


def test_one_bin_that_covers_the_need_beats_walking_past_several(wh):
    item = factories.product()
    for aisle, quantity in (("A", 2), ("B", 3), ("C", 10), ("D", 10)):
        factories.stock(factories.storage_bin(wh, aisle=aisle, bay=1), item, quantity)

    picks = allocate(warehouse=wh, needs=[(line_of(wh, item, 4), Decimal(4))])

    assert taken(picks) == [("C-01-01", None, 4)]


def test_with_no_bin_covering_it_takes_bins_in_walking_order(wh):
    item = factories.product()
    for aisle, bay, quantity in (("B", 1, 3), ("A", 7, 2), ("A", 2, 2)):
        factories.stock(factories.storage_bin(wh, aisle=aisle, bay=bay), item, quantity)

    picks = allocate(warehouse=wh, needs=[(line_of(wh, item, 6), Decimal(6))])

    assert taken(picks) == [("A-02-01", None, 2), ("A-07-01", None, 2), ("B-01-01", None, 2)]


def test_it_allocates_only_loose_stock_in_active_storage_bins_of_the_warehouse(wh):
    item = factories.product()
    other = factories.warehouse("OTHER")
    factories.stock(factories.storage_bin(other, aisle="Z"), item, 50)
    factories.stock(location_of_kind(wh, Location.Kind.INPUT), item, 50)
    factories.stock(factories.storage_bin(wh, aisle="P"), item, 50, package=Package.objects.create(barcode="PAL1"))
    closed = factories.storage_bin(wh, aisle="Q")
    factories.stock(closed, item, 50)
    Location.objects.filter(pk=closed.pk).update(active=False)
    factories.stock(factories.storage_bin(wh, aisle="R", bay=1), item, 3)

    picks = allocate(warehouse=wh, needs=[(line_of(wh, item, 10), Decimal(10))])

    assert taken(picks) == [("R-01-01", None, 3)]


def test_open_picks_hold_stock_and_done_or_cancelled_ones_do_not(wh):
    item = factories.product()
    shelf = factories.storage_bin(wh)
    factories.stock(shelf, item, 10)
    wave = Wave.objects.create(warehouse=wh, reference="W-HOLD")
    task = PickTask.objects.create(wave=wave, warehouse=wh, reference="W-HOLD-01")
    line = line_of(wh, item, 10)
    Pick.objects.create(task=task, order_line=line, product=item, location=shelf, quantity=4, picked=1)
    Pick.objects.create(task=task, order_line=line, product=item, location=shelf, quantity=2, state="cancelled")
    Pick.objects.create(task=task, order_line=line, product=item, location=shelf, quantity=2, state="short")

    assert free_stock(location=shelf, product=item) == 7
    picks = allocate(warehouse=wh, needs=[(line_of(wh, item, 9), Decimal(9))])
    assert [p.quantity for p in picks] == [7]


def test_needs_in_one_call_share_the_stock_most_urgent_first(wh):
    item = factories.product()
    factories.stock(factories.storage_bin(wh), item, 5)
    first, second = line_of(wh, item, 4), line_of(wh, item, 4)

    picks = allocate(warehouse=wh, needs=[(first, Decimal(4)), (second, Decimal(4))])

    assert [(p.order_line, p.quantity) for p in picks] == [(first, 4), (second, 1)]


def test_a_zone_and_excluded_bins_narrow_the_search(wh):
    item = factories.product()
    north, south = factories.storage_bin(wh, zone_name="North"), factories.storage_bin(wh, zone_name="South")
    deeper = add_bin(add_zone(wh, name="South"), aisle="S", bay=9, level=1)
    for shelf in (north, south, deeper):
        factories.stock(shelf, item, 5)
    line = line_of(wh, item, 20)

    in_south = allocate(warehouse=wh, needs=[(line, Decimal(20))], zone=add_zone(wh, name="South"))
    elsewhere = allocate(warehouse=wh, needs=[(line, Decimal(20))], exclude_locations=frozenset({north.pk}))

    assert {p.location for p in in_south} == {south, deeper}
    assert north not in {p.location for p in elsewhere}


def test_it_asks_the_database_twice_whatever_the_number_of_needs(wh, django_assert_num_queries):
    items = [factories.product() for _ in range(30)]
    for n, item in enumerate(items):
        factories.stock(factories.storage_bin(wh, aisle="A", bay=n + 1), item, 5)
        factories.stock(factories.storage_bin(wh, aisle="B", bay=n + 1), item, 5)
    needs = [(line_of(wh, item, 8), Decimal(8)) for item in items]

    with django_assert_num_queries(2):
        picks = allocate(warehouse=wh, needs=needs)
    assert len(picks) == 60


def test_free_stock_counts_loose_stock_only(wh):
    item = factories.product()
    shelf = factories.storage_bin(wh)
    factories.stock(shelf, item, 4)
    factories.stock(shelf, item, 6, package=Package.objects.create(barcode="PAL2"))

    assert free_stock(location=shelf, product=item, lock=False) == 4
    assert free_stock(location=factories.storage_bin(wh), product=item) == 0


# --- Hypothesis: whatever the releases, picks, shorts and cancellations, never over-reserved


@pytest.mark.django_db
def test_allocation_never_promises_more_than_the_bins_hold():
    wh = factories.warehouse("HYP")
    other = factories.warehouse("HYP2")
    bins = [factories.storage_bin(wh, aisle=a, bay=b) for a in "AB" for b in (1, 2)]
    elsewhere = [factories.storage_bin(other, aisle="Z"), location_of_kind(wh, Location.Kind.INPUT)]
    plain, tracked = factories.product(), factories.product(tracking="lot")
    lots = [
        factories.lot(tracked, "EXPIRED", TODAY - datetime.timedelta(days=1)),
        factories.lot(tracked, "SOON", TODAY + datetime.timedelta(days=5)),
        factories.lot(tracked, "NODATE"),
    ]
    stockable = [(plain, None), *((tracked, lot) for lot in lots)]
    vendor, customer = virtual_location(Location.Kind.VENDOR), virtual_location(Location.Kind.CUSTOMER)
    waves = itertools.count()

    class Releases(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def _move(self, src, dst, item, lot, quantity):
            post(
                [Move(product=item, lot=lot, quantity=quantity, from_location=src, to_location=dst)],
                key=f"hyp-alloc-{next(KEYS)}",
            )

        @rule(
            where=st.sampled_from(bins + elsewhere),
            what=st.sampled_from(stockable),
            quantity=st.integers(1, 12),
        )
        def receive(self, where, what, quantity):
            self._move(vendor, where, what[0], what[1], Decimal(quantity))

        @rule(wanted=st.lists(st.tuples(st.sampled_from([plain, tracked]), st.integers(1, 15)), min_size=1, max_size=4))
        def release(self, wanted):
            n = next(waves)
            wave = Wave.objects.create(warehouse=wh, reference=f"W-HYP-{n}")
            task = PickTask.objects.create(wave=wave, warehouse=wh, reference=f"W-HYP-{n}-01")
            needs = [(line_of(wh, item, quantity), Decimal(quantity)) for item, quantity in wanted]
            picks = allocate(warehouse=wh, needs=needs)
            for pick in picks:
                pick.task = task
            Pick.objects.bulk_create(picks)

        @precondition(lambda self: Pick.objects.filter(state="open").exists())
        @rule(data=st.data())
        def pick_some(self, data):
            pick = data.draw(st.sampled_from(list(Pick.objects.filter(state="open").order_by("pk"))))
            quantity = Decimal(data.draw(st.integers(1, int(pick.quantity - pick.picked))))
            self._move(pick.location, customer, pick.product, pick.lot, quantity)  # what a picker's scan posts
            pick.picked += quantity
            pick.state = "picked" if pick.picked == pick.quantity else "open"
            pick.save()

        @precondition(lambda self: Pick.objects.filter(state="open").exists())
        @rule(data=st.data())
        def short_one(self, data):
            pick = data.draw(st.sampled_from(list(Pick.objects.filter(state="open").order_by("pk"))))
            Pick.objects.filter(pk=pick.pk).update(state="short")

        @precondition(lambda self: PickTask.objects.exists())
        @rule(data=st.data())
        def cancel_a_task(self, data):
            task = data.draw(st.sampled_from(list(PickTask.objects.order_by("pk"))))
            Pick.objects.filter(task=task, state="open").update(state="cancelled")

        @invariant()
        def never_over_reserved(self):
            on_hand = defaultdict(Decimal)
            for q in Quant.objects.filter(package=None):
                on_hand[(q.location_id, q.product_id, q.lot_id)] += q.quantity
            held = (
                Pick.objects.filter(state="open")
                .values_list("location_id", "product_id", "lot_id")
                .annotate(held=Sum(F("quantity") - F("picked")))
                .order_by()
            )
            for loc, prod, lot, reserved in held:
                assert reserved <= on_hand[(loc, prod, lot)], (loc, prod, lot, reserved, on_hand[(loc, prod, lot)])

        @invariant()
        def only_from_good_stock(self):
            assert not Pick.objects.exclude(location__in=bins).exists()
            assert not Pick.objects.filter(lot=lots[0]).exists()

    Releases.TestCase.settings = settings(
        max_examples=40,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    Releases.TestCase("runTest").runTest()


@pytest.mark.django_db(transaction=True)
def test_allocating_outside_a_transaction_is_a_bug_not_a_silent_race():
    wh = factories.warehouse()
    item = factories.product()
    factories.stock(factories.storage_bin(wh), item, 5)

    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        allocate(warehouse=wh, needs=[(line_of(wh, item, 1), Decimal(1))])
