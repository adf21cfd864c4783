from __future__ import annotations

import datetime as dt
import re
import sys
import time

import pytest

from pactlens._errors import InputError
from pactlens._models import Dateline
from pactlens.text.cleaning import OffsetMap, clean, clean_with_offsets, looks_like_html

SEED_PARAGRAPHS_START = "Islamabad, 21 June 2024 (TDI): A strategic partnership pact"
SEED_REMOVED = [
    "HomeWorldAsia",
    "Also Read: Chinese Premier Li, Russian President to strengthen bilateral ties",
    "The Diplomatic Insight is a digital and print magazine",
    "Follow us",
    "Most Popular",
]

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>EU and Chile sign trade deal | Example News</title>
  <meta property="og:site_name" content="Example News">
  <meta property="article:published_time" content="2024-06-19T08:30:00Z">
  <style>body { font-family: serif; }</style>
  <script>window.dataLayer = [{"page": "article"}];</script>
</head>
<body>
  <header class="site-header">
    <h1 class="logo">Example News</h1>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
  </header>
  <main>
    <article>
      <h1>EU and Chile sign trade deal</h1>
      <div class="share-buttons"><a href="#">Share on Facebook</a></div>
      <p>BRUSSELS, June 19 (Reuters) &mdash; The European Union and Chile signed an
         advanced framework agreement on Wednesday, officials said.</p>
      <p>&ldquo;This deal opens new markets,&rdquo; the EU trade commissioner said.<br>
         Tariffs on most goods will fall to zero.</p>
      <script>trackRead();</script>
      <aside class="related"><h2>Related</h2><a href="/x">Another story</a></aside>
      <p>The agreement still needs to be ratified by the European Parliament &amp; Chile.</p>
    </article>
  </main>
  <footer><p>&copy; 2024 Example News. All rights reserved.</p></footer>
