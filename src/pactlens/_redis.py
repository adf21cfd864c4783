"""The one place pactlens connects to Redis: the shared cache and the shared rate limit.

redis-py is the ``[redis]`` extra, imported only when a Redis URL is configured.
"""

from __future__ import annotations

from typing import Any

from pactlens._config import redact_url
from pactlens._errors import CacheError
from pactlens._extras import need

__all__ = ["connect", "redis_errors"]


def redis_errors() -> tuple[type[BaseException], ...]:
    """What a Redis call raises when the server or the connection fails."""
    redis = need("redis", "redis", "a Redis URL")
    return (redis.RedisError, OSError)


def connect(url: str, *, what_to_do: str) -> Any:
    """A redis-py client for ``url``, pinged: ConfigError without the extra, CacheError
    (ending with ``what_to_do``) when the server does not answer."""
    redis = need("redis", "redis", redact_url(url))
    try:
        client = redis.Redis.from_url(
            url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30
        )
        client.ping()
    except (redis.RedisError, OSError, ValueError) as e:
        raise CacheError(f"cannot reach Redis at {redact_url(url)} ({e}): {what_to_do}") from e
    return client
