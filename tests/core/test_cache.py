"""The cache on Redis holds the signed-in person and the session, read on every request: a
request must not pay for a new connection to Redis."""

import threading

import pytest
from django.conf import settings
from django.core.cache import caches

pytestmark = pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
    reason="the cache is on Redis only with REDIS_URL set (CI sets it)",
)


def _connections_made() -> int:
    client = caches["default"]._cache.get_client()
    return client.info("stats")["total_connections_received"]


def test_requests_in_fresh_threads_reuse_one_connection():
    caches["default"].set("floor:test:shared", "yes")
    before = _connections_made()
    answers = []

    def request():
        # A new thread starts with an empty context: Django hands it a cache object of its own,
        # as it does each request under the ASGI server.
        answers.append(caches["default"].get("floor:test:shared"))

    for _ in range(40):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
    assert answers == ["yes"] * 40
    # Other clients of the same Redis (a worker, another test run) may connect meanwhile.
    assert _connections_made() - before < 10
