"""Grounding: offsets are ours and always slice back; quotes and speakers found by rule."""

from __future__ import annotations

import random

import pytest

from pactlens import lexicon
from pactlens._models import Span
from pactlens.grounding import attribution as _attribution
from pactlens.grounding import quotes as _quotes
from pactlens.grounding.attribution import attribute
from pactlens.grounding.match import find_all, find_mentions, ground
from pactlens.grounding.quotes import Quotation, find_quotations, sentence_at
from pactlens.grounding.utterances import Utterance, utterances
from pactlens.lexicon import SPEECH_VERBS
from pactlens.text.normalise import normalise

INTERRUPTED = "“We will help,” he said. “We always do.”"


@pytest.fixture
def seed_body(seed_raw: str) -> str:
    start = seed_raw.index("Islamabad, 21 June 2024 (TDI):")
    end = seed_raw.index("waved flowers and flags.") + len("waved flowers and flags.")
    return seed_raw[start:end]


def texts(spans: list[Span]) -> list[str]:
    return [s.text for s in spans]


def assert_slices(text: str, spans: list[Span]) -> None:
    for span in spans:
        assert text[span.start : span.end] == span.text


# -- normalise -------------------------------------------------------------------------------


def test_normalise_folds_quotes_dashes_and_whitespace() -> None:
    text = "“Yes”\u00a0—  ‘no’ – «maybe»\n\n″x″ ′y′ a−b ‒ ―"
    norm, index = normalise(text)
    assert norm == '"Yes" - \'no\' - "maybe" "x" \'y\' a-b - -'
    assert len(index) == len(norm)
    assert all(0 <= i < len(text) for i in index)
    assert index == sorted(index)
    assert [text[i] for i, c in zip(index, norm, strict=True) if c.isalpha()] == [
        c for c in text if c.isalpha()
    ]


def test_normalise_keeps_case_and_plain_text() -> None:
    assert normalise("Plain Text.") == ("Plain Text.", list(range(11)))


# -- find_all and ground ---------------------------------------------------------------------


def test_straight_quoted_needle_is_found_in_curly_text() -> None:
    text = "He said: “We will not back down,” and left."
    [span] = find_all(text, '"We will not back down,"')
    assert span.text == "We will not back down,"
    assert ground(text, '"We will not back down."') == [
        Span(start=text.index("We"), end=text.index("down") + 4, text="We will not back down")
    ]


def test_curly_apostrophe_and_dash_variants_match() -> None:
    text = "“It’s a long-term deal — not a stopgap,” she said."
    [span] = ground(text, "It's a long-term deal - not a stopgap")
    assert span.text == "It’s a long-term deal — not a stopgap"


def test_whitespace_runs_and_line_breaks_match() -> None:
    text = "the   partnership\nagreement  signed today"
    [span] = ground(text, "partnership agreement signed")
    assert span.text == "partnership\nagreement  signed"


def test_matches_are_whole_words() -> None:
    assert find_all("Ukraine's allies", "rain") == []
    assert texts(find_all("in Ukraine, Ukraine's", "Ukraine")) == ["Ukraine", "Ukraine"]


def test_case_sensitive_first_then_insensitive() -> None:
    text = "the pact. The Pact was signed."
    assert [s.start for s in ground(text, "The Pact")] == [10]
    assert [s.start for s in ground(text, "THE PACT WAS")] == [10]


def test_repeated_quote_taken_and_near_choose() -> None:
    text = "“We are ready,” said Kim. Later, Putin echoed: “We are ready.”"
    first, second = find_all(text, "We are ready")
    assert ground(text, "We are ready") == [first]
    assert ground(text, "We are ready", taken=[first]) == [second]
    assert ground(text, "We are ready", near=len(text)) == [second]
    assert ground(text, "We are ready", near=0, taken=[first]) == [second]
    assert ground(text, "We are ready", taken=[first, second]) == [first]


@pytest.mark.parametrize(
    "needle",
    ["We will help, we always do", "We will help. We always do.", "“We will help … we always do”"],
)
def test_interrupted_quote_comes_back_in_pieces(needle: str) -> None:
    assert texts(ground(INTERRUPTED, needle)) == ["We will help", "We always do"]


def test_elided_quote_comes_back_in_pieces(seed_body: str) -> None:
    needle = (
        "The comprehensive partnership agreement signed today provides ... for mutual assistance"
    )
    pieces = ground(seed_body, needle)
    assert texts(pieces) == [
        "The comprehensive partnership agreement signed today provides",
        "for mutual assistance",
    ]
    assert_slices(seed_body, pieces)


