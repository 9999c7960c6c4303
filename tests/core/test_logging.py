"""A warning or a traceback is logged once, with DEBUG on (`make run`) or off, in a web process and in
a Celery worker (which puts a handler of its own on the root logger)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Settings as a process starts with them, then what Django's request handler and Floor's code log,
# then the same after Celery's worker has set up its logging.
PROBE = """
import logging
import django

django.setup()


def log(where):
    logging.getLogger("django.request").warning("probe %s: Not Found: /nowhere", where)
    logging.getLogger("floor.odoo.push").warning("probe %s: Odoo answered 503", where)
    try:
        1 / 0
    except ZeroDivisionError:
        logging.getLogger("django.request").exception("probe %s: Internal Server Error", where)


log("web")
from floor.celery import app

app.log.setup(loglevel="INFO")
log("worker")
"""


@pytest.mark.parametrize("debug", ["0", "1"])
def test_a_warning_and_a_traceback_are_printed_once(debug):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "floor.settings", "DEBUG": debug, "SECRET_KEY": "floor-logging"}
    env.pop("LOG_LEVEL", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    printed = done.stderr + done.stdout
    for where in ("web", "worker"):
        for message in ("Not Found: /nowhere", "Odoo answered 503", "Internal Server Error"):
            assert printed.count(f"probe {where}: {message}") == 1, printed
    assert printed.count("ZeroDivisionError: division by zero") == 2, printed  # one traceback each
