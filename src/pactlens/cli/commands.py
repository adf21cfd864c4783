"""The command line: ``pactlens summarise``, ``clean``, ``schema``, ``track``, ``eval``.

argparse only. Settings come from :meth:`Config.from_env` with flags as overrides.
Exit status: 0 when every article was summarised, 1 when some failed (each failure is
reported on stderr with its reason; what cannot be read inside a folder, and stdin that
is not UTF-8, fail that way), 2 on a usage error (bad flags, no inputs, a path named on
the command line that cannot be read, unusable settings or cache folder, stdout closed
where the output should go), 130 when interrupted (Ctrl-C): articles in flight are
abandoned at once, and the JSON Lines of those already finished are kept.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pactlens._errors import ConfigError, InputError, PactlensError
from pactlens._models import Article, ArticleSummary
from pactlens._version import __version__
from pactlens.cli import inputs, options
from pactlens.cli.eval import add_eval_parser
from pactlens.cli.options import UsageError, add_backend_options
from pactlens.cli.summarise import run_summarise
from pactlens.cli.track import add_track_parser
from pactlens.text import clean, decode_text

__all__ = ["main"]

EPILOG = """\
examples:
  pactlens summarise article.txt                       one article, its JSON on stdout
  pactlens summarise news/ --format jsonl --out runs.jsonl
                                                       a folder (recursively), one line each
  pactlens summarise news/ --format md --out summaries/
                                                       one Markdown file per article
  curl -s https://example.com/story | pactlens summarise - --format html --out story.html
  pactlens summarise a.txt --base-url http://localhost:11434/v1 --model qwen2.5:7b
  pactlens summarise a.txt --local                     the embedded local model
  pactlens summarise corpus.parquet --text-column body --out summaries.parquet
                                                       a table of articles, a row each
  RAY_ADDRESS=ray://head:10001 pactlens summarise corpus.parquet --engine ray \
      --workers 8 --cache-url redis://cache:6379/0 --out summaries.parquet
  pactlens clean page.html --format json               the cleaned text and its metadata
  pactlens schema --write schemas                      the JSON Schema of the output
  pactlens track news/ --db pacts.sqlite              follow agreements across articles
  pactlens track --db pacts.sqlite --format html --out book.html
  pactlens eval --dataset polnear --predictor baseline --limit 10
                                                       quality on annotated news

environment:
  OPENAI_API_KEY, OPENAI_BASE_URL, PACTLENS_MODEL, PACTLENS_CACHE_DIR,
  PACTLENS_CACHE_URL and PACTLENS_BACKEND are read; flags win over them.
  PACTLENS_REQUESTS_PER_MINUTE and PACTLENS_TOKENS_PER_MINUTE set a rate limit for
  every call, shared through Redis by every worker with PACTLENS_RATE_LIMIT_URL.
  With neither a key nor a base URL, the embedded local model is used:
  PACTLENS_THREADS sets its threads (1 is steadier on a busy machine),
  PACTLENS_DATA_DIR where its weights are kept (one copy per user),
  PACTLENS_MODEL_PATH a GGUF of your own.

