"""Two inspectors on one return at once, on PostgreSQL: between them they take in no more than it
expects, and a close while the other grades leaves nothing half done."""

import uuid

import pytest
from django.test import Client

from floor.ledger.checks import ledger_differences
from floor.returns.models import Inspection, Return
from tests import factories
from tests.counting.test_count_race import _at_once
from tests.pages import page_text
from tests.returns.conftest import MUG, on_hand
from tests.returns.factories import announced_return, shipped_order

HTMX = {"HTTP_HX_REQUEST": "true"}


def _inspectors(wh, n=2):
    clients = []
    for _ in range(n):
        client = Client()
        client.force_login(factories.user(roles=["inspector"], wh=wh))
        clients.append(client)
    return clients


def _scan(client, code):
    return page_text(client.post("/inspect/scan", {"code": code, "key": str(uuid.uuid4())}, **HTMX))


@pytest.fixture
def one_mug_expected(postgres):
    wh = factories.warehouse()
    mug = factories.product(gtin=MUG, sku="MUG")
    order = shipped_order(wh, (mug, 3), reference="SO-1", odoo_id=1)
    ret = announced_return(wh, order, (mug, 1), reference="WH/RET/1")
    return wh, mug, ret


@pytest.mark.django_db(transaction=True)
def test_two_inspectors_scanning_the_last_expected_item_at_once_take_in_one(one_mug_expected):
    wh, mug, ret = one_mug_expected
    inspectors = _inspectors(wh)
    for client in inspectors:
        _scan(client, ret.reference)
    answers = _at_once(*(lambda c=c: _scan(c, MUG) for c in inspectors))
    assert sorted("more × MUG than order SO-1 shipped" in answer for answer in answers) == [False, True]
    assert ret.lines.get().inspected == 1 and Inspection.objects.count() == 1
    assert on_hand(ret.warehouse.locations.get(kind="returns"), mug) == 1
    assert ledger_differences() == []


@pytest.mark.django_db(transaction=True)
def test_a_close_and_a_scan_at_once_leave_the_return_whole(one_mug_expected):
    wh, mug, ret = one_mug_expected
    closer, scanner = _inspectors(wh)
    for client in (closer, scanner):
        _scan(client, ret.reference)

    def close():
        return page_text(closer.post("/inspect/close", {"key": str(uuid.uuid4())}, **HTMX))

    _at_once(close, lambda: _scan(scanner, MUG))
    ret.refresh_from_db()
    taken_in = Inspection.objects.filter(undone=False).count()
    if ret.state == Return.State.DONE:
        # Closed first: the scan found it closed; or scanned first: the close waited for the grade.
        assert taken_in == 0
    else:
        assert taken_in == 1 and ret.lines.get().inspected == 1
    assert ledger_differences() == []


@pytest.mark.django_db(transaction=True)
def test_two_inspectors_opening_one_parcels_order_at_once_make_one_return(postgres):
    wh = factories.warehouse()
    mug = factories.product(gtin=MUG, sku="MUG")
    order = shipped_order(wh, (mug, 2), reference="SO-2", odoo_id=2)
    answers = _at_once(*(lambda c=c: _scan(c, "SO-2") for c in _inspectors(wh)))
    [made] = Return.objects.filter(order=order)
    assert made.reference == "SO-2-R1" and made.lines.get().expected == 2
    assert sum("made from order SO-2" in answer for answer in answers) == 1
    assert all("Return SO-2-R1" in answer or "return SO-2-R1" in answer for answer in answers)
