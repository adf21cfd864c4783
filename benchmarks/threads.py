"""The embedded model's generation speed by thread settings, quiet and beside a busy process.

Each setting starts its own llama_cpp.server (the real one, on loopback), warms it up,
then times a fixed short generation: once on a quiet machine and once with one other
CPU-bound process running (a laptop with a browser open, a CI box). Prints tokens per
second and the slowdown under load, with the machine's load average beside the figures.

    python benchmarks/threads.py                 # every setting, 2 runs each
    python benchmarks/threads.py --tokens 48 --runs 3
    python benchmarks/threads.py --seed          # the seed article, default settings
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from pactlens._config import default_data_dir
from pactlens.backend.model_store import ensure_model
from pactlens.backend.server import LocalServer, usable_cpus

PROMPT = (
    "List, as a JSON array of short strings, the parties of this agreement: "
    "Russia and North Korea signed a strategic partnership pact in Pyongyang on Wednesday, "
    "with a mutual defence clause, Russian President Vladimir Putin said."
)


def _spin(stop: Any) -> None:
    while not stop.is_set():
        pass


@contextlib.contextmanager
def busy(n: int) -> Iterator[None]:
    """``n`` other CPU-bound processes running for the duration."""
    stop = multiprocessing.Event()
    procs = [multiprocessing.Process(target=_spin, args=(stop,), daemon=True) for _ in range(n)]
    for p in procs:
        p.start()
    try:
        time.sleep(0.5)
        yield
    finally:
        stop.set()
        for p in procs:
            p.join(timeout=5)


def generate(client: httpx.Client, url: str, tokens: int) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.post(
        f"{url}/chat/completions",
        json={
            "messages": [{"role": "user", "content": PROMPT}],
            "max_tokens": tokens,
            "temperature": 0,
            "repeat_penalty": 1.0,
        },
        timeout=900,
    )
    response.raise_for_status()
    seconds = time.perf_counter() - started
    return seconds, int(response.json()["usage"]["completion_tokens"])


def measure(server: LocalServer, tokens: int, runs: int, load: int) -> float:
    rates = []
    with httpx.Client(trust_env=False) as client, busy(load):
        generate(client, server.base_url, 8)  # warm: the prompt is cached after this
        for _ in range(runs):
            seconds, made = generate(client, server.base_url, tokens)
            rates.append(made / seconds)
    return statistics.median(rates)


def seed(runs: int) -> None:
    """The seed article through pactlens with the default settings, quiet and busy."""
    import pactlens

    text = Path(__file__).resolve().parents[1] / "examples/articles/russia-north-korea-pact.txt"
    raw = text.read_text(encoding="utf-8")
    config = pactlens.Config(backend="local", cache=False)
    print(f"seed, default settings, load before {os.getloadavg()[0]:.2f}")
    with pactlens.Summariser(config) as summariser:
        summariser.summarise(raw)  # warm: server started, prompt prefix cached
        for load in (0, 1):
            with busy(load):
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    summary = summariser.summarise(raw)
                    times.append(time.perf_counter() - started)
            tokens = summary.meta.usage.completion_tokens
            print(
                f"busy={load}: {statistics.median(times):.1f} s median of {runs} "
                f"({tokens} completion tokens)"
            )
    print(f"load after {os.getloadavg()[0]:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--seed", action="store_true", help="time the seed article instead")
    args = parser.parse_args()
    if args.seed:
        seed(args.runs)
        return 0
    cpus = usable_cpus()
    model = ensure_model(default_data_dir())
    settings = [
        ("threads=cpus, OpenMP spins (llama.cpp's default wait)", cpus, {}),
        ("threads=cpus, OMP_WAIT_POLICY=PASSIVE", cpus, {"OMP_WAIT_POLICY": "PASSIVE"}),
        ("threads=cpus, GOMP_SPINCOUNT=10000 (spin briefly)", cpus, {"GOMP_SPINCOUNT": "10000"}),
        ("threads=1", 1, {}),
    ]
    print(f"cpus {cpus}, load before {os.getloadavg()[0]:.2f}, {args.tokens} tokens per run")
    print(f"{'setting':58} {'quiet tok/s':>11} {'busy tok/s':>10} {'slowdown':>8}")
    for name, threads, env in settings:
        with LocalServer(model, n_threads=threads, env=env) as server:
            quiet = measure(server, args.tokens, args.runs, load=0)
            loaded = measure(server, args.tokens, args.runs, load=1)
        print(f"{name:58} {quiet:11.1f} {loaded:10.1f} {quiet / loaded:7.1f}x")
    print(f"load after {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
