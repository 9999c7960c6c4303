"""When Odoo is slow, down, or loses a race, the client says so with an OdooRetryableError, in time,
so the outbox waits and tries again; when Odoo answered with a real refusal, it does not."""

import socket
import time

import pytest

from floor.odoo.client import OdooClient
from floor.odoo.errors import (
    OdooConnectionError,
    OdooProtocolError,
    OdooRequestError,
    OdooRetryableError,
)
from tests.odoo_double.fixtures import *  # noqa: F403 - the double's fixtures (odoo_double, ...)

TIMEOUT = 0.5
MARGIN = 0.5


@pytest.fixture(params=["auto", "jsonrpc"])
def client(request, odoo_double):
    d = odoo_double
    with OdooClient(url=d.url, db=d.db, login=d.login, api_key=d.api_key, api=request.param, timeout=TIMEOUT) as client:
        client.connect()  # the faults below are meant for the ORM call, not the handshake
        yield client


def test_a_call_that_gets_no_answer_fails_within_the_timeout(client, odoo_double):
    odoo_double.timeout(seconds=10, model="res.partner")
    started = time.monotonic()
    with pytest.raises(OdooConnectionError, match="within 0.5 s"):
        client.search_read("res.partner", [], ["name"])
    assert time.monotonic() - started < TIMEOUT + MARGIN


def test_a_slow_answer_inside_the_timeout_is_fine(client, odoo_double):
    odoo_double.latency(TIMEOUT / 5, model="res.partner")
    assert client.search("res.partner", [("id", "=", odoo_double.ids["vendor"])]) == [odoo_double.ids["vendor"]]


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_an_http_error_from_odoo_or_its_proxy_is_retryable(client, odoo_double, status):
    odoo_double.http_error(status, model="res.partner")
    with pytest.raises(OdooRetryableError, match=f"HTTP {status}") as caught:
        client.search("res.partner", [])
    assert caught.value.http_status == status


def test_an_answer_dropped_after_odoo_committed_is_retryable(client, odoo_double):
    odoo_double.commit_then_drop(model="res.partner", method="create")
    with pytest.raises(OdooConnectionError):
        client.create("res.partner", [{"name": "Committed Anyway"}])
    # Why the push must look before it creates again: the record is there.
    assert odoo_double.search("res.partner", [("name", "=", "Committed Anyway")])


def test_a_dropped_connection_is_retryable_and_the_next_call_works(client, odoo_double):
    odoo_double.drop(model="res.partner")
    with pytest.raises(OdooConnectionError):
        client.search("res.partner", [])
    assert client.search("res.partner", [("id", "=", odoo_double.ids["vendor"])]) == [odoo_double.ids["vendor"]]


def test_a_serialization_failure_is_retryable(client, odoo_double):
    odoo_double.serialization_failure(model="stock.picking", method="write")
    picking = odoo_double.seed_receipt(lines=[(odoo_double.ids["product"], 1)])
    with pytest.raises(OdooRetryableError) as caught:
        client.write("stock.picking", [picking], {"origin": "FLOOR-1"})
    assert caught.value.name == "psycopg2.errors.SerializationFailure"
    assert "concurrent update" in caught.value.message


def test_a_500_carrying_an_odoo_bug_is_not_retryable(client, odoo_double):
    odoo_double.fail("builtins.KeyError", "'location_id'", model="stock.picking")
    with pytest.raises(OdooRequestError) as caught:
        client.search("stock.picking", [])
    assert not isinstance(caught.value, OdooRetryableError)


def test_an_unreachable_odoo_is_a_connection_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again when the block ends: nobody listens there
    client = OdooClient(url=f"http://127.0.0.1:{port}", db="floor", login="admin", api_key="k", timeout=TIMEOUT)
    with client, pytest.raises(OdooConnectionError, match="did not answer"):
        client.connect()


def test_a_url_that_is_not_odoo_is_a_protocol_error(odoo_double):
    d = odoo_double
    with (
        OdooClient(url=f"{d.url}/not-odoo", db=d.db, login=d.login, api_key=d.api_key, timeout=TIMEOUT) as client,
        pytest.raises(OdooProtocolError, match="no /jsonrpc endpoint"),
    ):
        client.connect()
