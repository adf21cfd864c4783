"""Retrying transport failures: one tenacity layer, bounded, honouring Retry-After.

Only failures worth repeating are retried: connection errors, timeouts, 408, 409, 429
and 5xx. Validation failures are instructor's business (re-asks), and a 400 or 401 is
final. The OpenAI SDK's own retries are switched off by the pipeline so that the two
layers do not multiply.

``RetryPolicy.max_total`` is a budget for the whole call: a wait is cut to the time left,
and no attempt starts when the time left could not even cover the wait before it. (Each
attempt is itself held to the time left by the pipeline's per-request timeout and
:class:`~pactlens.backend.deadline.DeadlineTransport`.)
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
import openai
import tenacity

from pactlens._config import RetryPolicy

__all__ = ["async_retrying", "is_retryable", "retry_after", "retry_after_header", "retrying"]

RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500
    return isinstance(exc, (openai.APIConnectionError, httpx.TransportError))


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait, from ``Retry-After`` (seconds or a date)."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    return retry_after_header(exc.response.headers)


def retry_after_header(headers: Mapping[str, str]) -> float | None:
    """The ``Retry-After`` header in seconds from now (it may be seconds or a date)."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (ValueError, TypeError, IndexError):  # "soon", "", a date with no zone
            return None
        seconds = parsed.timestamp() - time.time()
    return None if math.isnan(seconds) else max(0.0, seconds)


def _least_wait(policy: RetryPolicy, state: tenacity.RetryCallState) -> float:
    """The wait before the next attempt, jitter left out."""
    exc = state.outcome.exception() if state.outcome else None
    asked = retry_after(exc)
    if asked is not None:
        return min(asked, policy.max_wait)
    backoff: float = policy.initial_wait * 2 ** (state.attempt_number - 1)
    return min(backoff, policy.max_wait)


def _time_left(policy: RetryPolicy, state: tenacity.RetryCallState) -> float:
    return policy.max_total - (state.seconds_since_start or 0.0)


def _wait(policy: RetryPolicy, rng: random.Random) -> Callable[[tenacity.RetryCallState], float]:
    def wait(state: tenacity.RetryCallState) -> float:
        least = _least_wait(policy, state)
        exc = state.outcome.exception() if state.outcome else None
        jitter = 0.0 if retry_after(exc) is not None else rng.uniform(0, policy.jitter)
        return max(0.0, min(least + jitter, _time_left(policy, state)))

    return wait


def _stop(policy: RetryPolicy) -> Callable[[tenacity.RetryCallState], bool]:
    """Stop after ``max_attempts``, or when waiting would use up what is left of the budget."""

    def stop(state: tenacity.RetryCallState) -> bool:
        if state.attempt_number >= policy.max_attempts:
            return True
        return _time_left(policy, state) <= _least_wait(policy, state)

    return stop


def _kwargs(
    policy: RetryPolicy, before_sleep: Callable[[tenacity.RetryCallState], Any] | None
) -> dict[str, Any]:
    return {
        "stop": _stop(policy),
        "wait": _wait(policy, random.Random()),
        "retry": tenacity.retry_if_exception(is_retryable),
        "reraise": True,
        "before_sleep": before_sleep,
    }


def retrying(
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    before_sleep: Callable[[tenacity.RetryCallState], Any] | None = None,
) -> tenacity.Retrying:
    return tenacity.Retrying(sleep=sleep, **_kwargs(policy, before_sleep))


def async_retrying(
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    before_sleep: Callable[[tenacity.RetryCallState], Any] | None = None,
) -> tenacity.AsyncRetrying:
    extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
    return tenacity.AsyncRetrying(**extra, **_kwargs(policy, before_sleep))
