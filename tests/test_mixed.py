"""Mixed statements: quoted words inside reported speech (pactlens.grounding.mixed).

The passages are written for these tests.
"""

from __future__ import annotations

import pytest

import pactlens
from pactlens._eval.baseline import RulesOnly
from pactlens._eval.polnear import Relation
from pactlens._models import ArticleSummary, Statement

DATELINE = "Oslo, 12 June 2025 (NTB): "


def statements(body: str) -> tuple[ArticleSummary, list[Statement]]:
    summary = RulesOnly()(DATELINE + body)
    return summary, summary.statements


def test_quoted_words_inside_a_paraphrase_are_a_mixed_statement() -> None:
    summary, (st,) = statements("The senator called the plan “a disaster for farmers” on Monday.")
    assert st.kind == "mixed" and "senator" in st.speaker.casefold()
    assert st.span is not None and st.span.text == "the plan “a disaster for farmers” on Monday."
    assert [p.text for p in st.pieces] == ["a disaster for farmers"]
    for piece in st.pieces:  # verbatim, and inside the clause
        assert summary.text[piece.start : piece.end] == piece.text
        assert st.span.start <= piece.start and piece.end <= st.span.end


def test_a_trailing_attribution_is_left_out_of_the_clause() -> None:
    _, (st,) = statements("The deal is “a good one for both sides”, officials said.")
    assert st.kind == "mixed" and st.speaker == "officials"
    assert st.text == "The deal is “a good one for both sides”"


@pytest.mark.parametrize(
    "body",
    [
        "“We will not back down,” the senator said.",
        "The senator told reporters: “We will not back down.”",
        "The senator said, “We will not back down.”",
    ],
)
def test_words_that_stand_alone_stay_a_direct_quote(body: str) -> None:
    _, (st,) = statements(body)
    assert st.kind == "direct" and st.text.startswith("We will not back down")
    assert st.pieces == []


@pytest.mark.parametrize(
    ("body", "clause"),
    [
        # the clause opens with "that", after a listener, a day or a setting
        (
            "The senator told the council that the ferry was “a lifeline” for the islands.",
            "that the ferry was “a lifeline” for the islands.",
        ),
        (
            "The senator said on Friday that the ferry was “a lifeline” for the islands.",
            "that the ferry was “a lifeline” for the islands.",
        ),
        (
            "Speaking in Brekke, Norway, the senator says the ferry is “a lifeline”.",
            "the ferry is “a lifeline”.",
        ),
    ],
)
def test_a_mixed_statement_is_the_clause_after_its_verb(body: str, clause: str) -> None:
    _, (st,) = statements(body)
    assert st.kind == "mixed" and st.text == clause
    assert [p.text for p in st.pieces] == ["a lifeline"]


def test_a_quoted_title_is_nobodys_words() -> None:
    _, (st,) = statements("Lena Dahl told NRK's “Morning Harbour” that the ferry would run daily.")
    assert (st.kind, st.text, st.pieces) == ("indirect", "that the ferry would run daily.", [])
    _, (st,) = statements("Lena Dahl said on “Harbour Today” that the ferry was “a lifeline”.")
    assert (st.kind, st.text) == ("mixed", "that the ferry was “a lifeline”.")
    assert [p.text for p in st.pieces] == ["a lifeline"]


def test_short_quoted_words_in_reported_speech_are_pieces_of_it() -> None:
    _, (st,) = statements("Mr. Dahl said the treaty was “dead” and “buried”.")
    assert st.kind == "mixed" and [p.text for p in st.pieces] == ["dead", "buried"]


def test_an_interrupted_quotation_stays_direct_pieces() -> None:
    _, (first, second) = statements("“We will help,” Mr. Dahl said. “We always do.”")
    assert (first.kind, second.kind) == ("direct", "direct")
    assert second.continues == first.id


