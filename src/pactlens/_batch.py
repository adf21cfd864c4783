"""From one article to a corpus: bounded, lazy, failure-tolerant batches.

:func:`summarise_many` runs a :class:`~pactlens.Summariser` over any iterable of
articles with at most ``concurrency`` in flight, pulling the next article only when a
slot frees up (memory stays flat however long the corpus), and yields a :class:`Result`
per article as it finishes. One article failing never stops the others: its error is on
its Result. Articles already in the cache are served from it, so re-running a batch
after an interruption only pays for what is missing. :func:`asummarise_many` is the
async twin. A :class:`Ledger` adds up tokens, requests, retries, cache hits and
failures across the batch.

Each article runs in a daemon thread of its own, so stopping never waits on the model:
when the caller stops early (closes the iterator, breaks out, or Ctrl-C raises
KeyboardInterrupt) no further article is pulled, and those in flight are abandoned, their
results dropped, and their threads do not hold up the interpreter's exit.

With progress on, an article in flight for more than :data:`SLOW_AFTER` seconds is named
on the progress line with its seconds so far ("summarising a.txt … 14 s"), rewritten
each second on a terminal, and a line of its own every :data:`LOG_EVERY` seconds in a
log. A local model on a busy laptop can take minutes per article.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pactlens._errors import ExtractionError, InputError, LLMError
from pactlens._models import Article, ArticleSummary, Usage
from pactlens._progress import Clock, progress_for
from pactlens.text import decode_text

__all__ = [
    "ArticleInput",
    "Ledger",
    "Result",
    "SummariserLike",
    "asummarise_many",
    "summarise_many",
]

#: What a batch accepts per article: text (plain or HTML), a cleaned Article, a file
#: path, or an ``(id, text-or-Article)`` pair. A bare ``str`` is always text, never a path.
ArticleInput = str | Article | os.PathLike[str] | tuple[str, str | Article]


class SummariserLike(Protocol):
    """What a batch needs of a summariser: :class:`~pactlens.Summariser` is one."""

    def summarise(self, article: str | Article) -> ArticleSummary: ...

    async def asummarise(self, article: str | Article) -> ArticleSummary: ...


@dataclass(frozen=True)
class Result:
    """The outcome for one article of a batch: a summary, or the error that stopped it.

    ``id`` is the one given, the file path, or the article's position in the input.
    """

    id: str
    index: int
    summary: ArticleSummary | None = None
    error: Exception | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.summary is not None

    @property
    def cached(self) -> bool:
        return self.summary is not None and self.summary.meta.cached

    @property
    def error_message(self) -> str | None:
        """``"InputError: the article is empty …"``, or None on success."""
        if self.error is None:
            return None
        return f"{type(self.error).__name__}: {self.error}"

    @property
    def usage(self) -> Usage:
        """What this run spent on the article: nothing for a cache hit; for a failure,
        the requests the error reports (tokens of failed requests are not known)."""
        if self.summary is not None:
            return Usage() if self.cached else self.summary.meta.usage
        attempts = getattr(self.error, "attempts", 0)
        if isinstance(self.error, (LLMError, ExtractionError)) and attempts:
            retries = attempts - 1 if isinstance(self.error, LLMError) else 0
            return Usage(requests=attempts, retries=retries)
        return Usage()

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict: ``id``, ``ok``, ``error`` and ``summary`` (or null)."""
        return {
            "id": self.id,
            "ok": self.ok,
            "error": self.error_message,
            "summary": None if self.summary is None else self.summary.model_dump(mode="json"),
        }


