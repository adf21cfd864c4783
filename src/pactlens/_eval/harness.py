"""Run a predictor over an evaluation set and score it; the ``pactlens eval`` command."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from pactlens._errors import PactlensError
from pactlens._eval import polnear, rams, seed
from pactlens._eval.report import Report
from pactlens._eval.scoring import Ratio
from pactlens._models import ArticleSummary

__all__ = [
    "DATA_ENV",
    "Dataset",
    "add_eval_parser",
    "default_data_dir",
    "evaluate",
    "main",
    "run_eval",
]

Dataset = Literal["polnear", "rams", "seed"]
Predictor = Callable[[str], ArticleSummary]
Progress = Callable[[int, int, str], None]
#: Environment variable naming the evaluation data directory (read by the CLI only).
DATA_ENV = "PACTLENS_EVAL_DATA"
_REPO = Path(__file__).resolve().parents[3]


def default_data_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$PACTLENS_EVAL_DATA`` when ``env`` sets it, else ``../shared/eval`` from the repo root."""
    if env is not None and env.get(DATA_ENV):
        return Path(env[DATA_ENV])
    root = _REPO if (_REPO / "pyproject.toml").is_file() else Path.cwd()
    return root.parent / "shared" / "eval"


def _predictor(predict: Any) -> tuple[Predictor, str]:
    summarise = getattr(predict, "summarise", None)
    if callable(summarise) and hasattr(predict, "config"):  # a Summariser
        return summarise, f"pactlens ({getattr(predict, 'model', '?')})"
    if not callable(predict):
        raise TypeError("predict must be a Summariser or a callable text -> ArticleSummary")
    name = getattr(predict, "name", None) or getattr(predict, "__name__", type(predict).__name__)
    return predict, str(name)


class _Runner:
    """Calls the predictor, timing it and turning its failures into report errors."""

    def __init__(self, predict: Predictor, report: Report, progress: Progress | None) -> None:
        self.predict, self.report, self.progress = predict, report, progress

    def __call__(self, key: str, text: str, n: int, total: int) -> ArticleSummary | None:
        if self.progress is not None:
            self.progress(n, total, key)
        started = time.perf_counter()
        try:
            return self.predict(text)
        except Exception as e:  # any predictor, any failure: recorded, never the whole run
            self.report.errors[key] = f"{type(e).__name__}: {e}"
            return None
        finally:
            self.report.seconds += time.perf_counter() - started


