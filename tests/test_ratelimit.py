"""The rate limit: its arithmetic on a fake clock, its transports over a scripted server,
and the shared budget in a real Redis across two real worker processes."""

from __future__ import annotations

import email.utils
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from loopback import Loopback
from redis_server import RedisServer, redis_server
from scripted import completion, error

import pactlens
from pactlens._errors import ConfigError
from pactlens.backend.deadline import budget
from pactlens.backend.ratelimit import (
    MemoryLimiter,
    RateLimitTransport,
    RedisLimiter,
    estimate_tokens,
    limiter_for,
)

ROOT = Path(__file__).resolve().parents[1]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


# -- the arithmetic ------------------------------------------------------------------------


def test_requests_are_spaced_after_a_one_second_burst() -> None:
    clock = Clock()
    limiter = MemoryLimiter(pactlens.RateLimit(requests_per_minute=120), clock=clock)  # 2/s
    waits = [limiter.reserve(0) for _ in range(6)]
    # a burst of one second's worth (and one), then one every half second, in order
    assert waits == pytest.approx([0, 0, 0, 0.5, 1.0, 1.5])
    clock.now += 10  # idle: the budget refills, but only up to the burst
    assert [limiter.reserve(0) for _ in range(4)] == pytest.approx([0, 0, 0, 0.5])


def test_tokens_are_charged_and_what_was_not_used_is_given_back() -> None:
    clock = Clock()
    limiter = MemoryLimiter(pactlens.RateLimit(tokens_per_minute=6000), clock=clock)  # 100/s
    assert limiter.reserve(500) == 0  # 5 s of budget
    assert limiter.reserve(100) == pytest.approx(4.0)  # starts when the first is 1 s from paid
    limiter.refund(tokens=400)  # the first answer used 100 of its 500
    assert limiter.reserve(100) == pytest.approx(1.0)


def test_a_pause_holds_everyone_back_and_then_they_go_in_turn() -> None:
    clock = Clock()
    limiter = MemoryLimiter(pactlens.RateLimit(requests_per_minute=60), clock=clock)
    limiter.pause(3.0)
    assert [limiter.reserve(0) for _ in range(3)] == pytest.approx([3.0, 3.0, 4.0])


def test_a_refused_reservation_can_be_taken_back_whole() -> None:
    clock = Clock()
    limiter = MemoryLimiter(pactlens.RateLimit(requests_per_minute=60), clock=clock)
    first = [limiter.reserve(0) for _ in range(3)]
    limiter.refund(requests=1)
    assert first == pytest.approx([0, 0, 1]) and limiter.reserve(0) == pytest.approx(1)


def test_one_limiter_per_budget_in_a_process() -> None:
    limit = pactlens.RateLimit(requests_per_minute=10, name="one")
    assert limiter_for(limit, "x") is limiter_for(limit, "y")
    assert limiter_for(limit, "x") is not limiter_for(limit.model_copy(update={"name": "two"}), "x")


def test_settings_are_checked_and_read_from_the_environment() -> None:
    with pytest.raises(ConfigError, match="not a Redis URL"):
        pactlens.RateLimit(requests_per_minute=1, url="http://cache:6379")
    with pytest.raises(ValueError):
        pactlens.RateLimit(requests_per_minute=0)
    env = {"PACTLENS_REQUESTS_PER_MINUTE": "500", "PACTLENS_RATE_LIMIT_URL": "redis://c:6379/1"}
    limit = pactlens.Config.from_env(env).rate_limit
    assert limit == pactlens.RateLimit(requests_per_minute=500, url="redis://c:6379/1")


# -- the transport, over a scripted server ------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.reserved: list[int] = []
        self.refunds: list[tuple[int, int]] = []
        self.pauses: list[float] = []
        self.wait = 0.0

    def reserve(self, tokens: int) -> float:
        self.reserved.append(tokens)
        return self.wait

    def refund(self, *, requests: int = 0, tokens: int = 0) -> None:
        self.refunds.append((requests, tokens))

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)


def _request(max_tokens: int = 1500) -> httpx.Request:
    body = json.dumps(
        {"messages": [{"role": "user", "content": "x" * 4000}], "max_tokens": max_tokens}
    )
    return httpx.Request("POST", "http://api.test/v1/chat/completions", content=body.encode())


def test_the_estimate_is_the_prompt_and_the_answer_cap() -> None:
    request = _request(1500)
    assert estimate_tokens(request) == len(request.content) // 4 + 1500


def test_the_transport_gives_back_what_the_answer_did_not_use() -> None:
    limiter, slept = Recorder(), []
    answer = completion({"a": 1}, prompt_tokens=900, completion_tokens=100)
    transport = RateLimitTransport(
        httpx.MockTransport(lambda r: answer), limiter, sleep=slept.append
    )
    limiter.wait = 0.25
    transport.handle_request(_request())
    estimate = limiter.reserved[0]
    assert slept == [0.25] and limiter.refunds == [(0, estimate - 1000)]


