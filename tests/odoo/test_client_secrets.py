"""The API key is a password: whatever goes wrong, it appears in no error, log line, repr or error page.

JSON-RPC carries it inside the request body (params.args[2]) and JSON-2 in a header, and httpx's
exceptions hold the request, so each way of failing is tried with logging at DEBUG for every logger.
"""

import logging
import sys
import traceback

import pytest
from django.views.debug import ExceptionReporter

from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooError
from tests.odoo_double.fixtures import *  # noqa: F403 - the double's fixtures (odoo_double, ...)

WRONG_KEY = "wrong-key-5e3f1c9a7d"

SCENARIOS = [
    "user_error",
    "missing_record",
    "refused_mid_session",
    "wrong_key",
    "http_500",
    "dropped",
    "timeout",
    "serialization_failure",
]


def provoke(double, api, scenario) -> tuple[OdooClient, OdooError]:
    """Fail the way `scenario` says; returns the client and what it raised. The key is in no local
    variable of this frame or the test's, so a leak found in the error report is the client's."""
    client = OdooClient(
        url=double.url,
        db=double.db,
        login=double.login,
        api=api,
        timeout=0.5,
        api_key=WRONG_KEY if scenario == "wrong_key" else double.api_key,
    )
    if scenario != "wrong_key":
        client.connect()
    match scenario:
        case "user_error":
            double.fail("odoo.exceptions.UserError", "Nothing to validate.", model="stock.picking")
        case "refused_mid_session":
            double.access_denied(model="stock.picking")
        case "http_500":
            double.http_error(500, model="stock.picking")
        case "dropped":
            double.commit_then_drop(model="stock.picking")
        case "timeout":
            double.timeout(seconds=10, model="stock.picking")
        case "serialization_failure":
            double.serialization_failure(model="stock.picking")
    try:
        client.write("stock.picking", [999999999 if scenario == "missing_record" else 1], {"origin": "FLOOR-1"})
    except OdooError as exc:
        return client, exc
    raise AssertionError(f"{scenario} did not fail")


@pytest.mark.parametrize("api", ["auto", "jsonrpc"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_api_key_appears_in_no_error_log_repr_or_report(odoo_double, api, scenario, caplog, settings):
    settings.DEBUG = False  # the error page and mail of production, with its variable filtering
    caplog.set_level(logging.DEBUG)
    client, exc = provoke(odoo_double, api, scenario)
    client.close()

    report = ExceptionReporter(None, type(exc), exc, exc.__traceback__)
    texts = {
        "str": str(exc),
        "repr": repr(exc),
        "message": exc.message,
        "debug": exc.debug,
        "client": repr(client),
        "cause": repr(exc.__cause__) + str(exc.__cause__),
        "context": repr(exc.__context__) + str(exc.__context__),
        "traceback": "".join(traceback.format_exception(exc)),
        "log": caplog.text + "".join(repr(r.args) for r in caplog.records),
        "error mail": report.get_traceback_text(),
        "error page": report.get_traceback_html(),
    }
    secret = WRONG_KEY if scenario == "wrong_key" else odoo_double.api_key
    leaks = [where for where, text in texts.items() if secret in text]
    assert leaks == []
    assert caplog.records, "the DEBUG log was empty: nothing was proven"


def test_the_request_body_is_never_logged_even_by_httpx(odoo_double, caplog):
    caplog.set_level(logging.DEBUG)
    d = odoo_double
    with OdooClient(url=d.url, db=d.db, login=d.login, api_key=d.api_key, api="jsonrpc") as client:
        client.search("stock.picking", [("origin", "=", "FLOOR-SECRET-ORIGIN")])
    assert "FLOOR-SECRET-ORIGIN" not in caplog.text
    assert d.api_key not in caplog.text


def test_the_repr_of_a_client_masks_the_key():
    client = OdooClient(url="https://user:pw@odoo.example.com", db="floor", login="admin", api_key="s3cr3t-k3y")
    assert "s3cr3t-k3y" not in repr(client) and "pw@" not in repr(client)
    assert "api_key=***" in repr(client)
    client.close()


def test_a_traceback_printed_by_python_shows_no_key(odoo_double, capsys):
    _client, exc = provoke(odoo_double, "auto", "user_error")
    traceback.print_exception(exc, file=sys.stderr)
    assert odoo_double.api_key not in capsys.readouterr().err
