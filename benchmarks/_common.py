"""Shared pieces of the benchmark scripts: the loopback server process, articles, tables.

The loopback server (``tests/loopback.py``) runs in its own process, so its threads do
not compete with the measured client for the GIL; it is stopped by its own pid.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pactlens._config import Config

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "articles" / "russia-north-korea-pact.txt"
LOOPBACK = Path(__file__).resolve().parent / "_loopback_server.py"  # tests/loopback.py, Nagle off
#: Where pactlens keeps the embedded model's weights (Config.data_dir).
MODELS = Config.from_env().resolved_data_dir / "models"


@contextlib.contextmanager
def loopback(
    *,
    latency: float = 0.0,
    fault_rate: float = 0.0,
    answer: dict[str, Any] | None = None,
    seed: int = 1,
) -> Iterator[str]:
    """Serve ``tests/loopback.py`` (via ``_loopback_server.py``) in a subprocess; yields its URL."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable,
            str(LOOPBACK),
            "--port",
            "0",
            "--latency",
            str(latency),
            "--fault-rate",
            str(fault_rate),
            "--seed",
            str(seed),
        ]
        if answer is not None:
            path = Path(tmp) / "answer.json"
            path.write_text(json.dumps(answer), encoding="utf-8")
            command += ["--answer-file", str(path)]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            if not url.startswith("http"):
                raise RuntimeError(f"the loopback server did not start: {url!r}")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def bench_config(url: str, **settings: Any) -> Any:
    """A ``pactlens.Config`` for the loopback server at ``url`` (environment ignored)."""
    import pactlens

    return pactlens.Config.from_env(
        {}, base_url=url, api_key="sk-bench", model="loopback", **settings
    )


def seed_raw() -> str:
    return SEED.read_text(encoding="utf-8")


def articles(n: int, *, start: int = 0) -> list[str]:
    """``n`` distinct short articles (a dateline, a deal, a quote)."""
    places = ["Geneva", "Nairobi", "Lima", "Hanoi", "Oslo", "Accra", "Quito", "Riga"]
    return [
        f"{places[i % len(places)]}, 3 March 2025 (Reuters): Country {i} and Country {i + 1} "
        f"signed trade deal number {i} on Monday, cutting tariffs on steel by {i % 40 + 5} "
        f"percent.\n\n\u201cThis deal {i} opens our markets,\u201d Minister Alex Doe{i} said."
        for i in range(start, start + n)
    ]


def seed_answer(raw: str) -> dict[str, Any]:
    """A full, valid Extraction for the seed (what a good model answers), by sentence number."""
    from pactlens import clean
    from pactlens.grounding.assembly import prepare

    prepared = prepare(clean(raw))

    def number(phrase: str) -> int:
        return next(n for n, s in enumerate(prepared.sentences, 1) if phrase in s.text)

    first = number("mutual defense clause")
    return {
        "parties": [
            {"name": "Russia", "kind": "state", "aliases": ["Moscow"],
             "leaders": ["Vladimir Putin"]},
            {"name": "North Korea", "kind": "state", "aliases": ["Pyongyang"],
             "leaders": ["Kim"]},
        ],
        "agreements": [
            {"name": "Comprehensive strategic partnership agreement", "kind": "pact",
             "status": "signed", "parties": ["Russia", "North Korea"],
             "signatories": ["Putin", "Kim"], "date_words": "on Wednesday", "place": None,
             "scope": ["security", "trade", "investment", "cultural and humanitarian ties"],
             "clauses": [{"topic": "mutual defence", "summary": "Each party helps the other "
                          "repel external aggression.", "obliged": ["Russia", "North Korea"],
                          "condition": "aggression against one of the parties",
                          "sentences": [first]}],
             "sentences": [first, number("details of the Russia-North Korea")]},
            {"name": "Potential arms deal", "kind": "trade_deal", "status": "speculative",
             "parties": ["North Korea", "Russia"], "signatories": [], "date_words": None,
             "place": None, "scope": [], "clauses": [],
             "sentences": [number("Pyongyang supplying Moscow")]},
        ],
        "quote_speakers": [],
        "reported": [
            {"speaker": "Vladimir Putin", "cue": "said", "sentence": first},
            {"speaker": "Putin", "cue": "drew attention", "sentence": number("drew attention")},
            {"speaker": "Putin and Kim", "cue": "described", "sentence": number("Both leaders")},
        ],
        "summary": "Russia and North Korea signed a strategic partnership pact with a mutual "
        "defence clause. Putin said it provides mutual assistance against aggression.",
    }  # fmt: skip


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rss_mib() -> float:
    """This process's resident set size now (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    """This process's peak resident set size (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "  ".join(
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def environment() -> str:
    import platform

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{platform.machine()} {platform.system()}, load {load}"
    )
