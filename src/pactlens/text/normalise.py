"""Text primitives shared by grounding, quotations and attribution.

Normalisation (typographic quotes, dashes and whitespace folded, each character mapped
back to the original), spans that slice back exactly, quote marks, words and sentence
stops. The word lists live in :mod:`pactlens.lexicon`. Pure: no I/O.
"""

from __future__ import annotations

import re

from pactlens import lexicon
from pactlens._models import Span

__all__ = [
    "DOUBLE_QUOTES",
    "QUOTE_MARKS",
    "SINGLE_QUOTES",
    "WORD",
    "is_abbreviation",
    "is_blank",
    "lower",
    "normalise",
    "normalise_with_ends",
    "sentence_stops",
    "span_of",
]

#: Double quote marks and their nominal role ("" for a straight mark: either).
DOUBLE_QUOTES = {
    "“": "open",
    "„": "open",
    "‟": "open",
    "«": "open",
    "”": "close",
    "»": "close",
    '"': "",
}
SINGLE_QUOTES = {"‘": "open", "‛": "open", "‚": "open", "’": "close", "'": ""}
_FOLD = dict.fromkeys("“”„‟″«»", '"') | dict.fromkeys("‘’‚‛′", "'") | dict.fromkeys("–—‒―−", "-")
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
#: Every quote mark, double and single.
QUOTE_MARKS = "".join(DOUBLE_QUOTES) + "".join(SINGLE_QUOTES)
#: A word, apostrophes inside it kept (don't, Kim's).
WORD = re.compile(r"\w+(?:'\w+)*")

_STOPS = re.compile(r"[.!?](?:''|[\"”’])?\s|''|``|[\"“”]")
#: ``\s`` matches exactly the characters ``str.isspace`` and ``str.strip`` know.
_BLANK = re.compile(r"\s*")


def normalise_with_ends(text: str) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        j = i + 1
        if c.isspace():
            while j < n and (text[j].isspace() or text[j] in _DROP):
                j += 1
            c = " "
        elif c in _DROP:
            i = j
            continue
        elif text.startswith("...", i):
            c, j = "…", i + 3
        out.append(_FOLD.get(c, c))
        starts.append(i)
        ends.append(j)
        i = j
    return "".join(out), starts, ends


def normalise(text: str) -> tuple[str, list[int]]:
    """Fold quotes, dashes, ``...`` and whitespace runs; map each character to the original.

    Returns the normalised string and, for each of its characters, the index in ``text``
    where it starts. Case is kept.
    """
    norm, starts, _ = normalise_with_ends(text)
    return norm, starts


def lower(s: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def is_blank(text: str, start: int, end: int) -> bool:
    """``not text[start:end].strip()``, without copying the slice (which may be long)."""
    if start >= end:
        return True
    m = _BLANK.match(text, start, end)
    return m is not None and m.end() == end


def span_of(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


def sentence_stops(s: str) -> list[re.Match[str]]:
    """Sentence ends and quote marks in ``s``, not the dot of "Rep." or "J."."""
    return [
        m
        for m in _STOPS.finditer(s)
        if not (m.group()[0] == "." and is_abbreviation(re.search(r"[A-Za-z.]*\Z", s[: m.start()])))
    ]


def is_abbreviation(word: re.Match[str] | None) -> bool:
    w = word.group() if word else ""
    return w.lower() in lexicon.ABBREVIATIONS or bool(
        re.fullmatch(r"[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]", w)
    )
