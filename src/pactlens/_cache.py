"""The result cache: diskcache holding JSON text, never pickles.

What it guarantees, even to a caller whose cache folder someone else can write to:

- **Nothing is unpickled.** Values are ``ArticleSummary.model_dump_json()`` strings, and
  the cache's ``diskcache.Disk`` stores only ``str`` and never calls ``pickle.load``: an
  entry that is not text (a planted pickle, bytes, a number) is discarded. An entry kept
  in a value file is read only from diskcache's own file names inside the folder, so a
  planted row cannot make pactlens read or delete a file elsewhere.
- **A bad entry is a miss, never a wrong answer.** An entry that fails to parse or
  validate, or (with ``get(key, text=...)``) that summarises another article, is deleted
  with a warning and costs a recomputation.
- **A folder that cannot be opened says so.** :class:`SummaryCache` raises
  :class:`~pactlens.CacheError` (what to do included) when the folder cannot be created
  or sqlite refuses its database.
- **A cache that breaks while open never breaks a run.** A read or write that fails
  (disk full, I/O error, a database overwritten under it) logs one warning on the
  ``pactlens`` logger and turns the cache off for this instance: reads miss, writes are
  skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import diskcache
from diskcache.core import MODE_RAW, MODE_TEXT, UNKNOWN
from pydantic import ValidationError

from pactlens._errors import CacheError
from pactlens._models import ArticleSummary

__all__ = ["SummaryCache", "cache_key"]

log = logging.getLogger("pactlens")

T = TypeVar("T")

#: What reading or writing an opened cache can raise when the folder or disk fails.
_IO_ERRORS = (sqlite3.Error, OSError, diskcache.Timeout)

#: The names diskcache gives value files: ``ab/cd/<28 hex digits>.val`` inside the folder.
_VALUE_FILE = re.compile(r"[0-9a-f]{2}[\\/][0-9a-f]{2}[\\/][0-9a-f]{28}\.val")

_WHAT_TO_DO = (
    "delete or move that folder, or set Config(cache_dir=...) to another folder, "
    "or Config(cache=False) to go without a cache"
)


def cache_key(**parts: Any) -> str:
    """A stable key from named parts (text, model, sampling, prompt, schema, version)."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return "pactlens:" + hashlib.sha256(blob.encode()).hexdigest()


class _NotText(ValueError):
    """A cache row that pactlens did not write: not JSON text, or a file outside the folder."""


class _TextDisk(diskcache.Disk):  # type: ignore[misc]  # diskcache ships no types
    """A diskcache ``Disk`` for text only: it stores ``str`` and never unpickles."""

    def store(self, value: Any, read: bool, key: Any = UNKNOWN) -> Any:
        if type(value) is not str or read:
            raise TypeError(f"pactlens caches JSON text only, not {type(value).__name__}")
        return super().store(value, read, key=key)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> str:
        if mode == MODE_RAW and type(value) is str:
            return value
        if mode == MODE_TEXT and not read and _is_value_file(filename):
            return self._read_text(filename)
        raise _NotText(f"the entry is not JSON text (diskcache mode {mode})")

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise _NotText("refusing to unpickle a pickled key")
        return super().get(key, raw)

    def remove(self, file_path: str) -> None:
        if _is_value_file(file_path):
            super().remove(file_path)

    def _read_text(self, filename: str | None) -> str:
        try:
            text: str = super().fetch(MODE_TEXT, filename, None, read=False)
        except UnicodeDecodeError as e:
            raise _NotText(f"the entry's value file is not UTF-8 text ({e})") from e
        return text


def _is_value_file(filename: str | None) -> bool:
    return filename is not None and _VALUE_FILE.fullmatch(filename) is not None


def _open(directory: Path) -> diskcache.Cache:
    try:
        # Settings passed here win over any planted in the cache's own settings table.
        return diskcache.Cache(
            str(directory),
            size_limit=2**30,
            disk=_TextDisk,
            eviction_policy="least-recently-stored",
        )
    except _IO_ERRORS as e:
        raise CacheError(f"cannot open the cache at {directory} ({e}): {_WHAT_TO_DO}") from e


class SummaryCache:
    """Summaries by key, in a diskcache folder; see the module docstring for guarantees."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache = _open(directory)
        self._off = False
        self._lock = threading.Lock()

    def get(self, key: str, *, text: str | None = None) -> ArticleSummary | None:
        """The summary stored under ``key``, marked cached, or None.

        With ``text`` (the cleaned article the summary is wanted for), an entry whose
        ``.text`` differs is discarded rather than served for the wrong article.
        """
        try:
            summary = self._read(key)
        except (_NotText, ValidationError) as e:
            self._discard(key, str(e))
            return None
        if summary is None:
            return None
        if text is not None and summary.text != text:
            self._discard(key, "it summarises a different article")
            return None
        meta = summary.meta.model_copy(update={"cached": True})
        return summary.model_copy(update={"meta": meta})

    def set(self, key: str, summary: ArticleSummary) -> None:
        value = summary.model_dump_json()
        self._attempt(lambda: self._cache.set(key, value), default=None)

    def get_text(self, key: str) -> str | None:
        """A short answer stored under ``key`` (the tracker's judge), or None."""
        value: str | None = self._attempt(lambda: self._cache.get(key), default=None)
        return value

    def set_text(self, key: str, value: str) -> None:
        self._attempt(lambda: self._cache.set(key, value), default=None)

    def __contains__(self, key: str) -> bool:
        return self._attempt(lambda: key in self._cache, default=False)

    def close(self) -> None:
        self._cache.close()

    def _read(self, key: str) -> ArticleSummary | None:
        value: str | None = self._attempt(lambda: self._cache.get(key), default=None)
        return None if value is None else ArticleSummary.model_validate_json(value)

    def _discard(self, key: str, why: str) -> None:
        log.warning("pactlens: discarding a cache entry in %s (%s)", self.directory, why)
        self._attempt(lambda: self._cache.delete(key), default=False)

    def _attempt(self, action: Callable[[], T], *, default: T) -> T:
        """``action()``, or ``default`` once the cache has failed (then it stays off)."""
        if self._off:
            return default
        try:
            return action()
        except _IO_ERRORS as e:
            self._turn_off(e)
            return default

    def _turn_off(self, error: BaseException) -> None:
        with self._lock:
            if self._off:
                return
            self._off = True
        log.warning(
            "pactlens: the cache at %s failed (%s); going on without it. If this persists, %s",
            self.directory,
            error,
            _WHAT_TO_DO,
        )
