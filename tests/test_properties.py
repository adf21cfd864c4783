"""Properties of cleaning and preparation on arbitrary Unicode text (hypothesis).

Whatever the input: ``clean`` returns an Article or raises InputError, nothing else;
every span preparation hands out slices back exactly and lies inside the text; the
OffsetMap maps each kept character back to an equal character of the input; and the
quotation and sentence finders never raise, wherever they are asked.

The text is built from pieces that stress the rules: any Unicode (surrogates excluded,
as ``str`` from a file or the network never holds them), quote marks of every kind,
newlines of every kind, dashes, control characters, HTML-looking tags and long runs.
"""

from __future__ import annotations

import itertools
import operator
from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import pactlens
from pactlens._models import Article, Span
from pactlens.grounding import (
    attribute,
    find_quotations,
    prepare,
    sentence_at,
    split_sentences,
    utterances,
)
from pactlens.text import clean_with_offsets
from pactlens.text.cleaning import looks_like_html

MARKS = "“”‘’\"'«»„‟‛‚"
WORDS = [
    "Putin",
    "Kim",
    "said",
    "told reporters",
    "he",
    "she",
    "according to",
    "the ministry",
    "Mr.",
    "U.S.",
    "Jan.",
    "Rep.",
    "don't",
    "Kim’s",
    "’90s",
    "Russian President Vladimir",
    "continued:",
    "saying",
    "and",
    "Both leaders",
    "agreed",
    "Islamabad, 21 June 2024 (TDI):",
    "By Jane Doe",
    "Also Read:",
    "Advertisement",
    "© 2024",
    "Home",
    "»",
    "|",
]
SPECIAL = [
    *MARKS, "\n", "\n\n", "\r\n", "\r", "\x85", "\u2028", "\u2029", "\t", "\xa0", "\u3000",
    "—", "–", "-", "―", "…", "...", ".", "?", "!", ",", ":", ";", "(", ")", "[", "]",
    "\x00", "\x01", "\x1c", "\x1f", "\x7f", "\x9f", "\ufffd", "\u00ad", "\u200b", "\ufeff",
    "<p>", "</p>", "<div>", "<br>", "<html>", "<title>", "&amp;", "&#8220;", "İ", "ß", "ǅ",
]  # fmt: skip
PIECE = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=12),  # any Unicode but surrogates
    st.sampled_from(WORDS + SPECIAL),
    st.sampled_from(WORDS + SPECIAL),
    st.builds(
        operator.mul,
        st.sampled_from([*MARKS, ".", " ", "\n", "-", "a", "A."]),
        st.integers(20, 300),
    ),  # long runs
)
TEXT = st.lists(PIECE, max_size=60).map(" ".join) | st.lists(PIECE, max_size=60).map("".join)

#: Generous for a busy 2-core machine; 200 examples a test keeps the file well under a minute.
SETTINGS = settings(
    max_examples=200,
    deadline=timedelta(seconds=5),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _clean(raw: str) -> Article | None:
    """The Article, or None for InputError; any other exception fails the test."""
    try:
        article = pactlens.clean(raw)
    except pactlens.InputError:
        return None
    assert isinstance(article, Article)
    return article


def _assert_slices(text: str, spans: list[Span | None]) -> None:
    for span in spans:
        if span is not None:
            assert 0 <= span.start <= span.end <= len(text), span
            assert text[span.start : span.end] == span.text, span


@SETTINGS
@given(TEXT)
def test_clean_returns_an_article_or_raises_input_error(raw: str) -> None:
    _clean(raw)


@SETTINGS
@given(TEXT)
@example("“We will help,” he said. “We always do.”\n\nPutin continued:\n\n“Yes.”")
@example("« " * 150 + "Mr. Kim said.")
def test_every_span_of_preparation_slices_back(raw: str) -> None:
    article = _clean(raw)
    if article is None:
        return
    text = article.text
    prepared = prepare(article)
    _assert_slices(text, list(prepared.sentences))
    _assert_slices(text, [q.span for q in prepared.quotations])
    for q in prepared.quotations:
        assert 0 <= q.open < q.span.start <= q.span.end <= q.close <= len(text)
    for a in prepared.attributions:
        _assert_slices(text, [a.quote.span, a.speaker_span, a.cue_span])
    _assert_slices(text, [u.span for u in utterances(text, prepared.attributions)])
    for number, sentence in enumerate(prepared.sentences, start=1):
        assert prepared.sentence_of(sentence.start) == number
    assert all(a.end <= b.start for a, b in itertools.pairwise(prepared.sentences))


@SETTINGS
@given(TEXT)
def test_offset_map_maps_kept_characters_to_equal_input_characters(raw: str) -> None:
    try:
        article, offsets = clean_with_offsets(raw)
    except pactlens.InputError:
        return
    text = article.text
    if not looks_like_html(raw):
        assert offsets.base == raw  # plain text: the map points into the input itself
    mapped = 0
    for i, ch in enumerate(text):
        j = offsets.to_raw(i)
        if j is not None:
            assert offsets.base[j] == ch, (i, j)
            assert offsets.to_clean(j) == i
            mapped += 1
    assert mapped >= len(text.replace("\n", ""))  # only inserted breaks are unmapped


@SETTINGS
@given(TEXT, st.lists(st.integers(-5, 10_000), max_size=8))
@example("", [0, -1, 3])
@example("\n\n\n", [0, 1, 2, 3])
@example("'" * 30 + "\n" + "“" * 40, [0, 30, 31, 70, 71])
def test_quotations_and_sentences_never_raise(text: str, positions: list[int]) -> None:
    for nested in (False, True):
        quotes = find_quotations(text, nested=nested)
        _assert_slices(text, [q.span for q in quotes])
    for i in positions:
        _assert_slices(text, [sentence_at(text, i)])
    _assert_slices(text, list(split_sentences(text)))
    _assert_slices(text, [a.speaker_span for a in attribute(text, find_quotations(text))])
