"""`manage.py odoo_pull` and the beat task run the same pull; one pull at a time."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from floor.odoo import push, tasks
from floor.odoo.client import OdooClient
from floor.odoo.pull import LOCK_KEY, pull
from floor.receiving.models import Receipt
from tests.odoo.test_pull_support import connect

pytestmark = pytest.mark.django_db


@pytest.fixture
def odoo(odoo_double, settings):
    push.forget_client()  # the task's client is per process: start from the settings of this test
    yield connect(odoo_double, settings)
    push.forget_client()


def test_the_command_prints_what_it_created_and_updated(odoo):
    odoo.seed_receipt(lines=[(odoo.ids["product"], 10)])
    out = StringIO()
    call_command("odoo_pull", stdout=out)
    text = out.getvalue()
    assert f"Pulled from Odoo {odoo.url} (changes only) in" in text
    assert "receipts            created     1  updated     0" in text
    assert "exceptions          0 new" in text
    assert Receipt.objects.count() == 1

    out = StringIO()
    call_command("odoo_pull", "--full", stdout=out)
    assert "(full)" in out.getvalue() and "receipts            created     0  updated     0" in out.getvalue()


def test_the_command_says_what_is_missing_without_odoo_settings(settings):
    settings.ODOO_URL = ""
    with pytest.raises(CommandError, match="ODOO_URL"):
        call_command("odoo_pull")


def test_the_command_says_when_odoo_cannot_be_reached(odoo):
    odoo.drop(model="stock.warehouse", times=None)
    with pytest.raises(CommandError, match="Cannot reach Odoo"):
        call_command("odoo_pull")


def test_the_beat_task_runs_the_same_pull(odoo):
    odoo.seed_receipt(lines=[(odoo.ids["product"], 10)])
    result = tasks.pull_from_odoo()
    assert result["created"]["receipts"] == 1 and not result["skipped"]
    assert tasks.pull_from_odoo()["created"] == {}


def test_the_beat_task_waits_for_the_next_beat_when_odoo_is_away(odoo, caplog):
    odoo.http_error(503, model="stock.warehouse")
    assert tasks.pull_from_odoo() is None
    assert "the next beat tries again" in caplog.text
    assert Receipt.objects.count() == 0


def test_the_beat_task_does_nothing_without_odoo(settings):
    settings.ODOO_URL = ""
    assert tasks.pull_from_odoo() is None


def test_a_pull_started_while_another_runs_returns_at_once(odoo):
    cache.add(LOCK_KEY, "another pull", 60)
    try:
        with OdooClient.from_settings() as client:
            result = pull(client=client)
    finally:
        cache.delete(LOCK_KEY)
    assert result.skipped and odoo.call_count(model="stock.warehouse") == 0
