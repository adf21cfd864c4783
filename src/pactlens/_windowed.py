"""Asking the model about a long article one window at a time.

:mod:`pactlens.grounding.windows` plans the windows and merges the answers; this module
runs them: each window's answer is cached on its own (keyed by that window's messages,
so an edit late in a long article re-asks only the windows it touches), a window that
fails is recorded and the others go on (the summary is then partial, never lost), and
in the async path the windows of one article are asked concurrently, a few at a time.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import openai
from pydantic import ValidationError

from pactlens._cache import cache_key
from pactlens._errors import InputError, PactlensError
from pactlens._extraction import Extraction
from pactlens._version import __version__
from pactlens.grounding.windows import plan

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from pactlens._cache import SummaryCache
    from pactlens._config import Config
    from pactlens._models import ArticleSummary
    from pactlens._prompts import Prompt
    from pactlens.grounding import Prepared

__all__ = [
    "CONCURRENCY",
    "MIN_WINDOW_CHARS",
    "Windowed",
    "arun",
    "finish",
    "key",
    "requests",
    "run",
    "too_long",
]

log = logging.getLogger("pactlens")

#: A window must hold at least this much article text, or windowing is no use.
MIN_WINDOW_CHARS = 2_000
#: Windows of one article in flight at once (async): enough to keep an endpoint busy,
#: few enough that one long article does not crowd out a batch.
CONCURRENCY = 4


@dataclass
class Windowed:
    """What the windows gave: their answers in order, the failed ones (number from 1,
    and why), and the tokens the answered ones cost."""

    answers: list[Extraction] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: int = 0

    def answered(self, extraction: Extraction, completion: Any) -> None:
        self.answers.append(extraction)
        usage = getattr(completion, "usage", None)
        self.prompt_tokens += getattr(usage, "prompt_tokens", 0) or 0
        self.completion_tokens += getattr(usage, "completion_tokens", 0) or 0


_FAILURES = (openai.APIError, openai.APIConnectionError, PactlensError)


def _hit(cache: SummaryCache | None, key: str) -> Extraction | None:
    text = cache.get_text(key) if cache is not None else None
    if text is None:
        return None
    try:
        return Extraction.model_validate_json(text)
    except ValidationError:
        return None  # a stale or damaged entry: ask again


def run(
    windows: list[dict[str, Any]],
    ask: Callable[[dict[str, Any]], tuple[Extraction, Any]],
    cache: SummaryCache | None,
    key_of: Callable[[dict[str, Any]], str],
) -> Windowed:
    """Ask each window in turn (``ask`` retries as a whole article's request would)."""
    out = Windowed()
    for number, kwargs in enumerate(windows, start=1):
        key = key_of(kwargs)
        hit = _hit(cache, key)
        if hit is not None:
            out.answers.append(hit)
            out.cached += 1
            continue
        try:
            extraction, completion = ask(kwargs)
        except _FAILURES as e:
            log.warning("pactlens: window %d of %d failed: %s", number, len(windows), e)
            out.failed.append((number, f"{type(e).__name__}: {e}"))
            continue
        out.answered(extraction, completion)
        if cache is not None:
            cache.set_text(key, extraction.model_dump_json())
    return out


async def arun(
    windows: list[dict[str, Any]],
    ask: Callable[[dict[str, Any]], Awaitable[tuple[Extraction, Any]]],
    cache: SummaryCache | None,
    key_of: Callable[[dict[str, Any]], str],
) -> Windowed:
    """Like :func:`run`, with up to :data:`CONCURRENCY` windows in flight."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(kwargs: dict[str, Any]) -> tuple[Extraction, Any, bool] | BaseException:
        hit = _hit(cache, key_of(kwargs))
        if hit is not None:
            return hit, None, True
        async with gate:
            try:
                extraction, completion = await ask(kwargs)
            except _FAILURES as e:
                return e
        return extraction, completion, False

    out = Windowed()
    results = await asyncio.gather(*(one(kwargs) for kwargs in windows))
    for number, (kwargs, result) in enumerate(zip(windows, results, strict=True), start=1):
        if isinstance(result, BaseException):
            log.warning("pactlens: window %d of %d failed: %s", number, len(windows), result)
            out.failed.append((number, f"{type(result).__name__}: {result}"))
            continue
        extraction, completion, cached = result
        if cached:
            out.answers.append(extraction)
            out.cached += 1
            continue
        out.answered(extraction, completion)
        if cache is not None:
            cache.set_text(key_of(kwargs), extraction.model_dump_json())
    return out


def requests(
    prompt: Prompt,
    prepared: Prepared,
    whole: dict[str, Any],
    room: int,
    fits: Callable[[list[dict[str, str]]], bool],
) -> list[dict[str, Any]] | None:
    """One request per window for an article whose whole request (``whole``) does not
    fit: ``room`` is the prompt's budget in characters. The instructions are taken from
    it first, a fifth is kept for the quotation and agreement lines of each window, and
    a window that still does not fit is halved. None when not even that helps."""
    empty = prompt.render(**prompt.variables_for(prepared, range(0)))
    budget = (room - sum(len(m["content"]) for m in empty)) * 4 // 5
    if budget < MIN_WINDOW_CHARS:
        return None
    out: list[dict[str, Any]] = []
    pending = list(reversed(plan(prepared, budget)))
    while pending:
        window = pending.pop()
        messages = prompt.render(**prompt.variables_for(prepared, window))
        if fits(messages):
            out.append({**whole, "messages": messages})
        elif len(window) > 1:
            half = window.start + len(window) // 2
            pending += [range(half, window.stop), range(window.start, half)]
        else:
            return None
    return out


def finish(summary: ArticleSummary, windows: int, done: Windowed) -> ArticleSummary:
    """The merged summary's meta: windows, failed ones (partial), and their tokens."""
    usage = summary.meta.usage.model_copy(
        update={"prompt_tokens": done.prompt_tokens, "completion_tokens": done.completion_tokens}
    )
    failed = [n for n, _ in done.failed]
    meta = summary.meta.model_copy(
        update={
            "usage": usage,
            "windows": windows,
            "failed_windows": failed,
            "partial": bool(failed),
            "warnings": [
                *summary.meta.warnings,
                *(f"window {n} of {windows} failed: {why}" for n, why in done.failed),
            ],
        }
    )
    return summary.model_copy(update={"meta": meta})


def key(messages: list[dict[str, str]], model: str, config: Config, schema: str) -> str:
    """A window's cache key: its own messages, so only windows an edit touches miss."""
    return "window:" + cache_key(
        messages=messages,
        model=model,
        temperature=config.temperature,
        max_tokens=config.max_output_tokens,
        schema=schema,
        pactlens=__version__,
    )


def too_long(estimate: int, context: int, answer: int) -> InputError:
    return InputError(
        f"this article needs about {estimate:,} prompt tokens, and the model holds "
        f"{context:,} in all ({answer:,} kept for the answer), too few for even one "
        "window of it with its quotations: use an endpoint with a larger context "
        "(Config(base_url=..., model=...), Config(context_tokens=...))"
    )
