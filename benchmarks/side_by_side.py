"""(j) The seed on the embedded model, an older commit and this tree side by side.

For each side (``--ref``, checked out into a temporary git worktree, and the working
tree), a fresh process imports that side's pactlens, serves the embedded model
(``Config(backend="local", cache=False)``), summarises the seed once to warm the server
(model loaded, the prompt's prefix cached), then ``--runs`` more times. The sides take
turns run by run, so a machine that slows down mid-way slows both. Printed per side:
the median warm seconds, prompt and completion tokens, completion tokens per second of
model time, and the seed facts that pass (``pactlens._eval.seed.check``).

    .venv/bin/python benchmarks/side_by_side.py --ref 0f69c8a [--runs 2]

Slow on CPU: about a minute per call on 2 cores, and each side starts its own server.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import environment, median, table

ROOT = Path(__file__).resolve().parents[1]

#: Runs inside each side's process: its own pactlens, its own server.
WORKER = r"""
import json, sys, time
import pactlens
from pactlens._eval import seed
text = seed.article_path().read_text(encoding="utf-8")
runs = int(sys.argv[1])
with pactlens.Summariser(pactlens.Config(backend="local", cache=False)) as s:
    s.summarise(text)  # warm: the server is up and the prompt's prefix cached
    print("ready", flush=True)
    for _ in range(runs):
        sys.stdin.readline()  # the driver's turn signal
        started = time.perf_counter()
        summary = s.summarise(text)
        seconds = time.perf_counter() - started
        passed = sum(c.passed for c in seed.check(summary))
        usage = summary.meta.usage
        print(json.dumps({
            "seconds": seconds, "prompt": usage.prompt_tokens,
            "completion": usage.completion_tokens, "llm": summary.meta.timings.get("llm", 0),
            "facts": passed, "of": len(seed.check(summary)),
        }), flush=True)
"""


def _start(src: Path, runs: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(runs)],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        raise SystemExit(f"the worker for {src} did not start")
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", required=True, help="the older commit to compare with")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(environment())
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.ref],
            check=True,
            capture_output=True,
        )
        try:
            sides = {args.ref: old / "src", "this tree": ROOT / "src"}
            workers = {name: _start(src, args.runs) for name, src in sides.items()}
            rows: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
            for _ in range(args.runs):
                for name, worker in workers.items():
                    assert worker.stdin is not None
                    assert worker.stdout is not None
                    worker.stdin.write("\n")
                    worker.stdin.flush()
                    rows[name].append(json.loads(worker.stdout.readline()))
            for worker in workers.values():
                worker.wait(timeout=60)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)],
                check=False,
                capture_output=True,
            )
    out = []
    for name, runs in rows.items():
        seconds = median([r["seconds"] for r in runs])
        llm = median([r["llm"] for r in runs])
        completion = median([r["completion"] for r in runs])
        out.append(
            [
                name,
                f"{seconds:.1f}",
                f"{median([r['prompt'] for r in runs]):.0f}",
                f"{completion:.0f}",
                f"{completion / llm:.1f}" if llm else "-",
                f"{runs[-1]['facts']:.0f}/{runs[-1]['of']:.0f}",
            ]
        )
    print(table(["side", "warm s", "prompt tok", "completion tok", "tok/s", "seed facts"], out))
    first, second = (float(r[1]) for r in out)
    print(f"this tree / {args.ref}: {second / first:.2f}x the seconds")


if __name__ == "__main__":
    main()
