"""Matching the model's claims against the text, by offsets we compute.

Pure and deterministic, no I/O. Nothing here trusts an offset from the model: every
:class:`~pactlens._models.Span` returned slices back exactly, ``text[s.start:s.end] == s.text``.

Matching is done on a normalised copy of the text (typographic quotes, dashes and
whitespace folded, see :func:`pactlens.text.normalise.normalise`) and mapped back to
the original characters.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable
from functools import lru_cache

from pactlens import lexicon
from pactlens._models import Span
from pactlens.text.normalise import DOUBLE_QUOTES, WORD, lower, normalise_with_ends, span_of

__all__ = ["find_all", "find_mentions", "ground"]

_WINDOW = 200
_TRAIL = " \"'….!?,;:-"


@lru_cache(maxsize=16)
def _prepared(text: str) -> tuple[str, str, list[int], list[int]]:
    norm, starts, ends = normalise_with_ends(text)
    return norm, lower(norm), starts, ends


def _strip_needle(needle: str) -> tuple[str, str]:
    """The needle's core, and the punctuation it ended with (kept when the text has it)."""
    norm = normalise_with_ends(needle)[0].strip().lstrip("\"'…,;:- ")
    core = norm.rstrip(_TRAIL)
    tail = "".join(c for c in norm[len(core) :] if c in ".!?,;:")
    return core, tail


def find_all(
    text: str, needle: str, *, case_sensitive: bool = True, whole_words: bool = True
) -> list[Span]:
    """Every non-overlapping occurrence of ``needle``, in original-text coordinates.

    Both sides are normalised first; quote marks and punctuation around the needle are
    ignored (a trailing ``,``/``.``/``?`` is kept in the span when the text has it too).
    With ``whole_words`` a match may not start or end inside a word.
    """
    core, tail = _strip_needle(needle)
    if not core:
        return []
    norm, low, starts, ends = _prepared(text)
    hay, pat = (norm, core) if case_sensitive else (low, lower(core))
    out: list[Span] = []
    i = hay.find(pat)
    while i != -1:
        j = i + len(pat)
        inside = whole_words and (
            (pat[0].isalnum() and i > 0 and hay[i - 1].isalnum())
            or (pat[-1].isalnum() and j < len(hay) and hay[j].isalnum())
        )
        if inside:
            i = hay.find(pat, i + 1)
            continue
        k = j
        for ch in tail:
            if k < len(hay) and hay[k] == ch:
                k += 1
            else:
                break
        out.append(span_of(text, starts[i], ends[k - 1]))
        i = hay.find(pat, j)
    return out


@lru_cache(maxsize=16)
def _word_index(text: str) -> tuple[list[tuple[int, int, str]], list[bool], dict[str, list[int]]]:
    _, low, starts, ends = _prepared(text)
    toks = [(starts[m.start()], ends[m.end() - 1], m.group()) for m in WORD.finditer(low)]
    joinable = [
        not any(c in DOUBLE_QUOTES or c == "\n" for c in text[a[1] : b[0]])
        for a, b in itertools.pairwise(toks)
    ]
    index: dict[str, list[int]] = {}
    for k, (_, _, w) in enumerate(toks):
        index.setdefault(w, []).append(k)
    return toks, joinable, index


def _pieces(text: str, needle: str) -> list[list[Span]]:
    words = [m.group() for m in WORD.finditer(lower(normalise_with_ends(needle)[0]))]
    n = len(words)
    if n < 4:
        return []
    toks, joinable, index = _word_index(text)
    limit = min(5, 1 + n // 4)

    def piece(i: int, k: int, depth: int) -> list[tuple[int, int]] | None:
        run = 1
        while i + run < n and k + run < len(toks) and joinable[k + run - 1]:
            if toks[k + run][2] != words[i + run]:
                break
            run += 1
        for size in range(run, 1, -1):
            if all(words[i + x] in lexicon.STOP_WORDS for x in range(size)):
                continue
            if i + size == n:
                return [(k, k + size)]
            if depth + 1 < limit:
                end = toks[k + size - 1][1]
                for k2 in index.get(words[i + size], []):
                    if k2 >= k + size and toks[k2][0] - end <= _WINDOW:
                        rest = piece(i + size, k2, depth + 1)
                        if rest is not None:
                            return [(k, k + size), *rest]
        return None

    options: list[list[Span]] = []
    for k in index.get(words[0], []):
        found = piece(0, k, 0)
        if found:
            options.append([span_of(text, toks[a][0], toks[b - 1][1]) for a, b in found])
    return options


def _choose(options: list[list[Span]], near: int | None, taken: Collection[Span]) -> list[Span]:
    def is_taken(option: list[Span]) -> bool:
        return any(s.start < t.end and t.start < s.end for s in option for t in taken)

    pool = [o for o in options if not is_taken(o)] or options
    if near is None:
        return pool[0]
    return min(pool, key=lambda o: (abs(o[0].start - near), o[0].start))


def ground(
    text: str, needle: str, *, near: int | None = None, taken: Collection[Span] = ()
) -> list[Span]:
    """Locate a quote the model claims; ``[]`` when its words are not really in ``text``.

    Exact (normalised) matches come first, case-sensitive then not. Among several, the
    one not overlapping ``taken`` and nearest to ``near`` wins (else the first; when all
    are taken one is still returned). Failing that, a quote interrupted by the text
    (“We will help,” he said. “We always do.”) or elided with ``…`` is returned as
    several verbatim pieces, in order, each of two words or more, each within 200
    characters of the previous, together covering every word of the needle.
    """
    for case_sensitive in (True, False):
        found = find_all(text, needle, case_sensitive=case_sensitive)
        if found:
            return _choose([[s] for s in found], near, taken)
    options = _pieces(text, needle)
    return _choose(options, near, taken) if options else []


def find_mentions(text: str, names: Iterable[str]) -> list[Span]:
    """Whole-word occurrences of any of ``names`` (normalised; a name never found with its
    case is looked for without), longest first where they overlap, sorted."""
    found = [
        s
        for name in names
        for s in find_all(text, name) or find_all(text, name, case_sensitive=False)
    ]
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for s in found:
        if not out or s.start >= out[-1].end:
            out.append(s)
    return out