def test_a_mixed_statement_needs_its_pieces() -> None:
    span = pactlens.Span(start=0, end=3, text="abc")
    with pytest.raises(ValueError, match="mixed"):
        Statement(id="s1", speaker="x", kind="mixed", text="abc", span=span)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("“We will win,”", "direct"),
        ("that “we will win.”", "direct"),
        ("the plan was “a disaster for farmers” and would fail", "mixed"),
        ("the plan would fail", "indirect"),
    ],
)
def test_the_scorer_tells_gold_direct_mixed_and_indirect_apart(content: str, kind: str) -> None:
    assert Relation(content=((0, len(content)),), content_text=content).kind == kind


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            "Mr. Dahl said that the border would reopen in May.",
            "that the border would reopen in May.",
        ),
        ("The border would reopen in May, said Mr. Dahl.", "The border would reopen in May"),
        (
            "The border would reopen in May, according to Mr. Dahl.",
            "The border would reopen in May",
        ),
        # "…, X said." closing the sentence: what comes before it
        ("The border would reopen, Mr. Dahl said.", "The border would reopen"),
        (
            "The border would reopen, Mr. Dahl predicted in a letter to the council.",
            "The border would reopen",
        ),
        ("Mr. Dahl told reporters that the border would reopen.", "that the border would reopen."),
        # the speaker opens its clause after a conjunction or a phrase set off by a comma
        ("But in May, Mr. Dahl said the border would reopen.", "the border would reopen."),
        (
            "Speaking at a rally in Brekke, Norway, Mr. Dahl said the border would reopen.",
            "the border would reopen.",
        ),
        # a source phrase opens the sentence: what its subject does, after the subject
        (
            "In a statement issued on Tuesday, Mr. Dahl was more careful than his aides.",
            "was more careful than his aides.",
        ),
        # a participle hanging off the sentence: what follows it
        (
            "The two unions filed a motion to halt the sale, arguing it was unlawful.",
            "it was unlawful.",
        ),
        # the speaker's noun phrase may carry words before it and an aside after it
        (
            "Senator Lena Dahl, mayor of Brekke, said the border would reopen in May.",
            "the border would reopen in May.",
        ),
        (
            "Republican mayor Lena Dahl has said the border would reopen in May.",
            "the border would reopen in May.",
        ),
        (
            "Brekke Port just this month announced it would close the north pier.",
            "it would close the north pier.",
        ),
        # an inverted "said he" is no attribution: "he" opens what was said
        (
            "The harbour's chairman, Tom Berg, said he cannot comment on the letter.",
            "he cannot comment on the letter.",
        ),
        # a closing attribution with a speech verb and a time: what comes before it
        (
            "The ferry will run twice a day, harbour officials said on Friday.",
            "The ferry will run twice a day",
        ),
        # a verb with an object is no closing attribution: what follows the verb
        (
            "In her 2009 memoir, Harbour Days, Lena Dahl noted the pier's age.",
            "the pier's age.",
        ),
        # a time, a setting or a listener before "that", which opens the clause
        (
            "Lena Dahl said on Friday that the ferry would run twice a day.",
            "that the ferry would run twice a day.",
        ),
        ("Lena Dahl is warning voters that the ferry will stop.", "that the ferry will stop."),
        ("Lena Dahl said Friday the ferry would run daily.", "the ferry would run daily."),
        (
            "The harbour board reported last week that the pier was safe.",
            "that the pier was safe.",
        ),
        (
            "The Brekke Gazette poll released in late May found that most residents back it.",
            "that most residents back it.",
        ),
        # "that" after the verb's own object is a relative pronoun: the clause is kept whole
        (
            "The council agreed to repair the pier that had been damaged.",
            "to repair the pier that had been damaged.",
        ),
        # words before the name that are no part of its phrase: not cut
        (
            "The gap between what Mr. Dahl says and what he does is wide.",
            "The gap between what Mr. Dahl says and what he does is wide.",
        ),
    ],
)
def test_reported_speech_is_the_clause_without_its_source(body: str, said: str) -> None:
    _, (st,) = statements(body)
    assert st.kind == "indirect" and st.text == said


def test_each_statement_says_what_set_its_speaker() -> None:
    _, found = statements(
        "“We will help,” Mr. Dahl said. Cruz told Republicans to “vote your conscience and "
        "defend the party”. Ms. Berg said the border would reopen."
    )
    assert [(s.kind, s.method, s.speaker) for s in found] == [
        ("direct", "rule:after", "Dahl"),
        ("mixed", "rule:before", "Cruz"),  # the verb's subject, not its object
        ("indirect", "rule:reported", "Berg"),
    ]


def test_a_lead_in_ending_with_a_colon_reports_the_next_paragraph() -> None:
    _, (st,) = statements(
        "The mayor spoke for an hour.\n\nMs. Dahl added:\n\nThe harbour will stay open all "
        "winter, and the ferries will run twice a day.\n\nOther news followed."
    )
    assert (st.kind, st.speaker) == ("indirect", "Dahl")
    assert st.text == "The harbour will stay open all winter, and the ferries will run twice a day."


def test_a_lead_in_to_a_quoted_paragraph_is_not_a_statement_of_its_own() -> None:
    _, found = statements(
        "The mayor spoke for an hour.\n\nMs. Dahl added:\n\n\u201cThe harbour will stay open "
        "all winter.\u201d\n\nOther news followed."
    )
    assert [(s.kind, s.text) for s in found] == [
        ("direct", "The harbour will stay open all winter.")
    ]
