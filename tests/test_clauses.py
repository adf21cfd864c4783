"""Every attribution in a sentence (pactlens.grounding.clauses), and the wider inventory
of cue verbs.

The passages are written for these tests.
"""

from __future__ import annotations

import pytest

from pactlens._eval.baseline import RulesOnly
from pactlens._models import Statement
from pactlens.grounding.clauses import attributions_in

DATELINE = "Oslo, 12 June 2025 (NTB): "


def statements(body: str) -> list[Statement]:
    return RulesOnly()(DATELINE + body).statements


def claims(sentence: str) -> list[tuple[str | None, str, str]]:
    out = []
    for c in attributions_in(sentence):
        who = sentence[c.speaker[0] : c.speaker[1]] if c.speaker else None
        out.append((who, sentence[c.cue[0] : c.cue[1]], sentence[c.content[0] : c.content[1]]))
    return out


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Mayor Lena Dahl said the budget would pass, adding that the vote was fair.",
            [("Mayor Lena Dahl", "adding", "that the vote was fair")],
        ),
        (
            "The mayor called the plan costly, but she noted that the council backed it.",
            [("she", "noted", "that the council backed it")],
        ),
        (
            "The bridge will reopen in May — and he noted that the repairs cost less.",
            [("he", "noted", "that the repairs cost less")],
        ),
        (
            "The harbour will close, said Tom Berg, who added that the vote was close.",
            [("who", "added", "that the vote was close")],
        ),
        (
            "\u201cWe will win,\u201d he said, adding that the campaign raised more money.",
            [("he", "adding", "that the campaign raised more money")],
        ),
        (  # a speech verb sharing the clause's subject
            "The police announced an arrest on Friday and said the curfew would go on.",
            [("The police", "said", "the curfew would go on")],
        ),
        (
            "Mayor Dahl backed the plan in May, but has also noted that it costs more.",
            [("Mayor Dahl", "noted", "that it costs more")],
        ),
    ],
)
def test_a_second_claim_in_a_sentence(
    sentence: str, expected: list[tuple[str | None, str, str]]
) -> None:
    assert claims(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # the sentence's own, first attribution is left to the reported-speech rules
        "The mayor said the budget would pass in May.",
        # a passive verb: the noun before it did not speak
        "The mayor said the plan was fair, and Ms. Dahl was supported by most voters.",
        # a preposition after the verb: no clause was said
        "The mayor said the plan was fair, and she insisted on a second vote.",
        # a belief verb opens a second claim only as a participle
        "The mayor said the plan was fair, but they feel buoyed by the result.",
        # "According to X," opens the sentence: the clause after it is X's
        "According to the report, the council approved the budget in May.",
        # a nested belief is part of the outer clause, not a claim of its own
        "The senator told reporters that his aides think the deal is dead.",
        # a stance or belief verb sharing the clause's subject is seldom a claim
        "The mayor visited the harbour and found that the ferries were late.",
    ],
)
def test_no_second_claim(sentence: str) -> None:
    assert claims(sentence) == []


def test_both_claims_become_statements_and_the_first_clause_ends_at_the_second() -> None:
    found = statements(
        "Mayor Lena Dahl said the budget would pass in May, adding that the vote was fair."
    )
    assert [(s.kind, s.speaker, s.text) for s in found] == [
        ("indirect", "Lena Dahl", "the budget would pass in May"),
        ("indirect", "Lena Dahl", "that the vote was fair"),
    ]
    assert found[1].cue == "adding"
    assert found[1].method == "rule:subject"


def test_a_reported_claim_beside_a_quotation() -> None:
    found = statements(
        "Mayor Lena Dahl spoke to reporters on Monday. \u201cThe harbour stays open all"
        " winter,\u201d she said, adding that the ferries would run twice a day."
    )
    kinds = [(s.kind, s.speaker, s.text) for s in found]
    assert ("direct", "Lena Dahl", "The harbour stays open all winter,") in kinds
    assert ("indirect", "Lena Dahl", "that the ferries would run twice a day") in kinds


