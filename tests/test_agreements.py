"""Agreements by rule (pactlens.grounding.agreements): mentions, status cues, dates,
parties, and no agreement where none is reported.

The sentences here are written for these tests (not taken from the dev set under
tests/gold/agreements), so they check the mechanisms, not the dev passages.
"""

from __future__ import annotations

import datetime as dt

import pytest

import pactlens
from pactlens.grounding import prepare
from pactlens.grounding.agreements import Candidate

#: A Thursday.
DATELINE = "Oslo, 12 June 2025 (NTB): "


def candidates(body: str) -> list[Candidate]:
    return list(prepare(pactlens.clean(DATELINE + body)).candidates)


def only(body: str) -> Candidate:
    (candidate,) = candidates(body)
    return candidate


@pytest.mark.parametrize(
    ("body", "status", "cue"),
    [
        ("Norway proposed a fisheries pact to Iceland on Monday.", "proposed", "proposed"),
        ("Ghana offered Togo a power supply deal on Tuesday.", "proposed", "offered"),
        (
            "Peru and Bolivia are negotiating a lithium export agreement, officials said.",
            "under_negotiation",
            "negotiating",
        ),
        (
            "Envoys held a third round of talks on a border treaty between Laos and Vietnam.",
            "under_negotiation",
            "round of talks",
        ),
        ("Serbia and Kosovo agreed on Monday to a customs arrangement.", "agreed", "agreed"),
        (
            "Brazil and Uruguay reached agreement on a river transport deal on Monday.",
            "agreed",
            "reached agreement",
        ),
        ("Poland and Czechia signed a rail cooperation treaty on Monday.", "signed", "signed"),
        (
            "Estonia's parliament ratified a cyber defence pact with Latvia on Monday.",
            "ratified",
            "ratified",
        ),
        (
            "A fishing accord between Senegal and Mauritania entered into force on Monday.",
            "in_force",
            "entered into force",
        ),
        (
            "A grain contract between Egypt and Romania took effect on Monday.",
            "in_force",
            "took effect",
        ),
        ("Algeria suspended a gas contract with Spain on Monday.", "suspended", "suspended"),
        ("Mali withdrew from a defence pact with Niger on Monday.", "collapsed", "withdrew from"),
        ("A truce between the two clans collapsed on Monday.", "collapsed", "collapsed"),
        (
            "Chile's senate voted on Monday to reject a mining treaty with Peru.",
            "collapsed",
            "to reject",
        ),
        (
            "Talks on a merger between Aster Bank and Lumen Bank collapsed on Monday.",
            "collapsed",
            "collapsed",
        ),
        (
            "Laos and Thailand are negotiating a protocol on river navigation.",
            "under_negotiation",
            "negotiating",
        ),
        (
            "Ruritania and Elbonia initialled a fisheries agreement on Monday.",
            "agreed",
            "initialled",
        ),
        ("Qatar brokered a prisoner deal between the two sides on Monday.", "agreed", "brokered"),
        ("Ruritania renewed its gas contract with Elbonia on Monday.", "signed", "renewed"),
        (
            "Lawmakers in Elbonia approved the free trade agreement with Ruritania on Monday.",
            "ratified",
            "Lawmakers in Elbonia approved",
        ),
        ("Elbonia's president vetoed the border treaty on Monday.", "collapsed", "vetoed"),
        (
            "The steel deal between the two firms fell through on Monday.",
            "collapsed",
            "fell through",
        ),
        ("Diplomats said a potential arms deal worried the region.", "speculative", "potential"),
        ("Analysts said a water treaty could follow next year.", "speculative", "could"),
    ],
)
def test_each_status_cue(body: str, status: str, cue: str) -> None:
    candidate = only(body)
    assert candidate.status == status
    assert candidate.status_cue is not None and candidate.status_cue.span.text == cue


