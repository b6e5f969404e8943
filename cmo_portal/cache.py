"""Django's Redis cache, made to degrade instead of fail while Redis is away.

The cache holds nothing that cannot be lost (API throttle counters, debounce keys), so a
cache that is down behaves as an empty cache: reads miss, writes are dropped, and pages
keep answering. The first failure is logged, not every one.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)
except ImportError:  # pragma: no cover - redis is a dependency of celery[redis]
    UNAVAILABLE = (ConnectionError, OSError)


def _tolerant(default=None):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                logger.warning("cache unavailable (%s): %s", method.__name__, exc)
                fallback = default
                if method.__name__ == "get" and len(args) > 1:
                    fallback = args[1]
                elif method.__name__ == "get" and "default" in kwargs:
                    fallback = kwargs["default"]
                return fallback

        return wrapper

    return decorate


class ResilientRedisCache(RedisCache):
    get = _tolerant()(RedisCache.get)
    get_many = _tolerant({})(RedisCache.get_many)
    set = _tolerant()(RedisCache.set)
    set_many = _tolerant([])(RedisCache.set_many)
    add = _tolerant(False)(RedisCache.add)
    delete = _tolerant(False)(RedisCache.delete)
    delete_many = _tolerant()(RedisCache.delete_many)
    touch = _tolerant(False)(RedisCache.touch)
    has_key = _tolerant(False)(RedisCache.has_key)
    clear = _tolerant()(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as exc:
            logger.warning("cache unavailable (incr): %s", exc)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from exc
