"""``pactlens summarise corpus.parquet --text-column body --out summaries.parquet``.

A corpus in Parquet is read a row group at a time (memory stays flat however many
rows), each row an article: its text from ``--text-column``, its id from ``--id-column``
(default: a column named ``id`` if there is one, else the row's number). With ``--engine
process`` (the default) this process summarises them as ``summarise_many`` does; with
``--engine ray`` Ray Data does, on the cluster ``RAY_ADDRESS`` names or on a local Ray
started for the run, ``--workers`` actors each keeping ``--concurrency`` requests in
flight. Either way every input row is one output row (its error in ``error`` when it
failed), written as it finishes: Parquet (``--out FILE.parquet`` or ``--format parquet``,
the columns of :func:`pactlens._table.result_schema`) or JSON Lines.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from pactlens._batch import Result, summarise_many
from pactlens._config import Config
from pactlens._extras import need
from pactlens._pipeline import Summariser
from pactlens._table import result_row, write_parquet
from pactlens.cli.options import UsageError

__all__ = ["is_table", "run_table"]

SUFFIX = ".parquet"
#: Articles per Ray block when the CLI reads a corpus (a few MB of text).
ROWS_PER_BLOCK = 1000


def is_table(paths: Iterable[str]) -> bool:
    """Whether the inputs are Parquet files (all of them; mixing is a usage error)."""
    tables = [p.lower().endswith(SUFFIX) for p in paths]
    if any(tables) and not all(tables):
        raise UsageError("Parquet inputs cannot be mixed with articles: summarise them apart")
    return bool(tables) and all(tables)


def run_table(args: argparse.Namespace, config: Config) -> int:
    """Summarise the rows of Parquet inputs; the exit status (0, or 1 if a row failed)."""
    fmt = args.format or ("parquet" if args.out is None or args.out.suffix == SUFFIX else "jsonl")
    if fmt not in ("parquet", "jsonl"):
        raise UsageError(f"a Parquet corpus is written as parquet or jsonl, not {fmt}")
    if fmt == "parquet" and args.out is None:
        raise UsageError("Parquet output needs --out FILE.parquet (it is not written to stdout)")
    files = [_checked(Path(p)) for p in args.paths]
    id_column = args.id_column or _default_id(files)
    if args.engine == "ray":
        rows = _ray_rows(files, args, config, id_column)
    else:
        rows = (result_row(r) for r in _process_results(files, args, config, id_column))
    tally = _Tally()
    _write(tally.count(rows), fmt, args.out)
    for ident, error in tally.failures:
        print(f"pactlens: failed: {ident}: {error}", file=sys.stderr)
    if not args.quiet:
        print(f"pactlens: {tally}", file=sys.stderr)
    return 1 if tally.failures else 0


class _Tally:
    """What the rows add up to, counted as they are written."""

    def __init__(self) -> None:
        self.rows = self.cached = self.prompt_tokens = self.completion_tokens = 0
        self.failures: list[tuple[str, str]] = []

    def count(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for row in rows:
            self.rows += 1
            self.cached += bool(row["cached"])
            self.prompt_tokens += row["prompt_tokens"]
            self.completion_tokens += row["completion_tokens"]
            if not row["ok"]:
                self.failures.append((row["id"], row["error"]))
            yield row

    def __str__(self) -> str:
        ok = self.rows - len(self.failures)
        return (
            f"{self.rows} row(s): {ok} ok ({self.cached} cached), {len(self.failures)} failed; "
            f"{self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion tokens"
        )


def _checked(path: Path) -> Path:
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    return path


def _parquet() -> Any:
    return need("pyarrow.parquet", "parquet", "a Parquet corpus")


def _default_id(files: list[Path]) -> str | None:
    names = _parquet().read_schema(files[0]).names
    return "id" if "id" in names else None


def _articles(
    files: list[Path], text_column: str, id_column: str | None
) -> Iterator[tuple[str, Any]]:
    """(id, text) per row, a row group at a time; a missing column is a usage error."""
    pq = _parquet()
    number = 0
    for path in files:
        reader = pq.ParquetFile(path)
        names = reader.schema_arrow.names
        for column in (text_column, id_column):
            if column is not None and column not in names:
                raise UsageError(
                    f"{path} has no column {column!r} (it has {', '.join(names)}); "
                    "name the text with --text-column and the id with --id-column"
                )
        columns = [text_column] + ([id_column] if id_column else [])
        for batch in reader.iter_batches(columns=columns):
            texts = batch.column(0).to_pylist()
            ids = batch.column(1).to_pylist() if id_column else None
            for n, text in enumerate(texts):
                yield (str(ids[n]) if ids is not None else str(number)), text
                number += 1


def _process_results(
    files: list[Path], args: argparse.Namespace, config: Config, id_column: str | None
) -> Iterator[Result]:
    articles = _articles(files, args.text_column, id_column)
    first = next(articles, None)  # a missing column is found before anything is sent
    if first is None:
        return
    with Summariser(config) as summariser:
        yield from summarise_many(
            summariser,
            itertools.chain((first,), articles),
            concurrency=args.concurrency,
            progress=False if args.quiet or args.no_progress else None,
        )


def _ray_rows(
    files: list[Path], args: argparse.Namespace, config: Config, id_column: str | None
) -> Iterator[dict[str, Any]]:
    ray = need("ray", "ray", "--engine ray")
    from pactlens.ray import summarise_dataset

    next(_articles(files, args.text_column, id_column), None)  # check the columns first
    need("ray.data", "ray", "--engine ray")  # sets up its loggers, so quieten them after
    if not args.verbose:  # Ray's start-up and progress notes are for -v
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.WARNING)
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        local = {} if address else {"include_dashboard": False}  # a Ray for this run only
        ray.init(address=address, log_to_driver=args.verbose, **local)
    columns = [args.text_column] + ([id_column] if id_column else [])
    # blocks of about ROWS_PER_BLOCK articles, and at least two per worker, so that every
    # worker has work even when the corpus is one small file
    rows = sum(_parquet().ParquetFile(f).metadata.num_rows for f in files)
    blocks = max(2 * args.workers, -(-rows // ROWS_PER_BLOCK))
    ds = ray.data.read_parquet([str(f) for f in files], columns=columns, override_num_blocks=blocks)
    out = summarise_dataset(
        ds,
        config=config,
        text_column=args.text_column,
        id_column=id_column,
        concurrency=args.workers,
        max_in_flight=args.concurrency,
    )
    for batch in out.iter_batches(batch_format="pyarrow", batch_size=None):
        yield from batch.to_pylist()


def _write(rows: Iterable[dict[str, Any]], fmt: str, out: Path | None) -> None:
    if fmt == "parquet":
        assert out is not None
        write_parquet(rows, out)
        return
    stream: TextIO = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        for row in rows:
            summary = json.loads(row["summary"]) if row["summary"] else None
            record = {"id": row["id"], "ok": row["ok"], "error": row["error"], "summary": summary}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            stream.flush()
    finally:
        if out:
            stream.close()