def test_the_latest_stage_wins_and_dates_its_own_event() -> None:
    candidate = only(
        "Kenya's senate ratified a trade pact with Uganda on Tuesday. The pact was signed "
        "in Kampala in March 2024 and will enter into force in August."
    )
    assert candidate.status == "ratified"  # not signed; "will enter" is not yet
    assert candidate.date == dt.date(2025, 6, 10) and candidate.date_span is not None
    assert candidate.date_span.text == "Tuesday"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (
            "A ceasefire between the army and the rebels was agreed on Monday. No document has "
            "yet been signed.",
            "agreed",
        ),
        (
            "Peru and Chile agreed a port deal on Monday. It takes effect once both parliaments "
            "approve it.",
            "agreed",
        ),
        (
            "Laos and Cambodia signed a dam treaty on Monday. It is expected to take effect in "
            "July.",
            "signed",
        ),
        (
            "Talks between Fiji and Tonga on a shipping contract broke up without agreement on "
            "Monday, but both sides said they would meet again.",
            "under_negotiation",
        ),
    ],
)
def test_denied_and_future_words_do_not_set_a_status(body: str, status: str) -> None:
    assert only(body).status == status


def test_the_day_someone_spoke_is_not_the_agreement_date() -> None:
    candidate = only(
        "Ghana signed a cocoa contract with a Swiss trader on 2 June, the ministry said "
        "on Wednesday."
    )
    assert candidate.date == dt.date(2025, 6, 2)
    speculative = only("Officials said on Monday that a potential rail deal could follow.")
    assert speculative.status == "speculative" and speculative.date is None


@pytest.mark.parametrize(
    "body",
    [
        "The two ministers met on Monday and no agreement was reached.",
        "Parliament debated trade policy for six hours on Monday, but no deal was discussed.",
        "Shoppers queued for Black Friday deals on Monday.",
        "The coach said people would make a big deal of the draw.",
        "Leaders ended their summit without a deal on Monday.",
        "Both sides hoped to deepen cooperation. No documents were signed.",
        "Earlier truces in the region lasted only days.",
    ],
)
def test_no_agreement_where_none_is_reported(body: str) -> None:
    assert candidates(body) == []


def test_two_deals_stay_two_and_references_join_the_right_one() -> None:
    first, second = candidates(
        "Austria and Hungary signed a gas transit deal on Monday. Officials said a separate "
        "electricity deal could follow. The gas deal runs for ten years, and the agreement "
        "sets prices yearly."
    )
    assert (first.status, second.status) == ("signed", "speculative")
    assert "gas transit" in first.name and "electricity" in second.name
    assert len(first.mentions) == 3 and len(second.mentions) == 1


def test_an_agreement_no_noun_names_is_named_by_what_was_agreed() -> None:
    candidate = only(
        "Ghana and Togo agreed on Monday to share a power line. Under the deal, reached "
        "after talks in Lome, each side pays half."
    )
    assert candidate.status == "agreed" and "share a power line" in candidate.name
    apposed = only("Officials fear Ruritania could sell tanks to Elbonia, a deal that would alarm")
    assert apposed.status == "speculative" and "sell tanks to Elbonia" in apposed.name


def test_parties_are_the_bound_bodies_not_places_or_people() -> None:
    candidate = only(
        "In Geneva, Norway's foreign minister, Anne Dahl, and Iceland signed a fisheries "
        "treaty on Monday."
    )
    assert {a.name for a in candidate.parties} == {"Norway", "Iceland"}
    firm = only(
        "Kestrel Mining Corp signed a copper contract with the government of Peru on Monday."
    )
    assert {a.name for a in firm.parties} == {"Kestrel Mining Corp", "Peru"}
    between = only("A water treaty between Sundaria and Ebrisa collapsed on Monday.")
    assert [a.name for a in between.parties] == ["Sundaria", "Ebrisa"]


def test_a_model_answer_about_an_agreement_the_text_does_not_report_is_dropped() -> None:
    from pactlens._extraction import ExtractedAgreement, Extraction
    from pactlens.grounding import assemble

    prepared = prepare(pactlens.clean(DATELINE + "Norway and Iceland met on Monday."))
    invented = ExtractedAgreement(
        agreement=1, status="signed", parties=["Norway", "Iceland"], scope=[], clauses=[]
    )
    built = assemble(prepared, Extraction.empty().model_copy(update={"agreements": [invented]}))
    assert built.agreements == []
    assert any("no such agreement" in d for d in built.report.dropped)
    assert built.summary == "The article reports no agreement."


