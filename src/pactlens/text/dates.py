"""Date phrases in news text, and what they mean against the article's date.

Pure, no I/O. ``resolve("Wednesday", date(2024, 6, 21))`` is 2024-06-19: in news copy a
bare weekday is the most recent one on or before the dateline (the next one when the
sentence is about the future). Phrases that name a week, month or year resolve to a
representative day (``last month`` → the 1st of that month) with the granularity said.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pactlens import lexicon
from pactlens._models import Span

__all__ = [
    "DATE_PATTERN",
    "Granularity",
    "ResolvedDate",
    "Tense",
    "date_from_match",
    "date_in",
    "find_date_phrases",
    "resolve",
]

Granularity = Literal["day", "week", "month", "year"]
Tense = Literal["past", "future", "auto"]

#: A date without a year that lands this many days after the anchor is read as last year's.
_SLACK = dt.timedelta(days=30)

_MONTHS = lexicon.MONTHS
_WEEKDAYS = lexicon.WEEKDAYS
_NUMBERS = lexicon.NUMBERS


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """What a date phrase means: a day standing for a day, week, month or year."""

    value: dt.date
    granularity: Granularity
    phrase: str


# -- resolving -----------------------------------------------------------------------------

_M = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_D = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_Y = r"(?P<year>\d{4})"
_WD = r"(?:(?:" + "|".join(_WEEKDAYS) + r"),? )?"
_PART = r"(?: (?:morning|afternoon|evening|night))?"
_ABSOLUTE: list[tuple[re.Pattern[str], Granularity]] = [
    (re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"), "day"),
    (re.compile(rf"{_WD}(?:the )?{_D} (?:of )?{_M},?(?: {_Y})?"), "day"),
    (re.compile(rf"{_WD}{_M} {_D},?(?: {_Y})?"), "day"),
    (
        re.compile(
            rf"(?:(?:early|mid|late|the end of|end of|the start of|start of) ?)?{_M},?(?: {_Y})?"
        ),
        "month",
    ),
    (re.compile(_Y), "year"),
]
_WEEKDAY = re.compile(
    rf"(?:(?P<mod>last|next|this|coming|past) )?(?P<wd>{'|'.join(_WEEKDAYS)}){_PART}"
)
_PERIOD = re.compile(
    r"(?:earlier |later )?(?P<mod>last|next|this|coming|past|previous) (?P<unit>week|month|year)"
)
_AGO = re.compile(
    r"(?P<n>\d+|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r") "
    r"(?P<unit>day|week|month|year)s? (?P<dir>ago|earlier|before|later|from now)"
)
_DAYS = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "earlier today": 0, "later today": 0, "yesterday": -1, "last night": -1, "tomorrow": 1,
    "the day before yesterday": -2, "day before yesterday": -2,
    "the day after tomorrow": 2, "day after tomorrow": 2,
}  # fmt: skip
_LEAD = re.compile(r"^(?:(?:on|in|since|by|until|till|from|during|as of|at|of|before|after) )+")


def _month_start(year: int, month: int, shift: int = 0) -> dt.date:
    index = year * 12 + month - 1 + shift
    return dt.date(index // 12, index % 12 + 1, 1)


def _fit_year(make: Callable[[int], dt.date], anchor: dt.date, tense: Tense) -> dt.date | None:
    """Give a yearless date the anchor's year, or the one before/after it by tense."""
    try:
        value = make(anchor.year)
        if tense != "future" and value > anchor + _SLACK:
            value = make(anchor.year - 1)
        elif tense == "future" and value < anchor - _SLACK:
            value = make(anchor.year + 1)
    except ValueError:  # 29 February in a common year, 31 April
        return None
    return value


def _absolute(p: str, anchor: dt.date, tense: Tense) -> tuple[dt.date, Granularity] | None:
    match = next(((m, g) for pat, g in _ABSOLUTE if (m := pat.fullmatch(p))), None)
    if match is None:
        return None
    parts, granularity = match[0].groupdict(), match[1]
    month = parts.get("month") or ""
    mon = int(month) if month.isdigit() else _MONTHS.get(month, 0)
    day = int(parts.get("day") or 1)
    try:
        if parts.get("year"):
            year = int(parts["year"])
            return dt.date(year, 1 if granularity == "year" else mon, day), granularity
    except ValueError:
        return None
    value = _fit_year(lambda y: dt.date(y, mon, day), anchor, tense)
    return (value, granularity) if value else None


