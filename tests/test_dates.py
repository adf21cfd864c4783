"""Date phrases resolved against the article's date, and found in text."""

from __future__ import annotations

import datetime as dt

import pytest

from pactlens.text.dates import ResolvedDate, Tense, find_date_phrases, resolve

FRIDAY = dt.date(2024, 6, 21)  # the seed article's dateline


def value(
    phrase: str, anchor: dt.date = FRIDAY, tense: Tense = "auto"
) -> tuple[dt.date, str] | None:
    found = resolve(phrase, anchor, tense=tense)
    return (found.value, found.granularity) if found else None


def d(y: int, m: int, day: int) -> dt.date:
    return dt.date(y, m, day)


def test_seed_wednesday_is_two_days_before_the_dateline() -> None:
    assert resolve("on Wednesday", FRIDAY) == ResolvedDate(
        value=d(2024, 6, 19), granularity="day", phrase="on Wednesday"
    )
    assert value("Wednesday") == (d(2024, 6, 19), "day")


@pytest.mark.parametrize(
    ("phrase", "tense", "expected"),
    [
        ("Friday", "auto", d(2024, 6, 21)),  # the anchor's own weekday is that day
        ("Saturday", "past", d(2024, 6, 15)),
        ("Saturday", "future", d(2024, 6, 22)),
        ("Wednesday", "future", d(2024, 6, 26)),
        ("last Friday", "auto", d(2024, 6, 14)),
        ("next Friday", "auto", d(2024, 6, 28)),
        ("this Monday", "auto", d(2024, 6, 17)),
        ("Thursday night", "auto", d(2024, 6, 20)),
        ("on Monday morning", "past", d(2024, 6, 17)),
    ],
)
def test_weekdays(phrase: str, tense: Tense, expected: dt.date) -> None:
    assert value(phrase, tense=tense) == (expected, "day")


def test_weekday_across_a_month_and_a_year_boundary() -> None:
    assert value("Thursday", d(2024, 7, 2)) == (d(2024, 6, 27), "day")
    assert value("Saturday", d(2025, 1, 1)) == (d(2024, 12, 28), "day")
    assert value("Monday", d(2024, 12, 30), tense="future") == (d(2024, 12, 30), "day")
    assert value("Tuesday", d(2024, 12, 30), tense="future") == (d(2024, 12, 31), "day")
    assert value("Wednesday", d(2024, 12, 30), tense="future") == (d(2025, 1, 1), "day")


@pytest.mark.parametrize(
    ("phrase", "anchor", "expected"),
    [
        ("today", FRIDAY, d(2024, 6, 21)),
        ("Yesterday", FRIDAY, d(2024, 6, 20)),
        ("yesterday", d(2024, 3, 1), d(2024, 2, 29)),
        ("yesterday", d(2024, 1, 1), d(2023, 12, 31)),
        ("tomorrow", d(2024, 12, 31), d(2025, 1, 1)),
        ("last night", FRIDAY, d(2024, 6, 20)),
        ("the day before yesterday", FRIDAY, d(2024, 6, 19)),
        ("three days ago", d(2024, 3, 2), d(2024, 2, 28)),
    ],
)
def test_days(phrase: str, anchor: dt.date, expected: dt.date) -> None:
    assert value(phrase, anchor) == (expected, "day")


