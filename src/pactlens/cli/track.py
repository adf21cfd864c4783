"""``pactlens track``: articles (or their summaries) into a book of agreements.

Articles (.txt/.html files, folders) are summarised as ``pactlens summarise`` would,
through the same cache; ``.jsonl`` files of ``pactlens summarise`` records are read as
they are. The summaries go into the book in dateline order. With ``--db`` the book is
kept in that SQLite file and added to; a re-run adds nothing twice.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pactlens._batch import Result, summarise_many
from pactlens._errors import CacheError, ConfigError, PactlensError
from pactlens._models import ArticleSummary
from pactlens._pipeline import Summariser
from pactlens.cli import inputs, options
from pactlens.cli.options import UsageError, add_backend_options, make_config
from pactlens.tracking import AgreementBook, open_book

__all__ = ["add_track_parser", "run_track"]

HELP = """\
Group every report of the same agreement into one record with a dated status timeline.
Inputs: .txt/.html articles or folders (summarised, through the cache), or .jsonl files
written by `pactlens summarise --format jsonl`. Formats: table (default, on stdout),
html (one page), json (the records), jsonl (one record per line), parquet (one row per
event; needs pyarrow). Where the rules cannot tell whether two reports are one
agreement, the model is asked (cached); --no-judge keeps to the rules.
"""

EXAMPLES = """\
examples:
  pactlens track news/ --db pacts.sqlite            add a folder's articles to the book
  pactlens track runs.jsonl --db pacts.sqlite       add summaries made earlier
  pactlens track --db pacts.sqlite --format html --out book.html
  pactlens track --db pacts.sqlite --format parquet --out events.parquet

exit status: 0 all articles added, 1 some failed, 2 usage error, 130 interrupted.
"""


def add_track_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "track",
        help="follow agreements across articles: one record per agreement",
        description=HELP,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="articles, folders or .jsonl summaries"
    )
    parser.add_argument("--db", type=Path, metavar="FILE", help="the book's SQLite file")
    parser.add_argument(
        "-f", "--format", choices=["table", "html", "json", "jsonl", "parquet"], default="table"
    )
    parser.add_argument("-o", "--out", type=Path, metavar="FILE", help="default: stdout")
    parser.add_argument("--no-judge", action="store_true", help="never ask the model")
    add_backend_options(parser)
    parser.add_argument("-j", "--concurrency", type=int, default=8, metavar="N")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument("--cache-dir", type=Path, metavar="DIR")
    parser.add_argument("-q", "--quiet", action="store_true", help="only failures on stderr")
    parser.set_defaults(run=run_track)
    return parser


def run_track(args: argparse.Namespace) -> int:
    if args.format in ("html", "parquet") and args.out is None:
        raise UsageError(f"--format {args.format} needs --out FILE")
    if args.out is None:
        options.stdout(", or pass --out FILE")
    elif not args.out.parent.is_dir():
        raise UsageError(f"--out {args.out}: the folder {args.out.parent} does not exist")
    if not args.paths and args.db is None:
        raise UsageError("nothing to track: give articles or summaries, or --db FILE")
    if args.db is not None and args.db.is_dir():
        raise UsageError(f"--db {args.db} is a folder, not a file")
    jsonl = [Path(p) for p in args.paths if p.endswith(".jsonl")]
    articles = [p for p in args.paths if not p.endswith(".jsonl")]
    for path in jsonl:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
    entries = inputs.collect(articles) if articles else []
    with Summariser(make_config(args)) as summariser:
        judge = None if args.no_judge else summariser.same_agreement
        try:
            book = open_book(args.db, judge=judge) if args.db else AgreementBook(judge=judge)
        except CacheError as e:
            raise UsageError(str(e)) from e
        with book:
            results = [*_read_jsonl(jsonl), *_summarise(summariser, entries, args)]
            failed = [r for r in results if not r.ok]
            before = len(book)
            for result in sorted((r for r in results if r.ok), key=_dateline_order):
                book.add(result)
            _emit(book, args.format, args.out)
            if not args.quiet:
                print(
                    f"pactlens: {len(results) - len(failed)} articles added, "
                    f"{len(book)} agreements ({len(book) - before} new), "
                    f"{book.questions} questions to the model",
                    file=sys.stderr,
                )
    for result in failed:
        print(f"pactlens: failed: {result.id}: {result.error_message}", file=sys.stderr)
    unusable = next(
        (r.error for r in failed if isinstance(r.error, (ConfigError, CacheError))), None
    )
    if unusable is not None:
        raise UsageError(str(unusable))
    return 1 if failed else 0


def _read_jsonl(paths: list[Path]) -> list[Result]:
    """Records of ``pactlens summarise --format jsonl``; a bad line fails on its own."""
    results: list[Result] = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise UsageError(f"cannot read {path}: {e}") from e
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                record = json.loads(line)
                if not record.get("ok"):
                    continue  # a failure recorded by summarise: nothing to add
                summary = ArticleSummary.model_validate(record["summary"])
                results.append(Result(str(record.get("id") or where), len(results), summary))
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                error = PactlensError(f"not a pactlens summary record: {e}")
                results.append(Result(where, len(results), error=error))
    return results


def _summarise(
    summariser: Summariser, entries: list[inputs.Entry], args: argparse.Namespace
) -> list[Result]:
    results = [
        Result(e.id, i, error=e.error)
        for i, e in enumerate(entries)
        if isinstance(e, inputs.Unreadable)
    ]
    readable = [e for e in entries if not isinstance(e, inputs.Unreadable)]
    if readable:
        progress = False if args.quiet else None
        results += summarise_many(
            summariser, readable, concurrency=max(1, args.concurrency), progress=progress
        )
    return results


def _dateline_order(result: Result) -> tuple[str, str]:
    summary = result.summary
    day = summary.dateline.date if summary and summary.dateline else None
    return (day.isoformat() if day else "", result.id)


def _emit(book: AgreementBook, fmt: str, out: Path | None) -> None:
    if fmt == "parquet":
        assert out is not None
        book.to_parquet(str(out))
        return
    if fmt == "html":
        text = book.to_html()
    elif fmt == "json":
        text = json.dumps([r.model_dump(mode="json") for r in book.records], indent=2) + "\n"
    elif fmt == "jsonl":
        text = "".join(r.model_dump_json() + "\n" for r in book.records)
    else:
        text = _table(book)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def _table(book: AgreementBook) -> str:
    lines = []
    for record in book.records:
        flag = "  CONTESTED" if record.contested else ""
        parties = ", ".join(record.parties) or "-"
        lines.append(f"{record.name}  [{record.kind}; {parties}]  {record.current_status}{flag}")
        for event in record.timeline:
            day = event.date.isoformat() if event.date else "undated   "
            rank = "*" if event.key == record.current else " "
            source = event.article.source or event.article.id
            lines.append(f"  {rank} {day}  {event.status:<17} {source}: {event.name}")
    return "\n".join(lines) + ("\n" if lines else "")
