"""The Sync health panel's figures, checked against counts asked of the database directly in SQL;
another warehouse's operations never count."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from floor.dashboard import sync
from floor.odoo import outbox
from floor.odoo.models import Operation, PullCursor
from tests import factories

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)
State = Operation.State


def operation(wh, state, *, made, sent=None, error="", failed=None, document=""):
    """An operation made `made` minutes before now (sent `sent` minutes before, failed `failed`)."""
    now = timezone.now()
    op = Operation.objects.create(
        kind=Operation.Kind.DELIVERY,
        warehouse=wh,
        reference=f"FLOOR-{next(_seq):05d}",
        document=document or f"{wh.code}/OUT/{next(_seq):05d}",
        state=state,
        last_error=error,
    )
    Operation.objects.filter(pk=op.pk).update(
        created_at=now - timedelta(minutes=made),
        sent_at=None if sent is None else now - timedelta(minutes=sent),
        failed_at=None if failed is None else now - timedelta(minutes=failed),
    )
    op.refresh_from_db()
    return op


@pytest.fixture
def connected(settings):
    settings.ODOO_URL, settings.ODOO_DB = "http://odoo.test", "floor"
    settings.ODOO_USER, settings.ODOO_API_KEY = "floor", "key"


@pytest.fixture
def day():
    wh, other = factories.warehouse("WH"), factories.warehouse("WH2")
    operation(wh, State.PENDING, made=12, document="WH/OUT/OLDEST")
    operation(wh, State.PENDING, made=2)
    operation(wh, State.SENDING, made=1)
    for minutes in (1, 4, 9, 11, 30):
        operation(wh, State.SENT, made=minutes + 1, sent=minutes)
    operation(wh, State.FAILED, made=40, error="Odoo said no: location archived", failed=6)
    newest = operation(wh, State.PENDING, made=8, error="Odoo timed out", failed=3, document="WH/OUT/RETRY")
    # The other warehouse has an older backlog, a newer error and pushes of its own.
    operation(other, State.PENDING, made=90)
    operation(other, State.FAILED, made=5, error="Not this one", failed=0)
    operation(other, State.SENT, made=2, sent=1)
    now = timezone.now()
    PullCursor.objects.create(model="product.product", pulled_at=now - timedelta(seconds=90))
    PullCursor.objects.create(model="stock.picking", pulled_at=now - timedelta(seconds=45))
    PullCursor.objects.create(model="stock.lot")  # never pulled
    return wh, other, newest


def sql(query: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


TABLE = Operation._meta.db_table


def test_every_figure_is_what_the_database_holds(day, connected):
    wh, _other, _newest = day
    now = timezone.now()
    health = sync.health(wh, now=now)

    by_state = dict(sql(f"SELECT state, COUNT(*) FROM {TABLE} WHERE warehouse_id = %s GROUP BY state", wh.pk))  # noqa: S608
    assert health.by_state == {state: by_state.get(state, 0) for state in State.values}

    [(oldest_id,)] = sql(
        f"SELECT id FROM {TABLE} WHERE warehouse_id = %s AND state IN ('pending', 'sending') "  # noqa: S608
        "ORDER BY created_at, id LIMIT 1",
        wh.pk,
    )
    assert health.oldest_pending.operation_id == oldest_id

    [(error_id, text)] = sql(
        f"SELECT id, last_error FROM {TABLE} WHERE warehouse_id = %s AND last_error <> '' "  # noqa: S608
        "ORDER BY failed_at DESC, id DESC LIMIT 1",
        wh.pk,
    )
    assert (health.last_error.operation_id, health.last_error.text) == (error_id, text)

    adapt = connection.ops.adapt_datetimefield_value
    [(sent,)] = sql(
        f"SELECT COUNT(*) FROM {TABLE} WHERE warehouse_id = %s AND state = 'sent' "  # noqa: S608
        "AND sent_at > %s AND sent_at <= %s",
        wh.pk,
        adapt(now - timedelta(minutes=10)),
        adapt(now),
    )
    assert health.pushes_per_minute == pytest.approx(sent / 10)


def test_the_panel_reads_as_a_supervisor_would_see_it(day, connected):
    wh, _other, newest = day
    now = timezone.now()
    health = sync.health(wh, now=now)
    assert health.by_state == {"pending": 3, "sending": 1, "sent": 5, "failed": 1}
    assert health.oldest_pending.label == "WH/OUT/OLDEST"
    assert timedelta(minutes=12) <= health.oldest_pending.age < timedelta(minutes=12, seconds=5)
    assert health.last_error.label == "WH/OUT/RETRY"
    assert health.last_error.reference == newest.reference
    assert health.last_error.text == "Odoo timed out"
    assert health.last_error.at == newest.failed_at
    assert health.pushes_per_minute == pytest.approx(0.3)  # three in the last ten minutes
    assert now - health.last_pull < timedelta(seconds=50)
    assert timedelta(seconds=45) <= health.pull_lag < timedelta(seconds=50)
    assert health.red  # twelve minutes is past the five allowed


def test_red_follows_the_setting(day, connected, settings):
    wh, _other, _newest = day
    settings.DASHBOARD_SYNC_RED_SECONDS = 15 * 60
    assert not sync.health(wh).red


def test_a_backlog_younger_than_the_threshold_is_not_red(connected):
    wh = factories.warehouse("WH")
    operation(wh, State.PENDING, made=4)
    operation(wh, State.FAILED, made=60, error="Odoo said no")
    health = sync.health(wh)
    assert not health.red
    assert health.last_error.at is None  # failed before Floor kept the moment


def test_without_odoo_waiting_is_not_red(day):
    wh, _other, _newest = day
    health = sync.health(wh)
    assert not health.connected and not health.red
    assert health.oldest_pending is not None


def test_a_quiet_warehouse():
    wh = factories.warehouse("QUIET")
    health = sync.health(wh)
    assert health.by_state == dict.fromkeys(State.values, 0)
    assert (health.oldest_pending, health.last_error, health.last_pull, health.pull_lag) == (None,) * 4
    assert health.pushes_per_minute == 0 and not health.red


def test_a_failed_push_says_when(settings):
    wh = factories.warehouse("WH")
    op = operation(wh, State.SENDING, made=1)
    before = timezone.now()
    outbox.failed(op, error="Odoo timed out", retry=True)
    assert before <= sync.health(wh).last_error.at <= timezone.now()


def test_queries_stay_the_same(day, django_assert_max_num_queries):
    wh, _other, _newest = day
    with django_assert_max_num_queries(5):
        sync.health(wh)
