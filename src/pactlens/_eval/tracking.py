"""Following agreements across articles: grouping, current status, timelines, conflicts.

``tests/gold/tracking/`` (shipped with pactlens; its README has the format) holds 38
dated articles written for the project about eight agreements and four distractors.
Every article is summarised, the summaries go into one :class:`AgreementBook` in
dateline order, and the book is scored:

* **mentions found**: gold mentions (an article's report of one agreement) that a
  predicted agreement of that article matches: the one whose status words or evidence
  fall in the gold evidence, else the one whose name holds an alias word; one-to-one.
* **grouping** B-cubed P/R/F1 over the gold mentions: each mention's predicted record
  against its gold agreement. A mention not found is a record of its own.
* **current status**: per gold agreement, the record holding most of its mentions.
* **timeline order**: pairs of a gold agreement's history that its record holds,
  in the gold order.
* **contradictions flagged**: gold contradictions whose record has a conflict between
  those articles. **same-party deals merged**: gold pairs of different deals between the
  same parties that one record holds (should be none).
* **event status**, **event date**: per found mention, as that article reports it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pactlens._eval.scoring import Ratio
from pactlens._models import Agreement, ArticleSummary
from pactlens._resources import data_dir
from pactlens.tracking import AgreementBook

__all__ = ["Gold", "default_gold", "load", "score"]


def default_gold() -> Path:
    return data_dir("gold") / "tracking" / "gold.json"


@dataclass(frozen=True)
class Gold:
    articles: list[tuple[str, str]]  # (file, text), in dateline order
    agreements: dict[str, dict[str, Any]]
    history: dict[tuple[str, str], dict[str, Any]]  # (file, key) -> history entry
    contradictions: list[dict[str, Any]]
    same_party_pairs: list[tuple[str, str]]


def load(path: Path | None = None, *, limit: int | None = None) -> Gold:
    path = path or default_gold()
    raw = json.loads(path.read_text(encoding="utf-8"))
    files = [a["file"] for a in raw["articles"]][:limit]
    texts = [(f, (path.parent / "articles" / f).read_text(encoding="utf-8")) for f in files]
    history = {
        (h["article"], a["key"]): h
        for a in raw["agreements"]
        for h in a["history"]
        if h["article"] in files
    }
    return Gold(
        articles=texts,
        agreements={a["key"]: a for a in raw["agreements"]},
        history=history,
        contradictions=raw["contradictions"],
        same_party_pairs=[(a, b) for a, b in raw["same_party_pairs"]],
    )


def _fit(summary: ArticleSummary, agreement: Agreement, evidence: str, aliases: list[str]) -> int:
    """How well a predicted agreement fits a gold mention: its status words inside the
    gold evidence (3), evidence overlapping it and an alias word in its name (2), an
    alias word in its name (1)."""
    start = summary.text.find(evidence)
    end = start + len(evidence)
    words = {w.casefold() for alias in aliases for w in alias.split() if len(w) > 3}
    named = any(w.casefold() in words for w in agreement.name.split())
    if start >= 0:
        status = agreement.status_evidence
        if status is not None and start <= status.start and status.end <= end:
            return 3
        # Evidence in the same sentence is not enough on its own: two agreements often
        # share one; the name must fit too.
        if named and any(s.start < end and start < s.end for s in agreement.evidence):
            return 2
    return 1 if named else 0


def _align(gold: Gold, file: str, summary: ArticleSummary) -> dict[str, str]:
    """Gold key -> predicted agreement id, for one article."""
    keys = [key for (f, key) in gold.history if f == file]
    options = []
    for key in keys:
        entry, agreement_gold = gold.history[(file, key)], gold.agreements[key]
        aliases = [*agreement_gold["aliases"], agreement_gold["name"]]
        for agreement in summary.agreements:
            fit = _fit(summary, agreement, entry["evidence"], aliases)
            if fit:
                options.append((fit, key, agreement.id))
    chosen: dict[str, str] = {}
    for _, key, agreement_id in sorted(options, key=lambda o: -o[0]):
        if key not in chosen and agreement_id not in chosen.values():
            chosen[key] = agreement_id
    return chosen


@dataclass
class Scores:
    values: dict[str, float] = field(default_factory=dict)
    ratios: dict[str, Ratio] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def score(gold: Gold, summaries: dict[str, ArticleSummary | None], book: AgreementBook) -> Scores:
    """Score a book built from ``summaries`` (file -> summary, None where it failed)."""
    out = Scores()
    placed: dict[tuple[str, str], str] = {}  # gold mention -> predicted record id
    statuses, dates = Ratio(), Ratio()
    for file, _text in gold.articles:
        summary = summaries.get(file)
        if summary is None:
            continue
        for key, agreement_id in _align(gold, file, summary).items():
            record = book.record_of(file, agreement_id)
            if record is None:
                continue
            placed[(file, key)] = record.id
            entry = gold.history[(file, key)]
            event = record.event((file, agreement_id))
            accepted = {entry["status"], *entry.get("also_accepted", [])}
            statuses += Ratio(event.status in accepted, 1)
            if entry["date"] is not None:
                dates += Ratio(event.date == dt.date.fromisoformat(entry["date"]), 1)
            elif event.date is not None:
                out.notes.append(f"{file} {key}: a date ({event.date}) where the gold has none")
    mentions = list(gold.history)
    found = Ratio(len(placed), len(mentions))
    predicted = {m: placed.get(m, f"missed:{m[0]}:{m[1]}") for m in mentions}
    precision, recall = _bcubed(mentions, predicted)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out.values = {
        "grouping B-cubed P": precision,
        "grouping B-cubed R": recall,
        "grouping B-cubed F1": f1,
    }
    record_of = {key: _plurality(key, mentions, predicted) for key in gold.agreements}
    current, order = Ratio(), Ratio()
    for key, agreement in gold.agreements.items():
        record_id = record_of[key]
        accepted = {agreement["current_status"], *agreement.get("current_status_also_accepted", [])}
        right = record_id is not None and book.record(record_id).current_status in accepted
        current += Ratio(int(right), 1)
        if not right:
            got = book.record(record_id).current_status if record_id else "no record"
            out.notes.append(f"{key}: current status {got}, gold {agreement['current_status']}")
        if record_id is not None:
            order += _order(gold, key, book, record_id)
    flagged, merged = (
        _conflicts(gold, book, record_of, out.notes),
        _merged(gold, predicted, out.notes),
    )
    contested = sum(r.contested for r in book.records)
    out.ratios = {
        "mentions found": found,
        "current status": current,
        "timeline order (pairs)": order,
        "contradictions flagged": flagged,
        "same-party deals merged": merged,
        "event status": statuses,
        "event date": dates,
        "records contested": Ratio(contested, len(book)),
    }
    out.notes.insert(
        0,
        f"{len(book)} records for {len(gold.agreements)} gold agreements; "
        f"{book.questions} pairs asked of the model, {book.unsure} joined on the rules' "
        f"best guess, {book.undecided} left apart that a model would have been asked about",
    )
    return out


def _conflicts(
    gold: Gold, book: AgreementBook, record_of: dict[str, str | None], notes: list[str]
) -> Ratio:
    flagged = Ratio()
    for contradiction in gold.contradictions:
        record_id = record_of[contradiction["agreement"]]
        articles = set(contradiction["articles"])
        hit = record_id is not None and any(
            {c.earlier[0], c.later[0]} == articles for c in book.record(record_id).conflicts
        )
        flagged += Ratio(int(hit), 1)
        if not hit:
            notes.append(
                f"{contradiction['agreement']}: contradiction {sorted(articles)} not flagged"
            )
    return flagged


def _merged(gold: Gold, predicted: dict[tuple[str, str], str], notes: list[str]) -> Ratio:
    mentions = list(gold.history)
    merged = Ratio()
    for a, b in gold.same_party_pairs:
        ids_a = {predicted[m] for m in mentions if m[1] == a}
        ids_b = {predicted[m] for m in mentions if m[1] == b}
        together = bool(ids_a & ids_b)
        merged += Ratio(int(together), 1)
        if together:
            notes.append(f"{a} and {b} merged")
    return merged


def _bcubed(
    mentions: list[tuple[str, str]], predicted: dict[tuple[str, str], str]
) -> tuple[float, float]:
    if not mentions:
        return 0.0, 0.0
    gold_size = Counter(key for _, key in mentions)
    pred_size = Counter(predicted.values())
    both = Counter((predicted[m], m[1]) for m in mentions)
    p = sum(both[(predicted[m], m[1])] / pred_size[predicted[m]] for m in mentions)
    r = sum(both[(predicted[m], m[1])] / gold_size[m[1]] for m in mentions)
    return p / len(mentions), r / len(mentions)


def _plurality(
    key: str, mentions: list[tuple[str, str]], predicted: dict[tuple[str, str], str]
) -> str | None:
    held = Counter(
        predicted[m] for m in mentions if m[1] == key and not predicted[m].startswith("missed:")
    )
    return held.most_common(1)[0][0] if held else None


def _order(gold: Gold, key: str, book: AgreementBook, record_id: str) -> Ratio:
    record = book.record(record_id)
    position: dict[str, int] = {}
    for i, event in enumerate(record.timeline):
        position.setdefault(event.article.id, i)
    history = [h["article"] for h in gold.agreements[key]["history"] if h["article"] in position]
    pairs = [(a, b) for i, a in enumerate(history) for b in history[i + 1 :]]
    right = sum(position[a] <= position[b] for a, b in pairs)
    return Ratio(right, len(pairs))
