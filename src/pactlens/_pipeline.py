"""The pipeline: clean → prepare → instructor → ground/assemble → ArticleSummary.

The only layer that talks to a model. It owns the clients (built lazily, so a cache hit
never starts a server or opens a connection), the cache and the retry policy.
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

from pactlens._assemble import Prepared, assemble, prepare
from pactlens._batch import ArticleInput, Ledger, Result, asummarise_many, summarise_many
from pactlens._cache import SummaryCache, cache_key
from pactlens._clean import clean
from pactlens._config import LOCAL_CONTEXT_TOKENS, Config
from pactlens._errors import ConfigError, ExtractionError, InputError, LLMError
from pactlens._extraction import Extraction, schema_hash
from pactlens._models import SCHEMA_VERSION, Article, ArticleSummary, Meta, Usage
from pactlens._prompts import load_prompt
from pactlens._retry import async_retrying, is_retryable, retrying
from pactlens._version import __version__

__all__ = ["Summariser", "asummarise", "summarise"]

log = logging.getLogger("pactlens")

#: A conservative characters-per-token ratio for English news under Qwen's tokenizer
#: (about 4 in practice): errs towards refusing early over failing in the server.
_CHARS_PER_TOKEN = 3.2

_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
}


class _Counter:
    """Counts requests and retries of one summarisation through instructor's hooks."""

    def __init__(self) -> None:
        self.requests = 0
        self.retries = 0
        self.hooks = instructor.hooks.Hooks()
        self.hooks.on("completion:kwargs", self._sent)

    def _sent(self, *args: Any, **kwargs: Any) -> None:
        self.requests += 1

    def retried(self, state: tenacity.RetryCallState) -> None:
        self.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        log.warning(
            "pactlens: retrying after %s (attempt %d)", _describe(exc), state.attempt_number
        )


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


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return type(exc).__name__ if exc else "an error"


def _raw_output(completion: Any) -> str | None:
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    if getattr(message, "tool_calls", None):
        return str(message.tool_calls[0].function.arguments)
    return None if message.content is None else str(message.content)


def _cut_off(exc: IncompleteOutputException, max_tokens: int) -> ExtractionError:
    return ExtractionError(
        f"the model's answer was cut off at max_output_tokens={max_tokens} (a small model "
        "may be repeating itself): raise Config(max_output_tokens=...) or use a larger model",
        attempts=1,
        last_output=_raw_output(getattr(exc, "last_completion", None)),
    )


