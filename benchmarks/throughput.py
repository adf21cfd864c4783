"""(c) Batch throughput against a server with a fixed 200 ms latency, as a share of ideal.

``pactlens._batch.summarise_many`` runs distinct short articles through the loopback
server (its own process, 200 ms per answer, minimal valid answers) with the cache off.
Ideal throughput is concurrency / latency articles per second; the table gives the
measured rate as a fraction of it, and the peak RSS of the client process (each
configuration runs in a fresh subprocess, so peaks do not carry over). At concurrency 1
only ``--n1`` articles are run (1,000 would take over three minutes of waiting).

    .venv/bin/python benchmarks/throughput.py [--n 1000] [--n1 50] [--concurrency 1 8 32 64]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from _common import articles, bench_config, environment, loopback, peak_rss_mib, table

import pactlens
from pactlens._batch import Ledger, summarise_many

LATENCY = 0.2


def one(url: str, concurrency: int, n: int) -> dict[str, float]:
    texts = articles(n)
    before = peak_rss_mib()
    config = bench_config(url, cache=False)
    ledger = Ledger()
    with pactlens.Summariser(config) as summariser:
        summariser.summarise(articles(1, start=n)[0])  # warm-up: imports, client, connection
        started = time.perf_counter()
        for _ in summarise_many(
            summariser, texts, concurrency=concurrency, progress=False, ledger=ledger
        ):
            pass
        seconds = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "n": n,
        "seconds": seconds,
        "ok": ledger.succeeded,
        "failed": ledger.failed,
        "rss_before": before,
        "rss_peak": peak_rss_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles per run")
    parser.add_argument("--n1", type=int, default=50, help="articles at concurrency 1")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument("--one", nargs=2, metavar=("URL", "C"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        url, concurrency = args.one[0], int(args.one[1])
        print(json.dumps(one(url, concurrency, args.n)))
        return
    rows = []
    with loopback(latency=LATENCY) as url:
        for c in args.concurrency:
            n = args.n1 if c == 1 else args.n
            out = subprocess.run(
                [sys.executable, __file__, "--one", url, str(c), "--n", str(n)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(out)
            rate = r["n"] / r["seconds"]
            ideal = c / LATENCY
            rows.append(
                [c, r["n"], r["ok"], r["seconds"], rate, ideal, rate / ideal, r["rss_peak"]]
            )
    print(
        f"(c) batch throughput, server latency {LATENCY * 1000:.0f} ms, cache off ({environment()})"
    )
    print(
        table(
            [
                "concurrency",
                "articles",
                "ok",
                "seconds",
                "articles/s",
                "ideal/s",
                "fraction of ideal",
                "peak RSS MiB",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