def test_a_sentence_holding_a_quotation_keeps_its_own_reported_claim() -> None:
    found = statements(
        "When Lena Dahl noted that the harbour had lost money \u2015 Tom Berg replied,"
        " \u201cThat makes us careful.\u201d"
    )
    assert [(s.kind, s.speaker, s.text) for s in found] == [
        ("direct", "Tom Berg", "That makes us careful."),
        ("indirect", "Lena Dahl", "that the harbour had lost money"),
    ]
    found = statements(
        "Lena Dahl said the ferries would run again, and Tom Berg added, \u201cWe are ready.\u201d"
    )
    assert ("indirect", "Lena Dahl", "the ferries would run again") in [
        (s.kind, s.speaker, s.text) for s in found
    ]


@pytest.mark.parametrize(
    "body",
    [
        # the words before the quotation only lead into it
        "Tom Berg defended the plan, saying, \u201cIt will pay for itself.\u201d",
        "Lena Dahl said she recalled thinking, \u201cThis is the end of the ferries.\u201d",
        # the quoted words are the clause's own: one mixed statement, no second one
        "Lena Dahl said the plan was \u201ca disaster for farmers\u201d.",
        # a listener is not what was said
        "Lena Dahl told The Harbour Times, \u201cWe are ready.\u201d",
    ],
)
def test_no_reported_claim_beside_a_quotation_that_is_all_there_is(body: str) -> None:
    assert [s.kind for s in statements(body)] in (["direct"], ["mixed"])


def test_who_resolves_to_the_name_before_it() -> None:
    found = statements(
        "The harbour will close in May, said Tom Berg, who added that the vote was close."
    )
    second = [s for s in found if s.cue == "added"]
    assert [(s.speaker, mention(s), s.text) for s in second] == [
        ("Tom Berg", "who", "that the vote was close")
    ]


def mention(st: Statement) -> str | None:
    return st.speaker_span.text if st.speaker_span else None


@pytest.mark.parametrize(
    ("body", "speaker", "cue"),
    [
        (
            "Several economists suspect the new tax will raise little money.",
            "Several economists",
            "suspect",
        ),
        ("The council voted to close the harbour for the winter.", "The council", "voted"),
        (
            "The mayor discussed plans to widen the coastal road next year.",
            "The mayor",
            "discussed",
        ),
        (
            "Most residents understand the repairs will take two years.",
            "Most residents",
            "understand",
        ),
        ("The appeals court ruled that the ferry ban was unlawful.", "The appeals court", "ruled"),
        (
            "Both mayors described the bridge as a lifeline for the coast.",
            "Both mayors",
            "described",
        ),
    ],
)
def test_cues_of_knowing_deciding_and_discussing(body: str, speaker: str, cue: str) -> None:
    (st,) = statements(body)
    assert (st.kind, mention(st), st.cue) == ("indirect", speaker, cue)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Critics mocked Mayor Lena Dahl's claim that the harbour would pay for itself.",
            [("Mayor Lena Dahl", "claim", "the harbour would pay for itself")],
        ),
        (
            "The council repeated its view that the ferries cost too much.",
            [("its", "view", "the ferries cost too much")],
        ),
        (
            "Few recall the senator's earlier assertion that taxes would fall.",
            [("the senator", "assertion", "taxes would fall")],
        ),
    ],
)
def test_a_noun_cue_with_its_owner_is_a_claim(
    sentence: str, expected: list[tuple[str | None, str, str]]
) -> None:
    assert claims(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # nobody owns the claim
        "The paper mocked the claim that the harbour would pay for itself.",
        # a verb reports it already: the verb's claim, not a second one
        "Mayor Dahl stressed her view that the ferries cost too much.",
        # no clause follows the noun
        "Mayor Dahl's view of the harbour has not changed.",
    ],
)
def test_no_noun_cue_claim(sentence: str) -> None:
    assert [c for c in claims(sentence) if c[1] in ("claim", "view")] == []


def test_a_noun_cue_owned_by_a_pronoun_names_the_person() -> None:
    found = statements(
        "Mayor Lena Dahl visited the harbour. Aides repeated her belief that the port would grow."
    )
    [st] = [s for s in found if s.cue == "belief"]
    assert (st.speaker, mention(st), st.text) == ("Lena Dahl", "her", "the port would grow")
