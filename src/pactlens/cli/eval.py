"""``pactlens eval``: the command line of the evaluation harness (:mod:`pactlens._eval`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pactlens._config import EVAL_DATA_ENV, eval_data_dir
from pactlens._errors import PactlensError
from pactlens._eval.harness import evaluate
from pactlens.cli.options import add_backend_options, make_config, stdout

__all__ = ["add_eval_parser", "run_eval"]


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``eval`` to a CLI's ``add_subparsers()``; it sets ``run=run_eval`` as its default."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "eval",
        help="score pactlens (or the rule baseline) on an evaluation set",
        description="Score pactlens or the rule-based baseline on PolNeAR attributions, RAMS "
        "agreement events or the seed article; print a P/R/F1 table.",
    )
    parser.add_argument(
        "--dataset",
        choices=["polnear", "rams", "seed", "injection", "agreements", "tracking"],
        default="polnear",
    )
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
        help=f"evaluation data directory (default: ${EVAL_DATA_ENV}, else "
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
    add_backend_options(parser)
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

    if args.json is None:  # the table would be lost: say so before scoring anything
        stdout(", or pass --json OUT")
    data = args.data if args.data is not None else eval_data_dir()
    predict: Any
    try:
        if args.predictor == "baseline":
            from pactlens._eval.baseline import Baseline

            predict = Baseline()
        elif args.predictor == "rules":
            from pactlens._eval.baseline import RulesOnly

            predict = RulesOnly()
        else:
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


def _progress(n: int, total: int, key: str) -> None:
    print(f"[{n}/{total}] {key}", file=sys.stderr, flush=True)
