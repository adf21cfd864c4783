"""Agreements in short written passages: found, status, date, parties, nothing invented.

``tests/gold/agreements/passages.jsonl`` (shipped with pactlens; format in the README
beside it) holds passages written for the project: every status, several agreements per
passage, real and invented parties, relative dates, and passages with no agreement.

* **found**: gold agreements matched by a predicted one (recall). A prediction matches
  when its name holds a word of ``name_any``; among several, the one sharing the most
  parties; one-to-one.
* **status**, **kind**: right among the matched.
* **date**: right among the matched whose gold has a date; a predicted date where the
  gold has none is counted apart (``date where none``).
* **parties**: P/R over matched agreements, names matched with their aliases
  (:func:`~pactlens._eval.scoring.names_match`).
* **spurious**: predicted agreements matching no gold one, per passage.
* **negatives clean**: passages with no gold agreement that got none.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pactlens._eval.scoring import Counts, Ratio, greedy_pairs, name_holds, names_match
from pactlens._models import Agreement, ArticleSummary
from pactlens._resources import data_dir

__all__ = ["Passage", "Scores", "default_gold", "load", "score_passage"]


def default_gold() -> Path:
    return data_dir("gold") / "agreements" / "passages.jsonl"


@dataclass(frozen=True)
class Passage:
    id: str
    text: str
    agreements: list[dict[str, Any]]


def load(gold: Path | None = None, *, limit: int | None = None) -> list[Passage]:
    lines = (gold or default_gold()).read_text(encoding="utf-8").splitlines()
    passages = [
        Passage(d["id"], d["text"], list(d["agreements"]))
        for d in map(json.loads, filter(None, lines))
    ]
    return passages[:limit] if limit is not None else passages


@dataclass
class Scores:
    ratios: dict[str, Ratio] = field(default_factory=dict)
    parties: Counts = field(default_factory=Counts)

    def add(self, other: Scores) -> None:
        for key, ratio in other.ratios.items():
            self.ratios[key] = self.ratios.get(key, Ratio()) + ratio
        self.parties += other.parties


def _party_names(summary: ArticleSummary, agreement: Agreement) -> list[list[str]]:
    names = []
    for pid in agreement.party_ids:
        party = summary.party(pid)
        if party is not None:
            names.append([party.name, *party.aliases])
    return names


def _gold_names(gold: dict[str, Any]) -> list[list[str]]:
    aliases = gold.get("aliases") or {}
    return [[name, *aliases.get(name, [])] for name in gold["parties"]]


def _affinity(summary: ArticleSummary, predicted: Agreement, gold: dict[str, Any]) -> int:
    """0 when the names do not match; else 1 + the parties they share."""
    if not name_holds(predicted.name, gold["name_any"]):
        return 0
    mine = _party_names(summary, predicted)
    shared = sum(any(names_match(m, g) for m in mine for g in names) for names in _gold_names(gold))
    return 1 + shared


def _count(ratios: dict[str, Ratio], key: str, right: int) -> None:
    ratios[key] = ratios.get(key, Ratio()) + Ratio(right, 1)


def score_passage(passage: Passage, summary: ArticleSummary | None) -> tuple[Scores, list[str]]:
    """The scores of one passage, and its misses in words (``summary=None``: failed)."""
    predicted = summary.agreements if summary is not None else []
    gold = passage.agreements
    notes: list[str] = []
    scores = Scores()
    r = scores.ratios
    if not gold:
        r["negatives clean"] = Ratio(int(not predicted), 1)
        if predicted:
            notes.append(f"invented: {', '.join(a.name for a in predicted)}")
    r["spurious per passage"] = Ratio(0, 1)
    pairs = []
    if summary is not None:
        ranked = sorted(
            (
                (_affinity(summary, p, g), gi, pi)
                for gi, g in enumerate(gold)
                for pi, p in enumerate(predicted)
            ),
            reverse=True,
        )
        used_g: set[int] = set()
        used_p: set[int] = set()
        for score, gi, pi in ranked:
            if score and gi not in used_g and pi not in used_p:
                used_g.add(gi)
                used_p.add(pi)
                pairs.append((gi, pi))
    r["spurious per passage"] = Ratio(len(predicted) - len(pairs), 1)
    matched_p = {pi for _, pi in pairs}
    notes += [
        f"spurious: {p.name!r} ({p.status})"
        for pi, p in enumerate(predicted)
        if pi not in matched_p
    ]
    r["found"] = Ratio(len(pairs), len(gold))
    matched = {gi: predicted[pi] for gi, pi in pairs}
    for gi, g in enumerate(gold):
        p = matched.get(gi)
        if p is None:
            notes.append(f"missed {g['status']} {'/'.join(g['name_any'])}")
            scores.parties += Counts(fn=len(g["parties"]))
            continue
        assert summary is not None
        right_status = int(p.status == g["status"])
        _count(r, "status", right_status)
        _count(r, f"status ({g['status']})", right_status)
        _count(r, "kind", int(p.kind == g["kind"]))
        if p.status != g["status"]:
            notes.append(f"{p.name!r}: {p.status}, gold {g['status']}")
        if g.get("date"):
            right = p.date == dt.date.fromisoformat(g["date"])
            _count(r, "date", int(right))
            if not right:
                notes.append(f"{p.name!r}: date {p.date}, gold {g['date']}")
        elif p.date is not None:
            _count(r, "date where none", 1)
        mine = _party_names(summary, p)
        theirs = _gold_names(g)
        hits = greedy_pairs(theirs, mine, lambda t, m: any(names_match(m, x) for x in t))
        scores.parties += Counts(tp=len(hits), fp=len(mine) - len(hits), fn=len(theirs) - len(hits))
    return scores, notes