def _relative(p: str, anchor: dt.date, tense: Tense) -> tuple[dt.date, Granularity] | None:
    day = dt.timedelta(days=1)
    base = re.sub(r" (?:morning|afternoon|evening|night)$", "", p) if p != "last night" else p
    if base in _DAYS:
        return anchor + _DAYS[base] * day, "day"
    if m := _WEEKDAY.fullmatch(p):
        target, mod = _WEEKDAYS[m["wd"]], m["mod"]
        back = (anchor.weekday() - target) % 7
        ahead = (target - anchor.weekday()) % 7
        if mod in ("last", "past"):
            return anchor - (back or 7) * day, "day"
        if mod in ("next", "coming"):
            return anchor + (ahead or 7) * day, "day"
        if mod == "this" and tense == "auto":
            return anchor + (target - anchor.weekday()) * day, "day"
        return (anchor + ahead * day if tense == "future" else anchor - back * day), "day"
    if m := _PERIOD.fullmatch(p):
        step = {"last": -1, "past": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}
        shift = step[m["mod"]]
        if m["unit"] == "week":
            return anchor + 7 * shift * day, "week"
        if m["unit"] == "month":
            return _month_start(anchor.year, anchor.month, shift), "month"
        return dt.date(anchor.year + shift, 1, 1), "year"
    if m := _AGO.fullmatch(p):
        n = int(m["n"]) if m["n"].isdigit() else _NUMBERS[m["n"]]
        n = n if m["dir"] in ("later", "from now") else -n
        unit = m["unit"]
        if unit == "day":
            return anchor + n * day, "day"
        if unit == "week":
            return anchor + 7 * n * day, "week"
        if unit == "month":
            return _month_start(anchor.year, anchor.month, n), "month"
        return dt.date(anchor.year + n, 1, 1), "year"
    return None


def resolve(phrase: str, anchor: dt.date, *, tense: Tense = "auto") -> ResolvedDate | None:
    """What ``phrase`` means on ``anchor`` (the article's date); ``None`` if not a date.

    ``tense`` says whether the sentence looks back (``past``; ``auto`` reads news that
    way) or ahead (``future``): it picks the weekday before or after the anchor, and the
    year of a date written without one.
    """
    p = re.sub(r"\s+", " ", re.sub("[\u2010-\u2015\u2212]", "-", phrase.lower()))
    p = _LEAD.sub("", p.strip(" .,;:()"))
    p = re.sub(r"^(early|mid|late)-", r"\1 ", p)
    found = _relative(p, anchor, tense) or _absolute(p, anchor, tense)
    if found is None:
        return None
    return ResolvedDate(value=found[0], granularity=found[1], phrase=phrase)


# -- finding -------------------------------------------------------------------------------

