"""Floor as production runs it (`python -m floor.serve`) on a port of its own, for the walks that
need what Django's live server lacks (websockets, the served static files)."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.test_scanner_shell import BADGE, PIN

ROOT = Path(__file__).resolve().parents[2]
# One picker of one warehouse, who signs in with the shell's badge and PIN.
ENROL = (
    "from floor.accounts.services import enrol; from floor.warehouse.services import create_warehouse;"
    f"enrol(username='picker', roles=['picker'], password='floor-demo', badge='{BADGE}', pin='{PIN}',"
    " warehouse=create_warehouse(code='WH', name='Main'))"
)


@contextmanager
def floor_serve(database, **settings):
    """The server's address, on a fresh SQLite `database` with the picker enrolled; `settings`
    go into its environment (DEBUG, STATIC_ROOT…; without REDIS_URL there, it runs on no Redis)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": f"sqlite:///{database}", **settings}
    if "REDIS_URL" not in settings:  # in-process: its own channel layer and cache
        env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "shell", "-c", ENROL], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    command = [sys.executable, "-m", "floor.serve", "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("floor.serve did not answer")
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=40)
