"""A real Celery worker process beside a test: on the test's Redis broker and its PostgreSQL
database, where the test's committed rows are."""

import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.conftest import cannot_run

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def running(queue: str, **env: str):
    """A worker on `queue` while the block runs, which starts once the worker takes tasks (a task
    that expires must not wait out its start); `env`: more of its environment. Its database is
    the test's PostgreSQL one unless `env` names another (a served SQLite file)."""
    if "DATABASE_URL" not in env:
        if not settings.REDIS_URL or connection.vendor != "postgresql":
            cannot_run("needs REDIS_URL and PostgreSQL: a worker process must share the broker and the database")
        db = connection.settings_dict
        host = f"{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        env = {"DATABASE_URL": f"postgres://{host}/{db['NAME']}", **env}
    env = {**os.environ, **env}
    command = [sys.executable, "-m", "celery", "-A", "floor", "worker", "-Q", queue, "--pool", "solo"]
    command += ["--without-heartbeat", "--without-mingle", "--without-gossip", "-n", f"test-{os.getpid()}@%h"]
    command += ["--loglevel", "INFO"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    said, started = [], threading.Event()

    def read_log():  # all along, so that a full pipe never stops the worker
        for line in worker.stdout:
            said.append(line)
            if " ready." in line:
                started.set()

    threading.Thread(target=read_log, daemon=True).start()
    try:
        if not started.wait(60):
            raise AssertionError("the Celery worker did not start:\n" + "".join(said))
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()