_CAP_MONTH = (
    "(?:"
    + "|".join(name.capitalize() for name in lexicon.MONTH_NAMES)
    + "|(?:"
    + "|".join(sorted((a.capitalize() for a in lexicon.MONTH_ABBREVIATIONS), key=len, reverse=True))
    + r")\.)"
)
_CAP_WD = "(?:" + "|".join(day.capitalize() for day in _WEEKDAYS) + ")"
_DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|20|21)\d\d"
_NUM = r"(?:\d+|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"
_FINDERS = [
    re.compile(rf"\b{_YEAR}-[01]\d-[0-3]\d\b"),
    re.compile(rf"\b(?:{_CAP_WD},? )?(?:the )?{_DAYNUM} (?:of )?{_CAP_MONTH}(?:,? {_YEAR})?\b"),
    re.compile(rf"\b(?:{_CAP_WD},? )?{_CAP_MONTH} {_DAYNUM}\b(?:,? {_YEAR}\b)?"),
    re.compile(rf"\b(?:(?:[Ee]arly|[Mm]id|[Ll]ate)[- ])?{_CAP_MONTH},? {_YEAR}\b"),
    re.compile(
        rf"\b(?:(?i:last|next|this|coming|past) )?{_CAP_WD}\b"
        r"(?: (?:morning|afternoon|evening|night)\b)?"
    ),
    re.compile(
        r"\b(?i:(?:the )?day (?:before|after) )?(?i:yesterday|today|tomorrow|tonight)\b"
        r"(?: (?:morning|afternoon|evening|night)\b)?|\b(?i:last night)\b"
    ),
    re.compile(r"\b(?i:(?:earlier |later )?(?:last|next|this|coming|past) (?:week|month|year))\b"),
    re.compile(rf"\b(?i:{_NUM} (?:day|week|month|year)s? (?:ago|earlier|later))\b"),
]
_AFTER_PREPOSITION = [
    re.compile(
        rf"\b(?i:in|since|until|by|during|from|through) "
        rf"((?:(?:early|mid|late)[- ])?{_CAP_MONTH})(?![\w-])"
    ),
    re.compile(rf"\b(?i:in|since|until|by|during|from) ({_YEAR})\b(?!-)"),
]


def find_date_phrases(text: str) -> list[Span]:
    """Date expressions in ``text``, earliest first, longest where two overlap.

    Weekdays, yesterday/today/tomorrow, last/next week|month|year, "three days ago",
    day-month forms with or without a year, ISO dates, "June 2024"; a bare month or year
    only after a preposition ("in June", "since 2019"). Each span resolves with
    :func:`resolve`.
    """
    found = [(m.start(), m.end()) for finder in _FINDERS for m in finder.finditer(text)]
    found += [m.span(1) for finder in _AFTER_PREPOSITION for m in finder.finditer(text)]
    found.sort(key=lambda se: (se[0], -se[1]))
    out: list[Span] = []
    for start, end in found:
        if not out or start >= out[-1].end:
            out.append(Span(start=start, end=end, text=text[start:end]))
    return out


# -- dates written in full (datelines and time stamps) ------------------------------------

_SP = r"[ \t\xa0]"
_MONTH_WORD = "(?i:" + "|".join(sorted(lexicon.MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY_WORD = "(?i:" + "|".join(_WEEKDAYS) + ")"
#: A date written in full, as datelines and stamps have it: "Friday, 21 June 2024",
#: "June 21, 2024", "21 June", "2024-06-21". Groups: d1/m1/y1, m2/d2/y2, y3/m3/d3.
DATE_PATTERN = (
    rf"(?:{_WEEKDAY_WORD},?{_SP}+)?"
    rf"(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?{_SP}+(?P<m1>{_MONTH_WORD}),?(?:{_SP}+(?P<y1>\d{{4}}))?"
    rf"|(?P<m2>{_MONTH_WORD}){_SP}+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?{_SP}+(?P<y2>\d{{4}}))?"
    rf"|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}}))"
)


def date_in(text: str) -> dt.date | None:
    """The first full date (:data:`DATE_PATTERN`) in ``text`` that names its year."""
    match = re.search(DATE_PATTERN, text)
    return date_from_match(match, None) if match else None


def date_from_match(match: re.Match[str], hint: dt.date | None) -> dt.date | None:
    """The date a :data:`DATE_PATTERN` match names; a yearless one takes ``hint``'s year
    (the year before when the date is December and ``hint`` January)."""
    day = match["d1"] or match["d2"] or match["d3"]
    month_name = match["m1"] or match["m2"]
    month = _MONTHS.get(month_name.lower().rstrip(".")) if month_name else None
    month = month or (int(match["m3"]) if match["m3"] else None)
    year = match["y1"] or match["y2"] or match["y3"]
    if not (day and month):
        return None
    if year is None:
        if hint is None:
            return None
        year = str(hint.year - (1 if month == 12 and hint.month == 1 else 0))
    try:
        return dt.date(int(year), month, int(day))
    except ValueError:
        return None
