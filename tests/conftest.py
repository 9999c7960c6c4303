import os
import shutil

import pytest
from django.db import connection

IN_CI = bool(os.environ.get("CI"))


def cannot_run(reason: str):
    """Skip with a printed reason; in CI nothing may be skipped, so fail instead."""
    if IN_CI:
        pytest.fail(f"CI must run this test, but: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PIN_HASH_ITERATIONS = 1000


@pytest.fixture(autouse=True)
def _fresh_cache():
    # People are cached by id, and a new test database hands out the same ids again.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        cannot_run("needs PostgreSQL (set DATABASE_URL=postgres://...): row locks are a PostgreSQL matter")


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not shutil.which(CHROMIUM):
        cannot_run(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": {"width": 360, "height": 640}, "has_touch": True, "is_mobile": True}


# The Odoo test double (HTTP, real wire protocols, recorded schemas) for every test module.
from tests.odoo_double.fixtures import *  # noqa: E402, F403
