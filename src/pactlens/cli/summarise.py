"""``pactlens summarise``: articles in, summaries out as JSON, JSON Lines, Markdown or HTML."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from pactlens._batch import ArticleInput, Ledger, Result, summarise_many
from pactlens._errors import CacheError, ConfigError
from pactlens._models import ArticleSummary
from pactlens._pipeline import Summariser
from pactlens.cli import inputs, options, tables
from pactlens.cli.options import UsageError, make_config

__all__ = ["EXTENSIONS", "render", "run_summarise"]

EXTENSIONS = {"json": ".json", "md": ".md", "html": ".html"}


def render(summary: ArticleSummary, fmt: str) -> str:
    if fmt == "md":
        return summary.to_markdown().rstrip("\n") + "\n"
    if fmt == "html":
        return summary.to_html()
    return summary.model_dump_json(indent=2) + "\n"


def run_summarise(args: argparse.Namespace) -> int:
    if tables.is_table(args.paths):
        with _logging(quiet=args.quiet, verbose=args.verbose):
            return tables.run_table(args, make_config(args))
    if args.format == "parquet" or args.engine != "process":
        raise UsageError("--format parquet and --engine ray are for a Parquet corpus (.parquet)")
    if args.out is None:
        options.stdout(", or pass --out FILE")  # before reading or sending anything
    entries = inputs.collect(args.paths)
    several = len(entries) > 1
    fmt: str = args.format or ("jsonl" if several else "json")
    out: Path | None = args.out
    folder = out is not None and fmt != "jsonl" and (several or out.is_dir())
    if out is not None and not folder:
        if out.is_dir():
            raise UsageError(f"--out {out} is a folder: --format jsonl writes one file")
        if not out.parent.is_dir():
            raise UsageError(f"--out {out}: the folder {out.parent} does not exist")
    if out is not None and folder and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file: several articles in {fmt} need a folder")
    if out is None and fmt == "html" and several:
        raise UsageError("several articles as html need --out FOLDER (one page each)")
    config = make_config(args)
    ledger = Ledger()
    failed: list[Result] = []
    with _logging(quiet=args.quiet, verbose=args.verbose), Summariser(config) as summariser:
        _open_cache(summariser)
        results = _noting_failures(_summarised(summariser, entries, args, ledger), failed)
        if fmt == "jsonl":
            _emit_jsonl(results, out)
        elif folder and out is not None:
            out.mkdir(parents=True, exist_ok=True)
            names = inputs.output_names(entries, EXTENSIONS[fmt])
            for result in results:
                if result.summary is not None:
                    (out / names[result.index]).write_text(render(result.summary, fmt), "utf-8")
        else:
            _emit_together(sorted(results, key=lambda r: r.index), fmt, out, several)
    for result in sorted(failed, key=lambda r: r.index):
        print(f"pactlens: failed: {result.id}: {result.error_message}", file=sys.stderr)
    if not args.quiet:
        print(f"pactlens: {ledger}", file=sys.stderr)
    unusable = (ConfigError, CacheError)
    settings = next((r.error for r in failed if isinstance(r.error, unusable)), None)
    if settings is not None:  # not the articles' fault: the backend or cache cannot be used
        raise UsageError(str(settings))
    return 1 if failed else 0


def _open_cache(summariser: Summariser) -> None:
    """Open the cache now: one that cannot be used is a setting to fix (exit 2), found
    before any article is sent rather than reported as every article's failure."""
    try:
        summariser.cache  # noqa: B018 - opened on first use
    except CacheError as e:
        raise UsageError(f"{e} (on the command line: --cache-dir DIR or --no-cache)") from e


def _summarised(
    summariser: Summariser, entries: list[inputs.Entry], args: argparse.Namespace, ledger: Ledger
) -> Iterator[Result]:
    """A Result per entry, ``index`` its position in ``entries``: the unreadable ones
    first, failed as they are, then the batch's as they finish."""
    readable: list[tuple[int, ArticleInput]] = []
    for index, entry in enumerate(entries):
        if isinstance(entry, inputs.Unreadable):
            result = Result(entry.id, index, error=entry.error)
            ledger.record(result)
            yield result
        else:
            readable.append((index, entry))
    progress = False if args.quiet or args.no_progress else (True if args.progress else None)
    batch = summarise_many(
        summariser,
        [entry for _, entry in readable],
        concurrency=args.concurrency,
        progress=progress,
        ledger=ledger,
    )
    for result in batch:
        yield dataclasses.replace(result, index=readable[result.index][0])


def _noting_failures(results: Iterable[Result], failed: list[Result]) -> Iterator[Result]:
    for result in results:
        if not result.ok:
            failed.append(result)
        yield result


def _emit_jsonl(results: Iterable[Result], out: Path | None) -> None:
    stream: TextIO = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        for result in results:
            stream.write(json.dumps(result.to_record(), ensure_ascii=False) + "\n")
            stream.flush()
    finally:
        if out:
            stream.close()


def _emit_together(results: list[Result], fmt: str, out: Path | None, several: bool) -> None:
    summaries = [r.summary for r in results if r.summary is not None]
    if not several:
        text = render(summaries[0], fmt) if summaries else ""
    elif fmt == "json":
        text = json.dumps([r.to_record() for r in results], indent=2, ensure_ascii=False) + "\n"
    else:  # md: one document, articles separated by rules
        text = "\n---\n\n".join(render(s, fmt) for s in summaries)
    if not text:
        return
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def _logging(*, quiet: bool, verbose: bool) -> Iterator[None]:
    """pactlens' notes (retries) on stderr; instructor's, which repeat them, silenced.
    The previous logging setup is restored afterwards, so main() can be called twice."""
    log, chatty = logging.getLogger("pactlens"), logging.getLogger("instructor")
    saved = log.level, log.propagate, chatty.level
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO if verbose else logging.ERROR if quiet else logging.WARNING)
    log.propagate = False
    if not verbose:
        chatty.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(saved[0])
        log.propagate = saved[1]
        chatty.setLevel(saved[2])
