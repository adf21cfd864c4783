"""Cleaning: a raw article (plain text or HTML) in, its body and metadata out.

Pure, no I/O. The cleaned text is built only from slices of the input, each line
stripped at its ends, joined by ``\\n`` within a paragraph and ``\\n\\n`` between
paragraphs; nothing inside a line is ever changed, so every body sentence survives
verbatim and :class:`OffsetMap` maps positions back to the input exactly.

Removed, each whole line listed in ``Article.removed``: navigation crumbs glued to the
headline, link lines ("Also Read: …", "Related: …"), share/follow/subscribe prompts,
advertisement markers, copyright lines, bylines and date stamps, "Most Popular"-style
lists, and a publisher blurb or credit line at the end. The headline becomes
``Article.title`` and leaves the text. The dateline ("Islamabad, 21 June 2024 (TDI): …")
is parsed into ``Article.dateline`` and ``Article.source`` but stays in the text: it is
the start of the first sentence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from pactlens import lexicon
from pactlens._errors import InputError
from pactlens._models import Article, Dateline
from pactlens.text.dates import DATE_PATTERN, date_from_match, date_in
from pactlens.text.html import Page, extract_html, looks_like_html

__all__ = ["OffsetMap", "clean", "clean_with_offsets", "decode_text", "looks_like_html"]

_SP = r"[ \t\xa0]"
_WORD = r"[A-ZÀ-ÖØ-Þ][\w'\u2019.&-]*"
_PARTICLES = "|".join(sorted(lexicon.PLACE_PARTICLES, key=len, reverse=True))
_DATELINE = re.compile(
    rf"(?P<place>{_WORD}(?:{_SP}(?:{_WORD}|(?:{_PARTICLES})(?={_SP}))){{0,4}})"
    rf"(?:,{_SP}+(?P<region>{_WORD}(?:{_SP}{_WORD}){{0,2}}))?"
    rf"(?:,{_SP}+{DATE_PATTERN})?"
    rf"(?:{_SP}*(?:\((?P<src>[A-Z][^()\n]{{0,39}})\)|/(?P<src2>[A-Z][^/\n]{{0,29}})/))?"
    rf"{_SP}*(?::|--|\u2014|\u2013|-)(?=\s|$)"
)
#: All-caps words that open a line like a dateline but are labels: "BREAKING: …".
_SENTENCE_END = re.compile(r"[.!?…:;,][\"'”\u2019)\]]*$")
_LINK_PREFIX = re.compile(
    r"(?i:also[ \xa0]+read|read[ \xa0]+(?:also|more|next)|see[ \xa0]+also|related(?:[ \xa0]+\w+)?"
    r"|more|must[ \xa0]+read|recommended|watch|listen|tags|topics|filed[ \xa0]+under|trending)"
    r"[ \xa0]*[:|»\u203a]"
)
_PROMPT = re.compile(
    r"(?i:follow[ \xa0]+us|share[ \xa0]+(?:this|on|via)|subscribe|sign[ \xa0]+up|click[ \xa0]+here"
    r"|download[ \xa0]+(?:the|our)[ \xa0].*\bapp|story[ \xa0]+continues|article[ \xa0]+continues"
    r"|continue[ \xa0]+reading|scroll[ \xa0]+to[ \xa0]+continue)\b"
)
_AD = re.compile(r"(?i:advertisements?|sponsored)(?:[ \xa0]*[-:|\u2013\u2014].{0,60})?")
_COPYRIGHT = re.compile(r"(?i:©|\(c\)[ \xa0]*\d{4}|copyright[ \xa0]*(?:©|\(c\)|\d{4}))")
_RIGHTS = re.compile(r"(?i)\ball rights reserved\b")
_CREDIT = re.compile(r"\(?(?:Reporting|Writing|Editing|Additional reporting) by\b.*\)?$")
_BYLINE = re.compile(rf"By{_SP}+{_WORD}(?:,?{_SP}+(?:and{_SP}+|&{_SP}+)?{_WORD}){{0,7}}")
_STAMP = re.compile(
    rf"(?i:published|updated|last{_SP}+updated|first{_SP}+published|posted)(?:{_SP}+on)?:?{_SP}*.*"
)
_DATE_STAMP = re.compile(
    rf"{DATE_PATTERN}(?:[ ,]+\d{{1,2}}:\d{{2}}.{{0,30}})?"
)  # "June 21, 2024 10:32"
_READ_TIME = re.compile(r"(?i:\d+[ \xa0]*min(?:ute)?s?[ \xa0]+read|reading time:.*)")
_BLURB = re.compile(
    rf"(?:The{_SP}+)?(?:{_WORD}{_SP}+){{0,6}}is{_SP}+(?:a|an|the)\b.{{0,160}}?"
    r"\b(?:magazine|(?:news)?paper|news[ \xa0]+agency|wire[ \xa0]+service|news[ \xa0]+(?:outlet|"
    r"website|site|portal|network|platform|organi[sz]ation)|website|publication|broadcaster|"
    r"media[ \xa0]+(?:outlet|company|group|house|platform|organi[sz]ation)|tabloid)\b.*"
)
_REPORTED = re.compile(rf"\b(?:{'|'.join(lexicon.BLURB_EXCEPTIONS)})\b|[“”\"]")
_ODD_CHARS = re.compile(r"[\x01-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_BREADCRUMB = re.compile(
    r"(?:[^»\u203a>|/\n]{1,40}[ \xa0]*[»\u203a>|/][ \xa0]*){1,6}[^»\u203a>|/\n]{1,80}"
)
_GLUED_HOME = re.compile(r"Home((?:[A-Z][a-z]+)+)(?=\S)")


@dataclass(frozen=True)
class OffsetMap:
    """Maps positions in ``Article.text`` to positions in ``base`` and back.

    ``base`` is the input for plain text, and the text extracted from the page for HTML.
    ``segments`` are ``(clean_start, raw_start, length)`` runs, sorted on both sides,
    with ``text[clean_start:clean_start + length] == base[raw_start:raw_start + length]``.
    Breaks inserted between kept lines that are not in ``base`` map to ``None``.
    """

    segments: tuple[tuple[int, int, int], ...]
    base: str = field(repr=False, compare=False)
    _clean_starts: list[int] = field(init=False, repr=False, compare=False)
    _raw_starts: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_clean_starts", [seg[0] for seg in self.segments])
        object.__setattr__(self, "_raw_starts", [seg[1] for seg in self.segments])

    def to_raw(self, i: int) -> int | None:
        """The position in ``base`` of ``text[i]``, or None where it was inserted."""
        return self._find(i, self._clean_starts, 0, 1)

    def to_clean(self, i: int) -> int | None:
        """The position in ``text`` of ``base[i]``, or None where it was removed."""
        return self._find(i, self._raw_starts, 1, 0)

    def span_to_clean(self, start: int, end: int) -> tuple[int, int] | None:
        """The ``[start:end]`` span of ``base`` in ``text``, clipped to what was kept."""
        first = last = None
        k = max(bisect.bisect_right(self._raw_starts, start) - 1, 0)
        for clean_start, raw_start, length in self.segments[k:]:
            if raw_start >= end:
                break
            lo, hi = max(start, raw_start), min(end, raw_start + length)
            if lo < hi:
                first = clean_start + lo - raw_start if first is None else first
                last = clean_start + hi - raw_start
        return None if first is None or last is None else (first, last)

    def _find(self, i: int, starts: list[int], here: int, there: int) -> int | None:
        k = bisect.bisect_right(starts, i) - 1
        if k < 0:
            return None
        segment = self.segments[k]
        offset = i - segment[here]
        return segment[there] + offset if offset < segment[2] else None


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


def decode_text(data: bytes, source: str) -> str:
    """Bytes read from ``source`` (a file, stdin) as UTF-8 text, a BOM dropped.

    Raises :class:`~pactlens.InputError` naming the source and where decoding failed.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{source} is not UTF-8 text ({e.reason} at byte {e.start})") from e


