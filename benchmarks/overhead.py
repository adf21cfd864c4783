"""(a) Per-article overhead: pactlens vs a bare instructor call, same server, same answer.

Both sides talk to the same loopback server (tests/loopback.py, its own process), which
answers every request with the same full Extraction of the seed article. The bare side
is ``instructor.from_openai(OpenAI(...)).chat.completions.create(response_model=
Extraction)`` with the messages pactlens would send, rendered once beforehand; the
pactlens side is ``Summariser.summarise(raw_text)`` with the cache off, so it also
cleans, finds quotations, renders the prompt and grounds the answer every time. Calls
alternate, after a warm-up. Goal: ratio <= 1.05.

    .venv/bin/python benchmarks/overhead.py [--n 200] [--latency 0 0.05 0.2]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import instructor
import openai
from _common import (
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
from pactlens._extraction import Extraction
from pactlens.grounding.assembly import prepare


def measure(latency: float, n: int) -> list[object]:
    raw = seed_raw()
    with loopback(latency=latency, answer=seed_answer(raw)) as url:
        config = bench_config(url, cache=False, mode="tools")
        summariser = pactlens.Summariser(config)
        messages = summariser.prompt.render(
            **summariser.prompt.variables_for(prepare(pactlens.clean(raw)))
        )
        raw_client = openai.OpenAI(
            base_url=url, api_key="sk-bench", max_retries=0, timeout=config.timeout
        )
        bare = instructor.from_openai(raw_client, mode=instructor.Mode.TOOLS)

        def bare_call() -> None:
            bare.chat.completions.create(
                model="loopback",
                messages=messages,  # type: ignore[arg-type]
                response_model=Extraction,
                max_retries=config.max_reasks,
                temperature=config.temperature,
                max_tokens=config.max_output_tokens,
            )

        def pactlens_call() -> None:
            summary = summariser.summarise(raw)
            assert len(summary.statements) == 5
            assert len(summary.agreements) == 2

        calls: dict[str, Callable[[], None]] = {"bare": bare_call, "pactlens": pactlens_call}
        times: dict[str, list[float]] = {"bare": [], "pactlens": []}
        for _ in range(10):  # warm-up: connections, imports, caches
            bare_call()
            pactlens_call()
        for i in range(n):
            order = ("bare", "pactlens") if i % 2 else ("pactlens", "bare")
            for name in order:
                started = time.perf_counter()
                calls[name]()
                times[name].append(time.perf_counter() - started)
        raw_client.close()
        summariser.close()
    b, p = median(times["bare"]), median(times["pactlens"])
    return [
        f"{latency * 1000:.0f}",
        n,
        b * 1000,
        p * 1000,
        (p - b) * 1000,
        percentile(times["pactlens"], 99) * 1000,
        p / b,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="calls per side")
    parser.add_argument(
        "--latency",
        type=float,
        nargs="+",
        default=[0.0, 0.05, 0.2],
        help="server latency in seconds (default: 0 0.05 0.2)",
    )
    args = parser.parse_args()
    rows = [measure(latency, args.n) for latency in args.latency]
    print(f"(a) per-article overhead, seed article, cache off ({environment()})")
    print(
        table(
            [
                "latency ms",
                "calls",
                "bare median ms",
                "pactlens median ms",
                "overhead ms",
                "pactlens p99 ms",
                "ratio",
            ],
            rows,
        )
    )
    print("goal: ratio <= 1.05")


if __name__ == "__main__":
    main()
