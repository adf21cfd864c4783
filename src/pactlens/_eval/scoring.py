"""Scoring math: counts, ratios, span overlap and one-to-one matching.

Pure, no I/O. A span is a tuple of half-open ``(start, end)`` intervals, so a
discontinuous gold span (brat's ``256 377;463 616``) and a predicted span mapped back
from the cleaned text through several kept lines are handled alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pactlens import lexicon

__all__ = [
    "DEMONYMS",
    "Counts",
    "Intervals",
    "Ratio",
    "greedy_pairs",
    "length",
    "match",
    "match_exact",
    "merge",
    "name_holds",
    "names_match",
    "normalise_name",
    "overlap",
    "shares_name_token",
    "trimmed",
    "verbatim",
]


#: One span as sorted, non-overlapping half-open intervals.
Intervals = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives; P/R/F1 from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Ratio:
    """``correct`` out of ``total`` (an accuracy, or a recall counted per item)."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.correct + other.correct, self.total + other.total)

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0


def merge(intervals: Iterable[tuple[int, int]]) -> Intervals:
    """Sort intervals, drop empty ones and join those that touch or overlap."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


def length(span: Intervals) -> int:
    return sum(end - start for start, end in span)


def overlap(a: Intervals, b: Intervals) -> int:
    """How many characters two spans share."""
    shared, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        shared += max(0, hi - lo)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return shared


_EDGE = frozenset(" \t\n\xa0.,;:!?\"'“”‘’«»()—–-")


def trimmed(text: str, span: Intervals) -> tuple[int, int] | None:
    """A span's outer bounds with whitespace, punctuation and quotation marks at either
    edge left out: what an exact match compares."""
    if not span:
        return None
    start, end = span[0][0], span[-1][1]
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return (start, end) if end > start else None


def match_exact(
    text: str, predicted: Sequence[Intervals], gold: Sequence[Intervals]
) -> list[tuple[int, int]]:
    """One-to-one pairs whose spans are the same stretch of ``text``, edges trimmed
    (:func:`trimmed`): the exact-match criterion of published PolNeAR taggers."""
    wanted: dict[tuple[int, int], list[int]] = {}
    for g, span in enumerate(gold):
        if (key := trimmed(text, span)) is not None:
            wanted.setdefault(key, []).append(g)
    pairs = []
    for p, span in enumerate(predicted):
        key = trimmed(text, span)
        if key is not None and wanted.get(key):
            pairs.append((p, wanted[key].pop(0)))
    return pairs


def match(
    predicted: Sequence[Intervals], gold: Sequence[Intervals], threshold: float
) -> list[tuple[int, int]]:
    """One-to-one ``(predicted index, gold index)`` pairs, greedy by overlap.

    A pair qualifies when the characters it shares, divided by the gold span's length,
    reach ``threshold``. Pairs are taken best first (ties: earlier gold, then earlier
    prediction); each prediction and each gold span is used at most once.
    """
    pairs: list[tuple[float, int, int]] = []
    for g, gold_span in enumerate(gold):
        size = length(gold_span)
        if not size:
            continue
        for p, predicted_span in enumerate(predicted):
            ratio = overlap(predicted_span, gold_span) / size
            if ratio >= threshold and ratio > 0:
                pairs.append((-ratio, g, p))
    pairs.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    out: list[tuple[int, int]] = []
    for _, g, p in pairs:
        if p not in used_p and g not in used_g:
            used_p.add(p)
            used_g.add(g)
            out.append((p, g))
    return sorted(out, key=lambda pg: pg[1])


# -- names ---------------------------------------------------------------------------------

#: Words that never identify a speaker or party on their own.
_GENERIC = lexicon.GENERIC_NAME_WORDS
#: Adjectives and plurals of places the data writes for the place itself.
DEMONYMS = lexicon.DEMONYMS
_TOKEN = re.compile(r"[^\W_]+")


def normalise_name(name: str) -> str:
    """Lower-cased words of a name, possessives and punctuation dropped."""
    name = re.sub(r"\s*['’]\s*s\b", "", name)
    return " ".join(_TOKEN.findall(name.casefold()))


def _canonical(name: str) -> str | None:
    found = lexicon.canonical(name) or lexicon.canonical(name.replace(" ", ""))
    if found is None:
        words = normalise_name(name).split()
        if words and words[0] == "the":
            words = words[1:]
        found = lexicon.canonical(" ".join(words)) or DEMONYMS.get(" ".join(words))
    return found.casefold() if found else None


def _tokens(name: str) -> set[str]:
    return {w for w in normalise_name(name).split() if w not in _GENERIC and len(w) > 1}


def shares_name_token(a: str, b: str) -> bool:
    """Whether two names share a distinctive word (a surname, a country name)."""
    return bool(_tokens(a) & _tokens(b))


def names_match(predicted: Iterable[str], gold: str) -> bool:
    """Whether any of a party's names stands for the same actor as ``gold``.

    Same canonical place (``US`` = ``the United States``; demonyms such as ``Iraqi`` and
    ``Soviet`` count as their state; one such word in a longer mention is enough:
    ``EU 's leaders``), or a shared distinctive word (``Assad`` in ``Assad government``;
    generic words such as government, leaders, officials do not count).
    """
    gold_keys = {_key(gold), _canonical_word(gold)} - {None, ""}
    for name in predicted:
        if {_key(name), _canonical_word(name)} & gold_keys or shares_name_token(name, gold):
            return True
    return False


def _key(name: str) -> str:
    words = normalise_name(name).split()
    return _canonical(name) or " ".join(words[1:] if words[:1] == ["the"] else words)


def _canonical_word(name: str) -> str | None:
    """The canonical place named by one word of ``name`` (``EU 's leaders`` → EU)."""
    for word in normalise_name(name).split():
        found = _canonical(word)
        if found is not None:
            return found
    return None


_QUOTE_FOLD = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def verbatim(text: str) -> str:
    """A quote for comparison: typographic marks folded, whitespace runs joined, and the
    quotation marks and punctuation at its ends dropped."""
    return " ".join(text.translate(_QUOTE_FOLD).split()).strip(" \"',.;:")


def name_holds(name: str, words: Iterable[str]) -> bool:
    """Whether an agreement's name holds any of ``words`` (case-insensitively)."""
    folded = name.casefold()
    return any(word.casefold() in folded for word in words)


A = TypeVar("A")
B = TypeVar("B")


def greedy_pairs(
    left: Sequence[A], right: Sequence[B], same: Callable[[A, B], bool]
) -> list[tuple[int, int]]:
    """One-to-one pairs in order (first come, first matched)."""
    used: set[int] = set()
    out = []
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            if j not in used and same(a, b):
                used.add(j)
                out.append((i, j))
                break
    return out
