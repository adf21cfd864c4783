"""Batch results as an Arrow table: one row per article, failures included.

The columns are fixed (:func:`result_schema`), whatever each article holds, so tables
from many batches, workers or runs concatenate and a Parquet file has one schema:

- ``id``, ``ok``, ``error`` (``"InputError: …"`` or null), ``summary`` (the whole
  ``ArticleSummary`` as JSON, or null): everything, for a reader that wants it;
- flat columns for SQL and dataframes: ``title``, ``source``, ``published`` (the
  dateline's date), ``partial``, ``cached``, ``agreements`` (their names),
  ``statuses`` (in the same order), ``parties`` (canonical names), ``statements`` (how
  many), ``prompt_tokens``, ``completion_tokens`` (what this run spent) and ``seconds``.

pyarrow is imported when a table is built (the ``[parquet]`` or ``[ray]`` extra).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pactlens._batch import Result
from pactlens._extras import need

__all__ = ["pyarrow", "result_row", "result_schema", "results_table", "write_parquet"]


def pyarrow() -> Any:
    """The pyarrow module, or a ConfigError that says which extra brings it."""
    return need("pyarrow", "parquet", "a table of results")


def result_schema() -> Any:
    """The Arrow schema of every results table (see the module docstring)."""
    pa = pyarrow()
    strings = pa.list_(pa.string())
    return pa.schema(
        [
            ("id", pa.string()),
            ("ok", pa.bool_()),
            ("error", pa.string()),
            ("summary", pa.string()),
            ("title", pa.string()),
            ("source", pa.string()),
            ("published", pa.date32()),
            ("partial", pa.bool_()),
            ("cached", pa.bool_()),
            ("agreements", strings),
            ("statuses", strings),
            ("parties", strings),
            ("statements", pa.int32()),
            ("prompt_tokens", pa.int64()),
            ("completion_tokens", pa.int64()),
            ("seconds", pa.float64()),
        ]
    )


def result_row(result: Result) -> dict[str, Any]:
    """One row of :func:`result_schema` for ``result``."""
    s, usage = result.summary, result.usage
    row: dict[str, Any] = {
        "id": result.id,
        "ok": result.ok,
        "error": result.error_message,
        "summary": None,
        "title": None,
        "source": None,
        "published": None,
        "partial": False,
        "cached": result.cached,
        "agreements": [],
        "statuses": [],
        "parties": [],
        "statements": 0,
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "seconds": result.seconds,
    }
    if s is not None:
        row.update(
            summary=s.model_dump_json(),
            title=s.title,
            source=s.source,
            published=s.dateline.date if s.dateline else None,
            partial=s.meta.partial,
            agreements=[a.name for a in s.agreements],
            statuses=[a.status for a in s.agreements],
            parties=[p.name for p in s.parties],
            statements=len(s.statements),
        )
    return row


def results_table(results: Iterable[Result]) -> Any:
    """The rows of ``results``, in the order given."""
    pa = pyarrow()
    return pa.Table.from_pylist([result_row(r) for r in results], schema=result_schema())


def write_parquet(rows: Iterable[dict[str, Any]], path: Path, *, rows_per_group: int = 1000) -> int:
    """Write rows of :func:`result_row` to a Parquet file as they come (``rows_per_group``
    at a time, so memory stays flat); returns the number of rows written. The file is
    closed properly, its rows so far kept, when the rows stop with an exception."""
    pa = pyarrow()
    pq = need("pyarrow.parquet", "parquet", "Parquet output")

    schema, pending, written = result_schema(), [], 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for row in rows:
            pending.append(row)
            if len(pending) >= rows_per_group:
                writer.write_table(pa.Table.from_pylist(pending, schema=schema))
                written, pending = written + len(pending), []
        if pending:
            writer.write_table(pa.Table.from_pylist(pending, schema=schema))
            written += len(pending)
    return written
