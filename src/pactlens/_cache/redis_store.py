"""A cache every worker shares: Redis, holding the same keys and JSON text as the disk.

Opened from ``Config(cache_url="redis://host:6379/0")`` (or ``PACTLENS_CACHE_URL``);
``rediss://`` and ``unix://`` work as redis-py understands them. The server is pinged
when the cache opens, so a wrong URL is a :class:`~pactlens.CacheError` before any
article is sent; a server that goes away later turns the cache off with one warning, as
a failing disk does. Values are UTF-8 text; anything else under a pactlens key is
:class:`~pactlens._cache.store.NotText` and is discarded by the cache.
"""

from __future__ import annotations

import math

from pactlens._cache.store import NotText
from pactlens._config import redact_url
from pactlens._redis import connect, redis_errors

__all__ = ["RedisStore"]

_WHAT_TO_DO = (
    "start the Redis server or fix the URL (Config(cache_url=...) or PACTLENS_CACHE_URL), "
    "or set Config(cache=False) to go without a cache"
)


class RedisStore:
    """Text by key in Redis; ``ttl`` becomes the key's expiry."""

    what_to_do: str = _WHAT_TO_DO

    def __init__(self, url: str) -> None:
        self.where = redact_url(url)
        self.client = connect(url, what_to_do=_WHAT_TO_DO)
        self.errors = redis_errors()

    def get(self, key: str) -> str | None:
        value = self.client.get(key)
        if value is None:
            return None
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError as e:
            raise NotText(f"the entry is not UTF-8 text ({e})") from e

    def set(self, key: str, value: str, ttl: float | None) -> None:
        expiry = None if ttl is None else max(1, math.ceil(ttl * 1000))
        self.client.set(key, value.encode("utf-8"), px=expiry)

    def delete(self, key: str) -> None:
        self.client.delete(key)

    def __contains__(self, key: str) -> bool:
        return bool(self.client.exists(key))

    def close(self) -> None:
        self.client.close()
