"""(f) The embedded model: seconds per article, tokens/s, and its scores on a few articles.

Runs ``Config(backend="local", cache=False)`` (Qwen2.5-Coder-1.5B Q4_K_M served by
llama_cpp.server on loopback) on the seed and on the first ``--polnear`` PolNeAR dev
and ``--rams`` RAMS dev articles, through the evaluation harness, so the same run
gives timings and P/R/F1. The server starts once (its start-up is timed apart).
Per article: wall seconds, prompt and completion tokens, and completion tokens per
second of model time (``meta.timings["llm"]``). Slow on CPU: about 30 s or more per
article on 2 cores, so keep the counts small.

    .venv/bin/python benchmarks/local_model.py [--polnear 3] [--rams 3] [--data DIR]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from _common import environment, median, seed_raw, table

import pactlens
from pactlens._config import eval_data_dir
from pactlens._eval import evaluate
from pactlens._models import ArticleSummary


class Timed:
    """A predictor that remembers each summary's timings and usage."""

    def __init__(self, summariser: pactlens.Summariser) -> None:
        self.summariser = summariser
        self.name = f"pactlens ({summariser.model}, local)"
        self.rows: list[tuple[float, ArticleSummary]] = []

    def __call__(self, text: str) -> ArticleSummary:
        started = time.perf_counter()
        summary = self.summariser.summarise(text)
        self.rows.append((time.perf_counter() - started, summary))
        return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polnear", type=int, default=3, help="PolNeAR dev articles")
    parser.add_argument("--rams", type=int, default=3, help="RAMS dev instances")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("PACTLENS_CACHE_DIR", "/tmp/pactlens-cache")),
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per request")
    args = parser.parse_args()
    data = args.data or eval_data_dir()
    config = pactlens.Config(
        backend="local", cache_dir=args.cache_dir, cache=False, timeout=args.timeout
    )
    with pactlens.Summariser(config) as summariser:
        started = time.perf_counter()
        summariser.summarise("Warm-up, 1 May 2024: A and B signed a pact, officials said.")
        startup = time.perf_counter() - started
        predictor = Timed(summariser)
        reports = [evaluate(predictor, dataset="seed")]
        seed_rows = len(predictor.rows)
        if args.polnear:
            reports.append(evaluate(predictor, data, dataset="polnear", limit=args.polnear))
        if args.rams:
            reports.append(evaluate(predictor, data, dataset="rams", limit=args.rams))
    rows = []
    for n, (seconds, summary) in enumerate(predictor.rows):
        usage, llm = summary.meta.usage, summary.meta.timings.get("llm", 0.0)
        which = "seed" if n < seed_rows else "article"
        rows.append(
            [
                which,
                len(summary.text),
                seconds,
                usage.prompt_tokens,
                usage.completion_tokens,
                usage.requests,
                usage.completion_tokens / llm if llm else 0.0,
            ]
        )
    print(f"(f) embedded model ({environment()}); server start + warm-up {startup:.1f} s")
    print(
        table(
            [
                "article",
                "chars",
                "seconds",
                "prompt tok",
                "completion tok",
                "requests",
                "completion tok/s",
            ],
            rows,
        )
    )
    if predictor.rows:
        print(
            f"median {median([s for s, _ in predictor.rows]):.1f} s per article "
            f"over {len(predictor.rows)} articles (failures are in the reports below)"
        )
    print(f"seed: {len(seed_raw())} raw chars")
    for report in reports:
        print()
        print(report.table())


if __name__ == "__main__":
    main()
