"""Django's Redis cache backend, made to keep the shop up when Redis is not.

Two changes to Django's ``RedisCache``:

**One client object per connection pool.** Django's ``RedisCacheClient`` builds a new
``redis.Redis`` for every cache operation, and redis-py fills a table of about two hundred
reply callbacks each time: 0.16 ms on the benchmark machine, against 0.25 ms for the round
trip of a GET itself. A ``redis.Redis`` is safe to share between threads (each command borrows
a connection from the pool), so this backend keeps one per pool.

**Fail open.** The cache only ever holds copies (pages, session copies, rate-limit counters,
tag versions) or hints, so when Redis cannot be reached every operation behaves as if the key
were missing: reads miss, writes are dropped, ``add`` says it did not add. Pages are then
rendered fresh, sessions are read from the database (``cached_db``), allauth's login limits
count nothing (nginx's limits still apply) and the shop keeps selling. After a failure the
backend stops asking Redis for ``OUTAGE_RETRY_SECONDS``, so a Redis that hangs costs one
timeout per process every few seconds instead of one per operation. The outage is logged once
when it starts and once when it ends, and ``/readyz`` reports the cache as unavailable.

While Redis was unreachable, changes that would have updated it were dropped: sessions were
saved to the database only, and page-cache versions were not bumped by a publish or a sale. So
the first process to reach Redis again after an outage it saw removes the session copies and
bumps the page cache's ``site`` version, and nothing stale is served afterwards.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long to serve without the cache after Redis failed, before trying it again.
OUTAGE_RETRY_SECONDS = 5.0
# Django's cached_db session engine keeps its copies under this prefix.
SESSION_KEY_PREFIX = "django.contrib.sessions.cached_db"
SITE_TAG = "pagecache:tag:site"  # kernel.cache_tags' TAG_PREFIX + SITE


class CacheUnavailable(Exception):
    """Raised by ``ShopRedisCache.ping`` when Redis cannot be reached."""


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class ShopRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._lock = threading.Lock()
        self._down_until = 0.0  # monotonic time before which Redis is not asked
        self._outage_started = None  # wall-clock time of the first failure, while it lasts

    # --- the breaker --------------------------------------------------------------------

    @property
    def is_available(self):
        """False while this process is serving without Redis after a failure."""
        return time.monotonic() >= self._down_until

    def _failed(self, error):
        with self._lock:
            self._down_until = time.monotonic() + OUTAGE_RETRY_SECONDS
            first = self._outage_started is None
            if first:
                self._outage_started = time.time()
        if first:
            logger.warning(
                "The cache (Redis) is unavailable (%s): serving pages uncached and sessions "
                "from the database until it is back.",
                type(error).__name__,
            )

    def _succeeded(self):
        if self._outage_started is None:
            return
        with self._lock:
            started, self._outage_started = self._outage_started, None
        if started is None:
            return
        logger.warning("The cache (Redis) is back after %.0f s.", time.time() - started)
        try:
            self._forget_what_the_outage_made_stale()
        except RedisError as error:  # down again already: the next recovery does it
            self._failed(error)

    def _forget_what_the_outage_made_stale(self):
        client = self._cache.get_client(write=True)
        pattern = self.make_key(SESSION_KEY_PREFIX) + "*"
        batch = []
        for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        tag = self.make_key(SITE_TAG)
        client.set(tag, time.time_ns())

    def _call(self, operation, missing, *args, **kwargs):
        if not self.is_available:
            return missing() if callable(missing) else missing
        try:
            result = operation(*args, **kwargs)
        except RedisError as error:
            self._failed(error)
            return missing() if callable(missing) else missing
        self._succeeded()
        return result

    def ping(self):
        """Ask Redis directly, whatever the breaker says; ``CacheUnavailable`` if it fails."""
        try:
            self._cache.get_client().ping()
        except RedisError as error:
            self._failed(error)
            raise CacheUnavailable(type(error).__name__) from error
        with self._lock:
            self._down_until = 0.0
        self._succeeded()

    # --- Django's cache API, failing open -----------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, lambda: default, key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version=version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, dict, keys, version=version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version=version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")

        return self._call(super().incr, missing, key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        keys = list(data)
        return self._call(super().set_many, lambda: keys, data, timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version=version)

    def clear(self):
        return self._call(super().clear, False)