def test_a_429_with_retry_after_pauses_the_budget_and_its_tokens_come_back() -> None:
    limiter = Recorder()
    refusal = error(429, headers={"retry-after": "2.5"})
    transport = RateLimitTransport(httpx.MockTransport(lambda r: refusal), limiter)
    assert transport.handle_request(_request()).status_code == 429
    assert limiter.pauses == [2.5] and limiter.refunds == [(0, limiter.reserved[0])]


def test_a_retry_after_date_pauses_the_budget_as_the_retry_layer_reads_it() -> None:
    limiter = Recorder()
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    refusal = error(503, headers={"retry-after": when})
    RateLimitTransport(httpx.MockTransport(lambda r: refusal), limiter).handle_request(_request())
    assert len(limiter.pauses) == 1 and 28 < limiter.pauses[0] <= 30


def test_a_wait_past_the_call_budget_fails_at_once_and_is_taken_back() -> None:
    limiter, slept = Recorder(), []
    transport = RateLimitTransport(
        httpx.MockTransport(lambda r: completion({})), limiter, sleep=slept.append
    )
    limiter.wait = 30.0
    with budget(5.0), pytest.raises(httpx.PoolTimeout, match="rate limit"):
        transport.handle_request(_request())
    assert slept == [] and limiter.refunds == [(1, limiter.reserved[0])]


def test_a_summariser_waiting_on_the_limit_fails_within_its_time_budget() -> None:
    limit = pactlens.RateLimit(requests_per_minute=1, name="budget-test")
    limiter_for(limit, "").reserve(0)  # the one request a minute (and its burst) are taken
    limiter_for(limit, "").reserve(0)
    with Loopback() as server:
        config = pactlens.Config(
            base_url=server.base_url,
            api_key="k",
            cache=False,
            rate_limit=limit,
            timeout=2.0,
            retry=pactlens.RetryPolicy(max_total=2.0),
        )
        started = time.monotonic()
        with pactlens.Summariser(config) as s, pytest.raises(pactlens.LLMError):
            s.summarise("Ruritania and Elbonia signed a trade pact on Monday.")
        assert time.monotonic() - started < 4.0 and server.completions == 0


# -- shared in Redis -------------------------------------------------------------------------


def test_a_pause_from_one_worker_holds_back_another(redis: RedisServer) -> None:
    limit = pactlens.RateLimit(requests_per_minute=6000, url=redis.url)
    one = RedisLimiter(limit, redis.client(), "pause-test")
    other = RedisLimiter(limit, redis.client(), "pause-test")  # another process's view
    refusal = error(429, headers={"retry-after": "1.5"})
    RateLimitTransport(httpx.MockTransport(lambda r: refusal), one).handle_request(_request())
    assert 1.3 < other.reserve(0) <= 1.5


def test_redis_keeps_the_same_arithmetic(redis: RedisServer) -> None:
    limit = pactlens.RateLimit(requests_per_minute=120, tokens_per_minute=6000, url=redis.url)
    limiter = RedisLimiter(limit, redis.client(), "arith-test")
    waits = [limiter.reserve(0) for _ in range(4)]
    assert waits[:3] == pytest.approx([0, 0, 0], abs=0.05)
    assert waits[3] == pytest.approx(0.5, abs=0.05)
    limiter.refund(requests=4)
    assert limiter.reserve(0) == pytest.approx(0, abs=0.05)


WORKER = """
import sys, pactlens
url, redis_url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
limit = pactlens.RateLimit(requests_per_minute=600, url=redis_url, name="two-workers")
config = pactlens.Config(base_url=url, api_key="k", cache=False, rate_limit=limit)
articles = [f"Ruritania and Elbonia signed pact number {i} on Monday." for i in range(n)]
with pactlens.Summariser(config) as s:
    results = list(s.summarise_many(articles, concurrency=8))
sys.exit(0 if all(r.ok for r in results) else 1)
"""


def test_two_worker_processes_stay_under_one_shared_budget(redis: RedisServer) -> None:
    """600 a minute is 10 a second: two processes of 8 in flight each would do hundreds
    a second against this server, and together they do 10 (after a 1-second burst)."""
    n = 30
    with Loopback() as server:
        workers = [
            subprocess.Popen([sys.executable, "-c", WORKER, server.base_url, redis.url, str(n)])
            for _ in range(2)
        ]
        assert [w.wait(timeout=60) for w in workers] == [0, 0]
        arrivals = sorted(server.arrivals)
    assert len(arrivals) == 2 * n
    span = arrivals[-1] - arrivals[0]
    # 60 requests: 11 in the burst, then 49 at 0.1 s apart
    assert span >= 4.9 * 0.95
    for i, start in enumerate(arrivals):
        in_a_second = sum(1 for t in arrivals[i:] if t < start + 1.0)
        assert in_a_second <= 10 + 11 + 1  # the rate, the burst, one at the edge
