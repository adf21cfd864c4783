"""One request and token budget for every call, in a process or across a cluster.

``Config(rate_limit=RateLimit(requests_per_minute=…, tokens_per_minute=…, url=…))``
puts a :class:`RateLimitTransport` under the endpoint's HTTP client: before a request
is sent it reserves one request and its tokens from the budget and sleeps until they are
free; after the answer it gives back the tokens the answer did not use, and a ``429`` or
``503`` with ``Retry-After`` pauses the whole budget for that long, so every worker
waits, not only the one that was told.

The budget is a generic cell rate algorithm (GCRA, as in leaky-bucket schedulers): each
kind of unit has a theoretical arrival time ``tat``; a reservation of ``n`` units may
start at ``max(now, pause, tat - burst)`` and moves ``tat`` on by ``n`` times the seconds
one unit is worth. Reservations are granted in the order they are made, so waiting is
first come, first served and nobody polls. The burst is one second's worth (at least
one request), so the rate over any minute stays within the budget plus that second.

:class:`MemoryLimiter` keeps the state in this process; :class:`RedisLimiter` keeps it in
a Redis hash updated by one Lua script per call, timed by the Redis server's clock, so
machines whose clocks disagree still share one budget. Waiting counts against the
call's time budget (:func:`~pactlens.backend.deadline.time_left`): a reservation that
could not start in time is given back and the request fails as a timeout, which the
retry layer reports within the budget.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx

from pactlens._config import RateLimit
from pactlens._redis import connect
from pactlens.backend.deadline import time_left
from pactlens.backend.retry import retry_after_header

__all__ = [
    "AsyncRateLimitTransport",
    "Limiter",
    "MemoryLimiter",
    "RateLimitTransport",
    "RedisLimiter",
    "limiter_for",
]

#: Characters per token when a request's prompt is estimated before sending it.
CHARS_PER_TOKEN = 4
#: Statuses whose ``Retry-After`` pauses the whole budget.
PAUSING_STATUS = frozenset({429, 503})


class Limiter(Protocol):
    def reserve(self, tokens: int) -> float:
        """Reserve one request and ``tokens``; the seconds to wait before sending."""
        ...

    def refund(self, *, requests: int = 0, tokens: int = 0) -> None:
        """Give back what a reservation did not use (negative ``tokens`` charges more)."""
        ...

    def pause(self, seconds: float) -> None:
        """Hold every reservation back for ``seconds`` from now (a server's Retry-After)."""
        ...


def _per_unit(per_minute: float | None) -> tuple[float, float]:
    """(seconds one unit is worth, burst in seconds) for a per-minute budget; (0, 0) for none."""
    if per_minute is None:
        return 0.0, 0.0
    per_unit = 60.0 / per_minute
    return per_unit, max(per_unit, 1.0)


class MemoryLimiter:
    """The budget in this process, shared by its threads and event loops."""

    def __init__(self, limit: RateLimit, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._requests = _per_unit(limit.requests_per_minute)
        self._tokens = _per_unit(limit.tokens_per_minute)
        self._clock = clock
        self._lock = threading.Lock()
        self._tat_requests = self._tat_tokens = self._paused_until = 0.0

    def reserve(self, tokens: int) -> float:
        (r_unit, r_burst), (t_unit, t_burst) = self._requests, self._tokens
        with self._lock:
            now = self._clock()
            base = max(now, self._paused_until)
            start = base
            if r_unit:
                start = max(start, self._tat_requests - r_burst)
                self._tat_requests = max(self._tat_requests, base) + r_unit
            if t_unit and tokens > 0:
                start = max(start, self._tat_tokens - t_burst)
                self._tat_tokens = max(self._tat_tokens, base) + tokens * t_unit
            return start - now

    def refund(self, *, requests: int = 0, tokens: int = 0) -> None:
        with self._lock:
            self._tat_requests -= requests * self._requests[0]
            self._tat_tokens -= tokens * self._tokens[0]

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)


# One script per operation; the hash holds rt, tt (the two tats) and pause, as strings.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local h = redis.call('HMGET', KEYS[1], 'rt', 'tt', 'pause')
local rt, tt, pause = tonumber(h[1]) or 0, tonumber(h[2]) or 0, tonumber(h[3]) or 0
local r_unit, r_burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local t_unit, t_burst, tokens = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local base = math.max(now, pause)
local start = base
if r_unit > 0 then
  start = math.max(start, rt - r_burst)
  rt = math.max(rt, base) + r_unit
end
if t_unit > 0 and tokens > 0 then
  start = math.max(start, tt - t_burst)
  tt = math.max(tt, base) + tokens * t_unit
end
redis.call('HSET', KEYS[1], 'rt', string.format('%.6f', rt), 'tt', string.format('%.6f', tt))
local horizon = math.max(rt, tt, pause) - now + 60
redis.call('PEXPIRE', KEYS[1], math.ceil(horizon * 1000))
return string.format('%.6f', start - now)
"""

_REFUND = """
local h = redis.call('HMGET', KEYS[1], 'rt', 'tt')
if not h[1] then return 0 end
local rt = tonumber(h[1]) - tonumber(ARGV[1])
local tt = tonumber(h[2]) - tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'rt', string.format('%.6f', rt), 'tt', string.format('%.6f', tt))
return 1
"""

_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local was = tonumber(redis.call('HGET', KEYS[1], 'pause') or 0)
local until_ = math.max(was, now + tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'pause', string.format('%.6f', until_))
redis.call('PEXPIRE', KEYS[1], math.ceil((until_ - now + 60) * 1000))
return 1
"""


