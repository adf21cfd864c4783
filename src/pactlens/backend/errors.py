"""What went wrong in a call, in pactlens's terms: instructor's and the SDK's exceptions
translated into :class:`~pactlens.ExtractionError` and :class:`~pactlens.LLMError`."""

from __future__ import annotations

from typing import Any

import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException

from pactlens._errors import ExtractionError, LLMError
from pactlens.backend.retry import is_retryable

__all__ = ["cut_off", "describe", "llm_error", "raw_output", "unwrap", "wrong_tool"]


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
    if exc.last_completion is not None and not getattr(exc.last_completion, "choices", None):
        return ExtractionError(
            "the server answered with no choices (an empty `choices` list): it produced no "
            "answer at all; check the endpoint and the model name",
            attempts=exc.n_attempts,
            last_output=None,
        )
    last = raw_output(exc.last_completion)
    hint = ""
    if last is not None and len(last) > 0 and not last.rstrip().endswith("}"):
        hint = " (the output looks cut off: raise Config(max_output_tokens=...))"
    return ExtractionError(
        f"the model gave no valid answer in {exc.n_attempts} attempt(s){hint}: {cause or exc}",
        attempts=exc.n_attempts,
        last_output=last,
    )


def wrong_tool(completion: Any, expected: str) -> ExtractionError | None:
    """An error when the model called a tool other than ``expected`` (TOOLS mode)."""
    try:
        calls = completion.choices[0].message.tool_calls or []
    except (AttributeError, IndexError, TypeError):
        return None
    names = [getattr(call.function, "name", None) for call in calls]
    if not names or names == [expected]:
        return None
    return ExtractionError(
        f"the model called {', '.join(map(repr, names))} instead of the {expected!r} tool: "
        "its arguments were not used",
        attempts=1,
        last_output=raw_output(completion),
    )


#: What to do when the embedded model is too slow to answer in time.
LOCAL_TIMEOUT_HINT = (
    "the embedded model did not answer in time: this machine may be busy (another "
    "CPU-bound process slows it several times over). Try Config(threads=1) or "
    "PACTLENS_THREADS=1, a larger Config(timeout=...) and RetryPolicy(max_total=...), or "
    "an endpoint (Config(base_url=...))"
)


def llm_error(exc: BaseException, where: str, attempts: int, *, local: bool = False) -> LLMError:
    """The error a call ends with once retrying is over (or was never an option)."""
    what = "gave up after retrying" if is_retryable(exc) else "refused the request"
    message = f"{where} {what}: {describe(exc)}: {exc}"
    if local and isinstance(exc, openai.APITimeoutError):
        message += f"; {LOCAL_TIMEOUT_HINT}"
    return LLMError(message, original=exc, attempts=attempts)
