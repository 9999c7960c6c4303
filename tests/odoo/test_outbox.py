"""The outbox: operations written with the moves, claimed once, retried with backoff, then
left for a person with a retry button."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from floor.odoo import outbox
from floor.odoo.models import Operation
from tests import factories
from tests.pages import page_text

pytestmark = pytest.mark.django_db

State = Operation.State


def operation(wh, n=1, **fields):
    fields.setdefault("next_try_at", timezone.now())
    return Operation.objects.create(
        kind=Operation.Kind.INTERNAL, warehouse=wh, reference=f"FLOOR-TEST-{n}", payload={"lines": []}, **fields
    )


def test_backoff_doubles_with_jitter_and_stops_at_the_cap(settings):
    settings.ODOO_PUSH_BACKOFF_SECONDS, settings.ODOO_PUSH_BACKOFF_CAP_SECONDS = 10, 300
    for attempts, nominal in [(1, 10), (2, 20), (3, 40), (6, 300), (12, 300)]:
        waits = {outbox.backoff(attempts).total_seconds() for _ in range(50)}
        assert all(nominal * 0.5 <= w <= nominal * 1.5 for w in waits)
        assert len(waits) > 1  # jitter: a backlog does not retry in lockstep


def test_a_due_operation_is_claimed_once():
    op = operation(factories.warehouse())
    claimed = outbox.claim(op.pk)
    assert claimed.state == State.SENDING and claimed.attempts == 1
    assert outbox.claim(op.pk) is None  # held by the first worker's lease


def test_an_operation_a_crashed_worker_left_is_claimed_again_after_its_lease():
    op = operation(factories.warehouse(), state=State.SENDING, lease_until=timezone.now() - timedelta(seconds=1))
    assert outbox.claim(op.pk) is not None


def test_operations_not_due_or_sent_are_not_claimed():
    wh = factories.warehouse()
    later = operation(wh, 1, next_try_at=timezone.now() + timedelta(minutes=5))
    sent = operation(wh, 2, state=State.SENT)
    assert outbox.claim(later.pk) is None and outbox.claim(sent.pk) is None
    assert outbox.due_operations() == []


def test_a_retryable_failure_waits_then_after_the_last_attempt_waits_for_a_person(settings):
    settings.ODOO_PUSH_MAX_ATTEMPTS = 3
    op = operation(factories.warehouse())
    for attempt in range(1, 4):
        op.next_try_at = timezone.now()
        op.save()
        op = outbox.claim(op.pk)
        outbox.failed(op, error="Odoo timed out", retry=True)
        op.refresh_from_db()
        if attempt < 3:
            assert op.state == State.PENDING and op.next_try_at > timezone.now()
    assert op.state == State.FAILED and op.last_error == "Odoo timed out" and op.next_try_at is None


def test_an_error_odoo_gave_on_the_content_waits_for_a_person_at_once():
    op = outbox.claim(operation(factories.warehouse()).pk)
    outbox.failed(op, error="You need to supply a Lot/Serial number", retry=False)
    op.refresh_from_db()
    assert op.state == State.FAILED and op.attempts == 1


def test_a_push_that_got_through_is_recorded_with_odoo_ids():
    op = outbox.claim(operation(factories.warehouse()).pk)
    outbox.succeeded(op, odoo_ids={"picking": 27})
    op.refresh_from_db()
    assert (op.state, op.odoo_ids, op.last_error) == (State.SENT, {"picking": 27}, "")
    assert op.sent_at is not None


def test_a_person_retries_a_failed_operation_from_the_page(client, django_capture_on_commit_callbacks):
    wh = factories.warehouse()
    op = operation(wh, state=State.FAILED, attempts=8, last_error="Odoo said no")
    client.force_login(factories.user(roles=["supervisor"], wh=wh))
    page = page_text(client.get("/odoo/operations/?state=failed"))
    assert "Odoo said no" in page and "Retry" in page
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(f"/odoo/operations/{op.pk}/retry")
    op.refresh_from_db()
    assert op.state == State.PENDING and op.attempts == 0
    assert len(callbacks) == 1  # the push is sent once the retry commits


def test_only_a_supervisor_sees_the_sync_page(client):
    wh = factories.warehouse()
    client.force_login(factories.user(roles=["picker"], wh=wh))
    assert client.get("/odoo/operations/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_never_take_the_same_operations(postgres):
    wh = factories.warehouse()
    ops = [operation(wh, n) for n in range(10)]
    held, release, first = threading.Event(), threading.Event(), []

    def first_sweep():
        try:
            with transaction.atomic():
                rows = list(
                    Operation.objects.select_for_update(skip_locked=True).filter(pk__in=[o.pk for o in ops[:4]])
                )
                first.extend(r.pk for r in rows)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    t = threading.Thread(target=first_sweep)
    t.start()
    held.wait(10)
    second = outbox.due_operations()
    release.set()
    t.join(10)
    assert len(first) == 4
    assert set(second) == {o.pk for o in ops} - set(first)
