"""Retrying transport failures: one tenacity layer, bounded, honouring Retry-After.

Only failures worth repeating are retried: connection errors, timeouts, 408, 409, 429
and 5xx. Validation failures are instructor's business (re-asks), and a 400 or 401 is
final. The OpenAI SDK's own retries are switched off by the pipeline so that the two
layers do not multiply.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import openai
import tenacity

from pactlens._config import RetryPolicy

__all__ = ["async_retrying", "is_retryable", "retry_after", "retrying"]

RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500
    return isinstance(exc, (openai.APIConnectionError, httpx.TransportError))


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait, from ``Retry-After`` (seconds or a date)."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    value = exc.response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


def _wait(policy: RetryPolicy, rng: random.Random) -> Callable[[tenacity.RetryCallState], float]:
    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after(exc)
        if asked is not None:
            return min(asked, policy.max_wait)
        backoff: float = policy.initial_wait * 2 ** (state.attempt_number - 1)
        return min(backoff, policy.max_wait) + rng.uniform(0, policy.jitter)

    return wait


def _kwargs(
    policy: RetryPolicy, before_sleep: Callable[[tenacity.RetryCallState], Any] | None
) -> dict[str, Any]:
    return {
        "stop": tenacity.stop_after_attempt(policy.max_attempts)
        | tenacity.stop_after_delay(policy.max_total),
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
