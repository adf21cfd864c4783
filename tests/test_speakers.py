"""Speakers: the verb's subject, and a mention resolved across the article
(pactlens.grounding.subjects, pactlens.grounding.people).

The passages are written for these tests.
"""

from __future__ import annotations

import pytest

from pactlens._eval.baseline import RulesOnly
from pactlens._models import Statement
from pactlens.grounding.people import People
from pactlens.grounding.subjects import clause_subject, subject_of_verb, tokens

DATELINE = "Oslo, 12 June 2025 (NTB): "


def statements(body: str) -> list[Statement]:
    return RulesOnly()(DATELINE + body).statements


def mention(st: Statement) -> str | None:
    return st.speaker_span.text if st.speaker_span else None


def subject(sentence: str, verb: str) -> str | None:
    toks = tokens(sentence)
    v = next(k for k, t in enumerate(toks) if t[2] == verb)
    found = subject_of_verb(toks, v, 0)
    return None if found is None else sentence[toks[found[0]][0] : toks[found[1] - 1][1]]


@pytest.mark.parametrize(
    ("sentence", "verb", "expected"),
    [
        (
            "At a news conference in Oslo, the mayor also said the vote was fair.",
            "said",
            "the mayor",
        ),
        (
            "Mara Lind, a senior adviser to the campaign, called the remarks unfair.",
            "called",
            "Mara Lind",
        ),
        (
            "Ilan Voss spoke in Tulsa, Oklahoma, arguing that the rules were wrong.",
            "arguing",
            "Ilan Voss",
        ),
        (
            "Mayor Lena Dahl took to Twitter on Friday to accuse the council.",
            "accuse",
            "Mayor Lena Dahl",
        ),
        (
            "In August, several environmental groups said the plan would fail.",
            "said",
            "several environmental groups",
        ),
        ("However, 63 percent said the senator was right.", "said", "63 percent"),
        ("Following the vote, Dahl said the council had erred.", "said", "Dahl"),
        ("The senator exhorted voters to stay home and said he was proud.", "said", "The senator"),
        (
            "Kerr Lund, the city's police chief, on Tuesday said no one was hurt.",
            "said",
            "Kerr Lund",
        ),
    ],
)
def test_the_speaker_is_the_verbs_subject(sentence: str, verb: str, expected: str) -> None:
    assert subject(sentence, verb) == expected


def test_a_clause_subject_skips_its_adverbial_phrases() -> None:
    sentence = "Once, while driving home, I laughed at the radio."
    toks = tokens(sentence)
    found = clause_subject(toks, 0, len(toks))
    assert found is not None and toks[found[0]][2] == "I"


def test_the_subject_of_a_partial_quote_is_not_the_verbs_object() -> None:
    (st,) = statements(
        "Ilan Voss spoke in Tulsa, Oklahoma, arguing that the rules were “intolerable”."
    )
    assert st.kind == "mixed" and st.speaker == "Ilan Voss"


def test_a_pronoun_is_resolved_to_the_person_named_before() -> None:
    (st,) = statements(
        "Sen. Ted Cruz spoke in Austin on Monday. He said the plan was “a disaster for farmers”."
    )
    assert st.kind == "mixed" and st.speaker == "Ted Cruz" and mention(st) == "He"


def test_a_description_is_resolved_to_the_person_with_that_title() -> None:
    (st,) = statements(
        "Sen. Ted Cruz spoke in Austin on Monday. “We will win this fight,” the senator said."
    )
    assert st.kind == "direct" and st.speaker == "Ted Cruz" and mention(st) == "the senator"


def test_it_is_resolved_to_the_body_named_before() -> None:
    (st,) = statements(
        "The Foreign Ministry issued a statement on Monday. “We reject the claims entirely,” it said."
    )
    assert st.speaker == "Foreign Ministry" and mention(st) == "it"


def test_a_description_with_nobody_before_it_stays_as_written() -> None:
    (st,) = statements("“We will win this fight,” the senator said.")
    assert st.speaker == "the senator" and mention(st) == "the senator"


def test_the_speaker_is_linked_to_the_party_the_mention_names() -> None:
    *_, st = statements(
        "Valdoria and Carvenia signed a ceasefire agreement in Geneva on Monday. "
        "Valdoria's foreign minister Paula Reyes said the deal was “a first step”."
    )
    assert st.speaker == "Paula Reyes" and st.speaker_id == "valdoria"


def test_people_resolve_who_to_the_person_just_named() -> None:
    text = "Mitch Lorne, the majority leader, who in 2010 said the goal was clear."
    people = People(text, tokens(text), [])
    assert people.speaker(["who"], text.index("who"), 0) == "Mitch Lorne"
    assert people.speaker(["they"], text.index("who"), 0) is None


def test_a_title_case_headline_verb_ends_a_name() -> None:
    text = "Dahl Says Harbour Museum Will Tell of 'Storms and Calm'\n\nLena Dahl opened it."
    people = People(text, tokens(text), [])
    names = [name for _, name in people.mentions]
    assert "Lena Dahl" in names
    assert not any("Says" in n or "Will" in n or n.endswith(" of") for n in names)
    text = "Hope Hicks said the harbour would open."  # a verb's bare form in a name stays
    assert People(text, tokens(text), []).mentions[0][1] == "Hope Hicks"


def test_a_said_that_clause_is_what_follows_the_verb() -> None:
    (st,) = statements("Lena Dahl said that the council had approved the budget.")
    assert st.kind == "indirect" and st.speaker == "Lena Dahl"
    assert st.text == "that the council had approved the budget."  # "that" opens the clause


def test_a_speaker_after_the_clause_is_found() -> None:
    (st,) = statements("Valdoria rejected the proposal on Friday, officials said.")
    assert st.kind == "indirect" and st.speaker == "officials"


@pytest.mark.parametrize(
    ("body", "speaker", "content"),
    [
        (
            "According to the report, the council approved the budget in May.",
            "the report",
            "the council approved the budget in May.",
        ),
        (
            "According to two aides, the senator plans to run again.",
            "two aides",
            "the senator plans to run again.",
        ),
    ],
)
def test_according_to_a_source_that_opens_the_sentence(
    body: str, speaker: str, content: str
) -> None:
    (st,) = statements(body)
    assert st.kind == "indirect" and st.speaker == speaker and st.text == content


def test_a_stance_is_a_reported_statement() -> None:
    (st,) = statements("A union of flight attendants endorsed Ilan Voss for mayor on Thursday.")
    assert st.kind == "indirect" and mention(st) == "A union of flight attendants"


def test_the_outer_speaker_of_a_nested_attribution_is_kept() -> None:
    (st,) = statements("Mara Lind said Voss believes the tax plan is a mistake.")
    assert st.speaker == "Mara Lind" and st.text == "Voss believes the tax plan is a mistake."
