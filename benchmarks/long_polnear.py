"""The PolNeAR dev articles too long for the model's context: before (what a partial
result holds: the rules alone) and after (asked about in windows), scored per article
like ``pactlens eval --dataset polnear``.

    python benchmarks/long_polnear.py                       # the embedded model
    python benchmarks/long_polnear.py --data ../shared/eval --threads 1

The articles are found, not named: those whose request does not fit the context.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from pactlens import Config, Summariser
from pactlens._eval import polnear
from pactlens._eval.baseline import RulesOnly
from pactlens._eval.scoring import Counts


def f1(c: Counts) -> str:
    return f"{c.f1:.3f} ({c.tp}/{c.fp}/{c.fn})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--list", action="store_true", help="only list the articles")
    args = parser.parse_args()
    documents = polnear.load(polnear.find_dir(args.data, "dev"), annotators="first")
    print(f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    rules = RulesOnly()
    totals = {"before": polnear.Scores.empty(), "after": polnear.Scores.empty()}
    with Summariser(Config(backend="local", threads=args.threads)) as s:
        long = [d for d in documents if getattr(s._start(d.text), "windows", None)]
        print(f"{len(long)} of {len(documents)} articles need windows")
        if args.list:
            print("\n".join(f"  {d.name} ({len(d.text):,} chars)" for d in long))
            return 0
        for doc in long:
            started = time.perf_counter()
            after = s.summarise(doc.text)
            seconds = time.perf_counter() - started
            for side, summary in (("before", rules(doc.text)), ("after", after)):
                totals[side].add(
                    polnear.score_document(doc, polnear.predicted_statements(summary, doc.text))
                )
            print(
                f"{doc.name}: {len(doc.text):,} chars, {after.meta.windows} windows, "
                f"{seconds:.0f} s, partial={after.meta.partial} {after.meta.failed_windows}"
            )
    for side, scores in totals.items():
        counts = scores.counts
        print(
            f"{side}: quoted@0.3 {f1(counts['quoted@0.3'])}  indirect@0.3 "
            f"{f1(counts['indirect@0.3'])}  all@0.3 {f1(counts['all@0.3'])}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