def test_contiguous_sub_part_is_accepted() -> None:
    assert texts(ground(INTERRUPTED, "always do")) == ["always do"]


@pytest.mark.parametrize(
    "needle",
    [
        "We will always help",  # not the text's words in that order
        "We will help, we never do",
        "We will help you",
        "",
        '"",',
        "Nobody said this",
    ],
)
def test_missing_quote_is_not_grounded(needle: str) -> None:
    assert ground(INTERRUPTED, needle) == []


def test_pieces_must_lie_close_together() -> None:
    text = "“We will help,” he said. " + "Filler words here. " * 20 + "“We always do.”"
    assert ground(text, "We will help, we always do") == []


def test_pieces_do_not_swallow_the_attribution() -> None:
    pieces = ground(INTERRUPTED, "We will help he said we always do")
    assert all("”" not in s.text and "“" not in s.text for s in pieces)


def test_offsets_always_slice_back() -> None:
    rng = random.Random(20240621)
    words = ["pact", "signed", "“deal”", "‘term’", "Kim’s", "—", "–", "said", "\u00a0", "and"]
    seps = [" ", "  ", "\n", " — ", ", ", "\n\n"]
    checked = 0
    for _ in range(300):
        tokens = [rng.choice(words) for _ in range(rng.randint(3, 25))]
        text = "".join(t + rng.choice(seps) for t in tokens)
        for _ in range(5):
            a = rng.randrange(len(text))
            b = rng.randrange(a, min(len(text), a + 40) + 1)
            needle = text[a:b].replace("“", '"').replace("—", "-").replace("’", "'")
            for spans in (find_all(text, needle), ground(text, needle, near=a)):
                assert_slices(text, spans)
                checked += len(spans)
        assert_slices(text, [q.span for q in find_quotations(text, nested=True)])
        assert_slices(text, [sentence_at(text, rng.randrange(len(text)))])
    assert checked > 500


def test_find_mentions_whole_words_sorted_non_overlapping() -> None:
    text = "North Korea and Korea; Pyongyang’s envoy met north korea officials."
    found = find_mentions(text, ["Korea", "North Korea", "Pyongyang"])
    assert texts(found) == ["North Korea", "Korea", "Pyongyang"]
    assert_slices(text, found)
    assert texts(find_mentions("the NATO summit", ["nato"])) == ["NATO"]


# -- quotations ------------------------------------------------------------------------------


def test_curly_and_straight_quotations() -> None:
    text = '“This is it,” she said. He replied: "No, it is not."'
    qs = find_quotations(text)
    assert texts([q.span for q in qs]) == ["This is it,", "No, it is not."]
    first = qs[0]
    assert (text[first.open], text[first.close], first.words) == ("“", "”", 3)


def test_apostrophes_are_not_quotes() -> None:
    text = "Kim’s aides don't say it. It’s the ’90s again, the leaders’ pact and rock 'n' roll."
    assert find_quotations(text) == []


def test_single_quotes_in_a_headline_and_nested() -> None:
    headline = "Putin: ‘We will help each other’\n\nThe pact was signed."
    [q] = find_quotations(headline)
    assert q.span.text == "We will help each other"
    text = "“He told me ‘never again’ and left,” she said."
    assert texts([q.span for q in find_quotations(text)]) == ["He told me ‘never again’ and left,"]
    nested = [q for q in find_quotations(text, nested=True) if q.depth == 1]
    assert texts([q.span for q in nested]) == ["never again"]


def test_guillemets() -> None:
    [q] = find_quotations("Lavrov said: «Nous sommes prêts.»")
    assert q.span.text == "Nous sommes prêts."


def test_quote_running_over_paragraphs() -> None:
    text = (
        "Putin said: “The first part of it goes on.\n\n"
        "“The second part ends here,” he added.\n\n"
        "An unrelated paragraph."
    )
    first, second = find_quotations(text)
    assert first.runs_on and first.span.text == "The first part of it goes on."
    assert not first.continuation
    assert second.continuation and not second.runs_on
    assert second.span.text == "The second part ends here,"
    [a, b] = attribute(text, [first, second])
    assert (a.speaker, a.cue, a.method) == ("Putin", "said", "before")
    assert (b.speaker, b.speaker_span and b.speaker_span.text, b.cue) == ("Putin", "he", "added")


