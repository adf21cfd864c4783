"""Summaries of a Ray Dataset: Ray Data schedules, pactlens summarises.

::

    import ray, pactlens
    from pactlens.ray import summarise_dataset

    ds = ray.data.read_parquet("s3://bucket/news/")             # a column "body", one "url"
    config = pactlens.Config(base_url="http://vllm:8000/v1", model="qwen2.5-7b",
                             cache_url="redis://cache:6379/0",
                             rate_limit=pactlens.RateLimit(requests_per_minute=3000,
                                                           url="redis://cache:6379/0"))
    out = summarise_dataset(ds, config=config, text_column="body", id_column="url",
                            concurrency=8)
    out.write_parquet("s3://bucket/summaries/")

:func:`summarise_dataset` is ``ds.map_batches`` with a callable class on a fixed pool of
``concurrency`` actors (Ray Data's stateful transform, as its LLM batch processors use):
each actor holds one :class:`~pactlens.Summariser` (its clients, cache and, for the
embedded model, its server) for its whole life, and summarises each batch with
:func:`~pactlens.asummarise_many`, ``max_in_flight`` requests at once. An article that
fails is a row with ``ok=False`` and its ``error``; it is never dropped. A worker that dies
is Ray's to restart and its batch Ray's to retry (Ray Data restarts actors and retries
their tasks by default); what the dead worker finished is served from the cache on the
retry, so with a shared cache (``Config(cache_url="redis://…")``) no model call is
repeated, whichever node picks the batch up.

The rows follow :func:`pactlens._table.result_schema` (id, ok, error, the summary as
JSON, flat columns), plus the input columns named in ``keep_columns``.

The embedded model on a cluster: give each actor a whole node (``num_cpus`` = the
node's CPUs, ``concurrency`` = the number of nodes); its server then computes with
every CPU Ray assigned it. For more than a handful of nodes, serve a model once
(vLLM, Ollama, an API) and point the workers at it instead: a 1.5B model on CPUs is
about a minute an article.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import Any

from pactlens._batch import Result, asummarise_many
from pactlens._config import Config
from pactlens._extras import need
from pactlens._models import Article, ArticleSummary
from pactlens._pipeline import Summariser
from pactlens._table import results_table

__all__ = ["SummariseBatches", "summarise_dataset"]


def summarise_dataset(
    ds: Any,
    *,
    config: Config | None = None,
    text_column: str = "text",
    id_column: str | None = None,
    keep_columns: Sequence[str] = (),
    concurrency: int = 1,
    max_in_flight: int = 8,
    batch_size: int = 32,
    num_cpus: float | None = None,
) -> Any:
    """A Dataset of summaries, one row per row of ``ds`` (lazy, as Ray Data is).

    ``config`` defaults to :meth:`Config.from_env` read here, on the driver, so the
    workers need no environment of their own. ``id_column`` names each row's id; without
    one the id is a hash of the text (stable across runs). ``concurrency`` actors each
    keep ``max_in_flight`` requests in flight; ``num_cpus`` is what each actor reserves
    (default: a quarter of a CPU for an endpoint, where an actor mostly waits, leaving
    CPUs to Ray's reads and writes; one for the embedded model, which should have a node's).
    """
    ray = need("ray", "ray", "summarise_dataset()")
    config = config if config is not None else Config.from_env()
    if max_in_flight < 1 or concurrency < 1 or batch_size < 1:
        raise ValueError("concurrency, max_in_flight and batch_size must be at least 1")
    return ds.map_batches(
        SummariseBatches,
        fn_constructor_kwargs={
            "config": config,
            "text_column": text_column,
            "id_column": id_column,
            "keep_columns": tuple(keep_columns),
            "max_in_flight": max_in_flight,
        },
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=concurrency, max_tasks_in_flight_per_actor=2),
        num_cpus=_default_cpus(config) if num_cpus is None else num_cpus,
    )


class _Slots:
    """The actor's Summariser behind one semaphore: Ray Data runs two batches of an actor
    at once (the next starts while the last one's slowest articles finish), and together
    they keep at most ``max_in_flight`` requests in flight."""

    def __init__(self, summariser: Summariser, max_in_flight: int) -> None:
        self.summariser, self.max_in_flight = summariser, max_in_flight
        self._slots: asyncio.Semaphore | None = None  # made in the actor's event loop

    def summarise(self, article: str | Article) -> ArticleSummary:
        return self.summariser.summarise(article)

    async def asummarise(self, article: str | Article) -> ArticleSummary:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_in_flight)
        async with self._slots:
            return await self.summariser.asummarise(article)


class SummariseBatches:
    """The callable class each actor runs: one Summariser, a table of results per batch."""

    def __init__(
        self,
        config: Config,
        text_column: str,
        id_column: str | None = None,
        keep_columns: Sequence[str] = (),
        max_in_flight: int = 8,
    ) -> None:
        if config.resolved_backend == "local" and config.threads is None:
            config = config.model_copy(update={"threads": _assigned_cpus()})
        self.summariser = Summariser(config)
        self._slots = _Slots(self.summariser, max_in_flight)
        self.text_column, self.id_column = text_column, id_column
        self.keep_columns, self.max_in_flight = tuple(keep_columns), max_in_flight

    async def __call__(self, batch: Any) -> Any:
        texts = batch.column(self.text_column).to_pylist()
        if self.id_column is not None:
            ids = [str(i) for i in batch.column(self.id_column).to_pylist()]
        else:
            ids = [_text_id(t) for t in texts]
        # a null or non-text cell fails as its own row (InputError), like any bad article
        items = list(zip(ids, texts, strict=True))
        results: dict[int, Result] = {}
        async for result in asummarise_many(
            self._slots, items, concurrency=self.max_in_flight, progress=False
        ):
            results[result.index] = result
        table = results_table(results[i] for i in range(len(items)))
        for name in self.keep_columns:
            table = table.append_column(name, batch.column(name))
        return table


def _default_cpus(config: Config) -> float:
    return 1.0 if config.resolved_backend == "local" else 0.25


def _text_id(text: object) -> str:
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else repr(text).encode()
    return hashlib.sha256(data).hexdigest()[:16]


def _assigned_cpus() -> int:
    """The CPUs Ray gave this actor (at least 1), for the embedded model's threads."""
    ray = need("ray", "ray", "summarise_dataset()")
    cpus = ray.get_runtime_context().get_assigned_resources().get("CPU", 1)
    return max(1, int(cpus))
