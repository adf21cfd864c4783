"""The command line: ``pactlens summarise``, ``pactlens clean``, ``pactlens schema``.

argparse only. Settings come from :meth:`Config.from_env` with flags as overrides.
Exit status: 0 when every article was summarised, 1 when some failed (each failure is
reported on stderr with its reason), 2 on a usage error (bad flags, no inputs, a path
that cannot be read, unusable settings).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from pactlens._batch import ArticleInput, Ledger, Result, summarise_many
from pactlens._clean import clean
from pactlens._config import Config
from pactlens._errors import ConfigError, PactlensError
from pactlens._models import Article, ArticleSummary
from pactlens._pipeline import Summariser
from pactlens._version import __version__

__all__ = ["main"]

SUFFIXES = (".txt", ".html", ".htm")
STDIN_ID = "<stdin>"
EXTENSIONS = {"json": ".json", "md": ".md", "html": ".html"}

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
  pactlens clean page.html --format json               the cleaned text and its metadata
  pactlens schema --write schemas                      the JSON Schema of the output
  pactlens eval --dataset polnear --predictor baseline --limit 10
                                                       quality on annotated news

environment:
  OPENAI_API_KEY, OPENAI_BASE_URL, PACTLENS_MODEL, PACTLENS_CACHE_DIR and
  PACTLENS_BACKEND are read; flags win over them. With neither a key nor a base URL,
  the embedded local model is used.

exit status: 0 all articles summarised, 1 some failed, 2 usage error.
"""

SUMMARISE_HELP = """\
Formats: json (one article: its ArticleSummary; several: a list of records), jsonl
(one record per article, written as each finishes), md, html. A record is
{"id", "ok", "error", "summary"}; the id is the file path or <stdin>.
--out is a file, or a folder (created) for several articles in json, md or html.
Results are cached: re-running a batch only sends what is not cached yet.
"""


class UsageError(Exception):
    """Bad flags or inputs: reported as ``pactlens: error: …``, exit status 2."""


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
        "summarise", aliases=["summarize"], help="summarise articles (files, folders, -)",
        description=SUMMARISE_HELP, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("paths", nargs="+", metavar="PATH",
                   help="a .txt/.html file, a folder (searched recursively), or - for stdin")
    s.add_argument("-f", "--format", choices=["json", "jsonl", "md", "html"],
                   help="default: json for one article, jsonl for several")
    s.add_argument("-o", "--out", type=Path, metavar="PATH", help="default: stdout")
    backend = s.add_mutually_exclusive_group()
    backend.add_argument("--base-url", metavar="URL", help="an OpenAI-compatible endpoint")
    backend.add_argument("--local", action="store_true", help="use the embedded local model")
    s.add_argument("--model", help="the model name the endpoint knows")
    s.add_argument("--api-key-env", metavar="NAME",
                   help="read the API key from this variable instead of OPENAI_API_KEY")
    s.add_argument("-j", "--concurrency", type=_positive, default=8, metavar="N",
                   help="articles in flight at once (default: 8)")
    s.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    s.add_argument("--cache-dir", type=Path, metavar="DIR", help="default: ~/.cache/pactlens")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument("-q", "--quiet", action="store_true",
                   help="only failures on stderr: no progress, no totals, no retry notes")
    s.add_argument("-v", "--verbose", action="store_true", help="log what the pipeline does")
    s.set_defaults(run=run_summarise)

    c = commands.add_parser("clean", help="print an article's cleaned text and metadata")
    c.add_argument("path", metavar="PATH", help="a .txt/.html file, or - for stdin")
    c.add_argument("-f", "--format", choices=["text", "json"], default="text")
    c.set_defaults(run=run_clean)

    j = commands.add_parser("schema", help="print the JSON Schema of ArticleSummary")
    j.add_argument("--write", type=Path, metavar="DIR",
                   help="write DIR/article_summary.schema.json instead of printing")
    j.set_defaults(run=run_schema)

    from pactlens._eval.harness import add_eval_parser  # the eval data layer is optional

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


# -- inputs -------------------------------------------------------------------------------


def _read_stdin() -> str:
    return sys.stdin.buffer.read().decode("utf-8-sig", errors="replace")


def collect(paths: Iterable[str]) -> list[ArticleInput]:
    """Files as given, folders searched for .txt/.html/.htm, ``-`` read from stdin."""
    items: list[ArticleInput] = []
    seen_stdin = False
    for raw in paths:
        if raw == "-":
            if seen_stdin:
                raise UsageError("- (stdin) can be given only once")
            seen_stdin = True
            items.append((STDIN_ID, _read_stdin()))
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not found:
                raise UsageError(f"no .txt, .html or .htm files under {raw}")
            items.extend(found)
        elif path.is_file():
            if not os.access(path, os.R_OK):
                raise UsageError(f"cannot read {raw}: permission denied")
            items.append(path)
        elif path.exists():
            raise UsageError(f"{raw} is neither a file nor a folder")
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return items