</body>
</html>
"""


def _segments_match(raw: str, text: str, offsets: OffsetMap) -> None:
    for clean_start, raw_start, length in offsets.segments:
        assert raw[raw_start : raw_start + length] == text[clean_start : clean_start + length]


# -- the seed article -------------------------------------------------------------------


def test_seed_metadata(seed_raw: str) -> None:
    article = clean(seed_raw)
    assert article.title == "Russia-North Korea sign strategic partnership pact"
    assert article.dateline == Dateline(
        place="Islamabad", date=dt.date(2024, 6, 21), raw="Islamabad, 21 June 2024 (TDI):"
    )
    assert article.source == "TDI"


def test_seed_text_starts_and_ends_with_the_body(seed_raw: str) -> None:
    text = clean(seed_raw).text
    assert text.startswith(SEED_PARAGRAPHS_START)
    assert text.endswith("waved flowers and flags.")
    assert "Russia-North Korea sign strategic partnership pact" not in text  # the title


@pytest.mark.parametrize("boilerplate", SEED_REMOVED)
def test_seed_boilerplate_is_removed_and_listed(seed_raw: str, boilerplate: str) -> None:
    article = clean(seed_raw)
    assert boilerplate not in article.text
    removed = [line.replace("\xa0", " ") for line in article.removed]
    assert any(boilerplate in line for line in removed)


def test_seed_removed_lines_are_in_order(seed_raw: str) -> None:
    removed = clean(seed_raw).removed
    assert len(removed) == len(SEED_REMOVED)
    assert [seed_raw.index(line) for line in removed] == sorted(
        seed_raw.index(line) for line in removed
    )


def test_seed_body_paragraphs_kept_verbatim(seed_raw: str) -> None:
    article = clean(seed_raw)
    paragraphs = [p.strip() for p in seed_raw.split("\n\n") if p.strip()]
    body = [p for p in paragraphs if not any(b in p.replace("\xa0", " ") for b in SEED_REMOVED)]
    body = [p for p in body if p != article.title]
    assert len(body) == 9
    assert article.text == "\n\n".join(body)
    assert "“Welcome Putin”" in article.text  # curly quotes untouched
    assert "Putin\u2019s first visit" in article.text


def test_seed_offsets_round_trip(seed_raw: str) -> None:
    article, offsets = clean_with_offsets(seed_raw)
    assert offsets.base == seed_raw
    _segments_match(seed_raw, article.text, offsets)
    for i, char in enumerate(article.text):
        j = offsets.to_raw(i)
        if j is not None:
            assert seed_raw[j] == char
            assert offsets.to_clean(j) == i
    quote = "“This is not just statements; it is already happening"
    raw_start = seed_raw.index(quote)
    span = offsets.span_to_clean(raw_start, raw_start + len(quote))
    assert span is not None
    assert article.text[span[0] : span[1]] == quote


def test_offsets_for_removed_text(seed_raw: str) -> None:
    article, offsets = clean_with_offsets(seed_raw)
    follow = seed_raw.index("Follow us")
    assert offsets.to_clean(follow) is None
    assert offsets.span_to_clean(follow, follow + len("Follow us")) is None
    # A span that straddles removed text is clipped to what was kept.
    start = seed_raw.index("Also Read")
    end = seed_raw.index("However,") + len("However,")
    span = offsets.span_to_clean(start, end)
    assert span is not None
    assert article.text[span[0] : span[1]].endswith("However,")
    assert offsets.to_raw(len(article.text)) is None


def test_crlf_and_blank_lines_are_normalised() -> None:
    raw = "Deal signed\r\n\r\nPARIS (AFP) - France and Italy signed a pact.   \r\n\r\n\r\n\r\nMore."
    article, offsets = clean_with_offsets(raw)
    assert article.title == "Deal signed"
    assert article.text == "PARIS (AFP) - France and Italy signed a pact.\n\nMore."
    _segments_match(raw, article.text, offsets)


# -- datelines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_line", "place", "date", "source", "raw"),
    [
        (
            "WASHINGTON (Reuters) - The deal",
            "Washington",
            None,
            "Reuters",
            "WASHINGTON (Reuters) -",
        ),
        (
            "LONDON, May 3 (Reuters) — The deal",
            "London",
            None,
            "Reuters",
            "LONDON, May 3 (Reuters) —",
        ),
        (
            "MOSCOW, June 19, 2024 /AP/ -- The deal",
            "Moscow",
            dt.date(2024, 6, 19),
            "AP",
            "MOSCOW, June 19, 2024 /AP/ --",
        ),
        (
            "BEIJING, 2024-06-19 (Xinhua) -- The deal",
            "Beijing",
            dt.date(2024, 6, 19),
            "Xinhua",
            "BEIJING, 2024-06-19 (Xinhua) --",
        ),
        ("KYIV, Ukraine (AP) — The deal", "Kyiv, Ukraine", None, "AP", "KYIV, Ukraine (AP) —"),
    ],
)
def test_datelines(
    first_line: str, place: str, date: dt.date | None, source: str, raw: str
) -> None:
    article = clean(f"{first_line} was signed on Monday, officials said.\n\nMore detail.")
    assert article.dateline == Dateline(place=place, date=date, raw=raw)
    assert article.source == source
    assert article.text.startswith(first_line)  # the dateline stays in the body


def test_dateline_without_year_takes_it_from_the_published_line() -> None:
    raw = "Published: 4 May 2023\n\nLONDON, May 3 (Reuters) - Britain and India agreed a deal."
    article = clean(raw)
    assert article.dateline is not None
    assert article.dateline.date == dt.date(2023, 5, 3)
    assert article.removed == ["Published: 4 May 2023"]


def test_no_dateline_for_a_plain_first_sentence() -> None:
    article = clean("Russia, China and Iran held talks on Monday.\n\nBREAKING: more talks.")
    assert article.dateline is None
    assert article.source is None


# -- general boilerplate ----------------------------------------------------------------


def test_general_boilerplate() -> None:
    raw = "\n".join(
        [
            "Skip to content",
            "By Jane Doe",
            "",
            "SEOUL, June 19 (Yonhap) -- South Korea and Japan signed a swap deal.",
            "",
            "Advertisement - Scroll to continue",
            "",
            "READ MORE: Japan's central bank holds rates",
            "",
            "The deal takes effect in July, the ministry said.",
            "",
            "(Reporting by John Smith; Editing by Jane Doe)",
            "",
            "Copyright 2024 Example Media. All rights reserved.",
            "",
            "Subscribe to our newsletter",
            "",
            "You may also like",
            "Some other story headline",
            "Another story about something",
        ]
    )
    article, offsets = clean_with_offsets(raw)
    assert article.text == (
        "SEOUL, June 19 (Yonhap) -- South Korea and Japan signed a swap deal.\n\n"
        "The deal takes effect in July, the ministry said."
    )
    assert len(article.removed) == 10
    _segments_match(raw, article.text, offsets)


def test_body_sentences_that_look_like_boilerplate_are_kept() -> None:
    raw = (
        "Copyright protection is extended under the deal, officials said.\n\n"
        "Share prices rose after the deal was signed.\n\n"
        "Advertisement spending fell.\n\nSubscribers to the scheme will pay less.\n\n"
        "Reuters is a news agency that reported the deal first, the minister said, and more."
    )
    article = clean(raw)
    assert article.text == raw
    assert article.removed == []


def test_headline_on_the_line_before_the_dateline() -> None:
    raw = "Russia and Belarus sign pact\nMINSK (Reuters) - The two states signed.\nMore."
    article = clean(raw)
    assert article.title == "Russia and Belarus sign pact"
    assert article.text == "MINSK (Reuters) - The two states signed.\nMore."


def test_hard_wrapped_first_sentence_is_not_a_headline() -> None:
    raw = "Russia and North Korea signed a pact on\nWednesday, officials said.\n\nMore."
    assert clean(raw).text == raw


# -- HTML -------------------------------------------------------------------------------


def test_looks_like_html() -> None:
    assert looks_like_html(PAGE)
    assert looks_like_html("<p>One.</p><p>Two.</p>")
    assert not looks_like_html("Russia and North Korea sign a pact.\n\nMore.")
    assert not looks_like_html("The index rose 3% (a <5% move) after the deal.")


def test_html_stdlib_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # the import now fails
    article, offsets = clean_with_offsets(PAGE)
    assert article.title == "EU and Chile sign trade deal"
    assert article.source == "Reuters"  # the dateline's agency wins over og:site_name
    assert article.dateline == Dateline(
        place="Brussels", date=dt.date(2024, 6, 19), raw="BRUSSELS, June 19 (Reuters) —"
    )
    text = article.text
    assert text.startswith("BRUSSELS, June 19 (Reuters) — The European Union and Chile signed")
    assert "“This deal opens new markets,” the EU trade commissioner said.\n" in text
    assert "European Parliament & Chile." in text
    for junk in ("Home", "World", "dataLayer", "trackRead", "font-family", "Share on",
                 "Another story", "All rights reserved", "Example News"):  # fmt: skip
        assert junk not in text
    _segments_match(offsets.base, text, offsets)


def test_html_without_dateline_uses_page_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    page = PAGE.replace("BRUSSELS, June 19 (Reuters) &mdash; ", "")
    article = clean(page)
    assert article.source == "Example News"
    assert article.dateline == Dateline(date=dt.date(2024, 6, 19))
    assert article.text.startswith("The European Union and Chile signed")


def test_html_with_trafilatura_if_installed() -> None:
    pytest.importorskip("trafilatura")
    article = clean(PAGE)
    assert "The European Union and Chile signed" in article.text
    assert "trackRead" not in article.text
    assert "Home" not in article.text


def test_html_with_nothing_but_chrome(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    with pytest.raises(InputError, match="no article"):
        clean("<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>")


# -- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   \n\t \n  ", "empty"),
        (b"Russia and North Korea", r"decode it first, e\.g\. raw\.decode\('utf-8'\)"),
        (bytearray(b"text"), "decode it first"),
        (None, "must be a str"),
        (42, "must be a str"),
        ("PK\x03\x04\x00\x00binary\x00", "NUL"),
        ("\x01\x02\x03\x04\x05 mostly control characters \x06\x07\x08\x0e\x0f", "binary"),
        ("\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd badly decoded", "binary"),
        ("Follow us\n\nMost Popular\n\nAdvertisement", "no article body"),
    ],
)
def test_input_errors(raw: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        clean(raw)  # type: ignore[arg-type]


def test_oversized_input_fails_fast() -> None:
    raw = "A sentence about a pact. " * 200_000  # 5 MB
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        clean(raw)
    assert time.perf_counter() - started < 0.5
    message = str(info.value)
    assert "5,000,000" in message
    assert "1,000,000" in message
    assert "Config(max_chars=...)" in message


def test_max_chars_can_be_raised() -> None:
    raw = "PARIS (AFP) - A pact was signed. " + "More text. " * 30
    with pytest.raises(InputError):
        clean(raw, max_chars=100)
    assert clean(raw, max_chars=1_000).text == raw.strip()


def test_text_is_never_changed_inside_lines() -> None:
    raw = "  “Quoted” text with  two spaces,\u00a0a no-break space and — dashes…  \n\nEnd."
    article = clean(raw)
    assert (
        article.text
        == "“Quoted” text with  two spaces,\u00a0a no-break space and — dashes…\n\nEnd."
    )
    assert re.search("  two", article.text)
