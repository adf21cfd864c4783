"""Settings: one frozen object, and the only module that reads the environment.

``Config()`` uses no environment at all; ``Config.from_env()`` reads
``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``PACTLENS_MODEL``, ``PACTLENS_CACHE_DIR``,
``PACTLENS_CACHE_URL``, ``PACTLENS_BACKEND``, ``PACTLENS_MODEL_PATH``,
``PACTLENS_DATA_DIR``, ``PACTLENS_THREADS``, ``PACTLENS_REQUESTS_PER_MINUTE``,
``PACTLENS_TOKENS_PER_MINUTE`` and ``PACTLENS_RATE_LIMIT_URL``, and explicit keyword
arguments win over them. :func:`eval_data_dir`
reads ``PACTLENS_EVAL_DATA`` for ``pactlens eval``.
"""

from __future__ import annotations

import logging
import os
import re
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from pactlens._errors import ConfigError

__all__ = [
    "DEFAULT_OPENAI_MODEL",
    "EVAL_DATA_ENV",
    "Backend",
    "Config",
    "RateLimit",
    "RetryPolicy",
    "default_cache_dir",
    "default_data_dir",
    "eval_data_dir",
    "redact_url",
]

log = logging.getLogger("pactlens")

Backend = Literal["auto", "openai", "local"]
Mode = Literal["auto", "tools", "json_schema", "json"]

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
#: The name the embedded model is served under (see pactlens.backend.compat).
LOCAL_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
#: The context the embedded model is served with (prompt and answer together).
LOCAL_CONTEXT_TOKENS = 8192


#: Names the evaluation data directory for ``pactlens eval``.
EVAL_DATA_ENV = "PACTLENS_EVAL_DATA"


#: Query parameters whose values are secrets (``?api-key=…``, ``&sig=…``).
_SECRET_PARAMS = re.compile(r"(?i)(key|token|secret|password|passwd|sig|signature|auth|code)")


def redact_url(url: str) -> str:
    """``url`` fit for a message or a log: a password and secret-looking query values
    replaced by ``***`` (``https://user:***@host/v1?api-key=***``)."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in userinfo else f"***@{host}"
    query = urllib.parse.urlencode(
        [
            (k, "***" if _SECRET_PARAMS.search(k) else v)
            for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="*",
    )
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=query))


def _check_base_url(url: str) -> None:
    """Refuse, before any request, a base URL no client could use."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as e:
        raise ConfigError(f"base_url {redact_url(url)!r} is not a valid URL: {e}") from e
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"base_url {redact_url(url)!r} is not an http(s) URL with a host; "
            "expected something like 'http://localhost:11434/v1'"
        )


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pactlens"


def default_data_dir() -> Path:
    """Per-user data (the embedded model's weights): one copy whatever the cache dirs."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pactlens"


def eval_data_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$PACTLENS_EVAL_DATA``, else ``../shared/eval`` beside the current directory."""
    env = os.environ if env is None else env
    if env.get(EVAL_DATA_ENV):
        return Path(env[EVAL_DATA_ENV])
    return Path.cwd().parent / "shared" / "eval"


