"""The instructor clients a Summariser talks through, built once and only when needed.

A client passed in (Azure, a proxy, a test transport) is used with the SDK's own retries
off, since pactlens retries in one place (and without ``Config.rate_limit``, which lives in
the transport of the clients pactlens builds); otherwise the pair is built for the configured
backend (the local one starts the embedded model's server). Building lazily means a
cache hit never starts a server or opens a connection.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
import instructor
import openai

from pactlens._config import Config, redact_url
from pactlens._errors import ConfigError
from pactlens.backend.deadline import AsyncDeadlineTransport, DeadlineTransport
from pactlens.backend.ratelimit import AsyncRateLimitTransport, RateLimitTransport, limiter_for

__all__ = ["MODES", "Clients"]

MODES = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
}


class Clients:
    """The sync and async instructor clients for one configuration."""

    def __init__(
        self,
        config: Config,
        *,
        backend: str,
        mode: instructor.Mode,
        timeout: float,
        client: openai.OpenAI | openai.AsyncOpenAI | None = None,
    ) -> None:
        self.config, self.backend, self.mode, self.timeout = config, backend, mode, timeout
        self.given = client
        self._lock = threading.Lock()
        self._sync: instructor.Instructor | None = None
        self._async: instructor.AsyncInstructor | None = None
        self._pair: tuple[openai.OpenAI, openai.AsyncOpenAI] | None = None
        self._owned_sync: openai.OpenAI | None = None
        self._owned_async: openai.AsyncOpenAI | None = None

    @property
    def started(self) -> bool:
        """Whether our own client pair was built (for the local backend: a server started)."""
        return self._pair is not None

    @property
    def endpoint(self) -> str:
        """Which server answers, for the cache key: its URL (secrets redacted) or backend."""
        if self.given is not None:
            return redact_url(str(self.given.base_url))
        if self.config.base_url:
            return redact_url(self.config.base_url)
        return self.backend

    @property
    def limit_name(self) -> str:
        """The shared rate limit's default name: the endpoint and the model."""
        return f"{self.endpoint}|{self.config.resolved_model}"

    @property
    def where(self) -> str:
        """The endpoint, in words, for error messages."""
        if self.config.base_url:
            return redact_url(self.config.base_url)
        return "the local model server" if self.backend == "local" else "the OpenAI API"

    def sync(self) -> instructor.Instructor:
        with self._lock:
            if self._sync is None:
                raw = self.given
                if isinstance(raw, openai.AsyncOpenAI):
                    raise ConfigError(
                        "this Summariser was given an AsyncOpenAI client: "
                        "use `await asummarise()`, or pass an openai.OpenAI"
                    )
                if raw is not None:
                    raw = raw.with_options(max_retries=0, timeout=self.timeout)
                else:
                    raw = self._owned_sync = self._own()[0]
                self._sync = instructor.from_openai(raw, mode=self.mode)
            return self._sync

    def async_(self) -> instructor.AsyncInstructor:
        with self._lock:
            if self._async is None:
                raw = self.given
                if raw is not None:
                    raw = raw.with_options(max_retries=0, timeout=self.timeout)
                else:
                    raw = self._owned_async = self._own()[1]
                assert isinstance(raw, openai.AsyncOpenAI)
                self._async = instructor.from_openai(raw, mode=self.mode)
            return self._async

    def close(self) -> None:
        """Close the sync client this object created (never one passed in)."""
        if self._owned_sync is not None:
            self._owned_sync.close()
            self._owned_sync = None

    async def aclose(self) -> None:
        """Close both clients this object created (never one passed in)."""
        if self._owned_async is not None:
            await self._owned_async.close()
            self._owned_async = None
        self.close()

    def _own(self) -> tuple[openai.OpenAI, openai.AsyncOpenAI]:
        """The client pair for our own backend, built once (the local one starts a server)."""
        if self._pair is None:
            if self.backend == "local":
                from pactlens.backend.compat import local_clients

                self._pair = local_clients(
                    self.config.resolved_data_dir,
                    timeout=self.timeout,
                    model_path=self.config.model_path,
                    threads=self.config.threads,
                )
            else:
                kwargs = self._openai_kwargs()
                # The deadline transports hold each request to its timeout as a whole,
                # not per read (a server that drips bytes must not hang a call); the rate
                # limit, when set, waits before each request and settles after it.
                sync: httpx.BaseTransport = DeadlineTransport()
                async_: httpx.AsyncBaseTransport = AsyncDeadlineTransport()
                if self.config.rate_limit is not None:
                    limiter = limiter_for(self.config.rate_limit, self.limit_name)
                    sync = RateLimitTransport(sync, limiter)
                    async_ = AsyncRateLimitTransport(async_, limiter)
                sync_http: Any = httpx.Client(transport=sync, timeout=self.timeout)
                async_http: Any = httpx.AsyncClient(transport=async_, timeout=self.timeout)
                self._pair = (
                    openai.OpenAI(**kwargs, http_client=sync_http),
                    openai.AsyncOpenAI(**kwargs, http_client=async_http),
                )
        return self._pair

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
