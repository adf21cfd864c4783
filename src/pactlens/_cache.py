"""The result cache: diskcache holding JSON text, never pickles.

Values are ``ArticleSummary.model_dump_json()`` strings, which diskcache stores as
plain text. An entry that fails to parse or validate is deleted and treated as a miss,
so a corrupted cache costs a recomputation, never a wrong answer.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import diskcache
from pydantic import ValidationError

from pactlens._errors import CacheError
from pactlens._models import ArticleSummary

__all__ = ["SummaryCache", "cache_key"]

log = logging.getLogger("pactlens")


def cache_key(**parts: Any) -> str:
    """A stable key from named parts (text, model, sampling, prompt, schema, version)."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return "pactlens:" + hashlib.sha256(blob.encode()).hexdigest()


class SummaryCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        try:
            self._cache = diskcache.Cache(str(directory), size_limit=2**30)
        except (OSError, diskcache.Timeout) as e:
            raise CacheError(
                f"cannot open the cache at {directory}: {e}; set Config(cache_dir=...) "
                "to a writable folder or Config(cache=False)"
            ) from e

    def get(self, key: str) -> ArticleSummary | None:
        value = self._cache.get(key)
        if value is None:
            return None
        try:
            if not isinstance(value, str):
                raise TypeError(f"expected JSON text, found {type(value).__name__}")
            summary = ArticleSummary.model_validate_json(value)
        except (ValidationError, TypeError) as e:
            log.warning("pactlens: discarding a corrupted cache entry (%s)", e)
            self._cache.delete(key)
            return None
        meta = summary.meta.model_copy(update={"cached": True})
        return summary.model_copy(update={"meta": meta})

    def set(self, key: str, summary: ArticleSummary) -> None:
        self._cache.set(key, summary.model_dump_json())

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def close(self) -> None:
        self._cache.close()
