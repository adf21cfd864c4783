"""(b) Cache-hit latency per article: ``Summariser.summarise`` on an article already cached.

The cache is filled from the loopback server (the seed with its full answer; short
synthetic articles with a minimal one), then every article is summarised again
``--rounds`` times; each call is timed. A hit still cleans the text, computes the key,
reads diskcache and validates the stored JSON. Goal: median and p99 <= 0.5 ms.

    .venv/bin/python benchmarks/cache_hit.py [--articles 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import (
    articles,
    bench_config,
    environment,
    loopback,
    median,
    percentile,
    seed_answer,
    seed_raw,
    table,
)

import pactlens


def hits(url: str, texts: list[str], rounds: int, cache_dir: Path) -> list[float]:
    config = bench_config(url, cache_dir=cache_dir)
    with pactlens.Summariser(config) as summariser:
        for text in texts:  # fill
            summariser.summarise(text)
        times = []
        for _ in range(rounds):
            for text in texts:
                started = time.perf_counter()
                summary = summariser.summarise(text)
                times.append(time.perf_counter() - started)
                assert summary.meta.cached, "expected a cache hit"
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="distinct short articles")
    parser.add_argument("--rounds", type=int, default=5, help="hits per article")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        raw = seed_raw()
        with loopback(answer=seed_answer(raw)) as url:
            seed_times = hits(url, [raw], args.rounds * 40, Path(tmp) / "seed")
        with loopback() as url:
            short_times = hits(url, articles(args.articles), args.rounds, Path(tmp) / "short")
    for name, times in (
        ("seed (5 statements, 2 agreements)", seed_times),
        (f"{args.articles} short articles", short_times),
    ):
        rows.append(
            [
                name,
                len(times),
                median(times) * 1000,
                percentile(times, 99) * 1000,
                max(times) * 1000,
            ]
        )
    print(f"(b) cache-hit latency ({environment()})")
    print(table(["articles", "hits", "median ms", "p99 ms", "max ms"], rows))
    print("goal: <= 0.5 ms")


if __name__ == "__main__":
    main()
