"""RAMS agreement events: are agreements found, their parties named, their status told?

Each instance is a five-sentence window of news with one ``government.agreements.*`` or
``contact.negotiate.*`` event. The text comes tokenised ("Obama 's trip ,"); it is
detokenised with a few rules before it is given to the predictor.

* **found**: the summary has at least one agreement (recall only: every instance holds
  an event). Reported overall and per event family.
* **parties**: gold = the args with role ``participant``, ``otherparticipant`` or
  ``violator`` (``place`` is not a party; bare pronouns such as "we"/"them" cannot be
  named and are left out). Predicted = the parties of all predicted agreements, each
  with its name, aliases and representatives. Matched one-to-one by
  :func:`~pactlens._eval.scoring.names_match`.
* **meetings given an agreement**: ``contact.negotiate.meet`` instances (meetings and
  debates) with any agreement predicted; lower is better.
* **party recall** and **status** are also reported per family (``agreements``,
  ``negotiate``).
* **status**: the agreement whose evidence holds the trigger word (else the first) is
  judged. pactlens statuses fold into classes (agreed/signed/ratified/in_force →
  accept; suspended/collapsed → reject; proposed/under_negotiation → negotiate;
  speculative stays apart and is never right). Gold ``acceptagreement…`` → accept,
  ``rejectnullify…`` → reject, ``contact.negotiate.*`` → negotiate. pactlens has no
  "violated" status: a violated agreement exists, so for ``violateagreement`` either
  accept or reject counts as right. ``government.agreements.n/a`` has no status to
  judge and is left out of status accuracy.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from pactlens import lexicon
from pactlens._eval.scoring import Counts, Ratio, greedy_pairs, names_match
from pactlens._models import ArticleSummary

__all__ = [
    "PARTY_ROLES",
    "Instance",
    "Scores",
    "detokenise",
    "find_file",
    "gold_class",
    "load",
    "score_instance",
    "status_class",
]

PARTY_ROLES = frozenset({"participant", "otherparticipant", "violator"})
_PRONOUNS = lexicon.PRONOUN_ARGUMENTS
_STATUS_CLASS = {
    "agreed": "accept", "signed": "accept", "ratified": "accept", "in_force": "accept",
    "suspended": "reject", "collapsed": "reject",
    "proposed": "negotiate", "under_negotiation": "negotiate",
    "speculative": "speculative",
}  # fmt: skip
_RIGHT = {
    "accept": {"accept"},
    "reject": {"reject"},
    "negotiate": {"negotiate"},
    "violate": {"accept", "reject"},
}


def status_class(status: str) -> str:
    return _STATUS_CLASS.get(status, status)


def gold_class(event_type: str) -> str | None:
    """accept / reject / violate / negotiate for a RAMS event type; None if unspecified."""
    family, _, sub = event_type.partition(".")[2].partition(".")
    if family == "negotiate":
        return "negotiate"
    for stem, name in (("accept", "accept"), ("reject", "reject"), ("violate", "violate")):
        if sub.startswith(stem):
            return name
    return None


def detokenise(tokens: str) -> str:
    """Readable text from RAMS tokens: ``Obama 's trip , "`` → ``Obama's trip, "``."""
    text = re.sub(r" (?=(?:['’](?:s|re|ve|ll|d|m)|n['’]t|[.,;:!?%)\]}”’])(?:\s|$))", "", tokens)
    text = re.sub(r"([(\[{$“‘]) ", r"\1", text)
    text = re.sub(r"(?<=\w) - (?=\w)", "-", text)
    out, opening = [], True
    for piece in re.split(r'( ?" ?)', text):
        if piece.strip() == '"':
            out.append(' "' if opening else '" ')
            opening = not opening
        else:
            out.append(piece)
    text = re.sub(r'" (?=[.,;:!?])', '"', "".join(out))
    return re.sub(r" {2,}", " ", text).strip()


