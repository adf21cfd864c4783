"""Whether two mentions of an agreement are the same real-world agreement.

One mechanism for every place pactlens meets the question: across the articles of a
corpus (:mod:`pactlens.tracking`) and, later, across the windows of one long article.
Pure and deterministic: a :class:`Profile` says what identifies an agreement (its
parties, kind, proper names, topics and other name words), and :func:`compare` weighs
two profiles into a :class:`Verdict`: the same, different, or unsure. Only an unsure
verdict is worth a question to the model.

The evidence, strongest first:

- **Parties.** Two agreements whose parties are both known and share none are
  different, and so are two pairs that differ (A-B and A-C); one side named alone is
  not proof of a different deal (the other side may simply not have been found). The
  same parties say little on their own: two states can have a defence pact and a gas
  deal.
- **Topics.** Name and scope words fall into topic families (defence, energy, trade,
  fisheries, …; ``[identity.topics]`` in the lexicon). Different families are different
  agreements: the defence treaty is not the gas deal, however alike the parties.
- **Proper names.** "Veldhar Treaty", "Doha ceasefire": a shared one is strong evidence
  of the same agreement, a different one of two.
- **Kind.** A ceasefire is not a trade deal; the same kind adds a little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pactlens.lexicon import (
    AGREEMENT_HEADS,
    AGREEMENT_PLURALS,
    DEMONYMS,
    STOP_WORDS,
    TOPICS,
    VAGUE_MODIFIERS,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Profile", "Verdict", "compare", "party_key", "profile", "same_party"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
#: "ten-year", "25-year" (its digits are not a word): a length, not a name.
_DURATION = re.compile(r"(?:^|-)(?:year|month|week|day)s?$")
#: Kinds that can never be one agreement: a ceasefire is not a trade deal or a contract.
_INCOMPATIBLE = {
    frozenset({"ceasefire", "trade_deal"}),
    frozenset({"ceasefire", "contract"}),
    frozenset({"ceasefire", "mou"}),
    frozenset({"treaty", "contract"}),
    frozenset({"mou", "treaty"}),
}
#: Words that tell no agreement from another, besides the heads and vague modifiers.
_EMPTY = (
    STOP_WORDS
    | VAGUE_MODIFIERS
    | frozenset(AGREEMENT_HEADS)
    | AGREEMENT_PLURALS
    | {"mutual", "bilateral", "joint", "deal", "accord", "framework", "plan", "s"}
)

_DEMONYM_ENDINGS = frozenset({"n", "an", "ian", "i", "ese", "ish"})

#: Verdict thresholds: at least ``SAME`` and clear of the runner-up is the same agreement.
SAME = 3.0
MARGIN = 1.0


def party_key(name: str) -> str:
    """A party's name folded for comparison: "the Government of Lusara" and "Lusara"
    stay distinct here; :func:`same_party` relates them."""
    words = _WORD.findall(name.casefold())
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def same_party(a: str, b: str) -> bool:
    """ "kestrel" and "kestrel mining corp": one name starts the other, word for word."""
    if a == b:
        return True
    short, long = sorted((a.split(), b.split()), key=len)
    if short and long[: len(short)] == short:
        return True
    # "lusaran" for "lusara", "kethrian" for "kethria": a demonym the text did not resolve.
    x, y = sorted((a, b), key=len)
    return " " not in y and y.startswith(x) and y[len(x) :] in _DEMONYM_ENDINGS


def _overlap(a: frozenset[str], b: frozenset[str]) -> int:
    return sum(1 for x in a if any(same_party(x, y) for y in b))


@dataclass(frozen=True)
class Profile:
    """What identifies an agreement. Build one with :func:`profile`; a record that
    gathers many mentions holds the :meth:`union` of theirs."""

    parties: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # proper-name words: "veldhar", "doha"
    topics: frozenset[str] = frozenset()  # topic families of its names: "defence"
    words: frozenset[str] = frozenset()  # other content words of its names
    party_words: frozenset[str] = field(default=frozenset(), compare=False)
    #: The other parties its article names: where a mention's own parties are
    #: incomplete (a mediator, one side), they say whose deal it may be.
    context: frozenset[str] = frozenset()
    #: Topic families of its scope (the model's words): a hint, never a veto.
    hints: frozenset[str] = frozenset()

    def union(self, other: Profile) -> Profile:
        return Profile(
            self.parties | other.parties,
            self.kinds | other.kinds,
            self.names | other.names,
            self.topics | other.topics,
            self.words | other.words,
            self.party_words | other.party_words,
            self.context | other.context,
            self.hints | other.hints,
        )


@dataclass(frozen=True)
class Verdict:
    """``same`` is True, False, or None for unsure; ``reasons`` say why, for people."""

    same: bool | None
    score: float
    reasons: tuple[str, ...] = ()


def _party_words(parties: Iterable[str]) -> frozenset[str]:
    """Words that only repeat a party: its name's words and their stems ("Kethrian")."""
    words: set[str] = set()
    for party in parties:
        for word in party.split():
            words.add(word)
            words.add(word[:5])
    for demonym, state in DEMONYMS.items():
        if any(state.casefold() == p for p in parties):
            words.add(demonym.casefold())
    return frozenset(words)


