"""How the agreement book scales: N article summaries grouped, time and memory as it grows.

The summaries are synthetic but real ``ArticleSummary`` objects (spans that slice back,
parties, datelines), built before the clock starts: S states, pairs of them with a deal
on each of a few topics, and articles that each report one or two of those deals at a
status that moves forward in time; one mention in five names only one side, and about
one in seven calls it just "the agreement", as real reports do. What is timed is
``book.add`` alone, with no model: the rules decide, and the pairs they are unsure of
are counted (with a model, those are the questions it would be asked). Grouping is
checked against the known truth.

    python benchmarks/tracking.py                 # 10,000 summaries
    python benchmarks/tracking.py --n 2000 --db   # smaller, written through to SQLite
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import peak_rss_mib, rss_mib

from pactlens import __version__
from pactlens._models import Agreement, ArticleSummary, Dateline, Meta, Party, Span
from pactlens.tracking import AgreementBook, open_book

SYLLABLES = ["val", "dor", "ke", "thri", "ma", "ren", "lu", "sa", "tam", "or", "bel", "zan", "quo"]
TOPICS = {  # topic word -> kind
    "gas": "trade_deal",
    "defence": "treaty",
    "fisheries": "pact",
    "trade": "trade_deal",
    "water": "mou",
    "prisoner": "other",
}
HEADS = ["agreement", "deal", "pact", "accord"]
STAGES = ["proposed", "under_negotiation", "agreed", "signed", "ratified", "in_force"]
VERBS = {
    "proposed": "proposed",
    "under_negotiation": "negotiated",
    "agreed": "agreed",
    "signed": "signed",
    "ratified": "ratified",
    "in_force": "brought into force",
}


def states(n: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize())
    return sorted(names)


def build(n: int, seed: int) -> tuple[list[tuple[str, ArticleSummary]], dict[tuple[str, str], str]]:
    """``n`` summaries in dateline order, and the truth: (article, agreement id) -> deal."""
    rng = random.Random(seed)
    names = states(max(40, n // 25), rng)
    deals = []
    for _ in range(max(20, n // 6)):
        a, b = sorted(rng.sample(names, 2))
        deals.append((a, b, rng.choice(list(TOPICS))))
    deals = list(dict.fromkeys(deals))
    progress: Counter[int] = Counter()
    start = dt.date(2024, 1, 1)
    meta = Meta(
        model="synthetic", backend="benchmark", prompt_version="-", pactlens_version=__version__
    )
    out, truth = [], {}
    for i in range(n):
        day = start + dt.timedelta(days=i * 730 // n)
        picked = rng.sample(range(len(deals)), rng.choice([1, 1, 2]))
        text = f"Capital, {day.day} {day:%B} {day.year} (SYN): "
        parties: dict[str, Party] = {}
        agreements = []
        for k, d in enumerate(picked, start=1):
            a, b, topic = deals[d]
            stage = STAGES[min(progress[d], len(STAGES) - 1)]
            progress[d] += rng.choice([0, 1])
            head = rng.choice(HEADS)
            # As in real reports: a bare "the agreement" now and then, and one side only.
            name = head if rng.random() < 0.15 else f"{topic} {head}"
            named = [a] if rng.random() < 0.2 else [a, b]
            sentence = f"{' and '.join(named)} {VERBS[stage]} the {name} on Monday. "
            offset = len(text) + sentence.index(VERBS[stage])
            text += sentence
            for p in named:
                parties.setdefault(p, Party(id=f"p{len(parties) + 1}", name=p, kind="state"))
            cue = Span(start=offset, end=offset + len(VERBS[stage]), text=VERBS[stage])
            agreements.append(
                Agreement(
                    id=f"a{k}",
                    name=name,
                    kind=TOPICS[topic],  # type: ignore[arg-type]
                    status=stage,  # type: ignore[arg-type]
                    party_ids=[parties[p].id for p in named],
                    date=day - dt.timedelta(days=day.weekday()),
                    status_evidence=cue,
                )
            )
            truth[(f"s{i}", f"a{k}")] = f"d{d}"
        summary = ArticleSummary(
            text=text.strip(),
            dateline=Dateline(place="Capital", date=day),
            source="SYN",
            summary="",
            parties=list(parties.values()),
            agreements=agreements,
            meta=meta,
        )
        out.append((f"s{i}", summary))
    return out, truth


def bcubed(book: AgreementBook, truth: dict[tuple[str, str], str]) -> tuple[float, float]:
    predicted = {}
    for record in book.records:
        for event in record.timeline:
            predicted[event.key] = record.id
    gold_size = Counter(truth.values())
    pred_size = Counter(predicted[k] for k in truth)
    both = Counter((predicted[k], truth[k]) for k in truth)
    p = sum(both[(predicted[k], truth[k])] / pred_size[predicted[k]] for k in truth) / len(truth)
    r = sum(both[(predicted[k], truth[k])] / gold_size[truth[k]] for k in truth) / len(truth)
    return p, r


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", action="store_true", help="write through to a SQLite file")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    summaries, truth = build(args.n, args.seed)
    gc.collect()
    with tempfile.TemporaryDirectory() as tmp:
        book = open_book(Path(tmp) / "pacts.sqlite") if args.db else AgreementBook()
        base = rss_mib()
        print(
            f"pactlens {__version__}: {args.n} summaries, load {load:.2f} on {os.cpu_count()} CPUs"
        )
        print(
            f"{'added':>8} {'s':>8} {'ms/article':>11} {'records':>8} {'to ask':>7} {'RSS +MB':>8}"
        )
        started = last = time.perf_counter()
        step = max(1, args.n // 10)
        for i, (article_id, summary) in enumerate(summaries, start=1):
            book.add(summary, article_id=article_id)
            if i % step == 0:
                now = time.perf_counter()
                print(
                    f"{i:8d} {now - started:8.2f} {1000 * (now - last) / step:11.3f} "
                    f"{len(book):8d} {book.undecided:7d} {rss_mib() - base:8.1f}"
                )
                last = now
        total = time.perf_counter() - started
        built = time.perf_counter()
        records = book.records
        built = time.perf_counter() - built
        p, r = bcubed(book, truth)
        book.close()
    deals = len(set(truth.values()))
    print(
        f"total {total:.2f} s for {args.n} summaries ({1000 * total / args.n:.3f} ms each); "
        f"all records built in {built:.2f} s"
    )
    print(f"{len(records)} records for {deals} deals; grouping B-cubed P {p:.3f} R {r:.3f}")
    print(
        f"mentions a model would be asked about: {book.undecided}; "
        f"joined on the rules' best guess: {book.unsure}"
    )
    print(f"peak RSS {peak_rss_mib():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
