"""Articles in flight at once against the embedded model on this machine: does sending
two requests together help or hurt? The same articles, concurrency 1 then 2 then 1
again, one server, warmed first, cache off.

    python benchmarks/local_concurrency.py --n 4
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from pactlens import Config, Summariser

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4, help="articles (tracking dev set)")
    args = parser.parse_args()
    paths = sorted((ROOT / "tests" / "gold" / "tracking" / "articles").glob("*.txt"))[: args.n]
    print(f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {len(paths)} articles")
    with Summariser(Config(backend="local", cache=False)) as s:
        s.summarise(paths[0].read_text(encoding="utf-8"))  # warm: server start, prefix
        for concurrency in (1, 2, 1):
            started = time.perf_counter()
            results = list(s.summarise_many(paths, concurrency=concurrency))
            seconds = time.perf_counter() - started
            tokens = sum(r.usage.completion_tokens for r in results)
            ok = sum(r.ok for r in results)
            print(
                f"concurrency {concurrency}: {seconds:.1f} s for {ok}/{len(paths)} articles, "
                f"{3600 * ok / seconds:.0f} articles/hour, {tokens / seconds:.1f} generated tok/s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
