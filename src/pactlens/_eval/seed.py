"""The seed article's facts (``tests/gold/seed.json``) checked against a summary.

The gold file encodes ``shared/articles/russia-north-korea-pact.expected.md``: cleaning
results, the two parties with their aliases, the signed pact (status, date 2024-06-19,
signatories, clause, scope, caveat), the speculative arms deal that must not read as
concluded, Putin's two direct quotes verbatim and three indirect statements. Each fact
is one named :class:`Check`; the score is the share that pass. Words are compared
case-insensitively; quotes verbatim up to typographic marks and trailing punctuation.
The gold and the article ship with pactlens (see :mod:`pactlens._resources`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pactlens._eval.scoring import verbatim
from pactlens._models import Agreement, ArticleSummary, Party, Statement
from pactlens._resources import data_dir

__all__ = ["Check", "article_path", "check", "default_gold", "load_gold"]


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str = ""


def default_gold() -> Path:
    """The seed's gold file, ``tests/gold/seed.json`` (shipped in the wheel too)."""
    return data_dir("gold") / "seed.json"


def load_gold(path: Path | None = None) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((path or default_gold()).read_text(encoding="utf-8"))
    return data


def article_path(gold_path: Path | None = None) -> Path:
    """The seed article the gold file names (by its file name, among the shipped articles)."""
    return data_dir("articles") / Path(str(load_gold(gold_path)["article"])).name


def _has(haystack: str | None, needles: list[str]) -> bool:
    low = (haystack or "").casefold()
    return any(n.casefold() in low for n in needles)


class _Checks:
    def __init__(self) -> None:
        self.items: list[Check] = []

    def add(self, name: str, passed: bool, detail: str = "") -> None:
        self.items.append(Check(name, bool(passed), "" if passed else detail))


def _party(summary: ArticleSummary, name: str) -> Party | None:
    for party in summary.parties:
        if name.casefold() in {n.casefold() for n in (party.name, *party.aliases)}:
            return party
    return None


def _names(summary: ArticleSummary, agreement: Agreement) -> list[str]:
    parties = [summary.party(pid) for pid in agreement.party_ids]
    return [p.name for p in parties if p is not None]


def _cleaning(out: _Checks, summary: ArticleSummary, gold: dict[str, Any]) -> None:
    # ArticleSummary keeps no list of removed lines: what cleaning removed must be absent.
    dateline = summary.dateline
    out.add("title", summary.title == gold["title"], f"got {summary.title!r}")
    out.add(
        "dateline place",
        dateline is not None and dateline.place == gold["dateline_place"],
        f"got {dateline!r}",
    )
    out.add(
        "dateline date",
        dateline is not None and dateline.date == dt.date.fromisoformat(gold["dateline_date"]),
        f"got {dateline!r}",
    )
    out.add("source", summary.source == gold["source"], f"got {summary.source!r}")
    left = [r for r in gold["removed"] if r in summary.text]
    out.add("boilerplate removed", not left, f"still in the text: {left}")
    missing = [k for k in gold["kept"] if k not in summary.text]
    out.add("body kept verbatim", not missing, f"missing: {missing}")


def _parties(out: _Checks, summary: ArticleSummary, gold: list[dict[str, Any]]) -> None:
    for want in gold:
        party = _party(summary, want["name"])
        out.add(
            f"party {want['name']}",
            party is not None and party.name == want["name"],
            f"got {party.name if party else None!r}",
        )
        if party is None:
            continue
        out.add(
            f"party {want['name']} is a {want['kind']}",
            party.kind == want["kind"],
            f"got {party.kind}",
        )
        names = {n.casefold() for n in (party.name, *party.aliases)}
        lost = [a for a in want["aliases"] if a.casefold() not in names]
        out.add(f"party {want['name']} aliases", not lost, f"missing {lost}")
        reps = [r.name for r in party.representatives]
        out.add(
            f"party {want['name']} represented by {want['representative']}",
            _has(" ".join(reps), [want["representative"]]),
            f"got {reps}",
        )


