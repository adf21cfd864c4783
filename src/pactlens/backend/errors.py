"""What went wrong in a call, in pactlens's terms: instructor's and the SDK's exceptions
translated into :class:`~pactlens.ExtractionError` and :class:`~pactlens.LLMError`."""

from __future__ import annotations

from typing import Any

import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException

from pactlens._errors import ExtractionError, LLMError
from pactlens.backend.retry import is_retryable

__all__ = ["cut_off", "describe", "llm_error", "raw_output", "unwrap"]


def describe(exc: BaseException | None) -> str:
    """``HTTP 503``, ``APITimeoutError``: a failure in a few words."""
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return type(exc).__name__ if exc else "an error"


def raw_output(completion: Any) -> str | None:
    """The text the model answered with, when a completion has one."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    if getattr(message, "tool_calls", None):
        return str(message.tool_calls[0].function.arguments)
    return None if message.content is None else str(message.content)


def cut_off(exc: IncompleteOutputException, max_tokens: int) -> ExtractionError:
    """An answer stopped at ``max_tokens``."""
    return ExtractionError(
        f"the model's answer was cut off at max_output_tokens={max_tokens} (a small model "
        "may be repeating itself): raise Config(max_output_tokens=...) or use a larger model",
        attempts=1,
        last_output=raw_output(getattr(exc, "last_completion", None)),
    )


def unwrap(exc: InstructorRetryException) -> BaseException:
    """instructor wraps transport errors too; give tenacity and callers the real one."""
    cause = exc.__cause__
    if isinstance(cause, (openai.APIError, openai.APIConnectionError)) or is_retryable(
        cause or exc
    ):
        return cause or exc
    last = raw_output(exc.last_completion)
    hint = ""
    if last is not None and len(last) > 0 and not last.rstrip().endswith("}"):
        hint = " (the output looks cut off: raise Config(max_output_tokens=...))"
    return ExtractionError(
        f"the model gave no valid answer in {exc.n_attempts} attempt(s){hint}: {cause or exc}",
        attempts=exc.n_attempts,
        last_output=last,
    )


def llm_error(exc: BaseException, where: str, attempts: int) -> LLMError:
    """The error a call ends with once retrying is over (or was never an option)."""
    what = "gave up after retrying" if is_retryable(exc) else "refused the request"
    return LLMError(f"{where} {what}: {describe(exc)}: {exc}", original=exc, attempts=attempts)
