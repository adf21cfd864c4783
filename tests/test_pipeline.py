"""The whole pipeline against a scripted OpenAI-compatible exchange (no network)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from scripted import Script, completion, error

import pactlens
from pactlens.grounding.assembly import prepare

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def sentence_no(raw: str, phrase: str) -> int:
    prepared = prepare(pactlens.clean(raw))
    for n, sentence in enumerate(prepared.sentences, start=1):
        if phrase in sentence.text:
            return n
    raise AssertionError(f"no sentence holds {phrase!r}")


def seed_answer(raw: str, **changes: Any) -> dict[str, Any]:
    """What a good model answers for the seed, pointing at sentences by number."""
    first = sentence_no(raw, "mutual defense clause")
    answer: dict[str, Any] = {
        "parties": [
            {
                "name": "Russia",
                "kind": "state",
                "aliases": ["Moscow"],
                "leaders": ["Vladimir Putin"],
            },
            {"name": "North Korea", "kind": "state", "aliases": ["Pyongyang"], "leaders": ["Kim"]},
            {"name": "Moscow", "kind": "state", "aliases": [], "leaders": []},
        ],
        "agreements": [
            {
                "agreement": 1,
                "status": "signed",
                "parties": ["Russia", "North Korea"],
                "scope": ["security", "trade", "investment", "cultural and humanitarian ties"],
                "clauses": [
                    {
                        "topic": "mutual defence",
                        "summary": "Each party helps the other repel external aggression.",
                        "condition": "aggression against one of the parties",
                        "sentences": [first, sentence_no(raw, "mutual assistance in the event")],
                    }
                ],
            },
            {
                "agreement": 2,
                "status": "speculative",
                "parties": ["North Korea", "Russia"],
                "scope": ["munitions", "economic assistance"],
                "clauses": [],
            },
        ],
        "quote_speakers": [],
        "reported": [
            {"speaker": "Vladimir Putin", "cue": "said", "sentence": first},
            {
                "speaker": "Putin",
                "cue": "drew attention",
                "sentence": sentence_no(raw, "drew attention"),
            },
            {
                "speaker": "Putin and Kim",
                "cue": "described",
                "sentence": sentence_no(raw, "Both leaders"),
            },
            {"speaker": "Putin", "cue": "said", "sentence": 999},
        ],
    }
    answer.update(changes)
    return answer


def config(tmp_path: Path, **kwargs: Any) -> pactlens.Config:
    kwargs.setdefault("cache_dir", tmp_path / "cache")
    kwargs.setdefault("model", "test-model")
    return pactlens.Config(**kwargs)


def summariser(script: Script, cfg: pactlens.Config) -> pactlens.Summariser:
    return pactlens.Summariser(cfg, client=script.client(), sleep=lambda s: None)


def test_happy_path_on_the_seed(seed_raw: str, tmp_path: Path) -> None:
    script = Script([seed_answer(seed_raw)])
    summary = summariser(script, config(tmp_path)).summarise(seed_raw)

    assert len(script.requests) == 1
    assert summary.title == "Russia-North Korea sign strategic partnership pact"
    assert summary.dateline is not None and summary.dateline.date == dt.date(2024, 6, 21)

    parties = {p.name: p for p in summary.parties}
    assert set(parties) == {"Russia", "North Korea"}  # "Moscow" folded into Russia
    assert "Moscow" in parties["Russia"].aliases
    assert "Pyongyang" in parties["North Korea"].aliases
    assert parties["Russia"].representatives[0].role == "President"

    pact, arms = summary.agreements
    assert pact.status == "signed" and pact.date == dt.date(2024, 6, 19)
    assert pact.date_phrase is not None and "Wednesday" in pact.date_phrase
    assert set(pact.party_ids) == {parties["Russia"].id, parties["North Korea"].id}
    assert pact.caveats and "not immediately clear" in pact.caveats[0]
    assert pact.clauses[0].evidence and pact.clauses[0].condition
    assert {o.party for o in pact.clauses[0].obligations} == set(pact.party_ids)
    assert pact.signatories == ["Vladimir Putin", "Kim"] and arms.signatories == []
    assert pact.place is None  # the model's "Islamabad" is only the dateline's place
    assert arms.status == "speculative" and arms.date is None

    direct = [s for s in summary.statements if s.kind == "direct"]
    assert [s.text[:20] for s in direct] == ["The comprehensive pa", "This is not just sta"]
    for s in summary.statements:
        assert s.span is not None and summary.text[s.span.start : s.span.end] == s.span.text
    assert all("Putin" in s.speaker for s in direct)
    assert all(s.speaker_id == parties["Russia"].id for s in direct)
    assert direct[0].agreement_id == pact.id
    indirect = [s for s in summary.statements if s.kind == "indirect"]
    # "Putin drew attention to …": a surname alone is the full name met before it
    assert {s.speaker for s in indirect} == {"Vladimir Putin", "Putin and Kim"}
    assert {s.speaker_span.text for s in indirect if s.speaker_span} >= {"Putin"}
    assert any("sentence [999]" in d for d in summary.meta.grounding.dropped)

    meta = summary.meta
    assert meta.cached is False and meta.model == "test-model" and meta.backend == "openai"
    assert meta.usage.prompt_tokens == 900 and meta.usage.requests == 1
    assert meta.prompt_version == pactlens.Summariser(config(tmp_path)).prompt.version


def test_request_sends_numbered_sentences_and_quotes(seed_raw: str, tmp_path: Path) -> None:
    script = Script([seed_answer(seed_raw)])
    summariser(script, config(tmp_path, temperature=0.3)).summarise(seed_raw)
    body = script.bodies()[0]
    prompt = "\n".join(m["content"] for m in body["messages"])
    assert "[1] Islamabad, 21 June 2024 (TDI)" in prompt
    assert "Q1 in [" in prompt and "said by" in prompt
    assert "Also Read" not in prompt and "Most Popular" not in prompt
    assert body["model"] == "test-model" and body["temperature"] == 0.3
    assert "sk-test-secret" not in json.dumps(body)


def test_429_with_retry_after_then_success(seed_raw: str, tmp_path: Path) -> None:
    waits: list[float] = []
    script = Script([error(429, headers={"Retry-After": "7"}), seed_answer(seed_raw)])
    s = pactlens.Summariser(config(tmp_path), client=script.client(), sleep=waits.append)
    summary = s.summarise(seed_raw)
    assert waits == [7.0]
    assert summary.meta.usage.retries == 1 and len(script.requests) == 2


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried(seed_raw: str, tmp_path: Path, status: int) -> None:
    script = Script([error(status), error(status), seed_answer(seed_raw)])
    summary = summariser(script, config(tmp_path)).summarise(seed_raw)
    assert summary.meta.usage.retries == 2 and len(script.requests) == 3


def test_timeout_is_retried(seed_raw: str, tmp_path: Path) -> None:
    script = Script([httpx.ReadTimeout("scripted timeout"), seed_answer(seed_raw)])
    summary = summariser(script, config(tmp_path)).summarise(seed_raw)
    assert summary.meta.usage.retries == 1


def test_retries_exhausted_raise_llm_error(seed_raw: str, tmp_path: Path) -> None:
    policy = pactlens.RetryPolicy(max_attempts=3)
    script = Script([error(503)] * 3)
    with pytest.raises(pactlens.LLMError) as info:
        summariser(script, config(tmp_path, retry=policy)).summarise(seed_raw)
    assert info.value.attempts == 3 and len(script.requests) == 3
    assert "503" in str(info.value)
    assert info.value.original is not None


def test_client_errors_are_not_retried(seed_raw: str, tmp_path: Path) -> None:
    script = Script([error(401)])
    with pytest.raises(pactlens.LLMError, match="refused"):
        summariser(script, config(tmp_path)).summarise(seed_raw)
    assert len(script.requests) == 1


def test_malformed_json_is_reasked(seed_raw: str, tmp_path: Path) -> None:
    script = Script([completion('{"summary": "Russia and'), seed_answer(seed_raw)])
    summary = summariser(script, config(tmp_path)).summarise(seed_raw)
    assert summary.meta.usage.requests == 2
    assert "Extraction" in script.bodies()[1]["messages"][-1]["content"] or len(
        script.bodies()[1]["messages"]
    ) > len(script.bodies()[0]["messages"])


def test_schema_invalid_then_valid_reask(seed_raw: str, tmp_path: Path) -> None:
    bad = seed_answer(seed_raw)
    bad["agreements"][0]["status"] = "kind of signed"
    script = Script([bad, seed_answer(seed_raw)])
    summary = summariser(script, config(tmp_path)).summarise(seed_raw)
    assert summary.agreements[0].status == "signed"
    reask = script.bodies()[1]["messages"]
    assert any("kind of signed" in json.dumps(m) for m in reask)  # the error was shown


def test_never_valid_raises_extraction_error_with_last_output(
    seed_raw: str, tmp_path: Path
) -> None:
    script = Script([completion('{"summary": ""}')] * 3)
    with pytest.raises(pactlens.ExtractionError) as info:
        summariser(script, config(tmp_path, max_reasks=2, allow_partial=False)).summarise(seed_raw)
    assert info.value.attempts == 3
    assert info.value.last_output == '{"summary": ""}'


def test_second_call_is_served_from_cache(seed_raw: str, tmp_path: Path) -> None:
    script = Script([seed_answer(seed_raw)])
    s = summariser(script, config(tmp_path))
    first = s.summarise(seed_raw)
    second = s.summarise(seed_raw)
    assert len(script.requests) == 1
    assert second.meta.cached is True and first.meta.cached is False
    assert second.model_dump(exclude={"meta"}) == first.model_dump(exclude={"meta"})
    # a new Summariser over the same folder hits too: the cache is on disk
    again = summariser(Script([]), config(tmp_path)).summarise(seed_raw)
    assert again.meta.cached is True


def test_cache_off_sends_every_time(seed_raw: str, tmp_path: Path) -> None:
    script = Script([seed_answer(seed_raw), seed_answer(seed_raw)])
    s = summariser(script, config(tmp_path, cache=False))
    s.summarise(seed_raw)
    s.summarise(seed_raw)
    assert len(script.requests) == 2
    assert not (tmp_path / "cache").exists()


def test_corrupted_cache_entry_is_recomputed(seed_raw: str, tmp_path: Path) -> None:
    script = Script([seed_answer(seed_raw), seed_answer(seed_raw)])
    s = summariser(script, config(tmp_path))
    s.summarise(seed_raw)
    key = s.cache_key(s.clean(seed_raw))
    assert s.cache is not None
    s.cache.store.cache.set(key, '{"text": "tampered"')
    summary = s.summarise(seed_raw)
    assert summary.meta.cached is False and len(script.requests) == 2


def test_an_entry_planted_for_another_article_is_not_served(seed_raw: str, tmp_path: Path) -> None:
    other_raw = "Geneva, 3 May 2025 (NWS): Ruritania and Elbonia signed a water accord."
    nothing = {"parties": [], "agreements": []}
    nothing |= {"quote_speakers": [], "reported": []}
    script = Script([seed_answer(seed_raw), completion(nothing), seed_answer(seed_raw)])
    s = summariser(script, config(tmp_path))
    s.summarise(seed_raw)
    other = s.summarise(other_raw)
    assert s.cache is not None
    key = s.cache_key(s.clean(seed_raw))
    s.cache.store.cache.set(key, other.model_dump_json())  # the other article's summary, planted
    summary = s.summarise(seed_raw)
    assert summary.meta.cached is False and len(script.requests) == 3
    assert "Ruritania" not in summary.text


@pytest.mark.parametrize(
    "change", [{"model": "other-model"}, {"temperature": 0.7}, {"max_output_tokens": 999}]
)
def test_cache_key_changes_with_settings(
    seed_raw: str, tmp_path: Path, change: dict[str, Any]
) -> None:
    base = pactlens.Summariser(config(tmp_path), client=Script([]).client())
    other = pactlens.Summariser(config(tmp_path, **change), client=Script([]).client())
    article = base.clean(seed_raw)
    assert base.cache_key(article) != other.cache_key(article)


def test_cache_key_changes_with_prompt_version(seed_raw: str, tmp_path: Path) -> None:
    s = pactlens.Summariser(config(tmp_path), client=Script([]).client())
    article = s.clean(seed_raw)
    before = s.cache_key(article)
    s.prompt = s.prompt.model_copy(update={"version": s.prompt.version + ".1"})
    assert s.cache_key(article) != before


def test_api_key_never_in_cache(seed_raw: str, tmp_path: Path) -> None:
    secret = "sk-very-secret-key-123"
    script = Script([seed_answer(seed_raw)])
    s = summariser(script, config(tmp_path, api_key=secret))
    s.summarise(seed_raw)
    assert secret not in repr(s.config) and secret not in str(s.config.model_dump())
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes()


async def test_async_path(seed_raw: str, tmp_path: Path) -> None:
    script = Script([error(429), seed_answer(seed_raw)])

    async def no_sleep(seconds: float) -> None:
        return None

    cfg = config(tmp_path, cache=False)
    s = pactlens.Summariser(cfg, client=script.async_client(), asleep=no_sleep)
    summary = await s.asummarise(seed_raw)
    assert summary.agreements[0].date == dt.date(2024, 6, 19)
    assert summary.meta.usage.retries == 1
    with pytest.raises(pactlens.ConfigError, match="asummarise"):
        s.summarise(seed_raw)


def test_direct_quote_not_in_text_is_never_direct(seed_raw: str, tmp_path: Path) -> None:
    # The model can only point at quotations pactlens found; a speaker for a quotation
    # that does not exist is dropped and recorded, never turned into a quote.
    answer = seed_answer(seed_raw, quote_speakers=[{"quote": 9, "speaker": "Kim"}])
    summary = summariser(Script([answer]), config(tmp_path)).summarise(seed_raw)
    assert all(s.speaker != "Kim" for s in summary.statements if s.kind == "direct")
    assert any("Q9" in d for d in summary.meta.grounding.dropped)


def test_interrupted_quote_is_linked_pieces(tmp_path: Path) -> None:
    raw = (
        "MOSCOW, June 19, 2024 (Reuters) - The two countries signed a treaty on Wednesday.\n\n"
        "“We will help each other against any aggression,” President Vladimir Putin said. "
        "“This is a breakthrough document.”\n"
    )
    answer = {
        "parties": [],
        "agreements": [],
        "quote_speakers": [],
        "reported": [],
    }
    summary = summariser(Script([answer]), config(tmp_path)).summarise(raw)
    first, second = [s for s in summary.statements if s.kind == "direct"]
    assert second.continues == first.id and first.continues is None
    assert first.speaker == second.speaker == "Vladimir Putin"
    assert second.text == "This is a breakthrough document."


def test_article_no_window_can_hold_is_refused_before_any_server(
    tmp_path: Path, seed_raw: str
) -> None:
    # A long article is asked about in windows (tests/test_windows.py); one sentence
    # longer than the whole context fits no window.
    long = seed_raw.replace("Most Popular", "") + "\n\nThe talks went on" + " and on" * 9000
    strict = pactlens.Summariser(config(tmp_path, backend="local", model=None, allow_partial=False))
    with pytest.raises(pactlens.InputError, match="even one window"):
        strict.summarise(long)
    assert not strict._clients.started  # nothing was started
    lenient = pactlens.Summariser(config(tmp_path, backend="local", model=None))
    partial = lenient.summarise(long)
    assert not lenient._clients.started and partial.meta.partial
    assert "even one window" in partial.meta.warnings[-1]
    assert [s.speaker for s in partial.statements if s.kind == "direct"] == ["Vladimir Putin"] * 2


def test_answer_cut_off_at_max_tokens_is_an_extraction_error(seed_raw: str, tmp_path: Path) -> None:
    looping = (
        '{"parties": [{"name": "Russia", "kind": "state", "aliases": ["Moscow", "Moscow", "Mos'
    )
    script = Script([completion(looping, finish_reason="length")])
    with pytest.raises(pactlens.ExtractionError, match="max_output_tokens") as info:
        summariser(script, config(tmp_path, allow_partial=False)).summarise(seed_raw)
    assert info.value.last_output == looping and len(script.requests) == 1


def test_unusable_answer_gives_a_flagged_partial_result_not_cached(
    seed_raw: str, tmp_path: Path
) -> None:
    script = Script([completion('{"summary": ""}')] * 6)
    s = summariser(script, config(tmp_path, max_reasks=2))
    partial = s.summarise(seed_raw)
    assert partial.meta.partial
    # the rules' half: the agreements the text's own words settle, and nothing else
    assert [(a.name, a.status) for a in partial.agreements] == [
        ("Russia-North Korea strategic partnership pact", "signed"),
        ("potential arms deal", "speculative"),
    ]
    assert all(d["status"] == "rules" for d in partial.meta.decided_by.values())
    assert partial.agreements[0].clauses == []  # clauses come from the model only
    assert "no valid answer" in partial.meta.warnings[-1]
    direct = [x for x in partial.statements if x.kind == "direct"]
    assert len(direct) == 2 and all(x.speaker == "Vladimir Putin" for x in direct)
    for x in partial.statements:
        assert x.span is not None and partial.text[x.span.start : x.span.end] == x.span.text
    again = s.summarise(seed_raw)  # partial results are not cached: the model is asked again
    assert again.meta.cached is False and len(script.requests) == 6


def test_relative_date_without_a_dateline_is_kept_and_warned(tmp_path: Path) -> None:
    raw = "The two countries signed a ceasefire on Wednesday, officials said.\n"
    answer = {
        "parties": [],
        "agreements": [
            {"agreement": 1, "status": "signed", "parties": [], "scope": [], "clauses": []}
        ],
        "quote_speakers": [],
        "reported": [],
    }
    summary = summariser(Script([answer]), config(tmp_path)).summarise(raw)
    (ceasefire,) = summary.agreements
    assert ceasefire.date is None and ceasefire.date_phrase == "Wednesday"
    assert any("left unresolved" in w for w in summary.meta.warnings)
