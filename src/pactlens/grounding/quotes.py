"""Quotations and sentences: where quoted words are, found by the marks around them.

Pure and deterministic. Curly, straight and guillemet double quotes, and double quotes
written as two characters (''…'', ``…''); single quotes where they are the quote style;
news style for quotes that run over paragraphs. Scare quotes and titles are flagged, not
dropped. :func:`sentence_at` never splits a closed quotation.

Linear in the length of the text: each line's quotations and sentence starts are found
once (:class:`SentenceIndex`, kept for the last few texts) and looked up by bisection.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pactlens import lexicon
from pactlens._models import Span
from pactlens.text.normalise import (
    DOUBLE_QUOTES,
    QUOTE_MARKS,
    SINGLE_QUOTES,
    WORD,
    is_abbreviation,
    is_blank,
    normalise_with_ends,
    sentence_stops,
    span_of,
)

__all__ = ["Quotation", "SentenceIndex", "find_quotations", "sentence_at", "sentence_index"]

_OPEN_CTX = "([{—–-/"
_CLOSE_CTX = ".,;:!?)]}…—–-"
#: Words after which a quoted Title Like This names a show, book or event.
#: Quoted words at most this many, inside the writer's sentence, are not a statement.
_FRAGMENT = 3
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
#: A double mark, or one written as two characters (''…'' or ``…'', as some wire and
#: archive texts encode quotation marks).
_DOUBLE = re.compile("''|``|[" + re.escape("".join(DOUBLE_QUOTES)) + "]")
_SINGLE = re.compile("[" + re.escape("".join(SINGLE_QUOTES)) + "]")
_NEWLINE = re.compile("\n")
#: ``\s`` is exactly ``str.isspace``: at most one character that ``strip()`` would keep.
_ONE_MARK = re.compile(r"\s*(?:\S\s*)?")


@dataclass(frozen=True, slots=True)
class Quotation:
    """Quoted words: ``span`` is inside the marks; ``open``/``close`` index the marks
    (the outer character of a mark written as two, ''…'').

    A quotation that runs on into the next paragraph (news style) has no closing mark:
    ``runs_on`` is true and ``close`` is ``span.end``. The next paragraph's piece has
    ``continuation`` set. ``scare`` marks short quotes with no speech verb around them;
    ``title`` those of them that name a show, a work or an event (MSNBC's “Morning Joe”),
    which are nobody's words.
    """

    span: Span
    open: int
    close: int
    words: int
    scare: bool = False
    depth: int = 0
    runs_on: bool = False
    continuation: bool = False
    title: bool = False


def _role(text: str, i: int, nominal: str, *, single: bool = False) -> str:
    """Whether the mark at ``i`` opens or closes, by what flanks it; ``""`` when neither."""
    b, a = i - 1, i + 1
    while b >= 0 and text[b] in QUOTE_MARKS and text[b] != text[i]:
        b -= 1
    while a < len(text) and text[a] in QUOTE_MARKS and text[a] != text[i]:
        a += 1
    return _flanked(text, b, a, nominal, apostrophe=single and a == i + 1 and b == i - 1)


def _flanked(text: str, b: int, a: int, nominal: str, *, apostrophe: bool = False) -> str:
    """Open, close or ``nominal`` by the characters at ``b`` (before) and ``a`` (after)."""
    before = text[b] if b >= 0 else "\n"
    after = text[a] if a < len(text) else "\n"
    if apostrophe and before.isalnum() and after.isalnum():
        return ""  # an apostrophe: don't, Kim’s
    left = before.isspace() or before in _OPEN_CTX
    right = after.isspace() or after in _CLOSE_CTX
    if left != right:
        return "open" if left else "close"
    return nominal


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if line.strip():
            lead = len(line) - len(line.lstrip())
            out.append((m.start() + lead, m.start() + len(line.rstrip())))
    return out


def _single_pairs(text: str, a: int, b: int) -> list[tuple[int, int]]:
    opens, closes = [], []
    for m in _SINGLE.finditer(text, a, b):
        i = m.start()
        role = _role(text, i, SINGLE_QUOTES[text[i]], single=True)
        word = WORD.match(text, i + 1) if role == "open" else None
        if word and not word.group()[0].isdigit() and word.group().lower() not in lexicon.ELISIONS:
            opens.append(i)
        elif role == "close":
            closes.append(i)
    pairs: list[tuple[int, int]] = []
    for n, o in enumerate(opens):
        if pairs and o < pairs[-1][1]:
            continue
        stop = min(opens[n + 1] if n + 1 < len(opens) else b, o + 400)
        cands = closes[bisect.bisect_right(closes, o + 1) : bisect.bisect_right(closes, stop)]
        good = [c for c in cands if text[c - 1] in ",.!?;:" or c + 1 == b or text[c + 1] in ",.;:"]
        if cands:
            pairs.append((o, (good or cands)[0]))
    return pairs


_Found = tuple[int, int | None, int, bool]  # open, close (None: runs on), depth, continuation


def _double_pairs(text: str, paras: list[tuple[int, int]]) -> tuple[list[_Found], set[int]]:
    """The double-mark quotations, and the inner character of each two-character mark
    (''…'', ``…''): that character stands for its mark in the pairs."""
    pstarts = [a for a, _ in paras]
    found: list[_Found] = []
    stack: list[tuple[int, str, int, bool]] = []  # open, family, paragraph, continuation
    ran_on = -2
    twins = set()
    for m in _DOUBLE.finditer(text):
        i, ch = m.start(), m.group()
        if len(ch) == 2:
            role = "open" if ch == "``" else _flanked(text, i - 1, i + 2, "")
            family = "twin"
            i += role == "open"  # the character next to the words stands for the mark
            twins.add(i)
        else:
            role = _role(text, i, DOUBLE_QUOTES[ch])
            family = "straight" if ch == '"' else "guillemet" if ch in "«»" else "curly"
        if not role:
            continue
        p = bisect.bisect_right(pstarts, i) - 1
        if stack and stack[0][2] != p:
            found.extend((o, None, d, cont) for d, (o, _, _, cont) in enumerate(stack))
            ran_on, stack = stack[0][2], []
        if role == "open":
            if stack and stack[-1][1] == family:
                stack.pop()  # an earlier mark that never closed
            lead = text[paras[p][0] : m.start()]
            cont = not stack and p == ran_on + 1 and not lead.strip()
            stack.append((i, family, p, cont))
        elif stack:
            d = max((k for k, e in enumerate(stack) if e[1] == family), default=len(stack) - 1)
            found.append((stack[d][0], i, d, stack[d][3]))
            del stack[d:]
    found.extend((o, None, d, cont) for d, (o, _, _, cont) in enumerate(stack))
    return found, twins


def find_quotations(text: str, *, nested: bool = False) -> list[Quotation]:
    """Quoted passages, in order: curly, straight and guillemet double quotes (also
    written as two characters, ''…'' or ``…''), and single quotes where they are the
    quote style (a paragraph or headline with no double quotes).

    News style is followed: a quotation running over paragraphs opens in each one and
    closes only at the end. Apostrophes (don't, Kim’s, ’90s) are never quote marks. With
    ``nested`` the quotes inside quotes (depth 1) are returned too.
    """
    paras = _paragraphs(text)
    pstarts = [a for a, _ in paras]
    found, twins = _double_pairs(text, paras)

    def para_end(i: int) -> int:
        return paras[bisect.bisect_right(pstarts, i) - 1][1]

    with_doubles = set()  # the paragraphs holding a double mark that opens a quotation
    for o, _, _, _ in found:
        p = bisect.bisect_right(pstarts, o) - 1
        if p >= 0 and o < paras[p][1]:
            with_doubles.add(p)
    regions = [(o + 1, c, 1) for o, c, d, _ in found if d == 0 and c is not None]
    regions += [(a, b, 0) for p, (a, b) in enumerate(paras) if p not in with_doubles]
    for a, b, depth in regions:
        found.extend((o, c, depth, False) for o, c in _single_pairs(text, a, b))
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    quotes = []
    for o, c, depth, cont in sorted(found):
        end = para_end(o) if c is None else c
        inner = text[o + 1 : end]
        start = o + 1 + len(inner) - len(inner.lstrip())
        stop = o + 1 + len(inner.rstrip())
        words = len(WORD.findall(normalise_with_ends(inner)[0]))
        if words and (nested or depth == 0):
            span = span_of(text, start, stop)
            # ``open`` and ``close`` index a two-character mark's outer character
            first, last = o - (o in twins), end + (c is not None and c in twins)
            q = Quotation(
                span, first, last, words, depth=depth, runs_on=c is None, continuation=cont
            )
            lead = _lead_word(text, q)
            title = _is_title(q, lead)
            scare = title or _is_scare(text, q, newlines, glued=lead is not None)
            quotes.append(dataclasses.replace(q, scare=scare, title=title))
    return quotes


def _nearly_blank(text: str, a: int, b: int) -> bool:
    """``len(text[a:b].strip()) < 2``, without copying the slice."""
    m = _ONE_MARK.match(text, a, b) if a < b else None
    return a >= b or (m is not None and m.end() == b)


def _lead_word(text: str, q: Quotation) -> str | None:
    """The word right before the quotation's opening mark, lower-cased, when only blanks
    stand between them (MSNBC’s “Morning Joe”, has “big plans”); else None."""
    preceding = text[max(0, q.open - 30) : q.open]
    lead = WORD.findall(normalise_with_ends(preceding)[0].lower())
    return lead[-1] if lead and preceding.rstrip()[-1:].isalnum() else None


def _titled(q: Quotation) -> bool:
    words = WORD.findall(normalise_with_ends(q.span.text)[0])
    return bool(words) and all(w[0].isupper() or w in lexicon.STOP_WORDS for w in words)


def _is_title(q: Quotation, lead: str | None) -> bool:
    """A title (on “Fox News Sunday,” / MSNBC’s “Morning Joe”): a few words in Title
    Case right after (``lead``, :func:`_lead_word`) a word that leads a title or a
    possessive."""
    if q.runs_on or q.continuation or q.words > 8 or lead is None or not _titled(q):
        return False
    return lead in lexicon.TITLE_LEAD or lead.endswith("'s")


def _is_scare(text: str, q: Quotation, newlines: Sequence[int], *, glued: bool) -> bool:
    """Not a quotation of what someone said: a few words quoted inside the writer's own
    sentence (he has “big plans”), or a short quote or a Title Like This with no speech
    verb around it (titles: :func:`_is_title`). ``glued``: a word stands right before
    the opening mark. ``newlines``: where ``text``'s line breaks are, so that finding the
    quote's line costs a bisection, not a scan."""
    if q.runs_on or q.continuation or q.words > (6 if _titled(q) else 3):
        return False
    if glued and q.words <= _FRAGMENT and q.span.text[:1].islower():
        return True  # says he has “big plans” for
    k = bisect.bisect_left(newlines, q.open)
    a = newlines[k - 1] + 1 if k else 0  # text.rfind("\n", 0, q.open) + 1
    k = bisect.bisect_left(newlines, q.close)
    b = newlines[k] if k < len(newlines) else len(text)  # text.find("\n", q.close), or the end
    if is_blank(text, a, q.open) and _nearly_blank(text, q.close + 1, b):
        return False  # the quote is the whole paragraph
    before = text[max(a, q.open - 80) : q.open]
    before = before[max((m.end() for m in sentence_stops(before)), default=0) :]
    if not before.strip() and q.span.text[-1] in ".!?":
        return False  # a sentence of its own
    after = text[q.close + 1 : min(b, q.close + 80)]
    after = after[: next((m.start() + 1 for m in sentence_stops(after)), None)]
    context = normalise_with_ends(before + " " + after)[0].lower()
    return not set(WORD.findall(context)) & lexicon.QUOTE_CUES and "according to" not in context


# -- sentences -----------------------------------------------------------------------------


def _sentence_starts(text: str, a: int, b: int, shield: Sequence[tuple[int, int]]) -> list[int]:
    shield = sorted(shield)
    opens = [o for o, _ in shield]
    reach = list(itertools.accumulate((c for _, c in shield), max))  # furthest close so far
    starts = [a]
    for m in _BOUNDARY.finditer(text, a, b):
        end = m.end()
        k = bisect.bisect_left(opens, end)  # the quotations opening before ``end``
        if end >= b or (k and reach[k - 1] >= end):  # any(o < end <= c for o, c in shield)
            continue
        if any(ch in QUOTE_MARKS for ch in m.group()) and _cue_follows(text[end : end + 80]):
            continue  # “Are you ready?” Putin asked.
        nxt = text[end]
        if not (nxt.isupper() or nxt.isdigit() or nxt in QUOTE_MARKS or nxt in "(["):
            continue
        word = re.search(r"[A-Za-z.]*\Z", text[max(a, m.start() - 12) : m.start()])
        if text[m.start()] == "." and is_abbreviation(word):
            continue
        starts.append(end)
    return starts


def _cue_follows(s: str) -> bool:
    s = s[: next((m.start() for m in sentence_stops(s)), None)]
    return any(w.lower() in lexicon.QUOTE_CUES for w in WORD.findall(s)[:7])


class SentenceIndex:
    """The sentences of one text, for :func:`sentence_at` in logarithmic time.

    A line's quotations and sentence starts are found the first time a position in it is
    asked for, and kept; so are the sentences handed out. Get one with
    :func:`sentence_index`, which keeps the index of the last few texts.
    """

    __slots__ = ("_lines", "_newlines", "_spans", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines = [m.start() for m in _NEWLINE.finditer(text)]
        self._lines: dict[int, list[int]] = {}  # line start -> its sentence starts
        self._spans: dict[int, Span] = {}  # sentence start -> the sentence, stripped

    def line_start(self, index: int) -> int:
        """Where the line holding ``index`` starts: ``text.rfind("\\n", 0, index) + 1``."""
        k = bisect.bisect_left(self._newlines, index)
        return self._newlines[k - 1] + 1 if k else 0

    def at(self, index: int) -> Span:
        """The sentence holding ``index``: what :func:`sentence_at` returns."""
        text = self.text
        if not text:
            return span_of(text, 0, 0)
        index = min(max(index, 0), len(text) - 1)
        k = bisect.bisect_left(self._newlines, index)
        a = self.line_start(index)
        b = self._newlines[k] if k < len(self._newlines) else len(text)  # text.find("\\n", index)
        starts = self._lines.get(a)
        if starts is None:
            quotes = find_quotations(text[a:b])
            shield = [(q.open + a, q.close + a) for q in quotes if not q.runs_on]
            starts = self._lines[a] = _sentence_starts(text, a, b, shield)
        k = bisect.bisect_right(starts, index) - 1
        s = starts[k]
        span = self._spans.get(s)
        if span is None:
            e = starts[k + 1] if k + 1 < len(starts) else b
            chunk = text[s:e]
            start = s + len(chunk) - len(chunk.lstrip())
            span = self._spans[s] = span_of(text, start, start + len(chunk.strip()))
        return span


@lru_cache(maxsize=8)
def sentence_index(text: str) -> SentenceIndex:
    """The :class:`SentenceIndex` of ``text``; the last few are kept, so the functions
    that ask for the sentences of one text share one index."""
    return SentenceIndex(text)


def sentence_at(text: str, index: int) -> Span:
    """The sentence holding ``index``. Paragraph breaks always end a sentence; closed
    quotations are never split, and abbreviations (Mr., Jan., U.S.) do not end one."""
    return sentence_index(text).at(index)
