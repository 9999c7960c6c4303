"""Django's Redis cache with one client per process, not one per request.

Django keeps a cache object per request context (asgiref's Local), and its Redis client makes a
connection pool per cache object and a client per call: under the ASGI server every request
opened a new connection to Redis. The person and the session are read from the cache on every
request, so here the pool and the client are made once per process and server and shared by
every thread (redis-py's client and pool are thread-safe, and reset themselves after a fork)."""

import threading

from django.core.cache.backends import redis

_clients = {}
_lock = threading.Lock()


class _SharedClient(redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        server = self._servers[self._get_connection_pool_index(write)]
        found = _clients.get((server, self._pool_class))
        if found is None:
            with _lock:
                found = _clients.get((server, self._pool_class))
                if found is None:
                    pool = self._pool_class.from_url(server, **self._pool_options)
                    found = _clients[(server, self._pool_class)] = self._client(connection_pool=pool)
        return found


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClient
