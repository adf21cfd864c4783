"""(d) Reliability: a 1,000-article batch with 20% of requests failing loses nothing.

The loopback server (its own process) answers a seeded 20% of chat requests with 500,
503 or 429 (``Retry-After: 0``); pactlens retries them with its default
:class:`~pactlens.RetryPolicy` (up to 8 attempts by default, ``Retry-After`` honoured). Every
article must come back ok; the table counts requests and retries. With N attempts an
article is lost only if N requests in a row fail (0.2**N per article), so a 1,000-article
run loses none with probability (1 - 0.2**N)**1000: about 73% for N = 5, 99.7% for the
default 8; the script prints that figure beside the result.

    .venv/bin/python benchmarks/reliability.py [--n 1000] [--concurrency 32] [--attempts 8]
"""

from __future__ import annotations

import argparse
import logging
import time

from _common import articles, bench_config, environment, loopback, table

import pactlens
from pactlens._batch import Ledger, summarise_many


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--attempts", type=int, default=pactlens.RetryPolicy().max_attempts)
    parser.add_argument("--latency", type=float, default=0.02)
    args = parser.parse_args()
    for name in ("pactlens", "instructor"):  # a retry note per fault would flood the output
        logging.getLogger(name).setLevel(logging.CRITICAL)
    policy = pactlens.RetryPolicy(max_attempts=args.attempts)
    ledger = Ledger()
    with loopback(latency=args.latency, fault_rate=args.fault_rate, seed=7) as url:
        config = bench_config(url, cache=False, retry=policy)
        with pactlens.Summariser(config) as summariser:
            started = time.perf_counter()
            results = list(
                summarise_many(
                    summariser,
                    articles(args.n),
                    concurrency=args.concurrency,
                    progress=False,
                    ledger=ledger,
                )
            )
            seconds = time.perf_counter() - started
    ok = sum(r.ok for r in results)
    no_loss = (1 - args.fault_rate**args.attempts) ** args.n
    print(
        f"(d) reliability, {args.fault_rate:.0%} injected faults, concurrency "
        f"{args.concurrency}, {args.attempts} attempts ({environment()})"
    )
    print(
        table(
            [
                "articles",
                "ok",
                "lost",
                "requests",
                "retries",
                "retries/article",
                "seconds",
                "P(no loss)",
            ],
            [
                [
                    args.n,
                    ok,
                    args.n - ok,
                    ledger.requests,
                    ledger.retries,
                    ledger.retries / args.n,
                    seconds,
                    no_loss,
                ]
            ],
        )
    )
    for ident, why in list(ledger.failures.items())[:5]:
        print(f"lost {ident}: {why}")


if __name__ == "__main__":
    main()
