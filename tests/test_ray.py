"""pactlens on a real local Ray runtime (``ray.init(num_cpus=2)``), against the loopback
OpenAI-compatible server and a real redis-server: a dataset with faults comes back whole,
a killed actor loses nothing, a re-run is served from Redis, and the CLI's Parquet path
runs on both engines."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback import Loopback
from redis_server import RedisServer, redis_server

import pactlens

ray = pytest.importorskip("ray")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
from pactlens.ray import summarise_dataset  # noqa: E402 - after the skips

N = 300

#: Ray's own modules warn about their own deprecations; ours still fail the test.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


def corpus(n: int = N) -> list[dict[str, Any]]:
    """Articles, with a null and an empty one among them (rows that must fail, not vanish)."""
    rows: list[dict[str, Any]] = [
        {
            "id": f"a{i:03d}",
            "body": f"Ruritania and Elbonia signed pact number {i} in Strelsau "
            "on Monday, officials said.",
            "url": f"https://news.test/{i}",
        }
        for i in range(n)
    ]
    rows[7]["body"] = None
    rows[11]["body"] = "   "
    return rows


def config(server: Loopback, **settings: Any) -> pactlens.Config:
    return pactlens.Config(
        base_url=server.base_url,
        api_key="k",
        retry=pactlens.RetryPolicy(initial_wait=0.01, max_wait=0.05, jitter=0),
        **settings,
    )


def check_complete(rows: list[dict[str, Any]], n: int = N) -> None:
    assert sorted(r["id"] for r in rows) == [f"a{i:03d}" for i in range(n)]
    failed = {r["id"]: r["error"] for r in rows if not r["ok"]}
    assert set(failed) == {"a007", "a011"}
    assert failed["a007"].startswith("InputError") and failed["a011"].startswith("InputError")
    for row in rows:
        if row["ok"]:
            summary = pactlens.ArticleSummary.model_validate_json(row["summary"])
            assert summary.text.startswith("Ruritania and Elbonia signed pact number")
            assert row["statuses"] == [a.status for a in summary.agreements]


def test_a_dataset_with_faults_comes_back_whole(local_ray: None, tmp_path: Path) -> None:
    with Loopback(latency=0.01, fault_rate=0.2, seed=7) as server:
        ds = ray.data.from_items(corpus())
        out = summarise_dataset(
            ds,
            config=config(server, cache_dir=tmp_path / "cache"),
            text_column="body",
            id_column="id",
            keep_columns=["url"],
            concurrency=2,
        )
        out.write_parquet(str(tmp_path / "out"))
        assert server.faults > 20
        # two actors, each running two batches at once behind one bound of 8 in flight
        assert server.max_in_flight <= 2 * 8
    table = pq.read_table(str(tmp_path / "out"))
    rows = table.to_pylist()
    check_complete(rows)
    assert rows[0]["url"].startswith("https://news.test/")
    assert table.schema.field("published").type == pa.date32()


def _map_workers() -> list[int]:
    """PIDs of the processes Ray Data runs our actors in (their title names the class)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"SummariseBatches" in title:
                pids.append(int(entry.name))
    return pids


def test_an_actor_killed_mid_run_loses_nothing(local_ray: None, redis: RedisServer) -> None:
    redis.client().flushdb()
    killed: list[int] = []
    with Loopback(latency=0.02, seed=3) as server:

        def kill_one_when_busy() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and server.completions < 60:
                time.sleep(0.01)
            workers = _map_workers()
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])

        killer = threading.Thread(target=kill_one_when_busy, daemon=True)
        killer.start()
        ds = ray.data.from_items(corpus())
        out = summarise_dataset(
            ds,
            config=config(server, cache_url=redis.url),
            text_column="body",
            id_column="id",
            concurrency=2,
            batch_size=50,
            max_in_flight=4,
        )
        rows = out.take_all()
        killer.join()
        calls = server.completions
    assert killed, "no actor process was found to kill"
    check_complete(rows)
    # What the dead actor had finished came from the shared cache when its batch was
    # retried: only what it had in flight (two batches of 4 at most) was asked again.
    assert N - 2 <= calls <= N - 2 + 2 * 4


def test_a_second_run_is_served_from_redis_with_no_model_call(
    local_ray: None, redis: RedisServer
) -> None:
    redis.client().flushdb()
    with Loopback(latency=0.01) as server:
        settings = config(server, cache_url=redis.url)
        ds = ray.data.from_items(corpus(60))
        first = summarise_dataset(
            ds, config=settings, text_column="body", id_column="id"
        ).take_all()
        calls = server.completions
        second = summarise_dataset(
            ds, config=settings, text_column="body", id_column="id", concurrency=2
        ).take_all()
        assert server.completions == calls
    check_complete(second, 60)
    assert all(r["cached"] for r in second if r["ok"]) and not all(r["cached"] for r in first)


def test_rows_without_an_id_column_get_a_stable_id_from_their_text(local_ray: None) -> None:
    with Loopback() as server:
        ds = ray.data.from_items([{"text": "Ruritania and Elbonia signed a pact on Monday."}] * 2)
        rows = summarise_dataset(ds, config=config(server, cache=False)).take_all()
    assert len(rows) == 2 and rows[0]["id"] == rows[1]["id"] and len(rows[0]["id"]) == 16


# -- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["process", "ray"])
def test_the_cli_summarises_a_parquet_corpus(engine: str, tmp_path: Path) -> None:
    source = tmp_path / "corpus.parquet"
    pq.write_table(pa.Table.from_pylist(corpus(40)), source, row_group_size=16)
    out = tmp_path / "summaries.parquet"
    with Loopback(fault_rate=0.2, seed=5) as server:
        env = server.environ(PACTLENS_CACHE_DIR=str(tmp_path / "cache"))
        env.pop("RAY_ADDRESS", None)
        args = [
            sys.executable,
            "-m",
            "pactlens",
            "summarise",
            str(source),
            "--text-column",
            "body",
            "--out",
            str(out),
            "--engine",
            engine,
            "--workers",
            "2",
            "--no-progress",
        ]
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 1, done.stderr[-2000:]  # two rows failed, as they should
    assert "pactlens: failed: a007: InputError" in done.stderr
    assert "40 row(s): 38 ok" in done.stderr
    check_complete(pq.read_table(out).to_pylist(), 40)


def test_the_cli_says_which_column_is_missing(tmp_path: Path) -> None:
    source = tmp_path / "corpus.parquet"
    pq.write_table(pa.Table.from_pylist(corpus(12)), source)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pactlens",
            "summarise",
            str(source),
            "--out",
            str(tmp_path / "o.parquet"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "has no column 'text'" in done.stderr and "body" in done.stderr