def test_straight_quotes_over_paragraphs() -> None:
    text = '"One paragraph of it.\n\n"And the next one," said Ms. Lee.'
    first, second = find_quotations(text)
    assert first.runs_on and second.continuation
    assert attribute(text, [first, second])[1].speaker == "Lee"


def test_marks_at_other_marks_are_read_by_context() -> None:
    text = "\"It feels like, 'Meh, we can wait,'\" he said. Then: ”Wrong glyph.” Fine."
    assert texts([q.span for q in find_quotations(text)]) == [
        "It feels like, 'Meh, we can wait,'",
        "Wrong glyph.",
    ]


def test_quotation_marks_written_as_two_characters() -> None:
    text = (
        "''We will sign it,'' Ms. Ortiz said. She told me, ``It's done.''\n\n"
        "She has ''big plans'' for it. The voters' choice isn't hers.\n\n"
        "''One paragraph of it.\n\n''And the next one,'' said Mr. Lee."
    )
    qs = find_quotations(text)
    assert texts([q.span for q in qs]) == [
        "We will sign it,",
        "It's done.",
        "big plans",
        "One paragraph of it.",
        "And the next one,",
    ]
    first = qs[0]
    assert (text[first.open : first.open + 2], text[first.close - 1 : first.close + 1]) == (
        "''",
        "''",
    )
    assert [q.scare for q in qs[:3]] == [False, False, True]
    assert qs[3].runs_on and qs[4].continuation
    said = attribute(text, [q for q in qs if not q.scare])
    assert [a.speaker for a in said] == ["Ortiz", "Ortiz", None, "Lee"]  # as with “…”


def test_scare_quotes() -> None:
    text = (
        "Crowds chanted “Welcome Putin” and waved flags. Critics called it “fake news”. "
        "“No,” he said. They watched “Meet the Press Today” again."
    )
    qs = find_quotations(text)
    assert [(q.span.text, q.scare) for q in qs] == [
        ("Welcome Putin", True),
        ("fake news", True),
        ("No,", False),
        ("Meet the Press Today", True),
    ]


def test_seed_quotations_and_speakers(seed_body: str) -> None:
    quotes = find_quotations(seed_body)
    speech = [q for q in quotes if not q.scare]
    assert [q.span.text for q in quotes if q.scare] == ["Welcome Putin"]
    assert len(speech) == 2
    assert speech[0].span.text.startswith("The comprehensive partnership agreement")
    assert speech[0].span.text.endswith("to this agreement,")
    assert speech[1].span.text.startswith("This is not just statements; it is already")
    for a in attribute(seed_body, speech):
        assert a.speaker == "Vladimir Putin"
        assert a.speaker_span is not None and a.speaker_span.text == "Putin"
        assert a.cue == "said" and a.method == "after"
        assert a.cue_span is not None
        assert_slices(seed_body, [a.quote.span, a.speaker_span, a.cue_span])


# -- attribution -----------------------------------------------------------------------------


def attribution_of(text: str) -> tuple[str | None, str | None, str | None, str]:
    quotes = [q for q in find_quotations(text) if not q.scare]
    a = attribute(text, quotes)[-1]
    return a.speaker, a.speaker_span.text if a.speaker_span else None, a.cue, a.method


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We are ready,” Putin said.", ("Putin", "Putin", "said", "after")),
        ("“We are ready,” said Putin.", ("Putin", "Putin", "said", "after")),
        (
            "“We are ready,” said Russian President Vladimir Putin.",
            ("Vladimir Putin", "Russian President Vladimir Putin", "said", "after"),
        ),
        ("Putin said: “We are ready.”", ("Putin", "Putin", "said", "before")),
        (
            "“We are ready,” Rep. Jim Jordan (R-Ohio), a panel member, said in an interview.",
            ("Jim Jordan", "Rep. Jim Jordan", "said", "after"),
        ),
        ("“It was a fair deal,” the union wrote.", ("the union", "the union", "wrote", "after")),
        (
            "“Talks went well,” a senior official told reporters.",
            ("a senior official", "a senior official", "told", "after"),
        ),
        (
            "According to Lavrov, “the deal is done.”",
            ("Lavrov", "Lavrov", "According to", "according"),
        ),
        (
            "Kremlin spokesman Dmitry Peskov insisted the deal was “purely defensive and lawful.”",
            ("Dmitry Peskov", "Kremlin spokesman Dmitry Peskov", "insisted", "before"),
        ),
        ("“Peace through strength.” ― Jane Doe", ("Jane Doe", "Jane Doe", "―", "dash")),
        (
            "Caddell continued:\n\n“The issue is partisan.”",
            ("Caddell", "Caddell", "continued", "before"),
        ),
        (
            "The ministry tweeted, saying “the talks will go on.”",
            ("The ministry", "The ministry", "saying", "before"),
        ),
        ("“Nobody knows,” he wrote.", (None, "he", "wrote", "after")),
    ],
)
def test_attribution_patterns(text: str, expected: tuple[str | None, ...]) -> None:
    assert attribution_of(text) == expected


