"""(g) How preparation scales with the length of the text, in one paragraph and in many.

``prepare(clean(raw))`` numbers the sentences, finds the quotations and attributes them:
everything pactlens does before asking a model. The text is the seed article's body
repeated up to 10k, 100k and 1M characters, either joined into ONE paragraph (the case
that used to be quadratic) or as MANY paragraphs (as written). Each figure is the best
of ``--repeat`` runs of CPU time (``time.process_time``), every run on a text of its own
so that no per-text cache flatters it; ``x per 10x`` is the time ratio to the row 10x
shorter (linear ~10, quadratic ~100). Sizes that would take longer than ``--limit``
seconds, judged from the row before, are skipped. ``clean()`` is timed apart.

    .venv/bin/python benchmarks/prepare_scaling.py [--sizes 10000 100000 1000000]
        [--layouts one many] [--repeat 3] [--limit 120]
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Sequence

from _common import environment, seed_raw, table

import pactlens
from pactlens._models import Article
from pactlens.grounding import prepare

SEPARATORS = {"one": " ", "many": "\n\n"}


def body_paragraphs() -> list[str]:
    raw = seed_raw()
    start = raw.index("Islamabad, 21 June 2024 (TDI):")
    end = raw.index("waved flowers and flags.") + len("waved flowers and flags.")
    return [p.strip() for p in raw[start:end].split("\n") if p.strip()]


def text_of(size: int, layout: str, tag: int) -> str:
    sep = SEPARATORS[layout]
    body = sep.join(body_paragraphs())
    text = f"Report {tag}. " + sep.join([body] * (size // len(body) + 1))
    return text[:size]


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def measure(size: int, layout: str, repeat: int) -> tuple[list[object], float]:
    best_clean = best = float("inf")
    article: Article | None = None
    sentences = quotations = 0
    for run in range(repeat):
        raw = text_of(size, layout, run)
        started = time.process_time()
        article = pactlens.clean(raw, max_chars=size + 1)
        best_clean = min(best_clean, time.process_time() - started)
        started = time.process_time()
        prepared = prepare(article)
        best = min(best, time.process_time() - started)
        sentences, quotations = len(prepared.sentences), len(prepared.quotations)
    assert article is not None
    paragraphs = article.text.count("\n\n") + 1
    row: list[object] = [
        layout,
        f"{len(article.text):,}",
        paragraphs,
        sentences,
        quotations,
        best_clean,
        best,
        f"{len(article.text) / best:,.0f}",
    ]
    return row, best


def run(sizes: Sequence[int], layouts: Sequence[str], repeat: int, limit: float) -> str:
    headers = [
        "layout",
        "chars",
        "paragraphs",
        "sentences",
        "quotations",
        "clean s",
        "prepare s",
        "chars/s",
        "x per 10x",
        "load 1/5/15",
    ]
    rows: list[list[object]] = []
    prepare(pactlens.clean(text_of(2_000, "many", -1)))  # warm up: imports, regexes
    for layout in layouts:
        previous: tuple[int, float] | None = None
        for size in sorted(sizes):
            if previous is not None:
                predicted = previous[1] * size / previous[0]  # linear at best
                if predicted > limit:
                    rows.append([layout, f"{size:,}", *["-"] * 5, "skipped", "-", load()])
                    continue
            row, seconds = measure(size, layout, repeat)
            ratio = "-"
            if previous is not None:
                per_10x = (seconds / previous[1]) ** (1 / math.log10(size / previous[0]))
                ratio = f"{per_10x:.1f}"
            rows.append([*row, ratio, load()])
            previous = (size, seconds)
    return table(headers, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--layouts", nargs="+", choices=list(SEPARATORS), default=["one", "many"])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best counts")
    parser.add_argument(
        "--limit", type=float, default=120.0, help="skip a size predicted to take longer (s)"
    )
    args = parser.parse_args()
    print(environment())
    print(run(args.sizes, args.layouts, args.repeat, args.limit))


if __name__ == "__main__":
    main()