@dataclass
class Ledger:
    """Running totals of a batch (or several: pass the same ledger again).

    Safe to share between threads. ``per_article`` maps ids to what each cost in this
    run, and ``failures`` ids to their error messages.
    """

    articles: int = 0
    succeeded: int = 0
    failed: int = 0
    cached: int = 0
    total: Usage = field(default_factory=Usage)
    per_article: dict[str, Usage] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, result: Result) -> None:
        usage = result.usage
        with self._lock:
            self.articles += 1
            if result.ok:
                self.succeeded += 1
                self.cached += result.cached
            else:
                self.failed += 1
                self.failures[result.id] = result.error_message or "unknown error"
            self.per_article[result.id] = usage
            self.total = self.total + usage

    @property
    def prompt_tokens(self) -> int:
        return self.total.prompt_tokens

    @property
    def completion_tokens(self) -> int:
        return self.total.completion_tokens

    @property
    def requests(self) -> int:
        return self.total.requests

    @property
    def retries(self) -> int:
        return self.total.retries

    def __str__(self) -> str:
        t = self.total
        return (
            f"{self.articles} article(s): {self.succeeded} ok ({self.cached} cached), "
            f"{self.failed} failed; {t.prompt_tokens:,} prompt + {t.completion_tokens:,} "
            f"completion tokens in {t.requests} request(s), {t.retries} retried"
        )


# -- inputs -----------------------------------------------------------------------------


def _identify(item: object, index: int) -> str:
    if isinstance(item, tuple) and len(item) == 2:
        return str(item[0])
    if isinstance(item, os.PathLike):
        return str(os.fspath(item))
    return str(index)


def _load(item: object) -> str | Article:
    """The text or Article behind one input (reads files; raises InputError)."""
    if isinstance(item, tuple) and len(item) == 2:
        item = item[1]
    if isinstance(item, (str, Article)):
        return item
    if item is None:
        raise InputError("there is no text (None: a null cell or a missing value)")
    if isinstance(item, os.PathLike):
        path = Path(os.fspath(item))
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(f"cannot read {path}: {e.strerror or e}") from e
        return decode_text(data, str(path))
    raise InputError(
        f"cannot summarise a {type(item).__name__}: pass text, an Article, a path "
        "or an (id, text) pair"
    )


def _timed(clock: Clock | None, index: int, item: object) -> AbstractContextManager[None]:
    """The article on the clock while it runs, named by its id, or a file by its name."""
    if clock is None:
        return contextlib.nullcontext()
    ident = _identify(item, index)
    if isinstance(item, os.PathLike):
        return clock.flight(index, Path(ident).name)  # leaves the bar room
    return clock.flight(index, ident if isinstance(item, tuple) else f"article {ident}")


def _run(summariser: SummariserLike, index: int, item: object, clock: Clock | None) -> Result:
    ident, started = _identify(item, index), time.perf_counter()
    try:
        with _timed(clock, index, item):
            summary = summariser.summarise(_load(item))
    except Exception as e:  # noqa: BLE001 - one article's failure is its own, whatever it is
        return Result(ident, index, error=e, seconds=time.perf_counter() - started)
    return Result(ident, index, summary=summary, seconds=time.perf_counter() - started)


async def _arun(
    summariser: SummariserLike, index: int, item: object, clock: Clock | None
) -> Result:
    ident, started = _identify(item, index), time.perf_counter()
    try:
        with _timed(clock, index, item):
            loaded = (
                await asyncio.to_thread(_load, item)
                if isinstance(item, os.PathLike)
                else _load(item)
            )
            summary = await summariser.asummarise(loaded)
    except Exception as e:  # noqa: BLE001 - as in _run
        return Result(ident, index, error=e, seconds=time.perf_counter() - started)
    return Result(ident, index, summary=summary, seconds=time.perf_counter() - started)


def _work(
    summariser: SummariserLike,
    index: int,
    item: object,
    finished: queue.SimpleQueue[Result],
    clock: Clock | None,
) -> None:
    """One article in a thread of its own: its Result reaches ``finished`` whatever happens."""
    lost = RuntimeError("the article's thread stopped without a result")
    result = Result(_identify(item, index), index, error=lost)
    try:
        result = _run(summariser, index, item, clock)
    finally:
        finished.put(result)


