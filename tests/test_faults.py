"""The fault matrix: a real server on loopback misbehaving in every way a review found,
and pactlens answering each with a result or a PactlensError, within its time budget.

The server speaks raw HTTP over a socket (not a mock transport), so slow drips, silent
sockets, cut bodies and garbage reach the real httpx / OpenAI SDK / instructor stack.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from loopback import answer_body, minimal_answer

import pactlens
from pactlens import Config, RetryPolicy

ROOT = Path(__file__).resolve().parents[1]
SEED = (ROOT / "examples" / "articles" / "russia-north-korea-pact.txt").read_text("utf-8")

#: The budget every case runs under: max_total is the promise under test.
BUDGET = RetryPolicy(max_attempts=8, initial_wait=0.05, max_wait=0.5, jitter=0, max_total=4.0)
#: What a case may take beyond the budget: a drip's gap between bytes, and the work.
SLACK = 2.5

Behaviour = Callable[[socket.socket, dict[str, Any]], None]


def _send(conn: socket.socket, status: int, body: bytes, **headers: str) -> None:
    head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", "Connection: close"]
    head += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)


def _json(conn: socket.socket, status: int, value: Any, **headers: str) -> None:
    _send(conn, status, json.dumps(value).encode(), Content_Type="application/json", **headers)


def _answer(request: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return answer_body(request, {**minimal_answer(request), **changes})


def ok(conn: socket.socket, request: dict[str, Any]) -> None:
    _json(conn, 200, _answer(request))


def drip(conn: socket.socket, request: dict[str, Any]) -> None:
    body = json.dumps(_answer(request)).encode()
    conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode())
    for byte in body:
        conn.sendall(bytes([byte]))
        time.sleep(1.0)


def silent(conn: socket.socket, request: dict[str, Any]) -> None:
    time.sleep(60)


def headers_then_silence(conn: socket.socket, request: dict[str, Any]) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{")
    time.sleep(60)


def hang_up(conn: socket.socket, request: dict[str, Any]) -> None:
    conn.close()


def cut_body(conn: socket.socket, request: dict[str, Any]) -> None:
    body = json.dumps(_answer(request)).encode()
    conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body[:40])
    conn.close()


def bad_json(conn: socket.socket, request: dict[str, Any]) -> None:
    _send(conn, 200, b'{"choices": [{"message": {"content": "{not json', Content_Type="text/json")


def html_page(conn: socket.socket, request: dict[str, Any]) -> None:
    _send(conn, 200, b"<html><body>Bad gateway</body></html>", Content_Type="text/html")


def no_choices(conn: socket.socket, request: dict[str, Any]) -> None:
    _json(conn, 200, {**_answer(request), "choices": []})


def wrong_tool(conn: socket.socket, request: dict[str, Any]) -> None:
    body = _answer(request)
    body["choices"][0]["message"]["tool_calls"][0]["function"]["name"] = "delete_everything"
    _json(conn, 200, body)


def retry_after_soon(conn: socket.socket, request: dict[str, Any]) -> None:
    _json(conn, 429, {"error": {"message": "slow down"}}, Retry_After="soon")


def retry_after_an_hour(conn: socket.socket, request: dict[str, Any]) -> None:
    _json(conn, 429, {"error": {"message": "slow down"}}, Retry_After="3600")


def always_503(conn: socket.socket, request: dict[str, Any]) -> None:
    _json(conn, 503, {"error": {"message": "overloaded"}})


def unauthorised(conn: socket.socket, request: dict[str, Any]) -> None:
    _json(conn, 401, {"error": {"message": "bad key"}})


def clause_without_sentences(conn: socket.socket, request: dict[str, Any]) -> None:
    agreement = {
        "agreement": 1,
        "status": "signed",
        "parties": ["Russia", "North Korea"],
        "scope": [],
        "clauses": [{"topic": "defence", "summary": "mutual assistance", "sentences": []}],
    }
    _json(conn, 200, _answer(request, agreements=[agreement]))


def huge_clause(conn: socket.socket, request: dict[str, Any]) -> None:
    huge = "# Heading\n" + "word " * 1_000_000
    clause = {"topic": huge, "summary": huge, "condition": huge, "sentences": [1]}
    agreement = {"agreement": 1, "status": "signed", "parties": [], "scope": [huge]}
    _json(conn, 200, _answer(request, agreements=[{**agreement, "clauses": [clause]}]))


class FaultServer:
    """Accepts connections on 127.0.0.1 and hands each parsed request to ``behaviour``."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.requests = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/v1"

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                request = _read_request(conn)
                self.requests += 1
                self.behaviour(conn, request)
            except OSError:
                pass  # the client gave up on us: that is the point of several cases


def _read_request(conn: socket.socket) -> dict[str, Any]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += conn.recv(65536)
    parsed: dict[str, Any] = json.loads(body)
    return parsed


CASES = [
    ok,
    drip,
    silent,
    headers_then_silence,
    hang_up,
    cut_body,
    bad_json,
    html_page,
    no_choices,
    wrong_tool,
    retry_after_soon,
    retry_after_an_hour,
    always_503,
    unauthorised,
    clause_without_sentences,
    huge_clause,
]


