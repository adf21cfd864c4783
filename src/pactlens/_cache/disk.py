"""The default store: diskcache in a folder, holding text only and never unpickling.

Nothing is unpickled: the ``diskcache.Disk`` below stores only ``str`` and never calls
``pickle.load``, so an entry that is not text (a planted pickle, bytes, a number) is
:class:`~pactlens._cache.store.NotText`. An entry kept in a value file is read only from
diskcache's own file names inside the folder, so a planted row cannot make pactlens read
or delete a file elsewhere.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_RAW, MODE_TEXT, UNKNOWN

from pactlens._cache.store import NotText
from pactlens._errors import CacheError

__all__ = ["DiskStore"]

#: What reading or writing an opened cache can raise when the folder or disk fails.
_IO_ERRORS = (sqlite3.Error, OSError, diskcache.Timeout)

#: The names diskcache gives value files: ``ab/cd/<28 hex digits>.val`` inside the folder.
_VALUE_FILE = re.compile(r"[0-9a-f]{2}[\\/][0-9a-f]{2}[\\/][0-9a-f]{28}\.val")

_WHAT_TO_DO = (
    "delete or move that folder, or set Config(cache_dir=...) to another folder, "
    "or Config(cache=False) to go without a cache"
)


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
        raise NotText(f"the entry is not JSON text (diskcache mode {mode})")

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise NotText("refusing to unpickle a pickled key")
        return super().get(key, raw)

    def remove(self, file_path: str) -> None:
        if _is_value_file(file_path):
            super().remove(file_path)

    def _read_text(self, filename: str | None) -> str:
        try:
            text: str = super().fetch(MODE_TEXT, filename, None, read=False)
        except UnicodeDecodeError as e:
            raise NotText(f"the entry's value file is not UTF-8 text ({e})") from e
        return text


def _is_value_file(filename: str | None) -> bool:
    return filename is not None and _VALUE_FILE.fullmatch(filename) is not None


class DiskStore:
    """Text by key in a diskcache folder (1 GiB, least recently stored evicted first).

    Raises :class:`~pactlens.CacheError` (what to do included) when the folder cannot be
    created or sqlite refuses its database.
    """

    errors: tuple[type[BaseException], ...] = _IO_ERRORS
    what_to_do: str = _WHAT_TO_DO

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.where = str(directory)
        try:
            # Settings passed here win over any planted in the cache's own settings table.
            self.cache = diskcache.Cache(
                str(directory),
                size_limit=2**30,
                disk=_TextDisk,
                eviction_policy="least-recently-stored",
            )
        except _IO_ERRORS as e:
            raise CacheError(f"cannot open the cache at {directory} ({e}): {_WHAT_TO_DO}") from e

    def get(self, key: str) -> str | None:
        value: str | None = self.cache.get(key)
        return value

    def set(self, key: str, value: str, ttl: float | None) -> None:
        self.cache.set(key, value, expire=ttl)

    def delete(self, key: str) -> None:
        self.cache.delete(key)

    def __contains__(self, key: str) -> bool:
        return key in self.cache

    def close(self) -> None:
        self.cache.close()