exit status: 0 all articles summarised, 1 some failed, 2 usage error, 130 interrupted.
"""

SUMMARISE_HELP = """\
Formats: json (one article: its ArticleSummary; several: a list of records), jsonl
(one record per article, written as each finishes), md, html. A record is
{"id", "ok", "error", "summary"}; the id is the file path or <stdin>.
--out is a file, or a folder (created) for several articles in json, md or html.
Results are cached: re-running a batch only sends what is not cached yet.
"""


# -- the parser ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pactlens",
        description="Typed, grounded summaries of news articles about agreements.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    s = commands.add_parser(
        "summarise",
        aliases=["summarize"],
        help="summarise articles (files, folders, -)",
        description=SUMMARISE_HELP,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a .txt/.html file, a folder (searched recursively), or - for stdin",
    )
    s.add_argument(
        "-f",
        "--format",
        choices=["json", "jsonl", "md", "html", "parquet"],
        help="default: json for one article, jsonl for several; parquet for a Parquet "
        "corpus written to --out FILE.parquet",
    )
    s.add_argument("-o", "--out", type=Path, metavar="PATH", help="default: stdout")
    add_backend_options(s)
    s.add_argument(
        "--api-key-env",
        metavar="NAME",
        help="read the API key from this variable instead of OPENAI_API_KEY",
    )
    s.add_argument(
        "-j",
        "--concurrency",
        type=_positive,
        default=8,
        metavar="N",
        help="articles in flight at once (default: 8)",
    )
    s.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    s.add_argument("--cache-dir", type=Path, metavar="DIR", help="default: ~/.cache/pactlens")
    s.add_argument(
        "--cache-url",
        metavar="URL",
        help="a Redis cache every worker shares (redis://host:6379/0) instead of --cache-dir",
    )
    table = s.add_argument_group("a Parquet corpus (PATH ending in .parquet)")
    table.add_argument(
        "--text-column", default="text", metavar="NAME", help="the articles (default: text)"
    )
    table.add_argument(
        "--id-column",
        metavar="NAME",
        help="each row's id (default: a column named id, else the row's number)",
    )
    table.add_argument(
        "--engine",
        choices=["process", "ray"],
        default="process",
        help="process: this process (default); ray: Ray Data on $RAY_ADDRESS's cluster, "
        "or a local Ray",
    )
    table.add_argument(
        "--workers",
        type=_positive,
        default=1,
        metavar="N",
        help="--engine ray: actors, each with --concurrency requests in flight (default: 1)",
    )
    shown = s.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress",
        action="store_true",
        help="a progress bar, and a line for each article slower than 2 s, even when "
        "stderr is not a terminal (default: only on a terminal)",
    )
    shown.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="only failures on stderr: no progress, no totals, no retry notes",
    )
    s.add_argument("-v", "--verbose", action="store_true", help="log what the pipeline does")
    s.set_defaults(run=run_summarise)

    c = commands.add_parser("clean", help="print an article's cleaned text and metadata")
    c.add_argument("path", metavar="PATH", help="a .txt/.html file, or - for stdin")
    c.add_argument("-f", "--format", choices=["text", "json"], default="text")
    c.set_defaults(run=run_clean)

    j = commands.add_parser("schema", help="print the JSON Schema of ArticleSummary")
    j.add_argument(
        "--write",
        type=Path,
        metavar="DIR",
        help="write DIR/article_summary.schema.json (and the book's "
        "agreement_record.schema.json) instead of printing",
    )
    j.set_defaults(run=run_schema)

    add_track_parser(commands)
    add_eval_parser(commands)
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {value!r}")
    return number


# -- clean and schema --------------------------------------------------------------------


def run_clean(args: argparse.Namespace) -> int:
    stdout = options.stdout()
    if args.path == "-":
        try:
            raw = inputs.read_stdin()
        except InputError as e:  # as for a file that is not UTF-8
            raise UsageError(str(e)) from e
    else:
        path = Path(args.path)
        if not path.is_file():
            raise UsageError(f"no such file: {args.path}")
        try:
            raw = decode_text(path.read_bytes(), args.path)
        except OSError as e:
            raise UsageError(f"cannot read {args.path}: {e.strerror or e}") from e
        except InputError as e:  # not UTF-8: the caller named the file
            raise UsageError(str(e)) from e
    try:
        article = clean(raw)
    except PactlensError as e:
        print(f"pactlens: failed: {args.path}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    if args.format == "json":
        stdout.write(article.model_dump_json(indent=2) + "\n")
    else:
        stdout.write(_describe(article) + "\n" + article.text.rstrip("\n") + "\n")
    return 0


def _describe(article: Article) -> str:
    dateline = "-"
    if article.dateline is not None:
        d = article.dateline
        dateline = ", ".join(str(x) for x in (d.place, d.date) if x) or "-"
        if d.raw:
            dateline += f" ({d.raw})"
    return (
        f"Title: {article.title or '-'}\n"
        f"Dateline: {dateline}\n"
        f"Source: {article.source or '-'}\n"
        f"Removed: {len(article.removed)} boilerplate line(s)\n"
    )


def schema_text() -> str:
    """The JSON Schema of ArticleSummary exactly as committed in ``schemas/``."""
    return json.dumps(ArticleSummary.model_json_schema(), indent=2, sort_keys=True) + "\n"


def record_schema_text() -> str:
    """The JSON Schema of the tracker's AgreementRecord, as committed in ``schemas/``."""
    from pactlens.tracking import AgreementRecord

    return json.dumps(AgreementRecord.model_json_schema(), indent=2, sort_keys=True) + "\n"


def run_schema(args: argparse.Namespace) -> int:
    if args.write is None:
        options.stdout(", or pass --write DIR").write(schema_text())
        return 0
    if args.write.exists() and not args.write.is_dir():
        raise UsageError(f"--write {args.write} is a file, not a folder")
    args.write.mkdir(parents=True, exist_ok=True)
    target = args.write / "article_summary.schema.json"
    target.write_text(schema_text(), encoding="utf-8")
    record = args.write / "agreement_record.schema.json"
    record.write_text(record_schema_text(), encoding="utf-8")
    print(f"pactlens: wrote {target} and {record}", file=sys.stderr)
    return 0


# -- entry point --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, or argparse's own usage errors
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    try:
        status: int = args.run(args)
    except (UsageError, ConfigError) as e:
        print(f"pactlens: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pactlens: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `pactlens … | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status
