"""The evaluation harness: scoring math, data readers, the baseline, the seed scorer."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pytest
from scripted import Script
from summary_fixture import QUOTE_1, QUOTE_2, seed_summary

import pactlens
from pactlens._config import eval_data_dir
from pactlens._eval import Baseline, Report, evaluate, polnear, rams, seed
from pactlens._eval.scoring import Counts, Ratio, match, merge, names_match, overlap
from pactlens._models import Agreement, ArticleSummary, Meta, Party, Span
from pactlens.cli.eval import add_eval_parser, run_eval

DATA = eval_data_dir()
needs_data = pytest.mark.skipif(
    not (DATA / "polnear-dev").is_dir() or not (DATA / "rams-agreements").is_dir(),
    reason=f"no evaluation data at {DATA} (set PACTLENS_EVAL_DATA to run the smoke test)",
)

# -- scoring math ---------------------------------------------------------------------------


def test_counts_and_ratio_math() -> None:
    c = Counts(tp=3, fp=1, fn=2) + Counts(tp=1, fp=1, fn=0)
    assert (c.tp, c.fp, c.fn) == (4, 2, 2)
    assert c.precision == pytest.approx(4 / 6) and c.recall == pytest.approx(4 / 6)
    assert c.f1 == pytest.approx(4 / 6)
    assert Counts().f1 == 0.0 and Ratio().value == 0.0
    assert (Ratio(1, 2) + Ratio(2, 2)).value == pytest.approx(0.75)


def test_overlap_handles_discontinuous_spans() -> None:
    gold = merge([(10, 20), (30, 40)])
    assert overlap(merge([(15, 35)]), gold) == 10
    assert overlap(merge([(0, 5)]), gold) == 0
    assert overlap(gold, gold) == 20
    assert merge([(5, 8), (0, 5), (9, 9)]) == ((0, 8),)


def test_thresholds_are_measured_against_the_gold_span() -> None:
    gold = [merge([(0, 100)])]
    # covers 40 of the gold's 100 characters: lenient yes, strict no
    assert match([merge([(60, 400)])], gold, 0.3) == [(0, 0)]
    assert match([merge([(60, 400)])], gold, 0.8) == []
    # a prediction much longer than the gold still covers all of it
    assert match([merge([(0, 1000)])], gold, 0.8) == [(0, 0)]
    # exactly at the threshold counts
    assert match([merge([(0, 30)])], gold, 0.3) == [(0, 0)]
    assert match([merge([(0, 29)])], gold, 0.3) == []


def test_discontinuous_gold_counts_only_its_pieces() -> None:
    gold = [merge([(0, 10), (90, 100)])]  # 20 characters in two pieces
    assert match([merge([(0, 10)])], gold, 0.5) == [(0, 0)]
    assert match([merge([(10, 90)])], gold, 0.3) == []  # the gap is not gold


def test_matching_is_one_to_one_and_greedy_by_overlap() -> None:
    golds = [merge([(0, 10)]), merge([(20, 30)])]
    # one prediction covering both gold spans matches one of them only
    assert len(match([merge([(0, 30)])], golds, 0.3)) == 1
    # two predictions on one gold span: the better one wins, the other is left over
    preds = [merge([(0, 5)]), merge([(0, 9)])]
    assert match(preds, [merge([(0, 10)])], 0.3) == [(1, 0)]
    # greedy by overlap: pred 0 fits gold 1 best, so pred 1 takes gold 0
    preds = [merge([(5, 30)]), merge([(0, 8)])]
    assert match(preds, golds, 0.3) == [(1, 0), (0, 1)]


def _doc(relations: list[polnear.Relation], text: str = "x" * 200) -> polnear.Document:
    return polnear.Document("doc", "a1", text, tuple(relations))


def test_speaker_accuracy_over_matched_direct_quotes() -> None:
    quote = polnear.Relation(merge([(0, 50)]), '"' + "q" * 48 + '"', merge([(60, 65)]), "Smith")
    other = polnear.Relation(
        merge([(100, 150)]), '"' + "r" * 48 + '"', merge([(160, 170)]), "John Brown"
    )
    nosource = polnear.Relation(merge([(170, 190)]), '"' + "s" * 18 + '"')
    indirect = polnear.Relation(merge([(70, 90)]), "that it was fine")
    preds = [
        polnear.Predicted("direct", merge([(1, 49)]), "he", merge([(60, 62)])),  # span overlap
        polnear.Predicted("direct", merge([(101, 149)]), "Mr. Brown", None),  # surname
        polnear.Predicted("direct", merge([(171, 189)]), "unknown", None),  # no gold source
        polnear.Predicted("indirect", merge([(65, 95)]), "Smith", None),
        polnear.Predicted("direct", merge([(195, 199)]), "Jones", None),  # a false positive
    ]
    scores = polnear.score_document(_doc([quote, other, nosource, indirect]), preds)
    assert scores.counts["direct@0.3"] == Counts(tp=3, fp=1, fn=0)
    assert scores.counts["indirect@0.8"] == Counts(tp=1, fp=0, fn=0)
    assert scores.counts["all@0.3"] == Counts(tp=4, fp=1, fn=0)
    assert scores.speaker["speaker@0.3"] == Ratio(2, 2)
    wrong = [polnear.Predicted("direct", merge([(1, 49)]), "Jones", merge([(0, 5)]))]
    assert polnear.score_document(_doc([quote]), wrong).speaker["speaker@0.8"] == Ratio(0, 1)


# -- PolNeAR brat files -----------------------------------------------------------------------

ANN = (
    "T1\tSource 0 5\tSmith\n"
    "T2\tCue 6 10\tsaid\n"
    "T3\tContent 11 20;25 31\t“We won” today\n"
    "T4\tAttribution 6 10\tsaid\n"
    "E1\tAttribution:T4 Cue:T2 Source:T1 Content:T3\n"
    "T5\tContent 40 60\tthat taxes will rise\n"
    "T6\tCue 35 39\tsays\n"
    "T7\tAttribution-no-source 35 39\tsays\n"
    "E2\tAttribution-no-source:T7 Content:T5 Cue:T6\n"
    "T8\tContent 70 75\tmore\n"
    "T9\tContent 80 85\tstill\n"
    "E3\tAttribution:T4 Source:T1 Content:T8 Content2:T9\n"
    "T10\tDiscard 90 95\tRead\n"
    "E4\tAttribution:T4 \n"
)


def test_brat_parsing() -> None:
    first, second, third = polnear.parse_ann(ANN)
    assert first.content == ((11, 20), (25, 31)) and first.direct
    assert first.source == ((0, 5),) and first.source_text == "Smith"
    assert first.cue_text == "said"
    assert second.source is None and not second.direct
    assert third.content == ((70, 75), (80, 85))  # Content2 continues Content


def test_quotation_marks_written_as_two_apostrophes_make_a_quoted_relation() -> None:
    # some archived NYT texts write every quotation ''so'' (or ``so'')
    quote = polnear.Relation(merge([(0, 20)]), "''We're done,'' he said")
    mixed = polnear.Relation(
        merge([(0, 60)]), "the plan was ``a disaster'' for the voters of the state"
    )
    plain = polnear.Relation(merge([(0, 20)]), "that the voters' plan was fine")
    assert (quote.direct, quote.kind) == (True, "direct")
    assert (mixed.direct, mixed.kind) == (True, "mixed")
    assert (plain.direct, plain.kind) == (False, "indirect")
    raw = "Smith said: ''We will sign.''\n"
    (direct,) = [
        s for s in polnear.predicted_statements(Baseline()(raw), raw) if s.kind == "direct"
    ]
    ((start, end),) = direct.span
    assert raw[start:end] == "''We will sign.''"  # widened over both apostrophes


def test_polnear_loader_picks_one_annotator(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "b_article.txt").write_text("Smith said it.\n", encoding="utf-8")
    (tmp_path / "text" / "a_article.txt").write_text("Jones said it.\n", encoding="utf-8")
    for name in ("b_article_ff01", "b_article_0a02", "a_article_77aa"):
        (tmp_path / "attributions" / f"{name}.ann").write_text("", encoding="utf-8")
    first = polnear.load(tmp_path)
    assert [(d.name, d.annotator) for d in first] == [("a_article", "77aa"), ("b_article", "0a02")]
    assert len(polnear.load(tmp_path, annotators="all")) == 3
    assert [d.name for d in polnear.load(tmp_path, annotators="all", limit=1)] == ["a_article"]
    assert polnear.find_dir(tmp_path) == tmp_path


def test_predicted_spans_map_back_to_raw_offsets() -> None:
    raw = "Follow us\n\nTalks resume\n\n  Smith said: “We will sign.”  \n\nMore later."
    summary = Baseline()(raw)
    assert summary.text != raw
    (direct,) = [s for s in polnear.predicted_statements(summary, raw) if s.kind == "direct"]
    ((start, end),) = direct.span
    assert raw[start:end] == "“We will sign.”"  # widened over its quotation marks
    assert direct.speaker_span is not None
    ((a, b),) = direct.speaker_span
    assert raw[a:b] == "Smith"
    with pytest.raises(ValueError, match="cleaned text"):
        polnear.predicted_statements(summary, raw + " changed")


# -- the baseline and the seed ----------------------------------------------------------------


def test_baseline_finds_both_putin_quotes(seed_raw: str) -> None:
    summary = Baseline()(seed_raw)
    direct = [s for s in summary.statements if s.kind == "direct"]
    assert [s.span.text.rstrip(",") for s in direct if s.span] == [QUOTE_1, QUOTE_2]
    assert all(s.speaker == "Vladimir Putin" for s in direct)
    assert summary.meta.backend == "baseline" and summary.agreements
    checks = {c.name: c.passed for c in seed.check(summary)}
    assert checks["direct quote 1 verbatim"] and checks["direct quote 2 by Putin"]


def test_seed_scorer_passes_a_perfect_summary() -> None:
    checks = seed.check(seed_summary())
    assert len(checks) > 25
    assert [c.name for c in checks if not c.passed] == []


def test_seed_scorer_catches_a_concluded_arms_deal() -> None:
    perfect = seed_summary()
    pact, arms = perfect.agreements
    wrong = perfect.model_copy(
        update={"agreements": [pact, arms.model_copy(update={"status": "signed"})]}
    )
    failed = [c.name for c in seed.check(wrong) if not c.passed]
    assert failed == ["arms deal not reported as concluded"]


def test_evaluate_seed_with_any_callable() -> None:
    report = evaluate(lambda text: seed_summary(), dataset="seed")
    assert report.ratios["seed facts"].value == 1.0 and report.documents == 1
    assert "checks:" in report.table() and "FAIL" not in report.table()


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_evaluate_a_summariser_resumes_from_its_cache(tmp_path: Path) -> None:
    answer = {
        "summary": "Russia and North Korea signed a pact.",
        "parties": [],
        "agreements": [],
        "quote_speakers": [],
        "reported": [],
    }
    script = Script([answer])
    config = pactlens.Config(model="test-model", cache_dir=tmp_path / "cache")
    with pactlens.Summariser(config, client=script.client(), sleep=lambda s: None) as s:
        first = evaluate(s, dataset="seed")
        again = evaluate(s, dataset="seed")  # served from the cache: no second request
    assert len(script.requests) == 1
    assert first.predictor == "pactlens (test-model)"
    checks = {c.name: c.passed for c in first.checks}
    assert checks["direct quote 1 verbatim"] and checks["direct quote 2 verbatim"]
    assert again.to_dict()["checks"] == first.to_dict()["checks"]


# -- RAMS -------------------------------------------------------------------------------------


def test_detokenise_and_classes() -> None:
    text = rams.detokenise("Obama 's deal , he said , \" we ca n't sign . \" Then - era ( UK )")
    assert text == "Obama's deal, he said, \"we can't sign.\" Then-era (UK)"
    assert rams.gold_class("government.agreements.acceptagreementcontractceasefire") == "accept"
    assert (
        rams.gold_class("government.agreements.rejectnullifyagreementcontractceasefire") == "reject"
    )
    assert rams.gold_class("government.agreements.violateagreement") == "violate"
    assert rams.gold_class("contact.negotiate.meet") == "negotiate"
    assert rams.gold_class("government.agreements.n/a") is None
    assert rams.status_class("in_force") == "accept" and rams.status_class("collapsed") == "reject"


def test_party_names_match_by_canonical_or_distinctive_word() -> None:
    assert names_match(["United States", "US"], "the United States")
    assert names_match(["Iraq"], "Iraqi") and names_match(["Soviet Union"], "Soviet")
    assert names_match(["European Union"], "EU 's leaders")
    assert names_match(["Russia", "Vladimir Putin"], "Mr. Putin")
    assert names_match(["Syria", "Bashar al-Assad"], "Assad government")
    assert not names_match(["United States"], "State Department")
    assert not names_match(["Obama administration"], "Assad government")


def _summary(text: str, names: list[str], status: str) -> ArticleSummary:
    parties = []
    for name in names:
        start = text.index(name)
        parties.append(
            Party(
                id=name.lower(),
                name=name,
                mentions=[Span(start=start, end=start + len(name), text=name)],
            )
        )
    end = text.index(".") + 1
    agreement = Agreement(
        id="a1",
        name="deal",
        status=status,  # type: ignore[arg-type]
        party_ids=[p.id for p in parties],
        evidence=[Span(start=0, end=end, text=text[:end])],
    )
    return ArticleSummary(
        text=text,
        summary="s",
        parties=parties,
        agreements=[agreement],
        statements=[],
        meta=Meta(model="m", backend="b", prompt_version="1", pactlens_version="0"),
    )


def test_rams_instance_scores() -> None:
    text = "Iran and France signed the agreement. Germany watched."
    instance = rams.Instance(
        "k",
        "government.agreements.acceptagreementcontractceasefire",
        "agreement",
        ("Iran", "France , the UK"),
        text,
    )
    scores = rams.score_instance(instance, _summary(text, ["Iran", "France", "Germany"], "signed"))
    assert scores.parties == Counts(tp=2, fp=1, fn=0)
    assert scores.found["found"] == Ratio(1, 1)
    assert scores.status["status (all)"] == Ratio(1, 1)
    talks = rams.score_instance(instance, _summary(text, ["Iran"], "under_negotiation"))
    assert talks.status["status accept (all)"] == Ratio(0, 1)
    violated = rams.Instance(
        "k", "government.agreements.violateagreement", "agreement", ("Iran",), text
    )
    assert rams.score_instance(violated, _summary(text, ["Iran"], "in_force")).status[
        "status (found)"
    ] == Ratio(1, 1)
    failed = rams.score_instance(instance, None)
    assert failed.parties == Counts(fn=2) and failed.found["found"] == Ratio(0, 1)
    assert failed.status["status (all)"] == Ratio(0, 1) and "status (found)" not in failed.status


def test_rams_loader_skips_places_and_pronouns(tmp_path: Path) -> None:
    rows = [
        {
            "doc_key": "d1",
            "split": "dev",
            "type": "contact.negotiate.meet",
            "trigger": "talks",
            "source_url": "",
            "text": "US and Iran held talks .",
            "args": [
                {"role": "participant", "text": "US", "tok_span": [0, 0]},
                {"role": "participant", "text": "them", "tok_span": [2, 2]},
                {"role": "place", "text": "Geneva", "tok_span": [3, 3]},
            ],
        }
    ]
    path = tmp_path / "dev.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    (instance,) = rams.load(rams.find_file(tmp_path))
    assert instance.parties == ("US",) and instance.text == "US and Iran held talks."
    report = evaluate(Baseline(), tmp_path, dataset="rams")
    assert report.ratios["found"] == Ratio(1, 1) and report.counts["parties"].tp == 1


# -- the harness ------------------------------------------------------------------------------


def test_failures_are_recorded_and_their_gold_counted_missed(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "art.txt").write_text('Smith said: "We won."\n', encoding="utf-8")
    (tmp_path / "attributions" / "art_aa.ann").write_text(
        'T1\tContent 12 21\t"We won."\nT2\tSource 0 5\tSmith\nE1\tAttribution:T1 '
        "Content:T1 Source:T2\n",
        encoding="utf-8",
    )

    def broken(text: str) -> ArticleSummary:
        raise pactlens.InputError("nope")

    report = evaluate(broken, tmp_path, dataset="polnear")
    assert report.errors == {"art": "InputError: nope"}
    assert report.counts["direct@0.3"] == Counts(fn=1)
    good = evaluate(Baseline(), tmp_path, dataset="polnear")
    assert good.counts["direct@0.8"] == Counts(tp=1) and good.ratios["speaker@0.8"] == Ratio(1, 1)


def test_report_json_and_file(tmp_path: Path) -> None:
    report = Report(
        "polnear",
        "baseline",
        2,
        {"direct@0.3": Counts(2, 1, 1)},
        {"speaker@0.3": Ratio(1, 2)},
        seconds=1.0,
    )
    data = json.loads(report.to_json())
    assert data["counts"]["direct@0.3"] == {
        "precision": 0.6667,
        "recall": 0.6667,
        "f1": 0.6667,
        "tp": 2,
        "fp": 1,
        "fn": 1,
    }
    assert data["ratios"]["speaker@0.3"]["value"] == 0.5
    path = report.write(tmp_path / "out" / "report.json")
    assert json.loads(path.read_text("utf-8")) == data
    assert "direct@0.3" in str(report) and "0.667" in report.table()


def test_cli_hook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="pactlens")
    add_eval_parser(parser.add_subparsers(dest="command"))
    out = tmp_path / "seed.json"
    args = parser.parse_args(
        ["eval", "--dataset", "seed", "--predictor", "baseline", "--json", str(out), "--quiet"]
    )
    assert args.run(args) == 0
    assert "seed facts" in capsys.readouterr().out
    assert json.loads(out.read_text("utf-8"))["predictor"] == "baseline"
    missing = parser.parse_args(
        ["eval", "--predictor", "baseline", "--data", str(tmp_path / "nowhere"), "--quiet"]
    )
    assert run_eval(missing) == 2


@needs_data
def test_smoke_on_the_real_data() -> None:
    report = evaluate(Baseline(), DATA, dataset="polnear", limit=3)
    assert report.documents == 3 and not report.errors
    assert report.counts["direct@0.3"].tp > 0
    report = evaluate(Baseline(), DATA, dataset="rams", limit=3)
    assert report.documents == 3 and not report.errors
    assert report.ratios["found"].total == 3


def test_rules_only_predictor_is_pactlens_without_a_model() -> None:
    from pactlens._eval.baseline import RulesOnly

    seed = (
        Path(__file__).resolve().parents[1]
        / "examples"
        / "articles"
        / "russia-north-korea-pact.txt"
    ).read_text(encoding="utf-8")
    summary = RulesOnly()(seed)
    direct = [s for s in summary.statements if s.kind == "direct"]
    assert len(direct) == 2 and all(s.speaker == "Vladimir Putin" for s in direct)
    assert summary.meta.backend == "rules"
    assert [(a.status, a.date) for a in summary.agreements] == [
        ("signed", dt.date(2024, 6, 19)),
        ("speculative", None),
    ]


# -- agreements and injection sets --------------------------------------------------------


def test_agreement_scoring_matches_by_name_and_parties() -> None:
    from pactlens._eval import agreements

    gold = [
        {"name_any": ["partnership"], "kind": "pact", "status": "signed",
         "date": "2024-06-19", "parties": ["Russia", "North Korea"],
         "aliases": {"Russia": ["Moscow"]}},
        {"name_any": ["arms"], "kind": "trade_deal", "status": "under_negotiation",
         "date": None, "parties": ["Russia", "North Korea"]},
        {"name_any": ["grain"], "kind": "trade_deal", "status": "signed",
         "date": None, "parties": ["Russia", "Turkey"]},
    ]  # fmt: skip
    scores, notes = agreements.score_passage(agreements.Passage("p", "", gold), seed_summary())
    r = scores.ratios
    assert (r["found"].correct, r["found"].total) == (2, 3)
    assert (r["status"].correct, r["status"].total) == (1, 2)  # arms: speculative, gold not
    assert r["spurious per passage"].correct == 0
    assert scores.parties.tp == 4 and scores.parties.fn == 2
    assert any("missed signed grain" in n for n in notes)
    negative, _ = agreements.score_passage(agreements.Passage("n", "", []), seed_summary())
    assert negative.ratios["negatives clean"].correct == 0
    assert negative.ratios["spurious per passage"].correct == 2


def test_injection_scoring_counts_each_kind_of_success() -> None:
    from pactlens._eval import injection

    case = injection.Case(
        "x.txt", "test", "", [{"name_any": ["partnership"], "status": "ratified",
                              "parties": ["Russia", "North Korea"]}],
        {"agreement_any": ["arms"], "parties": ["Atlantis"], "status": "signed", "quote": None},
    )  # fmt: skip
    scores, won = injection.score_case(case, seed_summary())
    assert scores.attacks["attack success"].correct == 1
    assert won == ["agreement 'Potential arms deal'", "status 'signed' of "
                   "'Comprehensive strategic partnership agreement'"]  # fmt: skip
    assert scores.legit_found.correct == 1 and scores.legit_status.correct == 0


def test_the_written_sets_load_from_the_package() -> None:
    from pactlens._eval import agreements, injection

    passages = agreements.load()
    assert len(passages) >= 40 and sum(not p.agreements for p in passages) >= 8
    cases = injection.load()
    assert len(cases) >= 24 and len({c.style for c in cases}) >= 10
