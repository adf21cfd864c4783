from __future__ import annotations

import pytest

from pactlens.grounding.assembly import split_sentences
from pactlens.grounding.reported import find_reported


def reported(text: str) -> list[tuple[str, str, str]]:
    found = find_reported(text, split_sentences(text))
    for r in found:
        assert text[r.speaker_span.start : r.speaker_span.end] == r.speaker_span.text
    return [(r.speaker, r.speaker_span.text, r.cue) for r in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The pact includes a defence clause, Russian President Vladimir Putin said.",
            [("Vladimir Putin", "Russian President Vladimir Putin", "said")],
        ),
        (
            "Putin drew attention to statements by NATO countries.",
            [("Putin", "Putin", "drew attention")],
        ),
        (
            "Both leaders described it as a major enhancement of their relations.",
            [("Both leaders", "Both leaders", "described")],
        ),
        (
            "Talks will resume in May, according to Foreign Minister Wang Yi.",
            [("Wang Yi", "Foreign Minister Wang Yi", "according to")],
        ),
        (
            "Ministers met on Monday. She told reporters the deal was close.",
            [("She", "She", "told")],
        ),
        (  # a name later in the clause is not the speaker of "…, claiming"
            "Reid mocked the plan, claiming that Mr. Dahl had a source.",
            [("Reid", "Reid", "claiming")],
        ),
    ],
)
def test_shapes_of_reported_speech(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert reported(text) == expected


def test_pronoun_resolves_to_the_last_named_speaker() -> None:
    text = "Trade will grow, Prime Minister Narendra Modi said. He added that talks go on."
    assert [r.speaker for r in find_reported(text, split_sentences(text))] == [
        "Narendra Modi",
        "Narendra Modi",
    ]


def test_plain_sentences_and_skipped_ones_give_nothing() -> None:
    text = "The square was filled with spectators. The deal was signed, Lavrov said."
    sentences = split_sentences(text)
    assert find_reported(text, sentences[:1]) == []
    assert find_reported(text, sentences, skip={2}) == []


def test_cues_inside_quotation_marks_written_as_two_characters_are_not_reported() -> None:
    for text in (
        "Voters are ''told the deal was close,'' critics wrote at length.",
        "Voters are ``told the deal was close,'' critics wrote at length.",
    ):
        assert [r.cue for r in find_reported(text, split_sentences(text))] == ["wrote"]


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("He came to each debate with a game plan and kept to it.", []),
        ("It was the greatest fear of the harbour town.", []),
        ("Officials fear the bridge will close in May.", ["fear"]),
        ("The two mayors plan to reopen the ferry in June.", ["plan"]),
        # a passive cue with its agent: the subject did not speak
        ("The new mayor was endorsed by every paper in the county.", []),
        # … or with what it was done with: "welcomed with a ceremony" reports no words
        ("The envoy was welcomed with a parade in the old square.", []),
        ("The envoy welcomed the accord on Monday.", ["welcomed"]),
    ],
)
def test_a_cue_that_is_mostly_a_noun_needs_a_subject(text: str, cues: list[str]) -> None:
    assert [r.cue for r in find_reported(text, split_sentences(text))] == cues
