import os
import shutil
import subprocess
import sys
from pathlib import Path

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
def _plain_static_names(settings):
    # Production's storage names static files after the manifest that collectstatic writes. The
    # tests run without a collectstatic (live servers serve static/ itself): plain names here, and
    # `collected_static` below for the tests of what production serves.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """The static files as production's collectstatic leaves them (hashed names, .gz and .br
    copies, the manifest), in a folder of the session's: STATIC_ROOT for a server that runs
    without DEBUG."""
    root = tmp_path_factory.mktemp("staticfiles")
    env = {**os.environ, "DEBUG": "0", "STATIC_ROOT": str(root)}
    env.setdefault("SECRET_KEY", "floor-test-collectstatic")
    manage = Path(__file__).resolve().parents[1] / "manage.py"
    subprocess.run([sys.executable, manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    return root


@pytest.fixture
def production_static(settings, collected_static) -> Path:
    """Static names and files in this process as production has them (a test client's WhiteNoise
    reads them at its first request)."""
    from floor import settings as project

    settings.STATIC_ROOT = collected_static
    settings.STORAGES = project.STORAGES
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    return collected_static


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    # Uploaded files (photos of returned items) land in the session's temporary folder, never in the
    # checkout; a test that looks at what was stored sets a folder of its own.
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _floor_said_from_the_test(settings):
    # No `live` worker runs beside a test: the dashboards' floor is said from the test's process,
    # as in the embedded run. tests/core/test_floor_live.py starts the worker for its own test.
    settings.FLOOR_SAID_BY_WORKER = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    # People are cached by id, and a new test database hands out the same ids again.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _language_of_the_test():
    # A request in this thread (the test client) switches it to the person's language and leaves
    # it so; the next test's own calls (a push's words, say) start from the default again.
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        cannot_run("needs PostgreSQL (set DATABASE_URL=postgres://...): row locks are a PostgreSQL matter")


# CHROMIUM=/nowhere runs the suite as on a machine without a browser.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


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


def pytest_collection_modifyitems(items):
    # `make test` runs the browser walks on their own after the rest, which runs in parallel: the
    # walks were written for a machine with nothing else on it, and beside other tests on two
    # cores the offline walks' service workers missed their moment now and then.
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


# The Odoo test double (HTTP, real wire protocols, recorded schemas) for every test module.
from tests.odoo_double.fixtures import *  # noqa: E402, F403