def evaluate(
    predict: Any,
    data_dir: str | Path | None = None,
    *,
    dataset: Dataset = "polnear",
    limit: int | None = None,
    split: str = "dev",
    annotators: polnear.Annotators = "first",
    gold: str | Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Score ``predict`` on an evaluation set and return a :class:`Report`.

    ``predict`` is a :class:`~pactlens.Summariser` (any backend; its cache makes a rerun
    resume where the last one stopped) or any callable from article text to an
    :class:`~pactlens.ArticleSummary`, such as the rule-based ``Baseline()``.
    ``data_dir`` holds ``polnear-<split>/`` and ``rams-agreements/<split>.jsonl``
    (default: ``../shared/eval`` beside the repository); ``dataset="seed"`` reads the
    repository's ``tests/gold/seed.json`` (or ``gold``) and needs no data. ``limit`` caps
    the number of articles. A document the predictor fails on is recorded in
    ``Report.errors`` and its gold counted as missed.
    """
    run, name = _predictor(predict)
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    report = Report(dataset=dataset, predictor=name)
    runner = _Runner(run, report, progress)
    if dataset == "polnear":
        _polnear(runner, polnear.find_dir(base, split), limit, annotators)
    elif dataset == "rams":
        _rams(runner, rams.find_file(base, split), limit)
    elif dataset == "seed":
        _seed(runner, Path(gold) if gold is not None else None)
    else:
        raise ValueError(f"unknown dataset {dataset!r}: polnear, rams or seed")
    return report


def _polnear(
    runner: _Runner, directory: Path, limit: int | None, annotators: polnear.Annotators
) -> None:
    if not (directory / "attributions").is_dir():
        raise FileNotFoundError(f"no PolNeAR data at {directory} (attributions/ missing)")
    documents = polnear.load(directory, annotators=annotators, limit=limit)
    report, totals = runner.report, polnear.Scores.empty()
    names = list(dict.fromkeys(d.name for d in documents))
    summaries: dict[str, ArticleSummary | None] = {}
    for document in documents:
        if document.name not in summaries:
            n = len(summaries) + 1
            summaries[document.name] = runner(document.name, document.text, n, len(names))
        summary = summaries[document.name]
        scores = polnear.gold_only(document)
        if summary is not None:
            try:
                predicted = polnear.predicted_statements(summary, document.text)
            except ValueError as e:
                report.errors[document.name] = str(e)
            else:
                scores = polnear.score_document(document, predicted)
        totals.add(scores)
    report.documents = len(documents)
    report.counts = totals.counts
    report.ratios = dict(totals.speaker)
    report.notes = [
        f"annotators={annotators}: {len(names)} articles, {len(documents)} annotation files",
        "a prediction matches a gold Content span when shared characters / gold length "
        "reach the threshold (0.3 lenient, 0.8 strict); one-to-one, greedy by overlap",
        "direct = gold Content holding a double quotation mark; speaker@t is over matched "
        "direct quotes whose gold relation has a Source",
        "predicted spans are mapped from the cleaned text back to raw offsets",
    ]


def _rams(runner: _Runner, path: Path, limit: int | None) -> None:
    if not path.is_file():
        raise FileNotFoundError(f"no RAMS data at {path}")
    instances = rams.load(path, limit=limit)
    totals = rams.Scores.empty()
    for n, instance in enumerate(instances, start=1):
        summary = runner(instance.doc_key, instance.text, n, len(instances))
        totals.add(rams.score_instance(instance, summary))
    report = runner.report
    report.documents = len(instances)
    report.counts = {"parties": totals.parties}
    report.ratios = {**dict(sorted(totals.found.items())), **dict(sorted(totals.status.items()))}
    report.notes = [
        "found = at least one agreement predicted (every instance holds an event)",
        "parties: gold roles participant/otherparticipant/violator (pronouns left out) vs "
        "the parties of all predicted agreements, matched by normalised name",
        "status: agreed/signed/ratified/in_force=accept, suspended/collapsed=reject, "
        "proposed/under_negotiation=negotiate; violate accepts accept or reject; "
        "agreements.n/a is not judged",
    ]


def _seed(runner: _Runner, gold_path: Path | None) -> None:
    gold = seed.load_gold(gold_path)
    text = seed.article_path(gold_path).read_text(encoding="utf-8")
    summary = runner("seed", text, 1, 1)
    report = runner.report
    report.documents = 1
    checks = seed.check(summary, gold) if summary is not None else []
    report.checks = checks
    report.ratios = {"seed facts": Ratio(sum(c.passed for c in checks), len(checks))}


# -- command line --------------------------------------------------------------------------


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``eval`` to a CLI's ``add_subparsers()``; it sets ``run=run_eval`` as its default."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "eval",
        help="score pactlens (or the rule baseline) on an evaluation set",
        description="Score pactlens or the rule-based baseline on PolNeAR attributions, RAMS "
        "agreement events or the seed article; print a P/R/F1 table.",
    )
    parser.add_argument("--dataset", choices=["polnear", "rams", "seed"], default="polnear")
    parser.add_argument(
        "--predictor",
        choices=["pactlens", "rules", "baseline"],
        default="pactlens",
        help="pactlens (the model), rules (pactlens with no model), baseline (naive rules)",
    )
    parser.add_argument("--limit", type=int, default=None, help="at most N articles")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help=f"evaluation data directory (default: ${DATA_ENV}, else "
        "../shared/eval beside the repository)",
    )
    parser.add_argument("--split", default="dev", help="data split (default: dev)")
    parser.add_argument(
        "--annotators",
        choices=["first", "all"],
        default="first",
        help="PolNeAR articles with several annotators: the first or all",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="OUT",
        help="also write the report as JSON to OUT",
    )
    backend = parser.add_mutually_exclusive_group()
    backend.add_argument("--base-url", metavar="URL", help="an OpenAI-compatible endpoint")
    backend.add_argument("--local", action="store_true", help="use the embedded local model")
    parser.add_argument("--model", help="the model name the endpoint knows")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the cache (by default a rerun resumes)",
    )
    parser.add_argument("--cache-dir", type=Path, metavar="DIR", help="default: ~/.cache/pactlens")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    parser.set_defaults(run=run_eval)
    return parser


def run_eval(args: argparse.Namespace) -> int:
    """Run ``pactlens eval``: 0 when every document ran, 1 when some failed, 2 on bad setup."""
    from pactlens._pipeline import Summariser

    data = args.data if args.data is not None else default_data_dir(os.environ)
    predict: Any
    try:
        if args.predictor == "baseline":
            from pactlens._eval.baseline import Baseline

            predict = Baseline()
        elif args.predictor == "rules":
            from pactlens._eval.baseline import RulesOnly

            predict = RulesOnly()
        else:
            from pactlens._cli import make_config

            predict = Summariser(make_config(args))
    except PactlensError as e:
        print(f"pactlens eval: {e}", file=sys.stderr)
        return 2
    try:
        report = evaluate(
            predict,
            data,
            dataset=args.dataset,
            limit=args.limit,
            split=args.split,
            annotators=args.annotators,
            progress=None if args.quiet else _progress,
        )
    except (PactlensError, FileNotFoundError) as e:
        print(f"pactlens eval: {e}", file=sys.stderr)
        return 2
    finally:
        close = getattr(predict, "close", None)
        if callable(close):
            close()
    print(report.table())
    if args.json is not None:
        print(f"wrote {report.write(args.json)}", file=sys.stderr)
    return 1 if report.errors else 0


def main(argv: list[str] | None = None) -> int:
    """``python -m pactlens._eval …``: the ``eval`` subcommand without the main CLI."""
    parser = argparse.ArgumentParser(prog="python -m pactlens._eval")
    add_eval_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["eval", *(sys.argv[1:] if argv is None else argv)])
    status: int = args.run(args)
    return status


def _progress(n: int, total: int, key: str) -> None:
    print(f"[{n}/{total}] {key}", file=sys.stderr, flush=True)