@pytest.mark.parametrize(
    ("phrase", "anchor", "expected"),
    [
        ("last month", FRIDAY, (d(2024, 5, 1), "month")),
        ("last month", d(2024, 1, 10), (d(2023, 12, 1), "month")),
        ("next month", d(2024, 12, 10), (d(2025, 1, 1), "month")),
        ("earlier this month", FRIDAY, (d(2024, 6, 1), "month")),
        ("two months ago", d(2024, 1, 31), (d(2023, 11, 1), "month")),
        ("last week", FRIDAY, (d(2024, 6, 14), "week")),
        ("last week", d(2024, 1, 3), (d(2023, 12, 27), "week")),
        ("this week", FRIDAY, (d(2024, 6, 21), "week")),
        ("next week", FRIDAY, (d(2024, 6, 28), "week")),
        ("a week ago", FRIDAY, (d(2024, 6, 14), "week")),
        ("last year", FRIDAY, (d(2023, 1, 1), "year")),
        ("earlier this year", FRIDAY, (d(2024, 1, 1), "year")),
        ("in 2019", FRIDAY, (d(2019, 1, 1), "year")),
    ],
)
def test_weeks_months_years(phrase: str, anchor: dt.date, expected: tuple[dt.date, str]) -> None:
    assert value(phrase, anchor) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("on 12 May", (d(2024, 5, 12), "day")),
        ("May 12", (d(2024, 5, 12), "day")),
        ("the 12th of May", (d(2024, 5, 12), "day")),
        ("12 May 2024", (d(2024, 5, 12), "day")),
        ("May 12, 2024", (d(2024, 5, 12), "day")),
        ("Sept. 19, 2023", (d(2023, 9, 19), "day")),
        ("Wednesday, June 19", (d(2024, 6, 19), "day")),
        ("2024-05-12", (d(2024, 5, 12), "day")),
        ("June 2024", (d(2024, 6, 1), "month")),
        ("mid-June", (d(2024, 6, 1), "month")),
        ("in July", (d(2024, 7, 1), "month")),  # ten days ahead: still this year
        ("in December", (d(2023, 12, 1), "month")),
        ("15 July", (d(2024, 7, 15), "day")),
        ("30 July", (d(2023, 7, 30), "day")),  # over 30 days ahead: last year's
    ],
)
def test_calendar_dates(phrase: str, expected: tuple[dt.date, str]) -> None:
    assert value(phrase) == expected


def test_yearless_date_in_january_is_last_december() -> None:
    assert value("15 December", d(2024, 1, 10)) == (d(2023, 12, 15), "day")
    assert value("15 December", d(2024, 1, 10), tense="future") == (d(2024, 12, 15), "day")
    assert value("15 January", d(2024, 12, 20), tense="future") == (d(2025, 1, 15), "day")


@pytest.mark.parametrize("phrase", ["", "soon", "the pact", "31 April", "30 February 2024", "May"])
def test_not_dates(phrase: str) -> None:
    expected = (d(2024, 5, 1), "month") if phrase == "May" else None
    assert value(phrase) == expected


def test_29_february_without_a_year() -> None:
    assert value("29 February", d(2024, 3, 5)) == (d(2024, 2, 29), "day")
    assert value("29 February", d(2023, 3, 5)) is None


def test_find_date_phrases_in_the_seed(seed_raw: str) -> None:
    start = seed_raw.index("Islamabad, 21 June 2024 (TDI):")
    first_paragraph = seed_raw[start : seed_raw.index("\n", start)]
    found = find_date_phrases(first_paragraph)
    assert [s.text for s in found] == ["21 June 2024", "Wednesday"]
    for span in found:
        assert first_paragraph[span.start : span.end] == span.text
    assert resolve(found[1].text, FRIDAY) == ResolvedDate(
        value=d(2024, 6, 19), granularity="day", phrase="Wednesday"
    )


def test_find_date_phrases_kinds_and_each_resolves() -> None:
    text = (
        "Yesterday the envoy said talks held last week, on May 12, 2024 and on Sept. 19 "
        "went well; a deal due in June or by 2025 follows earlier this month's memo, "
        "signed three days ago (2024-05-12) on Monday night, mid-June 2024. "
        "May I add: a pact Mayday, in 24 years, the 1990s."
    )
    found = [s.text for s in find_date_phrases(text)]
    assert found == [
        "Yesterday",
        "last week",
        "May 12, 2024",
        "Sept. 19",
        "June",
        "2025",
        "earlier this month",
        "three days ago",
        "2024-05-12",
        "Monday night",
        "mid-June 2024",
    ]
    assert all(resolve(p, FRIDAY) is not None for p in found)


def test_find_date_phrases_overlaps_keep_the_longest() -> None:
    text = "On Wednesday, June 19, 2024 the day before yesterday"
    assert [s.text for s in find_date_phrases(text)] == [
        "Wednesday, June 19, 2024",
        "the day before yesterday",
    ]
