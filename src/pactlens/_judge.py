"""The model's one question for the tracker: are these two mentions the same agreement?

Its prompt, cache key and answer; :meth:`pactlens.Summariser.same_agreement` asks it.
Asked only where :func:`pactlens.grounding.identity.compare` is unsure, constrained to
three answers, cached beside the summaries (same folder, its own keys) and retried like
every request. A failure is an unsure answer, never an error: the tracker then keeps the
two apart, which loses no evidence.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

import openai
from instructor.core.exceptions import IncompleteOutputException
from pydantic import BaseModel

from pactlens._cache import cache_key
from pactlens._errors import PactlensError
from pactlens._prompts import load_prompt
from pactlens._version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

    from pactlens._cache import SummaryCache
    from pactlens._config import Config

log = logging.getLogger("pactlens")

__all__ = ["MAX_TOKENS", "SameAgreement", "ask", "question", "verdict"]

#: Longest a description may be; a mention is one line and a sentence.
_MAX_CHARS = 1_000
#: Enough for {"answer": "different"} and nothing more.
MAX_TOKENS = 24


class SameAgreement(BaseModel):
    answer: Literal["same", "different", "unsure"]


def question(model: str, temperature: float, first: str, second: str) -> tuple[str, Any]:
    """The cache key and the chat messages of one question."""
    prompt = load_prompt("same_agreement")
    first, second = first[:_MAX_CHARS], second[:_MAX_CHARS]
    key = "same:" + cache_key(
        first=first,
        second=second,
        model=model,
        prompt=prompt.version,
        temperature=temperature,
        pactlens=__version__,
    )
    return key, prompt.render(first=first, second=second)


def verdict(answer: str) -> bool | None:
    """ "same" -> True, "different" -> False, anything else -> None."""
    return {"same": True, "different": False}.get(answer)


def ask(
    cache: SummaryCache | None,
    call: Callable[[list[dict[str, str]]], SameAgreement],
    model: str,
    config: Config,
    first: str,
    second: str,
) -> bool | None:
    """The cached answer, else ``call``'s (retried there); None when it fails."""
    key, messages = question(model, config.temperature, first, second)
    if cache is not None and (hit := cache.get_text(key)) is not None:
        return verdict(hit)
    try:
        answer = call(messages)
    except (openai.OpenAIError, PactlensError, IncompleteOutputException) as e:
        log.warning("pactlens: could not ask whether two agreements are one (%s)", e)
        return None
    if cache is not None:
        cache.set_text(key, answer.answer)
    return verdict(answer.answer)
