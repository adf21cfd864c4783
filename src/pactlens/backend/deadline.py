"""Deadlines for httpx: a request's timeout bounds the whole request, and a call's
budget bounds every request made within it.

httpx's timeouts limit each read, so a server that sends its headers and then one byte a
second keeps a call alive forever. :class:`DeadlineTransport` (and its async twin) holds
each request to its timeout as a whole, and to the budget set with :func:`budget` (the
pipeline sets ``RetryPolicy.max_total`` around a summarisation, re-asks and retries
included): the request's timeouts are cut to the time left before it is sent, and
:class:`httpx.ReadTimeout` is raised once the body is still arriving past the deadline.
The SDK turns that into ``APITimeoutError``, which is retried while the budget lasts.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import AsyncIterator, Iterator

import httpx

__all__ = ["AsyncDeadlineTransport", "DeadlineTransport", "budget", "time_left"]

_BUDGET_END: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "pactlens_budget_end", default=None
)


@contextlib.contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Every request made inside (this thread or task) ends within ``seconds`` from now."""
    token = _BUDGET_END.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _BUDGET_END.reset(token)


def time_left() -> float | None:
    """Seconds left in the current :func:`budget`, or None outside one."""
    end = _BUDGET_END.get()
    return None if end is None else end - time.monotonic()


def _deadline(request: httpx.Request) -> float | None:
    """The request's deadline; its timeouts are cut to the budget's time left."""
    timeout = dict(request.extensions.get("timeout") or {})
    seconds = [v for v in timeout.values() if isinstance(v, (int, float))]
    ends = [time.monotonic() + max(seconds)] if seconds else []
    left = time_left()
    if left is not None:
        if left <= 0:
            raise httpx.ConnectTimeout("the call's time budget is spent", request=request)
        ends.append(time.monotonic() + left)
        request.extensions["timeout"] = {
            k: left if v is None else min(v, left) for k, v in timeout.items()
        } or dict.fromkeys(("connect", "read", "write", "pool"), left)
    return min(ends) if ends else None


def _late(request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout("the response was still arriving at the deadline", request=request)


class _Stream(httpx.SyncByteStream):
    def __init__(
        self, inner: httpx.SyncByteStream, request: httpx.Request, deadline: float
    ) -> None:
        self._inner, self._request, self._deadline = inner, request, deadline

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise _late(self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncStream(httpx.AsyncByteStream):
    def __init__(
        self, inner: httpx.AsyncByteStream, request: httpx.Request, deadline: float
    ) -> None:
        self._inner, self._request, self._deadline = inner, request, deadline

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise _late(self._request)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class DeadlineTransport(httpx.BaseTransport):
    """Wraps a transport (default: a plain :class:`httpx.HTTPTransport`)."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self._inner = inner if inner is not None else httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = _deadline(request)
        response = self._inner.handle_request(request)
        if deadline is None:
            return response
        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Stream(response.stream, request, deadline),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._inner.close()


class AsyncDeadlineTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`DeadlineTransport`."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._inner = inner if inner is not None else httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        deadline = _deadline(request)
        response = await self._inner.handle_async_request(request)
        if deadline is None:
            return response
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_AsyncStream(response.stream, request, deadline),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()
