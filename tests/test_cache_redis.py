"""The shared cache in a real redis-server: same keys and values as the disk, a TTL, bad
entries discarded, a server that is down or goes away."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator

import pytest
from loopback import Loopback
from redis_server import RedisServer, redis_server

import pactlens
from pactlens._cache import SummaryCache, open_cache
from pactlens._cache.redis_store import RedisStore
from pactlens._errors import CacheError, ConfigError

ARTICLE = "Ruritania and Elbonia signed a trade pact in Strelsau on Monday, officials said."


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


def config(server: Loopback, **settings: object) -> pactlens.Config:
    return pactlens.Config(base_url=server.base_url, api_key="k", **settings)  # type: ignore[arg-type]


def test_a_second_run_anywhere_is_served_from_redis(redis: RedisServer) -> None:
    with Loopback() as server:
        with pactlens.Summariser(config(server, cache_url=redis.url)) as first:
            fresh = first.summarise(ARTICLE)
            key = first.cache_key(pactlens.clean(ARTICLE))
        assert server.completions == 1 and not fresh.meta.cached
        with pactlens.Summariser(config(server, cache_url=redis.url)) as second:  # another worker
            again = second.summarise(ARTICLE)
        assert server.completions == 1 and again.meta.cached
    assert again.model_dump(exclude={"meta"}) == fresh.model_dump(exclude={"meta"})
    # the same key and the same JSON text as the disk cache would hold
    stored = redis.client().get(key)
    assert stored is not None
    assert pactlens.ArticleSummary.model_validate_json(stored).text == fresh.text


def test_entries_expire_after_the_ttl(redis: RedisServer) -> None:
    cache = open_cache(pactlens.Config(cache_url=redis.url, cache_ttl=0.3))
    summary = pactlens.ArticleSummary(
        text="x",
        summary="",
        meta=pactlens.Meta(model="m", backend="b", prompt_version="1", pactlens_version="0"),
    )
    cache.set("pactlens:ttl-test", summary)
    assert cache.get("pactlens:ttl-test") is not None
    time.sleep(0.5)
    assert cache.get("pactlens:ttl-test") is None


def test_an_entry_that_is_not_json_text_is_discarded(
    redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = redis.client()
    client.set("pactlens:planted-bytes", bytes(range(256)))
    client.set("pactlens:planted-json", b'{"text": "not a summary"}')
    cache = SummaryCache(RedisStore(redis.url))
    with caplog.at_level(logging.WARNING, logger="pactlens"):
        assert cache.get("pactlens:planted-bytes") is None
        assert cache.get("pactlens:planted-json") is None
        assert cache.get_text("pactlens:planted-bytes") is None
    assert client.exists("pactlens:planted-bytes", "pactlens:planted-json") == 0
    assert sum("discarding a cache entry" in r.getMessage() for r in caplog.records) == 2


def test_a_server_that_does_not_answer_is_a_cache_error_before_any_request() -> None:
    with Loopback() as server:
        s = pactlens.Summariser(config(server, cache_url="redis://127.0.0.1:9/0"))
        with pytest.raises(
            CacheError, match=re.escape("cannot reach Redis at redis://127.0.0.1:9/0")
        ):
            s.summarise(ARTICLE)
        assert server.completions == 0


def test_a_server_that_goes_away_turns_the_cache_off_and_the_run_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with redis_server() as redis, Loopback() as server:
        with pactlens.Summariser(config(server, cache_url=redis.url)) as s:
            s.summarise(ARTICLE)
            redis.stop()
            with caplog.at_level(logging.WARNING, logger="pactlens"):
                again = s.summarise(ARTICLE)
                s.summarise(ARTICLE + " Again.")
        assert not again.meta.cached and server.completions == 3
    failed = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert len(failed) == 1 and "going on without it" in failed[0]


def test_settings_name_one_cache() -> None:
    with pytest.raises(ConfigError, match="not a Redis URL"):
        pactlens.Config(cache_url="memcached://cache:11211")
    with pytest.raises(ConfigError, match="both set"):
        pactlens.Config(cache_url="redis://cache:6379/0", cache_dir="/tmp/x")
    env = {"PACTLENS_CACHE_URL": "redis://cache:6379/2"}
    assert pactlens.Config.from_env(env).cache_url == "redis://cache:6379/2"
    secret = pactlens.Config(cache_url="redis://user:hunter2@cache:6379/0")
    with pytest.raises(CacheError) as caught:
        open_cache(secret.model_copy(update={"cache_url": "redis://user:hunter2@127.0.0.1:9/0"}))
    assert "hunter2" not in str(caught.value)