@dataclass(frozen=True)
class Instance:
    doc_key: str
    event_type: str
    trigger: str
    parties: tuple[str, ...]
    text: str

    @property
    def family(self) -> str:
        return "negotiate" if self.event_type.startswith("contact.negotiate") else "agreements"

    @property
    def gold_class(self) -> str | None:
        return gold_class(self.event_type)


def find_file(data_dir: Path, split: str = "dev") -> Path:
    """``data_dir`` when it is a file; ``<dir>/<split>.jsonl`` or ``rams-agreements/…``."""
    if data_dir.is_file():
        return data_dir
    direct = data_dir / f"{split}.jsonl"
    return direct if direct.is_file() else data_dir / "rams-agreements" / f"{split}.jsonl"


def _is_pronoun(name: str) -> bool:
    """ "we", "them", "It" (but not "US", the country)."""
    name = name.strip()
    return name.lower() in _PRONOUNS and not name.isupper()


def load(path: Path, *, limit: int | None = None) -> list[Instance]:
    instances = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        parties = tuple(
            arg["text"]
            for arg in row["args"]
            if arg["role"] in PARTY_ROLES and not _is_pronoun(arg["text"])
        )
        instances.append(
            Instance(row["doc_key"], row["type"], row["trigger"], parties, detokenise(row["text"]))
        )
    return instances[:limit] if limit is not None else instances


@dataclass
class Scores:
    parties: Counts
    found: dict[str, Ratio]
    status: dict[str, Ratio]

    @classmethod
    def empty(cls) -> Scores:
        return cls(Counts(), {}, {})

    def add(self, other: Scores) -> None:
        self.parties += other.parties
        for mine, theirs in ((self.found, other.found), (self.status, other.status)):
            for key, ratio in theirs.items():
                mine[key] = mine.get(key, Ratio()) + ratio


def _party_names(summary: ArticleSummary) -> list[list[str]]:
    ids = dict.fromkeys(pid for a in summary.agreements for pid in a.party_ids)
    out = []
    for pid in ids:
        party = summary.party(pid)
        if party is not None:
            out.append([party.name, *party.aliases, *(r.name for r in party.representatives)])
    return out


def score_instance(instance: Instance, summary: ArticleSummary | None) -> Scores:
    """The scores of one instance; ``summary=None`` when the predictor failed."""
    agreements = summary.agreements if summary is not None else []
    found = Ratio(1 if agreements else 0, 1)
    scores = Scores(
        Counts(fn=len(instance.parties)), {"found": found, f"found ({instance.family})": found}, {}
    )
    if instance.event_type.endswith(".meet"):  # a meeting or a debate: no agreement is right
        scores.found["meetings given an agreement"] = found
    if summary is None:
        if instance.gold_class is not None:
            scores.status = {
                "status (all)": Ratio(0, 1),
                f"status {instance.gold_class} (all)": Ratio(0, 1),
                f"status ({instance.family})": Ratio(0, 1),
            }
        return scores
    predicted = _party_names(summary)
    pairs = greedy_pairs(instance.parties, predicted, lambda g, p: names_match(p, g))
    scores.parties = Counts(
        tp=len(pairs), fp=len(predicted) - len(pairs), fn=len(instance.parties) - len(pairs)
    )
    if instance.parties:
        recall = Ratio(len(pairs), len(instance.parties))
        scores.found[f"party recall ({instance.family})"] = recall
    wanted = instance.gold_class
    if wanted is None:
        return scores
    trigger = re.compile(rf"\b{re.escape(instance.trigger)}\b", re.IGNORECASE)
    judged = next(
        (a for a in agreements if any(trigger.search(s.text) for s in a.evidence)),
        agreements[0] if agreements else None,
    )
    right = int(judged is not None and status_class(judged.status) in _RIGHT[wanted])
    scores.status = {
        "status (all)": Ratio(right, 1),
        f"status {wanted} (all)": Ratio(right, 1),
        f"status ({instance.family})": Ratio(right, 1),
    }
    if judged is not None:
        scores.status["status (found)"] = Ratio(right, 1)
    return scores
