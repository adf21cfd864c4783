"""Long documents: windows, time and memory as length grows, and whole vs parts.

A long document is built from texts written for the project: the 38 dated tracking
articles (``tests/gold/tracking/articles``) and a treaty-like text of numbered articles,
joined and repeated to each size. It is summarised through the real pipeline against
the loopback OpenAI-compatible server (``tests/loopback.py`` in its own process, as for
every benchmark: a fixed latency, answers that add nothing), with the embedded model's
context (8,192 tokens), so what is measured is pactlens's own work: cleaning, the
deterministic half over the whole text, planning the windows, one request per window,
merging. Then the same texts summarised one by one:
the agreements and statements the whole finds are compared with the union of the parts'.

    python benchmarks/long_article.py                      # 25k, 50k, 100k, 200k characters
    python benchmarks/long_article.py --sizes 100000 400000 --latency 0.05
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from _common import ROOT, bench_config, loopback, peak_rss_mib, rss_mib

import pactlens

ARTICLES = ROOT / "tests" / "gold" / "tracking" / "articles"


def treaty(articles: int = 30) -> str:
    """A treaty-like text written for this benchmark: numbered articles of obligations."""
    parts = ["Treaty on Fisheries Cooperation between Norway and Marenland"]
    for n in range(1, articles + 1):
        parts.append(
            f"Article {n}. The Parties shall cooperate on the management of stock {n} in the "
            "North Skerry grounds. Each Party shall report its catch every quarter, and the "
            "joint commission shall review the quotas in the light of scientific advice."
        )
    parts.append("The Parties signed this Treaty in Port Alvin on 20 October 2025.")
    return "\n\n".join(parts)


def parts() -> list[str]:
    """Each tracking article's body (the headline dropped), and the treaty."""
    texts = []
    for path in sorted(ARTICLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        texts.append(text.split("\n\n", 1)[1] if not text[:40].count(",") else text)
    return [*texts, treaty()]


def document(size: int) -> tuple[str, list[str]]:
    """The parts, repeated in order until the joined text is at least ``size`` long."""
    pool, used, total = parts(), [], 0
    while total < size:
        piece = pool[len(used) % len(pool)]
        used.append(piece)
        total += len(piece) + 2
    return "\n\n".join(used), used


def facts(summary: pactlens.ArticleSummary) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    agreements = {(a.name.casefold(), a.status) for a in summary.agreements}
    statements = {(s.kind, " ".join(s.text.split())) for s in summary.statements}
    return agreements, statements


def overlap(first: set[tuple[str, str]], second: set[tuple[str, str]]) -> str:
    """How many of the second's items the first has, and how many it has besides."""
    return f"{len(first & second)}/{len(second)} shared, {len(first - second)} more"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000, 50_000, 100_000, 200_000])
    parser.add_argument("--latency", type=float, default=0.0, help="server seconds per request")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(
        f"pactlens {pactlens.__version__}; load {load:.2f} on {os.cpu_count()} CPUs; "
        f"server latency {args.latency} s; context 8,192 tokens"
    )
    print(f"{'chars':>8} {'windows':>8} {'seconds':>8} {'ms/1k chars':>12} {'RSS MB':>7}")
    with loopback(latency=args.latency) as url:
        config = bench_config(url, context_tokens=8192, cache=False)
        with pactlens.Summariser(config) as s:
            s.summarise(treaty(3))  # warm: imports, client
            largest = None
            for size in args.sizes:
                text, used = document(size)
                started = time.perf_counter()
                summary = s.summarise(text)
                seconds = time.perf_counter() - started
                print(
                    f"{len(text):8d} {summary.meta.windows:8d} {seconds:8.2f} "
                    f"{1000 * seconds / (len(text) / 1000):12.2f} {rss_mib():7.0f}"
                )
                largest = (summary, used)
            assert largest is not None
            summary, used = largest
            whole_a, whole_s = facts(summary)
        # The same document in one request (no context limit): what windowing changes.
        unbounded = config.model_copy(update={"context_tokens": 10**9})
        with pactlens.Summariser(unbounded) as one:
            single_a, single_s = facts(one.summarise("\n\n".join(used)))
        with pactlens.Summariser(config) as s:
            part_a: set[tuple[str, str]] = set()
            part_s: set[tuple[str, str]] = set()
            for piece in dict.fromkeys(used):
                a, st = facts(s.summarise(piece))
                part_a |= a
                part_s |= st
    names = {n for n, _ in whole_a}
    print(
        f"largest, windows vs one request: agreements {overlap(whole_a, single_a)}; "
        f"statements {overlap(whole_s, single_s)}"
    )
    print(
        f"largest vs its parts one by one: agreements {overlap(whole_a, part_a)} "
        f"(names: {len(names & {n for n, _ in part_a})}/{len({n for n, _ in part_a})}); "
        f"statements {overlap(whole_s, part_s)}"
    )
    print(f"peak RSS {peak_rss_mib():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