def clean(raw: str, *, max_chars: int = 1_000_000) -> Article:
    """Clean a raw article (plain text or HTML): its body, title, dateline and source.

    Raises :class:`~pactlens.InputError` for bytes, empty, binary-looking or oversized
    input, and when nothing of a body is left after cleaning.
    """
    return clean_with_offsets(raw, max_chars=max_chars)[0]


def clean_with_offsets(raw: str, *, max_chars: int = 1_000_000) -> tuple[Article, OffsetMap]:
    """Like :func:`clean`, with the map from the cleaned text back to the input."""
    _check(raw, max_chars)
    if not looks_like_html(raw):
        return _clean_text(raw, Page(text=raw))
    page = extract_html(raw)
    if not page.text.strip():
        raise InputError("the HTML page has no article text: no paragraphs outside navigation")
    return _clean_text(page.text, page)


def _check(raw: object, max_chars: int) -> None:
    if isinstance(raw, (bytes, bytearray)):
        raise InputError(
            f"the article is {type(raw).__name__}, not str: decode it first, "
            "e.g. raw.decode('utf-8')"
        )
    if not isinstance(raw, str):
        raise InputError(f"the article must be a str, not {type(raw).__name__}")
    if len(raw) > max_chars:
        raise InputError(
            f"the article is {len(raw):,} characters long, over the limit of {max_chars:,}; "
            "pass a larger max_chars (Config(max_chars=...)) to accept it"
        )
    if not raw.strip():
        raise InputError("the article is empty (only whitespace): there is nothing to clean")
    try:  # a lone surrogate cannot be encoded, so no request holding it can ever be sent
        raw.encode("utf-8")
    except UnicodeEncodeError as e:
        count = len(re.findall("[\ud800-\udfff]", raw))
        raise InputError(
            f"the article holds {count:,} lone surrogate(s), which is invalid Unicode (the "
            f"first, {raw[e.start]!r}, at character {e.start:,}): text decoded with "
            "errors='surrogateescape' keeps undecodable bytes this way; decode the bytes "
            "with their real encoding, or drop what cannot be encoded with "
            "text.encode('utf-8', 'replace').decode('utf-8')"
        ) from e
    if "\x00" in raw:
        raise InputError("the article contains NUL bytes: it looks binary, not text")
    odd = len(_ODD_CHARS.findall(raw))
    if odd > max(2, len(raw) // 20):
        raise InputError(
            f"{odd:,} of the article's {len(raw):,} characters are control or replacement "
            "characters: it looks binary or wrongly decoded"
        )


def _clean_text(base: str, page: Page) -> tuple[Article, OffsetMap]:
    """Clean plain text; ``page`` holds what the HTML said about title, source and date."""
    lines = _split_lines(base)
    content = [i for i, line in enumerate(lines) if line.text]
    removed = _chrome(lines, content)
    stamps = (date_in(lines[i].text) for i in sorted(removed))  # "Published: 21 June 2024"
    date_hint = page.date or next((d for d in stamps if d), None)
    kept = [i for i in content if i not in removed]
    title, title_line, crumbs = _title(lines, kept, page.title)
    removed |= crumbs
    kept = [i for i in kept if i not in crumbs and i != title_line]
    removed |= _blurbs(lines, kept)
    kept = [i for i in kept if i not in removed]
    if not kept:
        raise InputError(
            "no article body is left after cleaning: every line looked like navigation or "
            f"boilerplate ({len(removed)} removed)"
        )
    dateline, source = _dateline(lines[kept[0]].text, date_hint)
    text, segments = _assemble(base, lines, kept)
    article = Article(
        text=text,
        title=title,
        dateline=dateline,
        source=source or page.source,
        removed=[lines[i].text for i in sorted(removed)],
    )
    return article, OffsetMap(segments=segments, base=base)


def _split_lines(base: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for piece in re.split(r"\r\n|\r|\n", base):
        start = pos + len(piece) - len(piece.lstrip())
        end = max(start, pos + len(piece.rstrip()))
        lines.append(_Line(start, end, base[start:end]))
        pos += len(piece) + (2 if base.startswith("\r\n", pos + len(piece)) else 1)
    return lines


def _is_headline(text: str) -> bool:
    return (
        2 <= len(text.split()) <= 30
        and len(text) <= 250
        and not _SENTENCE_END.search(text)
        and not _match_dateline(text)
    )


def _chrome(lines: list[_Line], content: list[int]) -> set[int]:
    """The lines that are page chrome, going forward through the page."""
    removed: set[int] = set()
    in_list = False
    for i in content:
        text = lines[i].text
        key = text.lower().replace("\xa0", " ").rstrip(" :.!»\u203a")
        if in_list and _is_headline(text):
            removed.add(i)
            continue
        in_list = key in lexicon.LIST_HEADERS
        if in_list or key in lexicon.CHROME_LINES or _is_chrome_line(text):
            removed.add(i)
    return removed


def _is_chrome_line(text: str) -> bool:
    if len(text) > 300:
        return False
    if _LINK_PREFIX.match(text) or _COPYRIGHT.match(text) or _RIGHTS.search(text):
        return True
    if len(text) > 100:
        return False
    return bool(
        _PROMPT.match(text)
        or _AD.fullmatch(text)
        or _BYLINE.fullmatch(text)
        or (_STAMP.fullmatch(text) and date_in(text))
        or _DATE_STAMP.fullmatch(text)
        or _READ_TIME.fullmatch(text)
        or (text[:4].lower() == "home" and _BREADCRUMB.fullmatch(text))
    )


def _title(
    lines: list[_Line], kept: list[int], hint: str | None
) -> tuple[str | None, int | None, set[int]]:
    """The headline, the line it is taken from (if any) and crumb lines to drop."""
    head = kept[:6]
    for j, line in enumerate(head):  # the headline repeated, crumbs glued to one copy
        if len(line_text := lines[line].text) >= 12 and _is_headline(line_text):
            for earlier in head[:j]:
                if lines[earlier].text.endswith(line_text):
                    before = {k for k in head[:j] if not _SENTENCE_END.search(lines[k].text)}
                    return line_text, line, before | {earlier}
    if not head:
        return hint, None, set()
    first = lines[head[0]].text
    if hint and first == hint:
        return hint, head[0], set()
    if hint and first.endswith(hint):
        return hint, None, {head[0]}
    glued = _GLUED_HOME.match(first)
    if glued and _is_headline(first) and len(kept) > 1:
        words = re.findall(r"[A-Z][a-z]+", glued[1])
        rest = first[glued.end() :]
        if rest[:1] in (" ", "-") and words:  # "HomeWorldRussia-North Korea sign ..."
            rest = words[-1] + rest
        return rest, None, {head[0]}
    if hint:
        return hint, None, set()
    if (
        _is_headline(first)
        and len(kept) > 1
        and (_paragraph_of_one(lines, head[0]) or _match_dateline(lines[kept[1]].text))
    ):
        return first, head[0], set()
    return None, None, set()


def _paragraph_of_one(lines: list[_Line], i: int) -> bool:
    return (i == 0 or not lines[i - 1].text) and (i + 1 == len(lines) or not lines[i + 1].text)


def _blurbs(lines: list[_Line], kept: list[int]) -> set[int]:
    """Publisher blurbs and credit lines closing the article."""
    removed: set[int] = set()
    for i in reversed(kept[1:]):
        text = lines[i].text
        if len(text) > 400:
            break
        blurb = _BLURB.fullmatch(text) and not _REPORTED.search(text)
        if not (blurb or _CREDIT.fullmatch(text)):
            break
        removed.add(i)
    return removed


def _match_dateline(text: str) -> re.Match[str] | None:
    match = _DATELINE.match(text)
    if match is None:
        return None
    place = match["place"]
    agency = match["src"] or match["src2"]
    dated = match["d1"] or match["d2"] or match["y3"]
    if dated or agency or (place.isupper() and len(place) > 2 and place not in lexicon.NOT_PLACES):
        return match
    return None


def _dateline(first: str, date_hint: dt.date | None) -> tuple[Dateline | None, str | None]:
    match = _match_dateline(first)
    if match is None:
        return (Dateline(date=date_hint) if date_hint else None), None
    place = match["place"]
    if place.isupper():  # "NEW YORK" -> "New York"
        place = re.sub(r"[^\W\d_]+", lambda word: word[0].capitalize(), place)
    if match["region"]:
        place = f"{place}, {match['region']}"
    date = date_from_match(match, date_hint) or date_hint
    raw = match[0].rstrip()
    return Dateline(place=place, date=date, raw=raw), match["src"] or match["src2"]


def _assemble(
    base: str, lines: list[_Line], kept: list[int]
) -> tuple[str, tuple[tuple[int, int, int], ...]]:
    """Join the kept lines; record which runs of the text are slices of ``base``."""
    parts: list[str] = []
    segments: list[list[int]] = []
    length = 0

    def add(start: int, end: int) -> None:
        nonlocal length
        if (
            segments
            and segments[-1][0] + segments[-1][2] == length
            and (segments[-1][1] + segments[-1][2] == start)
        ):
            segments[-1][2] += end - start
        else:
            segments.append([length, start, end - start])
        parts.append(base[start:end])
        length += end - start

    previous: int | None = None
    for i in kept:
        line = lines[i]
        if previous is not None:
            same_paragraph = all(lines[k].text for k in range(previous + 1, i))
            gap = "\n" if same_paragraph else "\n\n"
            if base[lines[previous].end : line.start] == gap:
                add(lines[previous].end, line.start)
            else:
                parts.append(gap)
                length += len(gap)
        add(line.start, line.end)
        previous = i
    return "".join(parts), tuple((a, b, c) for a, b, c in segments)
