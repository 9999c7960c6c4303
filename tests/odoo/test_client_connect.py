"""Connecting: the client picks the API from the server's version (JSON-2 from 19), or the one it is
told to use, finds its user, and says clearly when the credentials or the settings are wrong."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooAuthError, OdooError, OdooProtocolError, OdooRetryableError
from tests.odoo_double.fixtures import *  # noqa: F403 - the double's fixtures (odoo_double, ...)


def connect(double, *, api="auto", **overrides):
    args = {"url": double.url, "db": double.db, "login": double.login, "api_key": double.api_key}
    return OdooClient(**{**args, **overrides}, api=api, timeout=5)


def test_it_speaks_json2_from_odoo_19_and_jsonrpc_before(odoo_double):
    with connect(odoo_double) as client:
        assert client.api == ("json2" if odoo_double.version == "19.0" else "jsonrpc")
        assert client.server_version == (int(odoo_double.version.split(".")[0]), 0)
        assert client.version()["server_serie"] == odoo_double.version
        client.search("stock.picking.type", [])
    assert odoo_double.calls(model="stock.picking.type")[-1].transport == client.api


def test_a_forced_jsonrpc_is_used_even_on_19_without_asking_the_version(odoo_double):
    with connect(odoo_double, api="jsonrpc") as client:
        client.search("stock.picking.type", [])
        assert client.api == "jsonrpc"
    assert odoo_double.calls(model="stock.picking.type")[-1].transport == "jsonrpc"
    assert odoo_double.calls(service="common", method="version") == []


def test_a_forced_json2_needs_odoo_19(odoo_double):
    with connect(odoo_double, api="json2") as client:
        if odoo_double.version == "19.0":
            assert client.search("stock.picking.type", [("code", "=", "incoming")]) == [odoo_double.ids["in_type"]]
        else:
            with pytest.raises(OdooProtocolError, match="JSON-2 needs Odoo 19"):
                client.search("stock.picking.type", [])


@pytest.mark.parametrize("api", ["auto", "jsonrpc"])
def test_it_knows_the_user_of_the_key(odoo_double, api):
    with connect(odoo_double, api=api) as client:
        assert client.uid == odoo_double.ids["admin_uid"]


def test_it_authenticates_once_per_client(odoo_double):
    with connect(odoo_double, api="jsonrpc") as client:
        for _ in range(3):
            client.search("stock.location", [], limit=1)
    assert len(odoo_double.calls(service="common", method="authenticate")) == 1


@pytest.mark.parametrize("api", ["auto", "jsonrpc"])
def test_a_wrong_key_is_an_auth_error(odoo_double, api):
    with connect(odoo_double, api=api, api_key="not-the-key") as client, pytest.raises(OdooAuthError):
        client.search("stock.picking", [])


@pytest.mark.parametrize("api", ["auto", "jsonrpc"])
def test_a_key_revoked_while_working_is_an_auth_error(odoo_double, api):
    with connect(odoo_double, api=api) as client:
        client.search("stock.picking", [], limit=1)
        odoo_double.rotate_credentials()
        with pytest.raises(OdooAuthError) as caught:
            client.search("stock.picking", [], limit=1)
    assert not isinstance(caught.value, OdooRetryableError)


@pytest.mark.parametrize("api", ["auto", "jsonrpc"])
def test_a_wrong_database_is_not_worth_retrying(odoo_double, api):
    with connect(odoo_double, api=api, db="no_such_db") as client, pytest.raises(OdooError) as caught:
        client.search("stock.picking", [], limit=1)
    assert not isinstance(caught.value, OdooRetryableError)
    assert "no_such_db" in caught.value.message


def test_from_settings_reads_the_odoo_settings(settings, odoo_double):
    settings.ODOO_URL, settings.ODOO_DB = odoo_double.url, odoo_double.db
    settings.ODOO_USER, settings.ODOO_API_KEY = odoo_double.login, odoo_double.api_key
    settings.ODOO_API, settings.ODOO_TIMEOUT = "jsonrpc", 3
    with OdooClient.from_settings() as client:
        assert (client.api, client.timeout, client.uid) == ("jsonrpc", 3.0, odoo_double.ids["admin_uid"])


def test_from_settings_names_the_missing_settings(settings):
    settings.ODOO_URL, settings.ODOO_DB, settings.ODOO_USER, settings.ODOO_API_KEY = "", "floor", "admin", ""
    with pytest.raises(ImproperlyConfigured, match="ODOO_URL, ODOO_API_KEY"):
        OdooClient.from_settings()


def test_a_url_without_http_is_refused_at_once():
    with pytest.raises(ValueError, match="http"):
        OdooClient(url="odoo.example.com:8069", db="floor", login="admin", api_key="k")


def test_it_counts_its_calls(odoo_double):
    with connect(odoo_double) as client:
        client.connect()
        client.calls = 0
        client.search("stock.location", [], limit=1)
        client.read("stock.location", [odoo_double.ids["stock"]], ["name"])
        assert client.calls == 2
        assert list(client.call_log)[-2:] == [("stock.location", "search"), ("stock.location", "read")]


def test_the_version_is_asked_where_odoo_19_keeps_it_not_over_jsonrpc(odoo_double):
    with connect(odoo_double) as client:
        client.search("stock.picking.type", [])
        assert client.server_version == (int(odoo_double.version.split(".")[0]), 0)
    assert odoo_double.call_count(service="web", method="version_info") == 1
    assert odoo_double.calls(service="common", method="version") == []
    if odoo_double.version == "19.0":
        assert {call.transport for call in odoo_double.calls()} == {"http", "json2"}


def test_behind_a_proxy_that_passes_only_the_api_the_version_comes_over_jsonrpc(odoo_double):
    odoo_double.http_error(404, service="web")
    with connect(odoo_double) as client:
        assert client.server_version == (int(odoo_double.version.split(".")[0]), 0)
    assert odoo_double.call_count(service="common", method="version") == 1


def test_a_server_that_answers_the_version_path_with_something_else_is_not_taken_for_odoo(odoo_double):
    odoo_double.http_error(500, service="web")
    with connect(odoo_double) as client, pytest.raises(OdooError):
        client.version()