def test_a_settled_status_is_the_rules_and_an_open_one_the_models() -> None:
    from pactlens._extraction import ExtractedAgreement, Extraction
    from pactlens.grounding import assemble

    prepared = prepare(
        pactlens.clean(
            DATELINE + "Norway signed a fisheries pact with Iceland on Monday. "
            "Critics called the Arctic Accord a mistake."
        )
    )
    pact, accord = prepared.candidates
    assert pact.settled and not accord.settled
    answers = [
        ExtractedAgreement(agreement=n, status="collapsed", parties=[], scope=[], clauses=[])
        for n in (1, 2)
    ]
    built = assemble(prepared, Extraction.empty().model_copy(update={"agreements": answers}))
    first, second = built.agreements
    assert (first.status, second.status) == ("signed", "collapsed")
    assert built.decided == {
        "a1": {"status": "rules", "parties": "rules", "date": "rules"},
        "a2": {"status": "model", "parties": "model"},
    }
    assert first.status_evidence is not None and first.status_evidence.text == "signed"
    assert second.status_evidence is None
    text = prepared.article.text
    for span in (first.status_evidence, first.date_evidence, *first.party_evidence.values()):
        assert span is not None and text[span.start : span.end] == span.text


def test_a_clause_about_another_agreement_is_not_this_ones() -> None:
    from pactlens._extraction import ExtractedAgreement, ExtractedClause, Extraction
    from pactlens.grounding import assemble

    prepared = prepare(
        pactlens.clean(
            DATELINE + "Norway signed a fisheries pact with Iceland on Monday. "
            "Diplomats said a potential arms deal would see Iceland supply rifles."
        )
    )
    rifles = ExtractedClause(topic="arms", summary="rifles", condition=None, sentences=[2])
    quotas = ExtractedClause(topic="quotas", summary="cod", condition=None, sentences=[1])
    answer = ExtractedAgreement(
        agreement=1, status="signed", parties=[], scope=[], clauses=[quotas, rifles]
    )
    built = assemble(prepared, Extraction.empty().model_copy(update={"agreements": [answer]}))
    assert [c.topic for c in built.agreements[0].clauses] == ["quotas"]
    assert any("another agreement" in d for d in built.report.dropped)


def test_blank_names_from_a_model_name_no_one() -> None:
    from pactlens._extraction import ExtractedParty, Extraction
    from pactlens.grounding import assemble

    raw = DATELINE + "Norway signed a fisheries pact with Iceland on Monday. “We won,” Dahl said."
    prepared = prepare(pactlens.clean(raw))
    blank = ExtractedParty(name="Norway", kind="state", aliases=["", " "], leaders=["", "  "])
    nameless = ExtractedParty(name=" ", kind="state", aliases=[], leaders=["Dahl"])
    answer = Extraction.empty().model_copy(update={"parties": [blank, nameless]})
    built = assemble(prepared, answer)  # no IndexError on an empty representative
    norway = next(p for p in built.parties if p.name == "Norway")
    assert norway.representatives == [] and "" not in norway.aliases
    assert all(p.name.strip() for p in built.parties)


def test_a_postponed_signing_leaves_the_deal_agreed_not_signed() -> None:
    c = only(
        "The signing of the Kaveri water treaty between India and Nepal, planned for "
        "Monday, was postponed after protests, officials said."
    )
    assert c.status == "agreed"
    assert c.date is None  # Monday was the signing's day, not the agreeing's


def test_a_report_denied_sets_no_status() -> None:
    found = candidates(
        "Nepal's water ministry denied reports that the Kaveri water treaty had been signed."
    )
    assert all(c.status != "signed" for c in found)


def test_a_signing_put_in_the_future_is_not_a_signing() -> None:
    c = only(
        "India and Nepal agreed terms for a water treaty on Tuesday. The formal signing of "
        "the treaty would take place on 20 June, the ministry said."
    )
    assert c.status == "agreed"


def test_a_later_dated_event_wins_over_an_earlier_collapse() -> None:
    c = only(
        "India and Nepal signed a water treaty on Monday, after talks on it collapsed in "
        "March over the dam's height."
    )
    assert c.status == "signed" and c.date == dt.date(2025, 6, 9)


@pytest.mark.parametrize(
    ("body", "agreement"),
    [
        ("Mediators floated a prisoner exchange between the two sides on Monday.", True),
        ("Kestrel Mining and Peru signed a lithium concession on Monday.", True),
        ("The two governments exchange instruments of ratification on Monday.", False),
        ("The exchange rate was agreed by the central bank on Monday.", False),
        ("They agreed to release the hostages in exchange for prisoners.", False),
    ],
)
def test_exchanges_and_concessions(body: str, agreement: bool) -> None:
    assert bool(candidates(body)) is agreement