def test_titles_stripped_and_surname_resolved() -> None:
    text = (
        "Chinese Premier Li Qiang met officials.\n\n"
        "Russian President Vladimir Putin arrived on Tuesday.\n\n"
        "“The pact is historic,” Putin said.\n\n"
        "“It is defensive,” he told reporters.\n\n"
        "“We agree,” Li said."
    )
    quotes = find_quotations(text)
    got = [(a.speaker, a.speaker_span and a.speaker_span.text) for a in attribute(text, quotes)]
    assert got == [("Vladimir Putin", "Putin"), ("Vladimir Putin", "he"), ("Li Qiang", "Li")]


def test_pronoun_prefers_the_sentence_subject() -> None:
    text = "President Vladimir Putin met Kim Jong Un in Pyongyang and he said: “We are allies.”"
    [a] = attribute(text, find_quotations(text))
    assert (a.speaker, a.speaker_span and a.speaker_span.text) == ("Vladimir Putin", "he")


def test_coordinated_verb_takes_the_sentence_subject() -> None:
    text = "Putin met Kim in Pyongyang and said, “We are allies,” as he left."
    [a] = attribute(text, find_quotations(text))
    assert (a.speaker, a.cue, a.method) == ("Putin", "said", "before")


def test_following_quotes_inherit_the_speaker() -> None:
    text = (
        "“We will help,” Putin said. “We always do.”\n\n"
        "“And we always will.”\n\n"
        "Analysts were unconvinced.\n\n"
        "“Nobody knows.”"
    )
    got = [(a.speaker, a.method) for a in attribute(text, find_quotations(text))]
    assert got == [
        ("Putin", "after"),
        ("Putin", "previous"),
        ("Putin", "previous"),
        (None, "none"),
    ]


def test_scare_and_nested_quotes_get_no_speaker() -> None:
    text = "Crowds chanted “Welcome Putin” and waved flags."
    [a] = attribute(text, find_quotations(text))
    assert (a.speaker, a.method) == (None, "scare")


def test_attribute_on_no_quotes() -> None:
    assert attribute("Nothing quoted here.", []) == []


def test_quotation_is_frozen() -> None:
    q = Quotation(Span(start=1, end=3, text="ab"), 0, 3, 1)
    with pytest.raises(AttributeError):
        q.open = 5  # type: ignore[misc]


def test_speech_verbs_are_lowercase_words() -> None:
    assert {"said", "told", "added", "warned", "insisted", "tweeted"} <= SPEECH_VERBS
    assert all(v.isalpha() and v.islower() for v in SPEECH_VERBS)
    assert "chanted" not in SPEECH_VERBS


# -- sentences -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "at", "expected"),
    [
        ("First one. Second one.", "Second", "Second one."),
        (
            "Mr. Smith met U.S. officials in Jan. 2024 to talk. Then left.",
            "officials",
            "Mr. Smith met U.S. officials in Jan. 2024 to talk.",
        ),
        (
            "“We will help. We always do,” he said. Next.",
            "always",
            "“We will help. We always do,” he said.",
        ),
        ("One line\nAnother line", "Another", "Another line"),
        ("Is it? Yes! Done.", "Yes", "Yes!"),
        ("“We always do.” Then he left.", "Then", "Then he left."),
        ("“Are you ready?” Putin asked. Yes.", "Putin", "“Are you ready?” Putin asked."),
        ("J. R. R. Tolkien wrote it. End.", "wrote", "J. R. R. Tolkien wrote it."),
    ],
)
def test_sentence_at(text: str, at: str, expected: str) -> None:
    span = sentence_at(text, text.index(at))
    assert span.text == expected
    assert_slices(text, [span])


def test_sentence_at_edges() -> None:
    assert sentence_at("", 0) == Span(start=0, end=0, text="")
    assert sentence_at("Only.", 99).text == "Only."
    assert sentence_at("Only.", -3).text == "Only."


