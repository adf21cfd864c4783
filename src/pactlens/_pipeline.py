"""The pipeline: clean → prepare → instructor → ground/assemble → ArticleSummary.

The only layer that talks to a model. A :class:`Summariser` owns its clients
(:class:`~pactlens.backend.clients.Clients`, built lazily, so a cache hit never starts a
server or opens a connection), the cache and the retry policy.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import instructor
import openai
import tenacity
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException

from pactlens import _judge, _windowed
from pactlens._batch import ArticleInput, Ledger, Result, asummarise_many, summarise_many
from pactlens._cache import SummaryCache, cache_key, open_cache
from pactlens._config import LOCAL_CONTEXT_TOKENS, Config
from pactlens._errors import ConfigError, ExtractionError, InputError, LLMError
from pactlens._extraction import Extraction, schema_hash
from pactlens._models import SCHEMA_VERSION, Article, ArticleSummary, Meta, Usage
from pactlens._prompts import load_prompt
from pactlens._version import __version__
from pactlens.backend.clients import MODES, Clients
from pactlens.backend.deadline import budget, time_left
from pactlens.backend.errors import cut_off, describe, llm_error, unwrap, wrong_tool
from pactlens.backend.retry import async_retrying, retrying
from pactlens.grounding import Prepared, assemble, prepare
from pactlens.grounding.windows import merge
from pactlens.text import clean

__all__ = ["Summariser", "asummarise", "summarise"]

log = logging.getLogger("pactlens")

#: A conservative characters-per-token ratio for English news under Qwen's tokenizer
#: (about 4 in practice): errs towards refusing early over failing in the server.
_CHARS_PER_TOKEN = 3.2


class _Counter:
    """Counts requests and retries of one summarisation through instructor's hooks."""

    def __init__(self) -> None:
        self.requests = 0
        self.retries = 0
        self.hooks = instructor.hooks.Hooks()
        self.hooks.on("completion:kwargs", self._sent)

    def _sent(self, *_args: Any, **_kwargs: Any) -> None:
        self.requests += 1

    def retried(self, state: tenacity.RetryCallState) -> None:
        self.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        log.warning("pactlens: retrying after %s (attempt %d)", describe(exc), state.attempt_number)


@dataclass(frozen=True)
class _Job:
    """One article on its way to the model."""

    key: str
    prepared: Prepared
    counter: _Counter
    kwargs: dict[str, Any]
    started: float
    prepared_at: float
    refused: InputError | None = None  # set when the article cannot be sent at all
    #: For an article longer than the context: one request's kwargs per window.
    windows: list[dict[str, Any]] | None = None