def _agreements(out: _Checks, summary: ArticleSummary, gold: dict[str, Any]) -> None:
    pact_gold, arms_gold = gold["agreements"]
    arms = next(
        (
            a
            for a in summary.agreements
            if _has(a.name, arms_gold["name_any"])
            or (
                any(_has(s.text, arms_gold["evidence_any"]) for s in a.evidence)
                and not _has(a.name, pact_gold["name_any"])
            )
        ),
        None,
    )
    rest = [a for a in summary.agreements if a is not arms]
    pact = next((a for a in rest if _has(a.name, pact_gold["name_any"])), None)
    out.add("pact found", pact is not None, f"agreements: {[a.name for a in summary.agreements]}")
    if pact is not None:
        names = _names(summary, pact)
        out.add("pact status", pact.status == pact_gold["status"], f"got {pact.status}")
        out.add("pact parties", sorted(names) == sorted(pact_gold["parties"]), f"got {names}")
        wrong = [n for n in names if n in gold["not_parties_of_the_pact"]]
        out.add("pact has no bystanders as parties", not wrong, f"got {wrong}")
        out.add(
            "pact date", pact.date == dt.date.fromisoformat(pact_gold["date"]), f"got {pact.date}"
        )
        signed = " ".join(pact.signatories)
        lost = [s for s in pact_gold["signatories"] if not _has(signed, [s])]
        out.add("pact signatories", not lost, f"missing {lost}")
        clauses = " ".join(f"{c.topic} {c.summary}" for c in pact.clauses)
        out.add(
            "pact mutual-assistance clause",
            _has(clauses, pact_gold["clause_any"]),
            f"clauses: {clauses!r}",
        )
        scope = " ".join(pact.scope)
        lost = [s for s in pact_gold["scope"] if not _has(scope, [s])]
        out.add("pact scope", not lost, f"missing {lost}")
        out.add(
            "pact caveat",
            _has(" ".join(pact.caveats), pact_gold["caveat_any"]),
            f"caveats: {pact.caveats}",
        )
    out.add("arms deal found", arms is not None, "no agreement about an arms deal")
    out.add(
        "arms deal not reported as concluded",
        arms is None or arms.status not in arms_gold["status_not"],
        f"got {arms.status if arms else None}",
    )


def _statements(out: _Checks, summary: ArticleSummary, gold: dict[str, Any]) -> None:
    direct = [s for s in summary.statements if s.kind == "direct"]
    known = {verbatim(q["text"]) for q in gold["direct"]}
    known |= {verbatim(q) for q in gold["direct_allowed"]}
    for n, want in enumerate(gold["direct"], start=1):
        found = next(
            (
                s
                for s in direct
                if s.span is not None and verbatim(s.span.text) == verbatim(want["text"])
            ),
            None,
        )
        out.add(f"direct quote {n} verbatim", found is not None, f"not among {len(direct)} direct")
        out.add(
            f"direct quote {n} by {want['speaker']}",
            found is not None and _has(found.speaker, [want["speaker"]]),
            f"got {found.speaker if found else None!r}",
        )
    extra = [s.text for s in direct if verbatim(s.text) not in known]
    out.add("no other direct quotes", not extra, f"extra: {extra}")
    for n, want in enumerate(gold["indirect"], start=1):
        out.add(
            f"indirect statement {n}",
            any(_indirect_matches(s, want) for s in summary.statements if s.kind == "indirect"),
            f"no indirect statement by {want['speaker_any']} about {want['words_any'][0]!r}",
        )


def _indirect_matches(statement: Statement, want: dict[str, Any]) -> bool:
    spoken = f"{statement.speaker} {statement.speaker_span.text if statement.speaker_span else ''}"
    said = f"{statement.text} {statement.span.text if statement.span else ''}"
    return _has(spoken, want["speaker_any"]) and _has(said, want["words_any"])


def check(summary: ArticleSummary, gold: dict[str, Any] | None = None) -> list[Check]:
    """Every fact of the seed gold, checked against ``summary``."""
    gold = gold if gold is not None else load_gold()
    out = _Checks()
    _cleaning(out, summary, gold["cleaning"])
    _parties(out, summary, gold["parties"])
    _agreements(out, summary, gold)
    _statements(out, summary, gold)
    return out.items
