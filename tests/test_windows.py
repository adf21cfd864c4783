"""Long articles: asked about in windows, answered into one summary of the whole text.

The texts are written here; the server is scripted (a fake HTTP transport), so each
window's request takes the next scripted answer or failure.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from scripted import Script, error

import pactlens
from pactlens._extraction import ExtractedAgreement, ExtractedParty, Extraction
from pactlens.grounding import prepare
from pactlens.grounding.windows import merge, plan
from pactlens.text import clean

EMPTY: dict[str, Any] = {"parties": [], "agreements": [], "quote_speakers": [], "reported": []}

FILLER = (
    "Officials in Brenk described the talks as long and detailed, with many technical "
    "questions about monitoring, water rights and the timetable for the handover still open."
)


def long_article(paragraphs: int = 24) -> str:
    """A dated article: an agreement at the start and again at the end, a two-sentence
    quotation in the middle, and filler between."""
    body = [
        "Brenk, 6 June 2025 (TNS): Tamsk and the Northern Tamsk Liberation Front signed "
        "the Oslo Accord on Thursday, mediators said."
    ]
    for n in range(paragraphs):
        if n == paragraphs // 2:
            body.append(
                '"This is the end of our longest war. We will keep every promise," President '
                "Vera Lunn said."
            )
        body.append(f"{FILLER} Round {n + 1} of the expert talks was held in Oslo.")
    body.append("Parliament in Brenk ratified the Oslo Accord on Friday, officials said.")
    return "\n\n".join(body)


def summariser(script: Script, tmp_path: Path, **settings: Any) -> pactlens.Summariser:
    config = pactlens.Config(api_key="sk-test", cache_dir=tmp_path, context_tokens=3200, **settings)
    return pactlens.Summariser(config, client=script.client(), sleep=lambda s: None)


def test_plan_covers_every_sentence_in_order_with_one_of_overlap() -> None:
    prepared = prepare(clean(long_article()))
    windows = plan(prepared, 1500)
    assert len(windows) > 3
    assert windows[0].start == 1 and windows[-1].stop == len(prepared.sentences) + 1
    for before, after in itertools.pairwise(windows):
        assert after.start == before.stop - 1  # one sentence of overlap
    for window in windows:
        first, last = prepared.sentences[window.start - 1], prepared.sentences[window.stop - 2]
        assert last.end - first.start <= 1500 + 2 * len(window)


def test_a_long_article_is_summarised_whole_in_windows(tmp_path: Path) -> None:
    text = long_article()
    script = Script([EMPTY] * 40)
    with summariser(script, tmp_path) as s:
        summary = s.summarise(text)
    windows = len(script.requests)
    assert summary.meta.windows == windows > 2
    assert not summary.meta.partial and summary.meta.failed_windows == []
    # Every span slices back into the whole text (the model refuses to exist otherwise),
    # and the quotation across sentences is found whole, with its speaker.
    (quote,) = [st for st in summary.statements if st.kind == "direct"]
    assert quote.text.startswith("This is the end of our longest war.")
    assert quote.text.endswith("We will keep every promise,")
    assert summary.text[quote.span.start : quote.span.end] == quote.text  # type: ignore[union-attr]
    assert "Lunn" in quote.speaker
    # The accord, in the first window and the last, is one agreement at its latest stage.
    (accord,) = summary.agreements
    assert accord.name == "Oslo Accord" and accord.status == "ratified"
    # Each window's prompt carries the dateline and only its own sentences.
    first, last = script.bodies()[0], script.bodies()[-1]
    for body in (first, last):
        assert "Friday 06 June 2025" in body["messages"][-1]["content"]
    assert "[1] " in first["messages"][-1]["content"]
    assert "[1] " not in last["messages"][-1]["content"]


def test_a_quote_across_a_window_edge_is_given_to_one_window_whole(tmp_path: Path) -> None:
    script = Script([EMPTY] * 40)
    with summariser(script, tmp_path) as s:
        s.summarise(long_article())
    holding = [b for b in script.bodies() if "This is the end of our longest war" in str(b)]
    listed = [b for b in holding if "Q1 in [" in b["messages"][-1]["content"]]
    assert len(listed) >= 1  # listed (with its number) in the window where it starts


def test_a_failed_window_gives_a_partial_summary_and_a_rerun_asks_only_it(
    tmp_path: Path,
) -> None:
    text = long_article()
    probe = Script([EMPTY] * 40)
    with summariser(probe, tmp_path / "probe") as s:
        s.summarise(text)
    windows = len(probe.requests)

    steps: list[Any] = [EMPTY, *[error(500)] * 2, *[EMPTY] * (windows - 2)]
    script = Script(steps)
    retry = pactlens.RetryPolicy(max_attempts=2)
    with summariser(script, tmp_path, retry=retry) as s:
        summary = s.summarise(text)
        assert summary.meta.partial and summary.meta.failed_windows == [2]
        assert any("window 2 of" in w for w in summary.meta.warnings)
        assert summary.agreements and summary.statements  # nothing the rules found is lost

        script.steps = [EMPTY]
        again = s.summarise(text)
    assert not again.meta.partial
    assert len(script.requests) == windows + 2  # the first try, then window 2 alone


def test_every_window_failing_is_partial_or_an_error(tmp_path: Path) -> None:
    text = long_article()
    script = Script([error(500)] * 200)
    retry = pactlens.RetryPolicy(max_attempts=1)
    with summariser(script, tmp_path, retry=retry) as s:
        summary = s.summarise(text)
    assert summary.meta.partial and summary.meta.failed_windows
    with (
        summariser(
            Script([error(500)] * 200), tmp_path / "b", retry=retry, allow_partial=False
        ) as s,
        pytest.raises(pactlens.LLMError, match="every window"),
    ):
        s.summarise(text)


def test_merge_joins_one_agreement_and_parties_by_alias() -> None:
    first = Extraction(
        parties=[ExtractedParty(name="Tamsk", kind="state", aliases=["Brenk"], leaders=[])],
        agreements=[
            ExtractedAgreement(
                agreement=1, status="signed", parties=["Tamsk"], scope=["peace"], clauses=[]
            )
        ],
        quote_speakers=[],
        reported=[],
    )
    second = Extraction(
        parties=[
            ExtractedParty(
                name="the Tamsk", kind="state", aliases=["Tamsk government"], leaders=["Lunn"]
            )
        ],
        agreements=[
            ExtractedAgreement(
                agreement=1, status="ratified", parties=["NTLF"], scope=["peace"], clauses=[]
            )
        ],
        quote_speakers=[],
        reported=[],
    )
    merged = merge([first, second])
    (party,) = merged.parties
    assert party.aliases == ["Brenk", "Tamsk government"] and party.leaders == ["Lunn"]
    (agreement,) = merged.agreements
    assert agreement.status == "ratified"  # equal support: the later stage
    assert agreement.parties == ["Tamsk", "NTLF"] and agreement.scope == ["peace"]


def test_max_chars_admits_a_long_document_and_refuses_beyond_it() -> None:
    assert pactlens.Config().max_chars == 1_000_000
    with pytest.raises(pactlens.InputError, match="max_chars"):
        pactlens.clean("x " * 600_000)


async def test_the_async_path_asks_the_windows_concurrently(tmp_path: Path) -> None:
    text = long_article()
    script = Script([EMPTY] * 40)
    config = pactlens.Config(api_key="sk-test", cache_dir=tmp_path, context_tokens=3200)
    async with pactlens.Summariser(config, client=script.async_client()) as s:
        summary = await s.asummarise(text)
        again = await s.asummarise(text)
    assert summary.meta.windows == len(script.requests) > 2
    assert [a.name for a in summary.agreements] == ["Oslo Accord"]
    assert again.meta.cached and len(script.requests) == summary.meta.windows


def test_no_window_edge_falls_inside_a_quotation() -> None:
    from pactlens.grounding import assemble
    from pactlens.grounding.windows import merge as merge_answers

    prepared = prepare(clean(long_article(6)))
    quotes = [(q.span.start, q.span.end) for q in prepared.quotations]
    assert quotes
    for budget in range(150, 1500, 37):  # many ways to cut the article
        for window in plan(prepared, budget):
            edge = prepared.sentences[window.start - 1].start
            assert not any(start < edge < end for start, end in quotes)
    # Whatever the windows, the quotation is found once and whole, on the whole text.
    built = assemble(prepared, merge_answers([Extraction.empty(), Extraction.empty()]))
    (quote,) = [s for s in built.statements if s.kind == "direct"]
    assert quote.text == "This is the end of our longest war. We will keep every promise,"


def test_merge_weighs_a_speculative_reading_against_a_stage() -> None:
    def answer(status: str) -> Extraction:
        agreement = ExtractedAgreement(agreement=1, status=status, parties=[], scope=[], clauses=[])  # type: ignore[arg-type]
        return Extraction(parties=[], agreements=[agreement], quote_speakers=[], reported=[])

    (tie,) = merge([answer("speculative"), answer("proposed")]).agreements
    assert tie.status == "proposed"  # equal support: the stronger reading
    (voted,) = merge([answer("speculative"), answer("speculative"), answer("signed")]).agreements
    assert voted.status == "speculative"  # more support wins
