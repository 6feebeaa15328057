"""A Redis cache that degrades: when Redis does not answer, the same calls go to a store in memory.

Pages, and allauth's login rate limits, keep working through a Redis outage (rate limits then count
per process, which still slows a password-guessing robot down); nothing is lost that matters, since
nothing but these counters and throwaway values lives in the cache.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
# After a failure, Redis is not asked again for this long: a page does not wait on each of its calls.
RETRY_AFTER_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        fallback_params = {key: value for key, value in params.items() if key in ("TIMEOUT", "KEY_PREFIX", "VERSION")}
        self._fallback = LocMemCache(f"redis-fallback-{server}", {**fallback_params, "KEY_FUNCTION": self.key_func})
        self._down_until = 0.0

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_DOWN as exc:
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning("Redis cache unreachable (%s): using the in-memory store", exc)
        return getattr(self._fallback, name)(*args, **kwargs)


def _degrading(name: str):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(ResilientRedisCache, _name, _degrading(_name))