@pytest.fixture
def run() -> Callable[[Behaviour], tuple[Any, float, int]]:
    def summarise(behaviour: Behaviour) -> tuple[Any, float, int]:
        with FaultServer(behaviour) as server:
            config = Config(
                base_url=server.base_url,
                api_key="k",
                model="m",
                cache=False,
                timeout=2.0,
                retry=BUDGET,
            )
            started = time.monotonic()
            try:
                with pactlens.Summariser(config) as summariser:
                    outcome: Any = summariser.summarise(SEED)
            except pactlens.PactlensError as e:
                outcome = e
            return outcome, time.monotonic() - started, server.requests

    return summarise


@pytest.mark.parametrize("behaviour", CASES, ids=[c.__name__ for c in CASES])
def test_every_fault_ends_in_a_result_or_a_pactlens_error_within_the_budget(
    run: Callable[[Behaviour], tuple[Any, float, int]], behaviour: Behaviour
) -> None:
    outcome, seconds, requests = run(behaviour)
    assert isinstance(outcome, (pactlens.ArticleSummary, pactlens.PactlensError)), outcome
    assert seconds <= BUDGET.max_total + SLACK, f"{seconds:.1f} s, {requests} request(s)"
    if isinstance(outcome, pactlens.ArticleSummary):
        assert all(outcome.text[s.start : s.end] == s.text for s in outcome.spans())


def test_the_answers_that_should_succeed_do(
    run: Callable[[Behaviour], tuple[Any, float, int]],
) -> None:
    for behaviour in (ok, clause_without_sentences):
        outcome, _, _ = run(behaviour)
        assert isinstance(outcome, pactlens.ArticleSummary), (behaviour.__name__, outcome)
        assert not outcome.meta.partial, behaviour.__name__


def test_a_clause_without_sentences_is_kept_and_counted(
    run: Callable[[Behaviour], tuple[Any, float, int]],
) -> None:
    outcome, _, _ = run(clause_without_sentences)
    assert isinstance(outcome, pactlens.ArticleSummary)
    pact = outcome.agreements[0]
    assert pact.clauses[0].evidence == []
    assert outcome.meta.grounding.ungrounded_clauses == 1


def test_final_refusals_are_not_retried(
    run: Callable[[Behaviour], tuple[Any, float, int]],
) -> None:
    outcome, seconds, requests = run(unauthorised)
    assert isinstance(outcome, pactlens.LLMError)
    assert requests == 1 and seconds < 2


def test_garbage_answers_name_what_the_server_did(
    run: Callable[[Behaviour], tuple[Any, float, int]],
) -> None:
    for behaviour, words in ((no_choices, "no choices"), (wrong_tool, "delete_everything")):
        outcome, _, _ = run(behaviour)
        assert isinstance(outcome, pactlens.ArticleSummary), behaviour.__name__
        assert outcome.meta.partial
        assert any(words in w for w in outcome.meta.warnings), outcome.meta.warnings


def test_oversized_model_text_is_capped_and_kept_out_of_markdown_headings(
    run: Callable[[Behaviour], tuple[Any, float, int]],
) -> None:
    outcome, _, _ = run(huge_clause)
    assert isinstance(outcome, pactlens.ArticleSummary)
    assert len(outcome.model_dump_json()) < 50_000  # megabytes in, a summary out
    (clause,) = outcome.agreements[0].clauses
    assert len(clause.summary) <= 500 and len(outcome.agreements[0].scope[0]) <= 500
    assert any("cut" in w for w in outcome.meta.warnings)
    markdown = outcome.to_markdown().splitlines()
    assert [line for line in markdown if line.startswith("# ")] == [markdown[0]]


def test_credentials_in_the_base_url_stay_out_of_errors() -> None:
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]  # closed below: connections are refused
    url = f"http://alice:hunter2@127.0.0.1:{port}/v1?api-key=SECRET&deployment=d1"
    config = Config(base_url=url, api_key="k", model="m", cache=False, retry=BUDGET)
    with pytest.raises(pactlens.LLMError) as caught, pactlens.Summariser(config) as summariser:
        summariser.summarise(SEED)
    message = str(caught.value)
    assert "hunter2" not in message and "SECRET" not in message
    assert "alice:***@127.0.0.1" in message and "deployment=d1" in message


@pytest.mark.parametrize(
    "url", ["localhost:11434/v1", "http://", "ftp://host/v1", "http://host:port/v1", "not a url"]
)
def test_a_malformed_base_url_is_a_config_error_at_once(url: str) -> None:
    started = time.monotonic()
    with pytest.raises(pactlens.ConfigError, match="base_url"):
        Config(base_url=url, api_key="k")
    with pytest.raises(pactlens.ConfigError, match="base_url"):
        Config.from_env({"OPENAI_BASE_URL": url})
    assert time.monotonic() - started < 1


def test_the_cache_key_tells_endpoints_apart(tmp_path: Path) -> None:
    article = pactlens.clean(SEED)
    keys = {
        pactlens.Summariser(Config(base_url=url, api_key="k", cache_dir=tmp_path)).cache_key(
            article
        )
        for url in ("http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1")
    }
    assert len(keys) == 2