class RetryPolicy(BaseModel):
    """How transport failures, 429s, 5xx and timeouts are retried (tenacity).

    Backoff is exponential from ``initial_wait`` doubling up to ``max_wait``, with up to
    ``jitter`` seconds of random jitter; a ``Retry-After`` header is honoured up to
    ``max_wait``. Retrying stops after ``max_attempts`` requests or ``max_total``
    seconds, whichever comes first.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_attempts: int = Field(default=8, ge=1)
    initial_wait: float = Field(default=0.5, ge=0)
    max_wait: float = Field(default=30.0, ge=0)
    jitter: float = Field(default=0.5, ge=0)
    max_total: float = Field(default=300.0, gt=0)


#: The stores a cache or a shared rate limit can live in, besides a folder.
_REDIS_SCHEMES = ("redis", "rediss", "unix")


def _check_redis_url(url: str, what: str) -> None:
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in _REDIS_SCHEMES:
        raise ConfigError(
            f"{what} {redact_url(url)!r} is not a Redis URL; expected something like "
            "'redis://localhost:6379/0' (rediss:// and unix:// work too)"
        )


class RateLimit(BaseModel):
    """A budget of requests and tokens per minute that every call waits on.

    With ``url`` (a Redis URL) the budget is shared by every process and machine that
    names the same URL and ``name``: a cluster stays under one API limit, and a server's
    ``Retry-After`` pauses all of it. Without, it is kept in memory and shared by the
    Summarisers of one process. ``name`` defaults to the endpoint and model, so two
    models of one API keep separate budgets. Tokens are counted as the server counts
    them before answering (the prompt's estimate plus ``max_output_tokens``), and what
    the answer did not use is given back. It applies to the endpoints pactlens builds
    clients for; the embedded model (one server per process, no quota) and a client
    passed in are not limited.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    requests_per_minute: float | None = Field(default=None, gt=0)
    tokens_per_minute: float | None = Field(default=None, gt=0)
    url: str | None = Field(default=None, description="redis://… to share the budget.")
    name: str | None = Field(default=None, description="The budget's name; see above.")

    @model_validator(mode="after")
    def _check(self) -> RateLimit:
        if self.url is not None:
            _check_redis_url(self.url, "rate_limit.url")
        return self


class Config(BaseModel):
    """Everything that decides how an article is summarised.

    ``backend="auto"`` (the default) uses an OpenAI-compatible endpoint when an API key
    or a base URL is set, and the embedded local model otherwise. ``api_key`` is a
    :class:`~pydantic.SecretStr`: it never appears in a repr, a log line or the cache.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: Backend = "auto"
    model: str | None = Field(default=None, description="Defaults per backend.")
    base_url: str | None = None
    api_key: SecretStr | None = None
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_output_tokens: int = Field(default=1500, ge=64)
    timeout: float | None = Field(
        default=None,
        gt=0,
        description="Seconds per request; default 120 for endpoints, 600 for the local "
        "model (CPU inference on a busy machine is slow, and a retried request would "
        "queue behind the abandoned one).",
    )
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    max_reasks: int = Field(default=2, ge=0, description="instructor re-asks on invalid output.")
    mode: Mode = Field(default="auto", description="instructor mode; auto picks per backend.")
    cache: bool = True
    cache_dir: Path | None = Field(default=None, description="Defaults to ~/.cache/pactlens.")
    cache_url: str | None = Field(
        default=None,
        description="A Redis URL (redis://host:6379/0) for a cache every worker shares, "
        "instead of the cache folder; needs the [redis] extra.",
    )
    cache_ttl: float | None = Field(
        default=None, gt=0, description="Seconds a cache entry is kept; None: until evicted."
    )
    rate_limit: RateLimit | None = Field(
        default=None, description="Requests and tokens per minute for every model call."
    )
    max_chars: int = Field(
        default=1_000_000,
        gt=0,
        description="Longer articles are refused (a guard against absurd input; a long "
        "treaty or transcript fits).",
    )
    context_tokens: int | None = Field(
        default=None,
        gt=0,
        description="The model's context (prompt and answer) in tokens: a longer article "
        "is asked about in windows. None: 8,192 for the embedded model, unbounded for an "
        "endpoint.",
    )
    data_dir: Path | None = Field(
        default=None,
        description="Where the embedded model's weights are assembled, once per user and "
        "shared by every cache_dir; defaults to ~/.local/share/pactlens.",
    )
    threads: int | None = Field(
        default=None,
        ge=1,
        description="Threads the embedded model computes with; default: every usable CPU.",
    )
    model_path: Path | None = Field(
        default=None,
        description="A GGUF file the local backend serves instead of the embedded model "
        "(used as is, without a checksum).",
    )
    allow_partial: bool = Field(
        default=True,
        description="When the model's answer is unusable (cut off, never valid) or the "
        "article exceeds the local model's context, return what pactlens finds without "
        "it (quotations, speakers, reported speech), flagged meta.partial, instead of "
        "raising ExtractionError / InputError. Partial results are not cached.",
    )

    @field_validator("api_key", mode="before")
    @classmethod
    def _empty_key_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @model_validator(mode="after")
    def _check(self) -> Config:
        if self.backend == "local" and self.base_url is not None:
            raise ConfigError("backend='local' serves its own model: leave base_url unset")
        if self.base_url is not None:
            _check_base_url(self.base_url)
        if self.cache_url is not None:
            _check_redis_url(self.cache_url, "cache_url")
            if self.cache_dir is not None:
                raise ConfigError("cache_dir and cache_url both set: the cache is one or the other")
        return self

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        api_key_env: str = "OPENAI_API_KEY",
        **overrides: Any,
    ) -> Config:
        """Read the environment (or ``env``); keyword arguments win over it.

        ``api_key_env`` names the variable holding the API key; naming one that is not
        set is a :class:`ConfigError`.
        """
        env = os.environ if env is None else env
        if api_key_env != "OPENAI_API_KEY" and not env.get(api_key_env):
            raise ConfigError(f"${api_key_env} is not set (it should hold the API key)")
        values: dict[str, Any] = {}
        for name, field in (
            (api_key_env, "api_key"),
            ("OPENAI_BASE_URL", "base_url"),
            ("PACTLENS_MODEL", "model"),
            ("PACTLENS_CACHE_DIR", "cache_dir"),
            ("PACTLENS_CACHE_URL", "cache_url"),
            ("PACTLENS_BACKEND", "backend"),
            ("PACTLENS_MODEL_PATH", "model_path"),
            ("PACTLENS_DATA_DIR", "data_dir"),
            ("PACTLENS_THREADS", "threads"),
        ):
            if env.get(name):
                values[field] = env[name]
        limit = {
            field: env[name]
            for name, field in (
                ("PACTLENS_REQUESTS_PER_MINUTE", "requests_per_minute"),
                ("PACTLENS_TOKENS_PER_MINUTE", "tokens_per_minute"),
                ("PACTLENS_RATE_LIMIT_URL", "url"),
            )
            if env.get(name)
        }
        if limit:
            values["rate_limit"] = limit
        values.update(overrides)
        try:
            return cls(**values)
        except ValueError as e:
            raise ConfigError(f"invalid pactlens settings: {e}") from e

    @property
    def resolved_backend(self) -> Literal["openai", "local"]:
        """The backend "auto" stands for with these settings."""
        if self.backend != "auto":
            return self.backend
        if self.api_key is not None or self.base_url is not None:
            return "openai"
        return "local"

    @property
    def resolved_model(self) -> str:
        if self.model:
            return self.model
        return LOCAL_MODEL_NAME if self.resolved_backend == "local" else DEFAULT_OPENAI_MODEL

    @property
    def resolved_cache_dir(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir if self.data_dir is not None else default_data_dir()