def _check_concurrency(concurrency: int) -> None:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive int, not {concurrency!r}")


# -- the batches ------------------------------------------------------------------------


def summarise_many(
    summariser: SummariserLike,
    articles: Iterable[ArticleInput],
    *,
    concurrency: int = 8,
    progress: bool | None = None,
    ledger: Ledger | None = None,
) -> Iterator[Result]:
    """Summarise many articles with at most ``concurrency`` in flight, yielding a
    :class:`Result` per article in the order they finish (``Result.index`` is the
    input position). ``articles`` is consumed lazily. Failures never raise: check
    ``result.ok``. ``ledger``, when given, is updated as results are yielded. Stopping
    early (closing the iterator, or KeyboardInterrupt) returns at once and abandons the
    articles in flight (see the module docstring).
    """
    _check_concurrency(concurrency)
    return _summarise_many(summariser, articles, concurrency, progress, ledger)


def _summarise_many(
    summariser: SummariserLike,
    articles: Iterable[ArticleInput],
    concurrency: int,
    progress: bool | None,
    ledger: Ledger | None,
) -> Iterator[Result]:
    bar, clock = progress_for(progress, articles)
    source = enumerate(articles)
    finished: queue.SimpleQueue[Result] = queue.SimpleQueue()
    flying = 0
    try:
        exhausted = False
        while True:
            while not exhausted and flying < concurrency:
                try:
                    index, item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                threading.Thread(
                    target=_work,
                    args=(summariser, index, item, finished, clock),
                    name=f"pactlens-batch-{index}",
                    daemon=True,  # abandoned, not joined, when the caller stops early
                ).start()
                flying += 1
            if not flying:
                return
            done = [finished.get()]  # Ctrl-C interrupts this wait at once
            while not finished.empty():
                done.append(finished.get())
            flying -= len(done)
            for result in sorted(done, key=lambda r: r.index):
                if ledger is not None:
                    ledger.record(result)
                bar.update(result)
                yield result
    finally:
        if clock is not None:
            clock.close()
        bar.close()


def asummarise_many(
    summariser: SummariserLike,
    articles: Iterable[ArticleInput] | AsyncIterable[ArticleInput],
    *,
    concurrency: int = 8,
    progress: bool | None = None,
    ledger: Ledger | None = None,
) -> AsyncIterator[Result]:
    """The async twin of :func:`summarise_many`: at most ``concurrency`` tasks at once,
    results as they complete. ``articles`` may be an async iterable. When you stop
    early, close the generator (``contextlib.aclosing``) to cancel what is in flight.
    """
    _check_concurrency(concurrency)
    return _asummarise_many(summariser, articles, concurrency, progress, ledger)


async def _asummarise_many(
    summariser: SummariserLike,
    articles: Iterable[ArticleInput] | AsyncIterable[ArticleInput],
    concurrency: int,
    progress: bool | None,
    ledger: Ledger | None,
) -> AsyncIterator[Result]:
    bar, clock = progress_for(progress, articles)
    source = _aenumerate(articles)
    pending: set[asyncio.Task[Result]] = set()
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < concurrency:
                try:
                    index, item = await anext(source)
                except StopAsyncIteration:
                    exhausted = True
                    break
                pending.add(asyncio.create_task(_arun(summariser, index, item, clock)))
            if not pending:
                return
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in sorted(done, key=lambda t: t.result().index):
                result = task.result()
                if ledger is not None:
                    ledger.record(result)
                bar.update(result)
                yield result
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        await source.aclose()
        if clock is not None:
            clock.close()
        bar.close()


async def _aenumerate(
    articles: Iterable[ArticleInput] | AsyncIterable[ArticleInput],
) -> AsyncGenerator[tuple[int, ArticleInput], None]:
    index = 0
    if isinstance(articles, AsyncIterable):
        async for item in articles:
            yield index, item
            index += 1
    else:
        for item in articles:
            yield index, item
            index += 1
