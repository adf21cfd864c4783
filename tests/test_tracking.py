"""Following agreements across articles: identity, the book, its store and exports.

The articles here are short passages written for these tests, summarised by pactlens's
own deterministic half (no model): what the book does with real summaries.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from scripted import Script, completion
from tracking_passages import CONCESSION_POSTPONED, CONCESSION_SETTLED, CONCESSION_SIGNED

import pactlens
from pactlens._eval.baseline import RulesOnly
from pactlens._models import ArticleSummary
from pactlens.grounding.identity import compare, profile
from pactlens.tracking import AgreementBook, open_book, track

RULES = RulesOnly()


def summary(text: str) -> ArticleSummary:
    return RULES(text)


PROPOSED = """Doha, 9 February 2025 (NWS): Qatari mediators on Friday proposed a ceasefire \
between Valdoria and Orsa, officials said."""
SIGNED = """Doha, 3 March 2025 (NWS): Valdoria and Orsa signed a ceasefire agreement in \
Doha on Monday, ending six weeks of fighting."""
COLLAPSED = """Elmar, 6 May 2025 (ONA): The ceasefire between Orsa and Valdoria collapsed \
on Tuesday after Orsan forces shelled the border town of Elmar."""
GAS = """Port Alvin, 24 April 2025 (EFX): Kethria and Marenland agreed a ten-year gas \
supply deal on Wednesday, the energy ministries said."""
DEFENCE = """Veldhar, 28 March 2025 (KNA): Kethria and Marenland signed a mutual defence \
treaty on Thursday."""

# -- identity --------------------------------------------------------------------------


def test_same_parties_different_topics_are_two_agreements() -> None:
    defence = profile(["mutual defence treaty"], kind="treaty", parties=["Kethria", "Marenland"])
    gas = profile(["gas supply deal"], kind="trade_deal", parties=["Marenland", "Kethria"])
    verdict = compare(defence, gas)
    assert verdict.same is False
    assert "topics differ" in verdict.reasons[0]


def test_a_shared_proper_name_makes_one_agreement() -> None:
    first = profile(["Veldhar Treaty"], kind="treaty", parties=["Kethria", "Marenland"])
    later = profile(["the Veldhar Treaty"], kind="treaty", parties=["Marenland", "Kethria"])
    assert compare(first, later).same is True


def test_two_known_pairs_of_parties_with_none_shared_are_two_agreements() -> None:
    a = profile(["ceasefire"], kind="ceasefire", parties=["Valdoria", "Orsa"])
    b = profile(["ceasefire"], kind="ceasefire", parties=["Tamsk", "NTLF"])
    assert compare(a, b).same is False


def test_a_ceasefire_is_never_a_trade_deal() -> None:
    a = profile(["agreement"], kind="ceasefire", parties=["Valdoria", "Orsa"])
    b = profile(["agreement"], kind="trade_deal", parties=["Valdoria", "Orsa"])
    assert compare(a, b).same is False


def test_one_side_named_is_not_proof_of_a_different_deal() -> None:
    # The extraction named only the mediator; the article names the two sides.
    mediated = profile(["ceasefire"], kind="ceasefire", parties=["Qatar"], context=["Orsa"])
    signed = profile(["ceasefire agreement"], kind="ceasefire", parties=["Valdoria", "Orsa"])
    verdict = compare(mediated, signed)
    assert verdict.same is not False
    assert "parties in each other's articles" in verdict.reasons


def test_lengths_and_party_words_name_nothing() -> None:
    p = profile(["ten-year Kethrian gas deal"], parties=["Kethria", "Marenland"])
    assert p.words == frozenset() and p.names == frozenset()
    assert p.topics == {"energy"}


# -- the book --------------------------------------------------------------------------


def test_a_ceasefire_followed_across_three_articles() -> None:
    book = track([summary(PROPOSED), summary(SIGNED), summary(COLLAPSED)])
    assert len(book) == 1
    (record,) = book.records
    assert record.kind == "ceasefire"
    assert set(record.parties) >= {"Valdoria", "Orsa"}
    assert [e.status for e in record.timeline] == ["proposed", "signed", "collapsed"]
    assert record.current_status == "collapsed"
    assert not record.contested
    assert record.timeline[-1].quote is not None and "collapsed" in record.timeline[-1].quote
    evidence = record.timeline[-1].evidence
    assert evidence is not None and evidence.text == "collapsed"


def test_articles_added_out_of_order_still_make_a_timeline_in_order() -> None:
    book = AgreementBook()
    for text in (COLLAPSED, SIGNED, PROPOSED):
        book.add(summary(text))
    (record,) = book.records
    assert [e.status for e in record.timeline] == ["proposed", "signed", "collapsed"]
    assert record.current_status == "collapsed"


def test_two_deals_between_the_same_parties_stay_apart() -> None:
    book = track([summary(DEFENCE), summary(GAS)])
    assert len(book) == 2
    kinds = {r.kind: r.current_status for r in book.records}
    assert kinds == {"treaty": "signed", "trade_deal": "agreed"}


def test_contradicting_reports_are_kept_and_flagged_until_a_later_one() -> None:
    book = track([summary(CONCESSION_SIGNED), summary(CONCESSION_POSTPONED)])
    (record,) = book.records
    assert sorted(e.status for e in record.timeline) == ["agreed", "signed"]
    (conflict,) = record.conflicts
    assert conflict.statuses == ("signed", "agreed") and not conflict.resolved
    assert record.contested
    # Both claims stay in the timeline; the later report is the current estimate.
    assert record.current_status == "agreed"

    book.add(summary(CONCESSION_SETTLED))
    (record,) = book.records
    assert record.conflicts[0].resolved
    assert not record.contested
    assert record.current_status == "signed"


VAGUE = "Veldhar, 2 April 2025 (KNA): Kethria and Marenland signed an agreement on Tuesday."


def test_the_judge_is_asked_only_where_the_rules_are_unsure() -> None:
    asked: list[tuple[str, str]] = []

    def judge(first: str, second: str) -> bool:
        asked.append((first, second))
        return True

    book = AgreementBook(judge=judge)
    book.add(summary(DEFENCE))
    book.add(summary(GAS))  # different topics: settled by the rules, nobody asked
    assert asked == [] and len(book) == 2

    vague = summary(VAGUE)  # the same two states: the treaty, or the gas deal?
    book.add(vague)
    assert len(asked) == 1 and len(book) == 2
    assert "Kethria" in asked[0][1] and "'agreement'" in asked[0][1]
    article_id = book.articles[-1].id
    record = book.record_of(article_id, vague.agreements[0].id)
    assert record is not None
    assert record.event((article_id, vague.agreements[0].id)).matched == "model"
    assert book.questions == 1


def test_a_judge_that_says_different_or_cannot_tell_keeps_them_apart() -> None:
    for answer in (False, None):
        asked: list[str] = []

        def judge(
            first: str, second: str, answer: bool | None = answer, asked: list[str] = asked
        ) -> bool | None:
            asked.append(first)
            return answer

        book = track([summary(DEFENCE), summary(GAS)], judge=judge)
        book.add(summary(VAGUE))
        assert len(asked) == 2  # both candidates, best first
        assert len(book) == 3


def test_one_clear_candidate_is_joined_without_a_question() -> None:
    book = AgreementBook(judge=lambda a, b: pytest.fail("asked"))  # type: ignore[arg-type,return-value]
    book.add(summary(DEFENCE))
    book.add(summary(VAGUE))
    (record,) = book.records
    assert [e.matched for e in record.timeline] == ["new", "unsure"]


def test_adding_the_same_article_twice_changes_nothing() -> None:
    book = track([summary(PROPOSED), summary(SIGNED)])
    before = book.records
    assert book.add(summary(SIGNED)) == []
    assert book.records == before


def test_a_changed_summary_under_the_same_id_replaces_its_events() -> None:
    book = AgreementBook()
    book.add(summary(PROPOSED), article_id="a")
    book.add(summary(COLLAPSED), article_id="a")
    (record,) = book.records
    assert [e.status for e in record.timeline] == ["collapsed"]


def test_a_failed_batch_result_adds_nothing() -> None:
    failed = pactlens.Result("x.txt", 0, error=pactlens.InputError("empty"))
    book = AgreementBook()
    assert book.add(failed) == []
    assert len(book) == 0


# -- the store -------------------------------------------------------------------------


def test_the_store_survives_a_reopen_and_a_rerun_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "pacts.sqlite"
    articles = [summary(t) for t in (PROPOSED, SIGNED, GAS, DEFENCE)]
    with track(articles, db=db) as book:
        expected = book.records
    with open_book(db) as book:
        assert book.records == expected
        book.update(articles)  # a re-run of the same crawl
        assert book.records == expected
        book.add(summary(COLLAPSED))
        assert len(book) == len(expected)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name, current_status, events FROM records").fetchall()
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 5
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert ("ceasefire agreement", "collapsed", 3) in rows or any(
        status == "collapsed" and n == 3 for _, status, n in rows
    )


def test_a_book_of_another_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(pactlens.CacheError, match="schema 99"):
        open_book(db)


def test_rows_and_parquet(tmp_path: Path) -> None:
    pyarrow_parquet = pytest.importorskip("pyarrow.parquet")
    book = track([summary(PROPOSED), summary(SIGNED), summary(COLLAPSED)])
    rows = book.to_records()
    assert len(rows) == 3
    assert [r["status"] for r in rows] == ["proposed", "signed", "collapsed"]
    assert [r["current"] for r in rows] == [False, False, True]
    path = tmp_path / "events.parquet"
    book.to_parquet(str(path))
    table = pyarrow_parquet.read_table(path)
    assert table.num_rows == 3
    assert table.column("status").to_pylist() == ["proposed", "signed", "collapsed"]


# -- the model's question --------------------------------------------------------------


def test_same_agreement_asks_once_then_answers_from_the_cache(tmp_path: Path) -> None:
    script = Script([completion({"answer": "same"}, mode="json")])
    config = pactlens.Config(api_key="sk-test", cache_dir=tmp_path, mode="json")
    with pactlens.Summariser(config, client=script.client(), sleep=lambda s: None) as s:
        assert s.same_agreement("'Veldhar Treaty' (treaty)", "'defence pact' (pact)") is True
        assert s.same_agreement("'Veldhar Treaty' (treaty)", "'defence pact' (pact)") is True
    assert len(script.requests) == 1
    body = script.bodies()[0]
    assert body["max_tokens"] <= 32
    assert "Veldhar Treaty" in body["messages"][-1]["content"]


def test_same_agreement_is_unsure_when_the_server_fails(tmp_path: Path) -> None:
    from scripted import error

    script = Script([error(500)] * 3)
    config = pactlens.Config(
        api_key="sk-test",
        cache_dir=tmp_path,
        mode="json",
        retry=pactlens.RetryPolicy(max_attempts=3),
    )
    with pactlens.Summariser(config, client=script.client(), sleep=lambda s: None) as s:
        assert s.same_agreement("a", "b") is None


# -- the dev set -----------------------------------------------------------------------


def test_tracking_dev_set_scores_with_the_rules_alone() -> None:
    report = pactlens.evaluate(RULES, dataset="tracking")
    assert report.documents == 38 and not report.errors
    # The rules' floor on the dev set (EVALUATION.md): a fall is a regression to explain.
    assert report.values["grouping B-cubed P"] >= 0.95
    assert report.values["grouping B-cubed F1"] >= 0.9
    assert report.ratios["same-party deals merged"].correct == 0
    assert report.ratios["current status"].value >= 0.9
    flagged = report.ratios["contradictions flagged"]
    assert flagged.correct == flagged.total == 2
    assert "grouping B-cubed F1" in report.table()