def test_seed_sentence(seed_body: str) -> None:
    span = sentence_at(seed_body, seed_body.index("Putin drew"))
    assert span.text.startswith("Putin drew attention") and span.text.endswith("weapons.")


# -- news-writing rules: titles, fragments, more cues, utterances ----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Johnson tells MSNBC’s “Morning Joe” on Friday that the attack was serious.",
        "On this weekend’s broadcast of “Fox News Sunday,” the governor said no.",
        "He said on “The Tonight Show” that he would run.",
    ],
)
def test_a_quoted_title_after_of_on_or_s_is_not_speech(text: str) -> None:
    [q] = find_quotations(text)
    assert q.scare


@pytest.mark.parametrize(
    ("text", "scare"),
    [
        ("The senator says he has “big plans” for the month.", True),
        ("She said the bank’s staff were “well-paid,” making $30,000 a year.", True),
        ("She said the plan was “a good deal for everyone involved.”", False),
        ("“No,” he said.", False),
        ("He said: “Yes.”", False),
    ],
)
def test_a_few_words_quoted_inside_the_writers_sentence_are_a_fragment(
    text: str, scare: bool
) -> None:
    [q] = find_quotations(text)
    assert q.scare is scare


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“We want answers now,” the letter reads.", "the letter"),
        ("“Did you see that? He is gone,” she yells.", "she"),
        ("The Times reports: “The talks have failed again.”", "The Times"),
        ("Cruz called Trump “a liar who will say anything to win.”", "Cruz"),
    ],
)
def test_more_reporting_verbs_name_the_speaker(text: str, speaker: str) -> None:
    [a] = attribute(text, find_quotations(text))
    assert a.speaker_span is not None and a.speaker_span.text == speaker


def test_extra_cues_leave_speech_verbs_alone() -> None:
    assert "reads" not in SPEECH_VERBS and "reads" in lexicon.QUOTE_CUES
    assert SPEECH_VERBS <= lexicon.QUOTE_CUES


def test_an_interrupted_quote_is_one_utterance() -> None:
    text = "Intro.\n\n“We will help,” Ann Smith said. “We always do.”\n\n“No more,” said Ms. Lee."
    attributions = attribute(text, find_quotations(text))
    first, second = utterances(text, attributions)
    assert [a.quote.span.text for a in first.pieces] == ["We will help,", "We always do."]
    assert first.span.text == "We will help,” Ann Smith said. “We always do."
    assert text[first.span.start : first.span.end] == first.span.text
    assert first.speaker == "Ann Smith" and first.cue == "said"
    assert [a.quote.span.text for a in second.pieces] == ["No more,"]
    assert second.speaker == "Lee"


def test_a_quote_interrupted_by_a_long_appositive_is_one_utterance() -> None:
    text = (
        "Intro.\n\n“This is no reform,” said Ana Ruiz, an economist who ran the budget "
        "office for six years and now leads the Harbour Institute, a research group in Oslo. "
        "“It is only more complexity.”"
    )
    [u] = utterances(text, attribute(text, find_quotations(text)))
    assert [a.quote.span.text for a in u.pieces] == [
        "This is no reform,",
        "It is only more complexity.",
    ]
    assert u.speaker == "Ana Ruiz"


def test_pieces_apart_or_by_other_speakers_stay_separate() -> None:
    text = (
        "“We will win,” Smith said, and the crowd cheered for a long time before the rain "
        "came down on the square and everyone went home. “It was fine.”\n\n"
        "“Yes,” Smith said. “No,” Jones said."
    )
    found = utterances(text, attribute(text, find_quotations(text)))
    assert [len(u.pieces) for u in found] == [1, 1, 1, 1]


def test_quotes_joined_by_and_are_one_utterance() -> None:
    text = "“We are leaving today,” the minister said, and “we are not coming back.”"
    [u] = utterances(text, attribute(text, find_quotations(text)))
    assert len(u.pieces) == 2 and u.speaker == "the minister"


def test_utterances_of_nothing() -> None:
    assert utterances("No quotes.", []) == []


def test_grounding_face_exports_its_modules_pieces() -> None:
    from pactlens import grounding

    assert grounding.Quotation is _quotes.Quotation
    assert grounding.find_quotations is _quotes.find_quotations
    assert grounding.Attribution is _attribution.Attribution
    assert grounding.attribute is _attribution.attribute
    assert grounding.Utterance is Utterance
    assert all(hasattr(grounding, name) for name in grounding.__all__)
