"""pytest fixtures for the Odoo test double. Import them from tests/conftest.py:

    from tests.odoo_double.fixtures import (  # noqa: F401
        odoo17, odoo18, odoo19, odoo_double, odoo_double_factory, odoo_double_servers, odoo_jsonrpc_double)

- `odoo_double`: parametrised over the three versions (ids odoo17, odoo18, odoo19).
- `odoo_jsonrpc_double`: 17.0 and 18.0 only (the JSON-RPC generation).
- `odoo17` / `odoo18` / `odoo19`: one version.
- `odoo_double_factory(version, **options)`: a separate double of its own (e.g. another db name).

One server per version lives for the whole session; each test gets it reset (fresh seed data, no faults,
empty call log, original credentials), which takes about a millisecond.
"""

from __future__ import annotations

import os
import warnings

import pytest

from .schema import VERSIONS, contract_dir
from .server import OdooDouble

__all__ = [
    "odoo17",
    "odoo18",
    "odoo19",
    "odoo_double",
    "odoo_double_factory",
    "odoo_double_servers",
    "odoo_jsonrpc_double",
]

VERSION_IDS = {"17.0": "odoo17", "18.0": "odoo18", "19.0": "odoo19"}


def _require_contract():
    if not (contract_dir() / "18.0" / "fields_stock.picking.json").exists():
        reason = f"the Odoo contract recordings are missing at {contract_dir()} (set ODOO_CONTRACT_DIR)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Odoo tests, but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def odoo_double_servers():
    """Started doubles by version, shared by the session (use the function fixtures, not this one)."""
    servers: dict[str, OdooDouble] = {}
    yield servers
    for double in servers.values():
        double.stop()


def _done(double: OdooDouble):
    double.clear_faults()
    double._interrupt_sleepers()
    if double.internal_errors:
        warnings.warn(
            "the Odoo double hit a bug of its own (answered as an Odoo error):\n" + "\n".join(double.internal_errors),
            stacklevel=1,
        )


def _fresh(servers: dict, version: str) -> OdooDouble:
    _require_contract()
    double = servers.get(version)
    if double is None:
        double = servers[version] = OdooDouble(version).start()
    else:
        double.reset()
    return double


@pytest.fixture(params=VERSIONS, ids=[VERSION_IDS[v] for v in VERSIONS])
def odoo_double(request, odoo_double_servers):
    double = _fresh(odoo_double_servers, request.param)
    yield double
    _done(double)


@pytest.fixture(params=("17.0", "18.0"), ids=("odoo17", "odoo18"))
def odoo_jsonrpc_double(request, odoo_double_servers):
    double = _fresh(odoo_double_servers, request.param)
    yield double
    _done(double)


@pytest.fixture
def odoo17(odoo_double_servers):
    double = _fresh(odoo_double_servers, "17.0")
    yield double
    _done(double)


@pytest.fixture
def odoo18(odoo_double_servers):
    double = _fresh(odoo_double_servers, "18.0")
    yield double
    _done(double)


@pytest.fixture
def odoo19(odoo_double_servers):
    double = _fresh(odoo_double_servers, "19.0")
    yield double
    _done(double)


@pytest.fixture
def odoo_double_factory():
    """Start extra doubles: `odoo_double_factory("19.0", db="other")`; all stopped after the test."""
    _require_contract()
    started: list[OdooDouble] = []

    def make(version: str = "18.0", **options) -> OdooDouble:
        double = OdooDouble(version, **options).start()
        started.append(double)
        return double

    yield make
    for double in started:
        double.stop()
