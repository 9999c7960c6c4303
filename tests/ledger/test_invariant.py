"""Random sequences of posts never break the ledger: quants equal the sum of moves, and no real
location holds less than nothing."""

import itertools
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move, Quant
from floor.ledger.services import NotEnoughStock, post
from floor.warehouse.models import Location
from floor.warehouse.services import virtual_location
from tests import factories

KEYS = itertools.count()


@pytest.mark.django_db
def test_ledger_invariant_holds_over_random_posts():
    wh = factories.warehouse("INV")
    bins = [factories.storage_bin(wh) for _ in range(3)]
    vendor = virtual_location(Location.Kind.VENDOR)
    customer = virtual_location(Location.Kind.CUSTOMER)
    products = [factories.product() for _ in range(2)]
    lots = [None, factories.lot(products[0])]
    places = [*bins, vendor, customer]

    class Ledger(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            # Each example runs in a savepoint rolled back at teardown, so all start from empty bins.
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.keys = []
            self.model = {}  # what we expect on hand, per (location, product, lot)

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def _expected(self, loc, prod, lot):
            return self.model.get((loc.pk, prod.pk, lot.pk if lot else None), Decimal(0))

        @rule(
            moves=st.lists(
                st.tuples(
                    st.sampled_from(places),
                    st.sampled_from(places),
                    st.sampled_from(products),
                    st.sampled_from(lots),
                    st.integers(min_value=1, max_value=20),
                ),
                min_size=1,
                max_size=4,
            )
        )
        def post_moves(self, moves):
            moves = [(s, d, p, lot if p == products[0] else None, q) for s, d, p, lot, q in moves if s != d]
            if not moves:
                return
            after = dict(self.model)
            for src, dst, prod, lot, qty in moves:
                for loc, sign in ((src, -1), (dst, 1)):
                    k = (loc.pk, prod.pk, lot.pk if lot else None)
                    after[k] = after.get(k, Decimal(0)) + sign * qty
            refused = any(v < 0 for (loc, _p, _l), v in after.items() if loc in {b.pk for b in bins})
            key = f"hyp-{next(KEYS)}"
            built = [
                Move(from_location=s, to_location=d, product=p, lot=lot, quantity=Decimal(q))
                for s, d, p, lot, q in moves
            ]
            if refused:
                with pytest.raises(NotEnoughStock), transaction.atomic():  # a savepoint: the run goes on
                    post(built, key=key)
            else:
                post(built, key=key)
                self.model = after
                self.keys.append(key)

        @rule(data=st.data())
        def replay_a_key(self, data):
            if not self.keys:
                return
            key = data.draw(st.sampled_from(self.keys))
            before = Move.objects.count()
            post([Move(from_location=vendor, to_location=bins[0], product=products[1], quantity=Decimal(99))], key=key)
            assert Move.objects.count() == before

        @invariant()
        def quants_equal_moves(self):
            assert ledger_differences() == []

        @invariant()
        def no_real_bin_below_zero(self):
            assert not Quant.objects.filter(location__in=bins, quantity__lt=0).exists()

        @invariant()
        def quants_match_the_model(self):
            for (loc, prod, lot), qty in self.model.items():
                have = Quant.objects.filter(location_id=loc, product_id=prod, lot_id=lot, package=None).first()
                assert (have.quantity if have else Decimal(0)) == qty

    Ledger.TestCase.settings = settings(
        max_examples=40,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    Ledger.TestCase("runTest").runTest()
