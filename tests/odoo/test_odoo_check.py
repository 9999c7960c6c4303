"""`manage.py odoo_check` shows what Floor sees in the configured Odoo, and fails in one clear line
(never showing the key) when it cannot get there."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.odoo_double.fixtures import *  # noqa: F403 - the double's fixtures (odoo_double, ...)
from tests.odoo_double.schema import contract_dir

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def configured(settings, odoo_double):
    d = odoo_double
    settings.ODOO_URL, settings.ODOO_DB, settings.ODOO_USER, settings.ODOO_API_KEY = d.url, d.db, d.login, d.api_key
    settings.ODOO_API, settings.ODOO_TIMEOUT = "auto", 2
    return settings


def check() -> str:
    out = StringIO()
    call_command("odoo_check", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("api", ["auto", "jsonrpc"])
def test_it_shows_version_api_user_company_warehouses_and_operation_types(configured, odoo_double, api):
    configured.ODOO_API = api
    out = check()
    d, ids = odoo_double, odoo_double.ids
    expected_api = "JSON-2" if api == "auto" and d.version == "19.0" else "JSON-RPC"
    assert f"Odoo {d.version.split('.')[0]}" in out and f"database {d.db}" in out
    assert f"API: {expected_api}" in out
    assert f"User: Mitchell Admin (login admin, id {ids['admin_uid']})" in out
    assert "Company: My Company (San Francisco) (id 1)" in out
    assert f"WH     YourCompany (id {ids['warehouse']})" in out
    receipts = next(line for line in out.splitlines() if "Receipts [incoming]" in line)
    assert f"to WH/Stock (id {ids['stock']})" in receipts and "backorder ask" in receipts
    assert "Delivery Orders [outgoing]" in out
    assert "Internal Transfers [internal]" in out


def test_it_reads_only_fields_this_version_has(configured, odoo_double):
    check()
    schema = json.loads((contract_dir() / odoo_double.version / "fields_stock.picking.type.json").read_text())
    [fields_get] = odoo_double.calls(model="stock.picking.type", method="fields_get")
    [search_read] = odoo_double.calls(model="stock.picking.type", method="search_read")
    assert fields_get.seq < search_read.seq
    asked = search_read.kwargs["fields"]
    assert set(asked) <= set(schema)
    assert {"name", "code", "warehouse_id", "default_location_src_id", "default_location_dest_id"} <= set(asked)
    assert "create_backorder" in asked


def test_it_says_json_rpc_is_deprecated_when_forced_on_19(configured, odoo_double):
    configured.ODOO_API = "jsonrpc"
    out = check()
    assert ("deprecates JSON-RPC" in out) == (odoo_double.version == "19.0")


def test_a_wrong_key_fails_in_one_line_without_showing_it(configured, odoo_double):
    configured.ODOO_API_KEY = "wrong-key-0c4d2e"
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("odoo_check", stdout=out)
    message = str(caught.value)
    assert message.startswith("Odoo refused the credentials (check ODOO_USER and ODOO_API_KEY)")
    assert "\n" not in message
    assert "wrong-key-0c4d2e" not in message + out.getvalue()


def test_missing_settings_are_named(settings):
    settings.ODOO_URL, settings.ODOO_DB, settings.ODOO_USER, settings.ODOO_API_KEY = "", "floor", "", ""
    with pytest.raises(CommandError, match="set ODOO_URL, ODOO_USER, ODOO_API_KEY"):
        check()


def test_an_unreachable_odoo_fails_cleanly(configured):
    configured.ODOO_URL = "http://127.0.0.1:9"  # discard: nothing answers HTTP there
    with pytest.raises(CommandError, match=r"^Cannot reach Odoo at http://127\.0\.0\.1:9 \(check ODOO_URL\)"):
        check()


def test_a_url_that_is_not_odoo_fails_cleanly(configured, odoo_double):
    configured.ODOO_URL = f"{odoo_double.url}/shop"
    with pytest.raises(CommandError, match="does not answer like an Odoo server"):
        check()


def test_a_user_without_access_fails_cleanly(configured, odoo_double):
    odoo_double.fail(
        "odoo.exceptions.AccessError",
        "You are not allowed to access 'Warehouse' (stock.warehouse) records.\n\nContact your administrator.",
        model="stock.warehouse",
        method="search_read",
    )
    with pytest.raises(CommandError) as caught:
        check()
    assert str(caught.value) == (
        "Odoo user 'admin' may not do stock.warehouse.search_read (check its access rights): "
        "You are not allowed to access 'Warehouse' (stock.warehouse) records."
    )


def test_a_wrong_database_is_named(configured):
    configured.ODOO_DB = "no_such_db"
    with pytest.raises(CommandError, match="has no database 'no_such_db' \\(check ODOO_DB\\)"):
        check()


def test_from_the_command_line_a_failure_exits_1_and_shows_no_key(odoo_double):
    env = {
        **os.environ,
        "SECRET_KEY": "dev",
        "ODOO_URL": odoo_double.url,
        "ODOO_DB": odoo_double.db,
        "ODOO_USER": odoo_double.login,
        "ODOO_API_KEY": "wrong-key-77a1",
    }
    run = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "odoo_check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 1
    assert "CommandError: Odoo refused the credentials" in run.stderr
    assert "Traceback" not in run.stderr
    assert "wrong-key-77a1" not in run.stdout + run.stderr