def profile(
    names: Iterable[str],
    *,
    kind: str = "other",
    parties: Iterable[str] = (),
    scope: Iterable[str] = (),
    context: Iterable[str] = (),
) -> Profile:
    """The profile of one mention: its names as written (the name and its aliases), its
    kind, its parties' canonical names, its scope phrases, and ``context``, the other
    parties its article names."""
    keys = frozenset(k for k in (party_key(p) for p in parties) if k)
    own = _party_words(keys)
    proper: set[str] = set()
    topics: set[str] = set()
    hints: set[str] = set()
    words: set[str] = set()
    for text, is_name in [*((n, True) for n in names), *((s, False) for s in scope)]:
        for i, token in enumerate(_WORD.findall(text)):
            word = token.casefold().strip("'’-")
            if word.endswith(("'s", "’s")):
                word = word[:-2]
            if not word or word in _EMPTY or word in own or word[:5] in own:
                continue
            if _DURATION.search(word):
                continue
            if word in TOPICS:
                (topics if is_name else hints).add(TOPICS[word])
            elif not is_name:
                continue
            elif token[0].isupper() and (i > 0 or len(text.split()) > 1):
                proper.add(word)
            else:
                words.add(word)
    kinds = frozenset({kind}) if kind != "other" else frozenset()
    around = frozenset(k for k in (party_key(p) for p in context) if k) - keys
    return Profile(
        keys,
        kinds,
        frozenset(proper),
        frozenset(topics),
        frozenset(words),
        own,
        around,
        frozenset(hints - topics),
    )


def compare(a: Profile, b: Profile) -> Verdict:
    """Weigh two profiles. Two known pairs of parties with none in common, different
    topics or incompatible kinds make two agreements; otherwise the evidence adds up to a score,
    and at least :data:`SAME` is the same agreement, nothing for it is unsure."""
    reasons: list[str] = []
    score = 0.0
    if a.parties and b.parties:
        shared = _overlap(a.parties, b.parties)
        if not shared:
            if len(a.parties) > 1 and len(b.parties) > 1:
                return Verdict(same=False, score=0.0, reasons=("no party in common",))
            if _overlap(a.parties, b.context) or _overlap(b.parties, a.context):
                reasons.append("parties in each other's articles")
            else:
                score -= 1.0  # one side each: party lists are often incomplete
                reasons.append("no party in common")
        elif shared == min(len(a.parties), len(b.parties)) > 1:
            # Both of a pair, and maybe more on one side: a record gathers every party
            # its articles name, a mediator or a delegation among them.
            score += 2.0
            reasons.append("same parties")
        elif (
            shared < min(len(a.parties), len(b.parties)) and min(len(a.parties), len(b.parties)) > 1
        ):
            # A-B and A-C are two pairs: neither names all the other's parties.
            return Verdict(same=False, score=0.0, reasons=("different pairs of parties",))
        else:
            score += 1.0
            reasons.append("parties overlap")
    elif _overlap(a.parties, b.context) or _overlap(b.parties, a.context):
        score += 1.0
        reasons.append("parties in each other's articles")
    if a.topics and b.topics and not a.topics & b.topics:
        return Verdict(
            same=False, score=0.0, reasons=(f"topics differ: {_few(a.topics)} / {_few(b.topics)}",)
        )
    for x in a.kinds:
        for y in b.kinds:
            if frozenset({x, y}) in _INCOMPATIBLE:
                return Verdict(same=False, score=0.0, reasons=(f"kinds differ: {x} / {y}",))
    score += _topic_score(a, b, reasons)
    return _verdict(a, b, score, reasons)


def _topic_score(a: Profile, b: Profile, reasons: list[str]) -> float:
    """Topics of the names, then of the scope (half as much: the model's words)."""
    if a.topics & b.topics:
        reasons.append(f"same topic: {_few(a.topics & b.topics)}")
        return 2.0
    hinted = (a.topics | a.hints) & (b.topics | b.hints)
    if hinted:
        reasons.append(f"scope hints a topic: {_few(hinted)}")
        return 0.5
    return 0.0


def _verdict(a: Profile, b: Profile, score: float, reasons: list[str]) -> Verdict:
    """Names, words and kind added to ``score``, and the verdict it makes."""
    names_a = a.names - b.party_words
    names_b = b.names - a.party_words
    if names_a & names_b:
        score += 3.0
        reasons.append(f"same name: {_few(names_a & names_b)}")
    elif names_a and names_b:
        score -= 2.0
        reasons.append(f"names differ: {_few(names_a)} / {_few(names_b)}")
    if a.words & b.words:
        score += min(2.0, float(len(a.words & b.words)))
        reasons.append(f"shared words: {_few(a.words & b.words)}")
    if a.kinds & b.kinds:
        score += 1.0
        reasons.append(f"same kind: {_few(a.kinds & b.kinds)}")
    elif a.kinds and b.kinds:
        score -= 1.0
        reasons.append(f"kinds differ: {_few(a.kinds)} / {_few(b.kinds)}")
    one_side = min(len(a.parties), len(b.parties)) <= 1
    if score >= SAME and one_side and not names_a & names_b:
        # "Kethria signed the defence pact": Kethria may have more than one; only a
        # shared name or a question settles which.
        return Verdict(same=None, score=score, reasons=(*reasons, "one side named"))
    if score >= SAME:
        return Verdict(same=True, score=score, reasons=tuple(reasons))
    if score <= 0:
        return Verdict(same=False, score=score, reasons=(*reasons, "nothing in common"))
    return Verdict(same=None, score=score, reasons=tuple(reasons))


def _few(words: frozenset[str]) -> str:
    return ", ".join(sorted(words))
