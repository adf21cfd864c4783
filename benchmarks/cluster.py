"""(o) One process against Ray Data, at 200 ms a request, and a re-run from Redis.

The same ``--n`` distinct short articles go through the loopback server (its own
process, 200 ms per answer, minimal valid answers), cache off:

- ``summarise_many`` in this process with ``--in-flight`` articles in flight;
- Ray Data (a local ``ray.init(num_cpus=2)``, started once, its start timed apart) with
  1 and 2 actors, each with ``--in-flight`` in flight and batches of ``--batch``.

Then the Ray run with 2 actors is repeated twice against a real redis-server cache: the
second pass's hit rate and model calls show what a resumed or repeated job costs.
Ideal throughput is (actors x in flight) / latency articles per second; the overhead Ray
adds per article is its seconds, less a job's fixed cost (a 2-row job: the actors start
and import pactlens), less the one-process seconds at the same total in flight, over n.

    .venv/bin/python benchmarks/cluster.py [--n 800] [--in-flight 8] [--batch 32]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from _common import articles, bench_config, environment, loopback, table

import pactlens
from pactlens._batch import summarise_many

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from redis_server import redis_server  # the tests' real redis-server helper

LATENCY = 0.2


def one_process(url: str, n: int, in_flight: int) -> float:
    texts = articles(n)
    with pactlens.Summariser(bench_config(url, cache=False)) as s:
        s.summarise(articles(1, start=n)[0])  # warm-up
        started = time.perf_counter()
        done = sum(r.ok for r in summarise_many(s, texts, concurrency=in_flight, progress=False))
        seconds = time.perf_counter() - started
    assert done == n, f"{n - done} articles failed"
    return seconds


def with_ray(
    ray: Any, config: Any, n: int, actors: int, in_flight: int, batch: int
) -> tuple[float, list[dict[str, Any]]]:
    from pactlens.ray import summarise_dataset

    ds = ray.data.from_items([{"id": str(i), "text": t} for i, t in enumerate(articles(n))])
    started = time.perf_counter()
    out = summarise_dataset(
        ds, config=config, concurrency=actors, max_in_flight=in_flight, batch_size=batch
    )
    rows = out.take_all()
    seconds = time.perf_counter() - started
    assert len(rows) == n
    assert all(r["ok"] for r in rows)
    return seconds, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=800)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)
    import ray

    n, k = args.n, args.in_flight
    print(f"# {environment()}; {n} articles, {LATENCY * 1000:.0f} ms per request")
    started = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray_start = time.perf_counter() - started
    rows: list[list[Any]] = []
    with loopback(latency=LATENCY) as url:
        base = one_process(url, n, k)
        rows.append(["summarise_many, 1 process", k, base, n / base, n / base / (k / LATENCY), "-"])
        no_cache = bench_config(url, cache=False)
        floor, _ = with_ray(ray, no_cache, 2, 1, k, args.batch)  # a job's fixed cost
        for actors in (1, 2):
            seconds, _ = with_ray(ray, no_cache, n, actors, k, args.batch)
            same = one_process(url, n, actors * k) if actors > 1 else base
            extra = (seconds - floor - same) / n * 1000
            ideal = actors * k / LATENCY
            rows.append(
                [
                    f"Ray Data, {actors} actor(s)",
                    actors * k,
                    seconds,
                    n / seconds,
                    n / seconds / ideal,
                    f"{extra:+.1f} ms",
                ]
            )
        with redis_server() as redis:
            shared = bench_config(url, cache_url=redis.url)
            first, _ = with_ray(ray, shared, n, 2, k, args.batch)
            client = redis.client()
            calls_before = int(client.dbsize())
            again, rerun = with_ray(ray, shared, n, 2, k, args.batch)
            hits = sum(r["cached"] for r in rerun)
            stored = int(client.dbsize())
    ray.shutdown()
    print(
        table(
            ["run", "in flight", "seconds", "articles/s", "of ideal", "Ray's cost per article"],
            rows,
        )
    )
    print()
    print(
        f"Ray start (ray.init, local, 2 CPUs): {ray_start:.1f} s, not counted above; "
        f"a job's fixed cost (2 rows: actors start, import pactlens): {floor:.1f} s, "
        "counted in the seconds, not in Ray's cost per article"
    )
    print(
        f"Redis cache, 2 actors: first pass {first:.1f} s; re-run {again:.1f} s, "
        f"{hits}/{n} rows from the cache ({hits / n:.0%}), "
        f"{stored - calls_before} new entries (0 = no model call)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
