"""The result cache: JSON text by key, never pickles, on disk or shared in Redis.

What it guarantees, even to a caller whose cache someone else can write to:

- **Nothing is unpickled.** Values are ``ArticleSummary.model_dump_json()`` strings; an
  entry that is not text is discarded (see :mod:`pactlens._cache.disk` for how the disk
  store refuses pickles and files outside its folder).
- **A bad entry is a miss, never a wrong answer.** An entry that fails to parse or
  validate, or (with ``get(key, text=...)``) that summarises another article, is deleted
  with a warning and costs a recomputation.
- **A cache that cannot be opened says so.** :func:`open_cache` and :class:`SummaryCache`
  raise :class:`~pactlens.CacheError` (what to do included) when the folder cannot be
  created, sqlite refuses its database, or the Redis server does not answer.
- **A cache that breaks while open never breaks a run.** A read or write that fails
  (disk full, I/O error, a database overwritten under it, a Redis server gone) logs one
  warning on the ``pactlens`` logger and turns the cache off for this instance: reads
  miss, writes are skipped.

The store is a folder (:class:`~pactlens._cache.disk.DiskStore`, the default) or a Redis
server every worker shares (:class:`~pactlens._cache.redis_store.RedisStore`,
``Config(cache_url="redis://…")``): same keys, same values, an optional time to live.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from pactlens._cache.disk import DiskStore
from pactlens._cache.store import NotText, Store
from pactlens._config import Config
from pactlens._models import ArticleSummary

__all__ = ["Store", "SummaryCache", "cache_key", "open_cache"]

log = logging.getLogger("pactlens")

T = TypeVar("T")


def cache_key(**parts: Any) -> str:
    """A stable key from named parts (text, model, sampling, prompt, schema, version)."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return "pactlens:" + hashlib.sha256(blob.encode()).hexdigest()


def open_cache(config: Config) -> SummaryCache:
    """The cache ``config`` names: its ``cache_url`` (Redis) or its cache folder."""
    if config.cache_url is not None:
        from pactlens._cache.redis_store import RedisStore

        return SummaryCache(RedisStore(config.cache_url), ttl=config.cache_ttl)
    return SummaryCache(config.resolved_cache_dir, ttl=config.cache_ttl)


class SummaryCache:
    """Summaries by key, in a store; see the module docstring for guarantees.

    ``where`` is a folder (a :class:`DiskStore` is opened on it) or an open store;
    ``ttl`` is how many seconds an entry is kept (None: until evicted).
    """

    def __init__(self, where: Path | Store, *, ttl: float | None = None) -> None:
        self.store: Store = DiskStore(where) if isinstance(where, Path) else where
        self.ttl = ttl
        self._off = False
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return self.store.where

    def get(self, key: str, *, text: str | None = None) -> ArticleSummary | None:
        """The summary stored under ``key``, marked cached, or None.

        With ``text`` (the cleaned article the summary is wanted for), an entry whose
        ``.text`` differs is discarded rather than served for the wrong article.
        """
        value = self.get_text(key)
        if value is None:
            return None
        try:
            summary = ArticleSummary.model_validate_json(value)
        except ValidationError as e:
            self._discard(key, str(e))
            return None
        if text is not None and summary.text != text:
            self._discard(key, "it summarises a different article")
            return None
        meta = summary.meta.model_copy(update={"cached": True})
        return summary.model_copy(update={"meta": meta})

    def set(self, key: str, summary: ArticleSummary) -> None:
        self.set_text(key, summary.model_dump_json())

    def get_text(self, key: str) -> str | None:
        """A short answer stored under ``key`` (the tracker's judge, a window), or None."""
        try:
            return self._attempt(lambda: self.store.get(key), default=None)
        except NotText as e:
            self._discard(key, str(e))
            return None

    def set_text(self, key: str, value: str) -> None:
        self._attempt(lambda: self.store.set(key, value, self.ttl), default=None)

    def __contains__(self, key: str) -> bool:
        return self._attempt(lambda: key in self.store, default=False)

    def close(self) -> None:
        self.store.close()

    def _discard(self, key: str, why: str) -> None:
        log.warning("pactlens: discarding a cache entry in %s (%s)", self.where, why)
        self._attempt(lambda: self.store.delete(key), default=None)

    def _attempt(self, action: Callable[[], T], *, default: T) -> T:
        """``action()``, or ``default`` once the cache has failed (then it stays off)."""
        if self._off:
            return default
        try:
            return action()
        except self.store.errors as e:
            self._turn_off(e)
            return default

    def _turn_off(self, error: BaseException) -> None:
        with self._lock:
            if self._off:
                return
            self._off = True
        log.warning(
            "pactlens: the cache at %s failed (%s); going on without it. If this persists, %s",
            self.where,
            error,
            self.store.what_to_do,
        )