def _unwrap(exc: InstructorRetryException) -> BaseException:
    """instructor wraps transport errors too; give tenacity and callers the real one."""
    cause = exc.__cause__
    if isinstance(cause, (openai.APIError, openai.APIConnectionError)) or is_retryable(
        cause or exc
    ):
        return cause or exc
    last = _raw_output(exc.last_completion)
    hint = ""
    if last is not None and len(last) > 0 and not last.rstrip().endswith("}"):
        hint = " (the output looks cut off: raise Config(max_output_tokens=...))"
    return ExtractionError(
        f"the model gave no valid answer in {exc.n_attempts} attempt(s){hint}: {cause or exc}",
        attempts=exc.n_attempts,
        last_output=last,
    )


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
        self._user_client = client
        self._sleep = sleep
        self._asleep = asleep
        self._lock = threading.Lock()
        self._sync: instructor.Instructor | None = None
        self._async: instructor.AsyncInstructor | None = None
        self._clients: tuple[openai.OpenAI, openai.AsyncOpenAI] | None = None
        self._owned_sync: openai.OpenAI | None = None
        self._owned_async: openai.AsyncOpenAI | None = None
        self._cache: SummaryCache | None = None
        self.prompt = load_prompt("extract")
        self.backend = "openai" if client is not None else self.config.resolved_backend
        if client is None and self.config.backend == "auto" and self.backend == "local":
            log.info(
                "pactlens: no OPENAI_API_KEY or OPENAI_BASE_URL set: using the embedded "
                "local model (Config(backend=...) or the environment decide otherwise)"
            )
        self.mode = _MODES.get(self.config.mode) or (
            instructor.Mode.JSON_SCHEMA if self.backend == "local" else instructor.Mode.TOOLS
        )
        self.model = self.config.resolved_model
        self.timeout = self.config.timeout or (600.0 if self.backend == "local" else 120.0)

    # -- public ----------------------------------------------------------------------

    def summarise(self, article: str | Article) -> ArticleSummary:
        job = self._start(article)
        if isinstance(job, ArticleSummary):
            return job
        if job.refused is not None:
            return self._partial(job, job.refused)
        try:
            for attempt in retrying(
                self.config.retry, sleep=self._sleep, before_sleep=job.counter.retried
            ):
                with attempt:
                    result = self._create(job.kwargs)
        except (openai.APIError, openai.APIConnectionError) as e:
            raise self._llm_error(e, job.counter) from e
        except ExtractionError as e:
            return self._partial(job, e)
        return self._finish(job, result)

    async def asummarise(self, article: str | Article) -> ArticleSummary:
        if isinstance(self._user_client, openai.OpenAI):
            return await asyncio.to_thread(self.summarise, article)
        job = self._start(article)
        if isinstance(job, ArticleSummary):
            return job
        if job.refused is not None:
            return self._partial(job, job.refused)
        try:
            async for attempt in async_retrying(
                self.config.retry, sleep=self._asleep, before_sleep=job.counter.retried
            ):
                with attempt:
                    result = await self._acreate(job.kwargs)
        except (openai.APIError, openai.APIConnectionError) as e:
            raise self._llm_error(e, job.counter) from e
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

    def clean(self, article: str | Article) -> Article:
        if isinstance(article, Article):
            return article
        return clean(article, max_chars=self.config.max_chars)

    def cache_key(self, article: Article) -> str:
        return cache_key(
            article=article.model_dump(mode="json", exclude={"removed"}),
            model=self.model,
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
        if self._owned_sync is not None:
            self._owned_sync.close()
            self._owned_sync = None

    async def aclose(self) -> None:
        """Like :meth:`close`, and also closes an async client this Summariser created."""
        if self._owned_async is not None:
            await self._owned_async.close()
            self._owned_async = None
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
                self._cache = SummaryCache(self.config.resolved_cache_dir)
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
        refused = self._check_fits(kwargs["messages"]) if self.backend == "local" else None
        return _Job(key, prepared, counter, kwargs, started, time.perf_counter(), refused)

    def _check_fits(self, messages: list[dict[str, str]]) -> InputError | None:
        """Refuse, before starting anything, an article the local context cannot hold."""
        chars = sum(len(m["content"]) for m in messages)
        estimate = int(chars / _CHARS_PER_TOKEN)
        if estimate + self.config.max_output_tokens > LOCAL_CONTEXT_TOKENS:
            return InputError(
                f"this article needs about {estimate:,} prompt tokens, and the embedded model "
                f"holds {LOCAL_CONTEXT_TOKENS:,} in all ({self.config.max_output_tokens:,} "
                "kept for the answer): split the article, or use an endpoint with a larger "
                "context (Config(base_url=..., model=...))"
            )
        return None

    def _partial(self, job: _Job, error: ExtractionError | InputError) -> ArticleSummary:
        """What pactlens finds without the model, flagged; or the error, if so configured."""
        if not self.config.allow_partial:
            raise error
        log.warning("pactlens: returning a partial summary: %s", error)
        summary = self._build(job, Extraction.empty(), None, time.perf_counter())
        meta = summary.meta.model_copy(
            update={"partial": True, "warnings": [*summary.meta.warnings, str(error)]}
        )
        return summary.model_copy(update={"summary": "", "meta": meta})

    def _lookup(self, article: str | Article) -> tuple[Article, str, ArticleSummary | None]:
        cleaned = self.clean(article)
        key = self.cache_key(cleaned)
        cache = self.cache
        return cleaned, key, cache.get(key) if cache is not None else None

    def _request(self, prepared: Prepared, counter: _Counter) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": self.prompt.render(**prepared.prompt_variables()),
            "response_model": Extraction,
            "max_retries": self.config.max_reasks,
            "temperature": self.config.temperature,
            "max_tokens": self.config.max_output_tokens,
            "hooks": counter.hooks,
        }

    def _create(self, kwargs: dict[str, Any]) -> tuple[Extraction, Any]:
        client = self._sync_client()
        try:
            return client.chat.completions.create_with_completion(**kwargs)
        except IncompleteOutputException as e:
            raise _cut_off(e, kwargs["max_tokens"]) from e
        except InstructorRetryException as e:
            raise _unwrap(e) from e

    async def _acreate(self, kwargs: dict[str, Any]) -> tuple[Extraction, Any]:
        client = self._async_client()
        try:
            return await client.chat.completions.create_with_completion(**kwargs)
        except IncompleteOutputException as e:
            raise _cut_off(e, kwargs["max_tokens"]) from e
        except InstructorRetryException as e:
            raise _unwrap(e) from e

    def _llm_error(self, e: BaseException, counter: _Counter) -> LLMError:
        where = self.config.base_url or (
            "the local model server" if self.backend == "local" else "the OpenAI API"
        )
        what = "gave up after retrying" if is_retryable(e) else "refused the request"
        return LLMError(
            f"{where} {what}: {_describe(e)}: {e}", original=e, attempts=counter.retries + 1
        )

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

    def _openai_kwargs(self) -> dict[str, Any]:
        key = self.config.api_key.get_secret_value() if self.config.api_key else None
        if key is None and self.config.base_url is None:
            raise ConfigError("the openai backend needs OPENAI_API_KEY or a base_url")
        return {
            "api_key": key or "not-needed",
            "base_url": self.config.base_url,
            "max_retries": 0,
            "timeout": self.timeout,
        }

    def _sync_client(self) -> instructor.Instructor:
        with self._lock:
            if self._sync is None:
                raw = self._user_client
                if isinstance(raw, openai.AsyncOpenAI):
                    raise ConfigError(
                        "this Summariser was given an AsyncOpenAI client: "
                        "use `await asummarise()`, or pass an openai.OpenAI"
                    )
                if raw is not None:
                    raw = raw.with_options(max_retries=0, timeout=self.timeout)
                else:
                    raw = self._owned_sync = self._own_clients()[0]
                self._sync = instructor.from_openai(raw, mode=self.mode)
            return self._sync

    def _async_client(self) -> instructor.AsyncInstructor:
        with self._lock:
            if self._async is None:
                raw = self._user_client
                if raw is not None:
                    raw = raw.with_options(max_retries=0, timeout=self.timeout)
                else:
                    raw = self._owned_async = self._own_clients()[1]
                assert isinstance(raw, openai.AsyncOpenAI)
                self._async = instructor.from_openai(raw, mode=self.mode)
            return self._async

    def _own_clients(self) -> tuple[openai.OpenAI, openai.AsyncOpenAI]:
        """The client pair for our own backend, built once (the local one starts a server)."""
        if self._clients is None:
            if self.backend == "local":
                from pactlens._local import local_clients

                self._clients = local_clients(self.config.resolved_cache_dir, timeout=self.timeout)
            else:
                kwargs = self._openai_kwargs()
                self._clients = openai.OpenAI(**kwargs), openai.AsyncOpenAI(**kwargs)
        return self._clients


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