class Summariser:
    """Summarises articles with one configuration, reusing clients and cache.

    ``client`` accepts a ready ``openai.OpenAI`` or ``openai.AsyncOpenAI`` (Azure, a
    proxy, a test client with a mock transport); its own retries are switched off, as
    pactlens retries. ``sleep``/``asleep`` replace the waits between retries (tests).
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        client: openai.OpenAI | openai.AsyncOpenAI | None = None,
        sleep: Callable[[float], None] = time.sleep,
        asleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.config = config if config is not None else Config.from_env()
        if client is not None and self.config.backend == "local":
            raise ConfigError("backend='local' serves its own model: do not pass a client")
        self._sleep = sleep
        self._asleep = asleep
        self._lock = threading.Lock()
        self._cache: SummaryCache | None = None
        self.prompt = load_prompt("extract")
        self.backend = "openai" if client is not None else self.config.resolved_backend
        if client is None and self.config.backend == "auto" and self.backend == "local":
            log.info(
                "pactlens: no OPENAI_API_KEY or OPENAI_BASE_URL set: using the embedded "
                "local model (Config(backend=...) or the environment decide otherwise)"
            )
        self.mode = MODES.get(self.config.mode) or (
            instructor.Mode.JSON_SCHEMA if self.backend == "local" else instructor.Mode.TOOLS
        )
        self.model = self.config.resolved_model
        self.timeout = self.config.timeout or (600.0 if self.backend == "local" else 120.0)
        self._clients = Clients(
            self.config, backend=self.backend, mode=self.mode, timeout=self.timeout, client=client
        )

    # -- public ----------------------------------------------------------------------

    def summarise(self, article: str | Article) -> ArticleSummary:
        job = self._start(article)
        if isinstance(job, ArticleSummary):
            return job
        if job.refused is not None:
            return self._partial(job, job.refused)
        if job.windows is not None:
            done = _windowed.run(job.windows, self._ask_window, self.cache, self._window_key)
            return self._finish_windows(job, done)
        try:
            with budget(self._budget):
                for attempt in retrying(
                    self.config.retry, sleep=self._sleep, before_sleep=job.counter.retried
                ):
                    with attempt:
                        result = self._create(self._attempt(job))
        except (openai.APIError, openai.APIConnectionError) as e:
            raise self._gave_up(e, job) from e
        except ExtractionError as e:
            return self._partial(job, e)
        return self._finish(job, result)

    async def asummarise(self, article: str | Article) -> ArticleSummary:
        if isinstance(self._clients.given, openai.OpenAI):
            return await asyncio.to_thread(self.summarise, article)
        job = self._start(article)
        if isinstance(job, ArticleSummary):
            return job
        if job.refused is not None:
            return self._partial(job, job.refused)
        if job.windows is not None:
            done = await _windowed.arun(
                job.windows, self._aask_window, self.cache, self._window_key
            )
            return self._finish_windows(job, done)
        try:
            with budget(self._budget):
                async for attempt in async_retrying(
                    self.config.retry, sleep=self._asleep, before_sleep=job.counter.retried
                ):
                    with attempt:
                        result = await self._acreate(self._attempt(job))
        except (openai.APIError, openai.APIConnectionError) as e:
            raise self._gave_up(e, job) from e
        except ExtractionError as e:
            return self._partial(job, e)
        return self._finish(job, result)

    def summarise_many(
        self,
        articles: Iterable[ArticleInput],
        *,
        concurrency: int = 8,
        progress: bool | None = None,
        ledger: Ledger | None = None,
    ) -> Iterator[Result]:
        """Summarise many articles, at most ``concurrency`` at a time, yielding a
        :class:`Result` per article as each finishes; failures never raise (see
        ``Result.ok``). Texts, Articles, paths or ``(id, text)`` pairs, read lazily."""
        return summarise_many(
            self, articles, concurrency=concurrency, progress=progress, ledger=ledger
        )

    def asummarise_many(
        self,
        articles: Iterable[ArticleInput] | AsyncIterable[ArticleInput],
        *,
        concurrency: int = 8,
        progress: bool | None = None,
        ledger: Ledger | None = None,
    ) -> AsyncIterator[Result]:
        """The async twin of :meth:`summarise_many` (``async for result in ...``)."""
        return asummarise_many(
            self, articles, concurrency=concurrency, progress=progress, ledger=ledger
        )

    def same_agreement(self, first: str, second: str) -> bool | None:
        """Whether two agreement mentions (a line each) are one agreement: the question
        :mod:`pactlens.tracking` asks where its rules are unsure. Cached; None when the
        model is unsure or cannot be asked (logged: the tracker then keeps them apart)."""
        return _judge.ask(self.cache, self._ask_question, self.model, self.config, first, second)

    def _ask_question(self, messages: list[dict[str, str]]) -> _judge.SameAgreement:
        with budget(self._budget):
            for attempt in retrying(self.config.retry, sleep=self._sleep):
                with attempt:
                    answer = self._ask(messages)
        return answer

    def _ask(self, messages: list[dict[str, str]]) -> _judge.SameAgreement:
        try:
            answer: _judge.SameAgreement = self._clients.sync().chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                response_model=_judge.SameAgreement,
                max_retries=1,
                temperature=self.config.temperature,
                max_tokens=_judge.MAX_TOKENS,
                timeout=self.timeout,
            )
        except InstructorRetryException as e:
            raise unwrap(e) from e
        return answer

    def clean(self, article: str | Article) -> Article:
        if isinstance(article, Article):
            return article
        return clean(article, max_chars=self.config.max_chars)

    def cache_key(self, article: Article) -> str:
        return cache_key(
            article=article.model_dump(mode="json", exclude={"removed"}),
            model=self.model,
            endpoint=self._clients.endpoint,
            temperature=self.config.temperature,
            max_output_tokens=self.config.max_output_tokens,
            mode=self.mode.value,
            prompt=[self.prompt.name, self.prompt.version],
            schema=[SCHEMA_VERSION, schema_hash(Extraction)],
            pactlens=__version__,
        )

    def close(self) -> None:
        """Close the cache and the clients this Summariser created (not one passed in)."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        self._clients.close()

    async def aclose(self) -> None:
        """Like :meth:`close`, and also closes an async client this Summariser created."""
        await self._clients.aclose()
        self.close()

    async def __aenter__(self) -> Summariser:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __enter__(self) -> Summariser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------

    @property
    def cache(self) -> SummaryCache | None:
        if not self.config.cache:
            return None
        with self._lock:
            if self._cache is None:
                self._cache = open_cache(self.config)
            return self._cache

    def _start(self, article: str | Article) -> ArticleSummary | _Job:
        """The cached summary, or everything needed to ask the model for one."""
        started = time.perf_counter()
        cleaned, key, hit = self._lookup(article)
        if hit is not None:
            return hit
        prepared = prepare(cleaned)
        counter = _Counter()
        kwargs = self._request(prepared, counter)
        windows, refused = None, None
        if not self._fits(kwargs["messages"]):
            windows = self._windows(prepared, counter, kwargs)
            refused = None if windows else self._too_long(kwargs["messages"])
        return _Job(key, prepared, counter, kwargs, started, time.perf_counter(), refused, windows)

    @property
    def _context(self) -> int | None:
        """The model's context in tokens: set, the embedded model's, or unbounded."""
        if self.config.context_tokens is not None:
            return self.config.context_tokens
        return LOCAL_CONTEXT_TOKENS if self.backend == "local" else None

    def _fits(self, messages: list[dict[str, str]]) -> bool:
        chars = sum(len(m["content"]) for m in messages)
        context = self._context
        return (
            context is None or chars / _CHARS_PER_TOKEN + self.config.max_output_tokens <= context
        )

    def _windows(
        self, prepared: Prepared, counter: _Counter, whole: dict[str, Any]
    ) -> list[dict[str, Any]] | None:
        """One request per window that fits the context, or None (see :mod:`._windowed`)."""
        del counter  # the windows share the whole article's, through whole["hooks"]
        context = self._context
        assert context is not None  # only asked when something does not fit
        room = int((context - self.config.max_output_tokens) * _CHARS_PER_TOKEN)
        return _windowed.requests(self.prompt, prepared, whole, room, self._fits)

    def _too_long(self, messages: list[dict[str, str]]) -> InputError:
        estimate = int(sum(len(m["content"]) for m in messages) / _CHARS_PER_TOKEN)
        return _windowed.too_long(estimate, self._context or 0, self.config.max_output_tokens)

    def _window_key(self, kwargs: dict[str, Any]) -> str:
        return _windowed.key(kwargs["messages"], self.model, self.config, schema_hash(Extraction))

    def _ask_window(self, kwargs: dict[str, Any]) -> tuple[Extraction, Any]:
        with budget(self._budget):
            for attempt in retrying(self.config.retry, sleep=self._sleep):
                with attempt:
                    result = self._create(self._timed(kwargs))
        return result

    async def _aask_window(self, kwargs: dict[str, Any]) -> tuple[Extraction, Any]:
        with budget(self._budget):
            async for attempt in async_retrying(self.config.retry, sleep=self._asleep):
                with attempt:
                    result = await self._acreate(self._timed(kwargs))
        return result

    def _finish_windows(self, job: _Job, done: _windowed.Windowed) -> ArticleSummary:
        assert job.windows is not None
        if not done.answers and not self.config.allow_partial:
            raise LLMError(f"every window of the article failed: {done.failed[0][1]}")
        built = self._build(job, merge(done.answers), None, time.perf_counter())
        summary = _windowed.finish(built, len(job.windows), done)
        cache = self.cache
        if cache is not None and not summary.meta.partial:
            cache.set(job.key, summary)
        return summary

    def _partial(self, job: _Job, error: ExtractionError | InputError) -> ArticleSummary:
        """What pactlens finds without the model, flagged; or the error, if so configured."""
        if not self.config.allow_partial:
            raise error
        log.warning("pactlens: returning a partial summary: %s", error)
        summary = self._build(job, Extraction.empty(), None, time.perf_counter())
        meta = summary.meta.model_copy(
            update={"partial": True, "warnings": [*summary.meta.warnings, str(error)]}
        )
        return summary.model_copy(update={"meta": meta})

    def _lookup(self, article: str | Article) -> tuple[Article, str, ArticleSummary | None]:
        cleaned = self.clean(article)
        key = self.cache_key(cleaned)
        cache = self.cache
        # The entry must be this article's: a swapped or planted entry is a miss.
        hit = cache.get(key, text=cleaned.text) if cache is not None else None
        return cleaned, key, hit

    def _request(self, prepared: Prepared, counter: _Counter) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": self.prompt.render(**self.prompt.variables_for(prepared)),
            "response_model": Extraction,
            "max_retries": self.config.max_reasks,
            "temperature": self.config.temperature,
            "max_tokens": self.config.max_output_tokens,
            "hooks": counter.hooks,
        }

    def _gave_up(self, e: BaseException, job: _Job) -> LLMError:
        attempts = job.counter.retries + 1
        return llm_error(e, self._clients.where, attempts, local=self.backend == "local")

    @property
    def _budget(self) -> float:
        """Seconds one summarisation may take in all: the retry budget, or one request's
        timeout where that is longer (the embedded model's 600 s on a slow machine)."""
        return max(self.config.retry.max_total, self.timeout)

    def _attempt(self, job: _Job) -> dict[str, Any]:
        return self._timed(job.kwargs)

    def _timed(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The request for one attempt: its timeout cut to what is left of the budget."""
        left = time_left()
        timeout = self.timeout if left is None else max(0.001, min(self.timeout, left))
        return {**kwargs, "timeout": timeout}

    def _create(self, kwargs: dict[str, Any]) -> tuple[Extraction, Any]:
        client = self._clients.sync()
        try:
            return self._checked(client.chat.completions.create_with_completion(**kwargs))
        except IncompleteOutputException as e:
            raise cut_off(e, kwargs["max_tokens"]) from e
        except InstructorRetryException as e:
            raise unwrap(e) from e

    async def _acreate(self, kwargs: dict[str, Any]) -> tuple[Extraction, Any]:
        client = self._clients.async_()
        try:
            return self._checked(await client.chat.completions.create_with_completion(**kwargs))
        except IncompleteOutputException as e:
            raise cut_off(e, kwargs["max_tokens"]) from e
        except InstructorRetryException as e:
            raise unwrap(e) from e

    def _checked(self, result: tuple[Extraction, Any]) -> tuple[Extraction, Any]:
        """instructor reads a tool call's arguments whatever the tool's name: refuse others."""
        if self.mode == instructor.Mode.TOOLS and (error := wrong_tool(result[1], "Extraction")):
            raise error
        return result

    def _finish(self, job: _Job, result: tuple[Extraction, Any]) -> ArticleSummary:
        extraction, completion = result
        summary = self._build(job, extraction, completion, time.perf_counter())
        cache = self.cache
        if cache is not None:
            cache.set(job.key, summary)
        return summary

    def _build(
        self, job: _Job, extraction: Extraction, completion: Any, answered: float
    ) -> ArticleSummary:
        built = assemble(job.prepared, extraction)
        usage = getattr(completion, "usage", None)
        article = job.prepared.article
        meta = Meta(
            model=self.model,
            backend=self.backend,
            prompt_version=self.prompt.version,
            pactlens_version=__version__,
            usage=Usage(
                prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
                completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
                requests=job.counter.requests,
                retries=job.counter.retries,
            ),
            grounding=built.report,
            warnings=built.warnings,
            timings={
                "prepare": round(job.prepared_at - job.started, 4),
                "llm": round(answered - job.prepared_at, 4),
                "assemble": round(time.perf_counter() - answered, 4),
                "total": round(time.perf_counter() - job.started, 4),
            },
        )
        return built.to_summary(article, meta)


_default: dict[Config, Summariser] = {}
_default_lock = threading.Lock()


def _summariser(config: Config | None) -> Summariser:
    config = config if config is not None else Config.from_env()
    with _default_lock:
        if config not in _default:
            _default[config] = Summariser(config)
        return _default[config]


def summarise(article: str | Article, *, config: Config | None = None) -> ArticleSummary:
    """Summarise one article (raw text, HTML or a cleaned :class:`Article`)."""
    return _summariser(config).summarise(article)


async def asummarise(article: str | Article, *, config: Config | None = None) -> ArticleSummary:
    """The async twin of :func:`summarise`."""
    return await _summariser(config).asummarise(article)
