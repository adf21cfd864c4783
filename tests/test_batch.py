"""Batches: bounded, lazy, failure-tolerant, resumable (against a real loopback server
or a content-aware mock transport)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from loopback import Loopback, any_article, minimal_answer, refuse_when
from scripted import completion, error

import pactlens
from pactlens._batch import Ledger, Result, asummarise_many, summarise_many

ROOT = Path(__file__).resolve().parents[1]
FAST = pactlens.RetryPolicy(initial_wait=0, max_wait=0, jitter=0)


def articles(n: int, start: int = 0) -> list[str]:
    return [
        f"GENEVA (Reuters) - Country {i} and Country {i + 1} signed trade deal {i} on "
        "Monday. It cuts tariffs on steel."
        for i in range(start, start + n)
    ]


def config(tmp_path: Path, **kwargs: Any) -> pactlens.Config:
    kwargs.setdefault("cache_dir", tmp_path / "cache")
    kwargs.setdefault("model", "test-model")
    kwargs.setdefault("retry", FAST)
    return pactlens.Config(**kwargs)


def by_content(needle: str = "REFUSE-ME") -> httpx.MockTransport:
    """Answers any article validly, and 401 to prompts that contain ``needle``."""

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if any(needle in str(m.get("content")) for m in body["messages"]):
            return error(401)
        return completion(minimal_answer(body))

    return httpx.MockTransport(handle)


@pytest.fixture
def mock_client() -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(
        api_key="sk-test",
        base_url="http://mock.test/v1",
        http_client=httpx.Client(transport=by_content()),
    )
    yield client
    client.close()


@pytest.fixture
def server() -> Iterator[Loopback]:
    with Loopback(latency=0.05) as srv:
        yield srv


@pytest.fixture
def loop_client(server: Loopback) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(api_key="sk-test", base_url=server.base_url)
    yield client
    client.close()


def test_failures_are_reported_and_never_stop_the_others(
    tmp_path: Path, mock_client: openai.OpenAI
) -> None:
    items: list[Any] = [*articles(3), "   ", ("refused", "PARIS - REFUSE-ME signed a pact."), 42]
    ledger = Ledger()
    with pactlens.Summariser(config(tmp_path), client=mock_client, sleep=lambda s: None) as s:
        results = list(summarise_many(s, items, concurrency=3, ledger=ledger))

    assert sorted(r.index for r in results) == list(range(6))
    by_id = {r.id: r for r in results}
    assert [by_id[str(i)].ok for i in range(3)] == [True, True, True]
    assert isinstance(by_id["3"].error, pactlens.InputError)
    assert by_id["3"].error_message == (
        "InputError: the article is empty (only whitespace): there is nothing to clean"
    )
    refused = by_id["refused"].error
    assert isinstance(refused, pactlens.LLMError) and refused.attempts == 1
    assert isinstance(refused.original, openai.AuthenticationError)
    assert "refused the request" in str(by_id["refused"].error_message)
    assert "cannot summarise a int" in str(by_id["5"].error_message)
    assert by_id["5"].summary is None and by_id["5"].usage == pactlens.Usage()

    assert (ledger.articles, ledger.succeeded, ledger.failed) == (6, 3, 3)
    assert set(ledger.failures) == {"3", "refused", "5"}
    assert ledger.requests == 4  # three answers and one refusal, never retried
    assert ledger.prompt_tokens == sum(r.usage.prompt_tokens for r in results) > 0
    assert "6 article(s): 3 ok (0 cached), 3 failed" in str(ledger)


def test_unexpected_exceptions_stay_with_their_article() -> None:
    class Flaky:
        def summarise(self, article: str) -> pactlens.ArticleSummary:
            raise RuntimeError(f"boom on {article}")

    results = list(summarise_many(Flaky(), ["a", "b"], progress=False))  # type: ignore[arg-type]
    assert [r.error_message for r in sorted(results, key=lambda r: r.index)] == [
        "RuntimeError: boom on a",
        "RuntimeError: boom on b",
    ]


def test_ids_come_from_pairs_paths_or_positions(tmp_path: Path, mock_client: openai.OpenAI) -> None:
    good = tmp_path / "good.txt"
    good.write_text(articles(1)[0], encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Z\u00fcrich signed a pact.".encode("latin-1"))
    items: list[Any] = [
        ("mine", articles(1, 5)[0]),
        good,
        latin,
        tmp_path / "missing.txt",
        articles(1, 9)[0],
    ]
    with pactlens.Summariser(config(tmp_path), client=mock_client) as s:
        results = {r.id: r for r in summarise_many(s, items)}

    assert set(results) == {"mine", str(good), str(latin), str(tmp_path / "missing.txt"), "4"}
    assert results["mine"].ok and results[str(good)].ok and results["4"].ok
    assert "is not UTF-8 text" in str(results[str(latin)].error_message)
    assert "cannot read" in str(results[str(tmp_path / "missing.txt")].error_message)
    record = results["mine"].to_record()
    assert record["ok"] and record["error"] is None and record["summary"]["text"]


def test_concurrency_bound_is_respected(
    tmp_path: Path, server: Loopback, loop_client: openai.OpenAI
) -> None:
    with pactlens.Summariser(config(tmp_path), client=loop_client) as s:
        results = list(summarise_many(s, articles(10), concurrency=3))
    assert all(r.ok for r in results)
    assert server.completions == 10
    assert server.max_in_flight == 3


def test_input_is_pulled_lazily_and_stopping_early_stops(
    tmp_path: Path, mock_client: openai.OpenAI
) -> None:
    pulled = 0

    def endless() -> Iterator[str]:
        nonlocal pulled
        for text in articles(10_000):
            pulled += 1
            yield text

    with pactlens.Summariser(config(tmp_path, cache=False), client=mock_client) as s:
        results = summarise_many(s, endless(), concurrency=4)
        first = next(results)
        assert first.ok
        assert pulled == 4  # one slot's worth each, nothing read ahead
        for _ in range(5):
            next(results)
        results.close()  # stopping early cancels and joins; nothing more is pulled
    assert pulled <= 4 + 6


def test_second_run_sends_nothing_for_cached_articles(
    tmp_path: Path, server: Loopback, loop_client: openai.OpenAI
) -> None:
    with pactlens.Summariser(config(tmp_path), client=loop_client) as s:
        first = Ledger()
        list(summarise_many(s, articles(5), ledger=first))
    assert server.completions == 5 and first.cached == 0 and first.requests == 5

    with pactlens.Summariser(config(tmp_path), client=loop_client) as s:
        again = Ledger()
        results = list(summarise_many(s, [*articles(5), *articles(1, 100)], ledger=again))
    assert server.completions == 6  # only the new article went out
    assert again.cached == 5 and again.requests == 1
    assert sum(r.cached for r in results) == 5
    assert all(r.usage == pactlens.Usage() for r in results if r.cached)


def test_injected_faults_are_retried_to_success(tmp_path: Path) -> None:
    with Loopback(fault_rate=0.3, seed=7) as server:
        client = openai.OpenAI(api_key="sk-test", base_url=server.base_url)
        ledger = Ledger()
        patient = config(tmp_path, retry=FAST.model_copy(update={"max_attempts": 12}))
        with pactlens.Summariser(patient, client=client, sleep=lambda s: None) as s:
            results = list(summarise_many(s, articles(12), concurrency=4, ledger=ledger))
        client.close()
    assert [r.error_message for r in results if not r.ok] == []
    assert server.faults > 0
    assert ledger.retries == server.faults
    assert ledger.requests == server.completions == 12 + server.faults


def test_loopback_serves_models_and_refusals() -> None:
    with Loopback(refuse_when("secret", 403, any_article()), models=["a", "b"]) as server:
        models = httpx.get(server.base_url + "/models").json()
        refused = httpx.post(
            server.base_url + "/chat/completions",
            json={"messages": [{"role": "user", "content": "secret"}]},
        )
        answered = httpx.post(
            server.base_url + "/chat/completions",
            json={"messages": [{"role": "user", "content": "[1] Hi."}]},
        )
    assert [m["id"] for m in models["data"]] == ["a", "b"]
    assert refused.status_code == 403
    content = answered.json()["choices"][0]["message"]["content"]
    assert json.loads(content)["agreements"] == []
    assert (server.requests, server.completions) == (3, 2)


def test_loopback_runs_as_a_script(tmp_path: Path) -> None:
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"summary": "Fixed."}), encoding="utf-8")
    script = ROOT / "tests" / "loopback.py"
    with subprocess.Popen(
        [sys.executable, str(script), "--answer-file", str(answer)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        reply = httpx.post(
            base_url + "/chat/completions",
            json={"messages": [{"role": "user", "content": "[1] Hi."}]},
        )
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
    assert json.loads(reply.json()["choices"][0]["message"]["content"]) == {"summary": "Fixed."}
    assert proc.returncode == 0 and "served 1 completions" in err


def test_progress_counter_without_tqdm(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Quick:
        def summarise(self, article: str) -> None:
            raise pactlens.InputError("nope")

    real = importlib.import_module

    def no_tqdm(name: str) -> Any:
        if name == "tqdm":
            raise ImportError(name)
        return real(name)

    monkeypatch.setattr(importlib, "import_module", no_tqdm)
    list(summarise_many(Quick(), ["x", "y"], progress=True))  # type: ignore[arg-type]
    assert capsys.readouterr().err.endswith("pactlens: 2/2 articles, 2 failed\n")
    list(summarise_many(Quick(), ["x"]))  # type: ignore[arg-type]  # not a TTY: no bar
    assert capsys.readouterr().err == ""


class Sleepy:
    """A summariser whose articles take as long as their text says: "2.6" takes 2.6 s,
    "hang" until ``release`` is set. It raises, so no summary needs to be built."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def summarise(self, article: str) -> None:
        if article == "hang":
            self.release.wait(60)
        else:
            time.sleep(float(article))
        raise pactlens.InputError(f"done after {article}")