def _ident(item: ArticleInput) -> str:
    return item[0] if isinstance(item, tuple) else str(item)


def output_names(items: list[ArticleInput], extension: str) -> list[str]:
    """One distinct file name per input: its stem, numbered when stems collide."""
    names: list[str] = []
    taken: set[str] = set()
    for item in items:
        ident = _ident(item)
        stem = "stdin" if ident == STDIN_ID else Path(ident).stem or "article"
        name, n = stem + extension, 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}{extension}"
        taken.add(name)
        names.append(name)
    return names


def make_config(args: argparse.Namespace) -> Config:
    """Config.from_env() with the backend flags that `summarise` and `eval` share."""
    overrides: dict[str, Any] = {}
    if args.model:
        overrides["model"] = args.model
    if args.base_url:
        overrides["base_url"] = args.base_url
    if args.local:
        overrides.update(backend="local", base_url=None)
    if getattr(args, "api_key_env", None):
        key = os.environ.get(args.api_key_env)
        if not key:
            raise UsageError(f"--api-key-env: ${args.api_key_env} is not set")
        overrides["api_key"] = key
    if args.no_cache:
        overrides["cache"] = False
    if args.cache_dir is not None:
        overrides["cache_dir"] = args.cache_dir
    return Config.from_env(**overrides)


# -- summarise ---------------------------------------------------------------------------


def render(summary: ArticleSummary, fmt: str) -> str:
    if fmt == "md":
        return summary.to_markdown().rstrip("\n") + "\n"
    if fmt == "html":
        return summary.to_html()
    return summary.model_dump_json(indent=2) + "\n"


def run_summarise(args: argparse.Namespace) -> int:
    items = collect(args.paths)
    several = len(items) > 1
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
    progress = False if args.quiet or args.no_progress else None
    with _logging(quiet=args.quiet, verbose=args.verbose), Summariser(config) as summariser:
        batch = summarise_many(summariser, items, concurrency=args.concurrency,
                               progress=progress, ledger=ledger)
        results = _noting_failures(batch, failed)
        if fmt == "jsonl":
            _emit_jsonl(results, out)
        elif folder and out is not None:
            out.mkdir(parents=True, exist_ok=True)
            names = output_names(items, EXTENSIONS[fmt])
            for result in results:
                if result.summary is not None:
                    (out / names[result.index]).write_text(render(result.summary, fmt), "utf-8")
        else:
            _emit_together(sorted(results, key=lambda r: r.index), fmt, out, several)
    for result in sorted(failed, key=lambda r: r.index):
        print(f"pactlens: failed: {result.id}: {result.error_message}", file=sys.stderr)
    if not args.quiet:
        print(f"pactlens: {ledger}", file=sys.stderr)
    settings = next((r.error for r in failed if isinstance(r.error, ConfigError)), None)
    if settings is not None:  # not the articles' fault: the backend cannot be used
        raise UsageError(str(settings))
    return 1 if failed else 0


def _noting_failures(results: Iterable[Result], failed: list[Result]) -> Iterator[Result]:
    for result in results:
        if not result.ok:
            failed.append(result)
        yield result


def _emit_jsonl(results: Iterable[Result], out: Path | None) -> None:
    stream: TextIO = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
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


# -- clean and schema --------------------------------------------------------------------


def run_clean(args: argparse.Namespace) -> int:
    if args.path == "-":
        raw = _read_stdin()
    else:
        path = Path(args.path)
        if not path.is_file():
            raise UsageError(f"no such file: {args.path}")
        try:
            raw = path.read_bytes().decode("utf-8-sig")
        except OSError as e:
            raise UsageError(f"cannot read {args.path}: {e.strerror or e}") from e
        except UnicodeDecodeError as e:
            raise UsageError(f"{args.path} is not UTF-8 text ({e.reason})") from e
    try:
        article = clean(raw)
    except PactlensError as e:
        print(f"pactlens: failed: {args.path}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    if args.format == "json":
        sys.stdout.write(article.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(_describe(article) + "\n" + article.text.rstrip("\n") + "\n")
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


def run_schema(args: argparse.Namespace) -> int:
    if args.write is None:
        sys.stdout.write(schema_text())
        return 0
    if args.write.exists() and not args.write.is_dir():
        raise UsageError(f"--write {args.write} is a file, not a folder")
    args.write.mkdir(parents=True, exist_ok=True)
    target = args.write / "article_summary.schema.json"
    target.write_text(schema_text(), encoding="utf-8")
    print(f"pactlens: wrote {target}", file=sys.stderr)
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