class RedisLimiter:
    """The budget in a Redis hash (``pactlens:ratelimit:<name>``) every worker shares."""

    def __init__(self, limit: RateLimit, client: Any, name: str) -> None:
        self._requests = _per_unit(limit.requests_per_minute)
        self._tokens = _per_unit(limit.tokens_per_minute)
        self.key = f"pactlens:ratelimit:{name}"
        self._reserve = client.register_script(_RESERVE)
        self._refund = client.register_script(_REFUND)
        self._pause = client.register_script(_PAUSE)

    def reserve(self, tokens: int) -> float:
        args = [*self._requests, *self._tokens, max(0, tokens)]
        return float(self._reserve(keys=[self.key], args=args))

    def refund(self, *, requests: int = 0, tokens: int = 0) -> None:
        args = [requests * self._requests[0], tokens * self._tokens[0]]
        self._refund(keys=[self.key], args=args)

    def pause(self, seconds: float) -> None:
        self._pause(keys=[self.key], args=[seconds])


_shared: dict[tuple[Any, ...], Limiter] = {}
_shared_lock = threading.Lock()


def limiter_for(limit: RateLimit, default_name: str) -> Limiter:
    """The process's one limiter for ``limit`` (same settings and name, same limiter)."""
    name = limit.name or default_name
    key = (limit.url, name, limit.requests_per_minute, limit.tokens_per_minute)
    with _shared_lock:
        limiter = _shared.get(key)
        if limiter is None:
            if limit.url is None:
                limiter = MemoryLimiter(limit)
            else:
                what_to_do = "start it, fix rate_limit.url (PACTLENS_RATE_LIMIT_URL), or drop it"
                limiter = RedisLimiter(limit, connect(limit.url, what_to_do=what_to_do), name)
            _shared[key] = limiter
        return limiter


# -- the transports ----------------------------------------------------------------------


def estimate_tokens(request: httpx.Request) -> int:
    """What the server will count before answering: the prompt (its bytes over
    :data:`CHARS_PER_TOKEN`) plus the answer's cap (``max_tokens``)."""
    body = request.content
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        payload = {}
    cap = 0
    if isinstance(payload, dict):
        cap = payload.get("max_completion_tokens") or payload.get("max_tokens") or 0
    return len(body) // CHARS_PER_TOKEN + (cap if isinstance(cap, int) else 0)


def _used_tokens(response: httpx.Response) -> int | None:
    try:
        usage = response.json().get("usage") or {}
    except (ValueError, AttributeError):
        return None
    total = usage.get("total_tokens") if isinstance(usage, dict) else None
    return total if isinstance(total, int) else None


def _retry_after(response: httpx.Response) -> float | None:
    if response.status_code not in PAUSING_STATUS:
        return None
    seconds = retry_after_header(response.headers)
    return seconds or None  # none, or 0: nothing to pause for


def _settle(limiter: Limiter, response: httpx.Response, tokens: int) -> None:
    """After an answer: pause everyone on a Retry-After, give back the unused tokens (all
    of them for a refusal, which the server does not count)."""
    paused = _retry_after(response)
    if paused is not None:
        limiter.pause(paused)
    used = _used_tokens(response) if response.is_success else 0
    if used is not None:
        limiter.refund(tokens=tokens - used)


def _too_long(wait: float, request: httpx.Request) -> httpx.TimeoutException | None:
    left = time_left()
    if left is None or wait <= left:
        return None
    return httpx.PoolTimeout(
        f"the rate limit would hold this request {wait:.1f} s, more than the "
        f"{max(left, 0):.1f} s left of the call's time budget",
        request=request,
    )


class RateLimitTransport(httpx.BaseTransport):
    """Waits on ``limiter`` before each request, settles the tokens after it."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        limiter: Limiter,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inner, self.limiter, self.sleep = inner, limiter, sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        tokens = estimate_tokens(request)
        wait = self.limiter.reserve(tokens)
        if wait > 0:
            error = _too_long(wait, request)
            if error is not None:
                self.limiter.refund(requests=1, tokens=tokens)
                raise error
            self.sleep(wait)
        try:
            response = self.inner.handle_request(request)
        except httpx.TransportError:
            self.limiter.refund(tokens=tokens)  # nothing reached the model
            raise
        response.read()
        _settle(self.limiter, response, tokens)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncRateLimitTransport(httpx.AsyncBaseTransport):
    """The async twin; the limiter's calls run in a worker thread (Redis is a socket)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, limiter: Limiter) -> None:
        self.inner, self.limiter = inner, limiter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        tokens = estimate_tokens(request)
        wait = await asyncio.to_thread(self.limiter.reserve, tokens)
        if wait > 0:
            error = _too_long(wait, request)
            if error is not None:
                await asyncio.to_thread(self.limiter.refund, requests=1, tokens=tokens)
                raise error
            await asyncio.sleep(wait)
        try:
            response = await self.inner.handle_async_request(request)
        except httpx.TransportError:
            await asyncio.to_thread(self.limiter.refund, tokens=tokens)
            raise
        await response.aread()
        await asyncio.to_thread(_settle, self.limiter, response, tokens)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