def test_a_long_call_is_noted_with_its_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    list(summarise_many(Sleepy(), ["2.6", ("quick", "0")], progress=True))  # type: ignore[arg-type]
    err = capsys.readouterr().err
    assert "pactlens: summarising article 0 … 2 s\n" in err  # not a terminal: a line
    assert "quick" not in err

    list(summarise_many(Sleepy(), ["2.6"], progress=False))  # type: ignore[arg-type]
    assert capsys.readouterr().err == ""


def test_stopping_early_does_not_wait_for_articles_in_flight() -> None:
    sleepy = Sleepy()
    results = summarise_many(sleepy, ["hang", "0", "hang"], concurrency=3, progress=False)  # type: ignore[arg-type]
    try:
        assert next(results).error_message == "InputError: done after 0"
        closing = threading.Thread(target=results.close, daemon=True)
        started = time.monotonic()
        closing.start()
        closing.join(timeout=5)
        assert not closing.is_alive(), "closing the batch waited for the articles in flight"
        assert time.monotonic() - started < 1
    finally:
        sleepy.release.set()


def test_bad_concurrency_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="positive"):
        summarise_many(object(), [], concurrency=0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive"):
        asummarise_many(object(), [], concurrency=0)  # type: ignore[arg-type]


async def test_async_twin(tmp_path: Path, server: Loopback) -> None:
    async def nap(seconds: float) -> None:
        pass

    async def stream() -> AsyncIterator[Any]:
        for text in articles(7):
            yield text
        yield ""
        yield ("pair", articles(1, 50)[0])

    client = openai.AsyncOpenAI(api_key="sk-test", base_url=server.base_url)
    ledger = Ledger()
    with pactlens.Summariser(config(tmp_path), client=client, asleep=nap) as s:
        results: list[Result] = [
            r async for r in asummarise_many(s, stream(), concurrency=2, ledger=ledger)
        ]
        again = [r async for r in asummarise_many(s, articles(7), concurrency=5)]
    await client.close()

    assert len(results) == 9 and ledger.failed == 1
    assert isinstance(next(r for r in results if r.id == "7").error, pactlens.InputError)
    assert next(r for r in results if r.id == "pair").ok
    assert server.max_in_flight == 2
    assert server.completions == 8  # the re-run came from the cache
    assert all(r.cached for r in again)


async def test_async_early_stop_cancels(tmp_path: Path, server: Loopback) -> None:
    from contextlib import aclosing

    client = openai.AsyncOpenAI(api_key="sk-test", base_url=server.base_url)
    with pactlens.Summariser(config(tmp_path), client=client) as s:
        async with aclosing(asummarise_many(s, articles(50), concurrency=3)) as results:
            async for result in results:
                assert result.ok
                break
    await client.close()
    assert server.completions <= 4


@pytest.mark.skipif(
    not hasattr(pactlens.Summariser, "summarise_many") or not hasattr(pactlens, "Ledger"),
    reason="Summariser.summarise_many / pactlens.Ledger are not wired up yet",
)
def test_example_summarise_folder(tmp_path: Path, server: Loopback) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for i, text in enumerate(articles(3)):
        (folder / f"a{i}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    env = server.environ(PACTLENS_CACHE_DIR=str(tmp_path / "cache"), PACTLENS_MODEL="test-model")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "summarise_folder.py"),
            str(folder),
            "--out",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["id"] for line in lines) == sorted(str(p) for p in folder.iterdir())
    assert all(line["ok"] for line in lines)
