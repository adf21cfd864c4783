"""What the summary cache needs of a key-value store, and the error for an entry it
cannot trust.

Two stores implement it: :class:`~pactlens._cache.disk.DiskStore` (diskcache in a
folder, the default) and :class:`~pactlens._cache.redis_store.RedisStore` (a Redis
server every worker of a cluster shares). Both hold the same keys and the same JSON text,
so a cache can move from one to the other by copying entries.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["NotText", "Store"]


class NotText(ValueError):
    """A stored entry that pactlens did not write: not UTF-8 JSON text, or for the disk
    store a value file outside the cache folder."""


class Store(Protocol):
    """Text values by key. ``errors`` are what a failing store raises (a full disk, a
    dropped connection): the cache turns itself off on them instead of failing a run."""

    where: str
    errors: tuple[type[BaseException], ...]
    what_to_do: str

    def get(self, key: str) -> str | None:
        """The text under ``key``, or None; :class:`NotText` for an entry that is not text."""
        ...

    def set(self, key: str, value: str, ttl: float | None) -> None:
        """Store ``value``, kept ``ttl`` seconds (None: until evicted)."""
        ...

    def delete(self, key: str) -> None: ...

    def __contains__(self, key: str) -> bool: ...

    def close(self) -> None: ...
