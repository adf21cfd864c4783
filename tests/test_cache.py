"""The result cache against a hostile or broken cache folder, with real files throughout.

Each test works on a real diskcache folder under ``tmp_path``: entries are planted with
diskcache's own default ``Disk`` or with plain ``sqlite3``, and corruption is real bytes
written into the real files.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import diskcache
import pytest

from pactlens._cache import SummaryCache
from pactlens._errors import CacheError
from pactlens._models import ArticleSummary

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "articles" / "russia-north-korea-pact.txt"
TRACKING = ROOT / "tests" / "gold" / "tracking" / "articles"

K0 = "pactlens:" + "0" * 64  # the key filled_cache() uses first
K1 = "pactlens:" + "1" * 64
K2 = "pactlens:" + "2" * 64
GARBAGE = bytes(range(256)) * 32
NOBODY = 65534


def summarise(raw: str) -> ArticleSummary:
    """A real summary, offline: pactlens without a model."""
    from pactlens._eval.baseline import RulesOnly

    return RulesOnly()(raw)


@pytest.fixture(scope="module")
def seed() -> ArticleSummary:
    return summarise(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def other() -> ArticleSummary:
    return summarise((TRACKING / "t01.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def large() -> ArticleSummary:
    """A summary whose JSON is over diskcache's 32 KiB, so it is kept in a value file."""
    articles = sorted(TRACKING.glob("*.txt"))[:12]
    summary = summarise("\n\n".join(p.read_text(encoding="utf-8") for p in articles))
    assert len(summary.model_dump_json()) > 2**15
    return summary


def warnings_from_pactlens(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "pactlens" and r.levelno == logging.WARNING
    ]


def filled_cache(directory: Path, summary: ArticleSummary, entries: int = 1) -> None:
    """A real cache folder holding ``entries`` copies of ``summary``, closed."""
    cache = SummaryCache(directory)
    for n in range(entries):
        cache.set(f"pactlens:{n:064d}", summary)  # K0 first
    cache.close()


# -- 1. the cache never unpickles --------------------------------------------------------


class Planted:
    """What an attacker pickles: unpickling it touches ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[Path], None], tuple[Path]]:
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("min_file_size", [2**15, 0], ids=["in-the-row", "in-a-value-file"])
def test_a_planted_pickle_is_never_unpickled(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, min_file_size: int
) -> None:
    directory, marker = tmp_path / "cache", tmp_path / "pwned"
    with diskcache.Cache(str(directory), disk_min_file_size=min_file_size) as plain:
        plain.set(K1, Planted(marker))
    assert not marker.exists()

    cache = SummaryCache(directory)
    assert cache.get(K1) is None
    assert not marker.exists(), "reading the cache ran the planted pickle"
    assert K1 not in cache, "the planted entry is deleted"
    assert len(warnings_from_pactlens(caplog)) == 1
    cache.close()


def test_a_planted_pickled_key_is_never_unpickled(tmp_path: Path) -> None:
    directory, marker = tmp_path / "cache", tmp_path / "pwned"
    with diskcache.Cache(str(directory)) as plain:
        plain.set((Planted(marker),), "a value under a pickled key")

    cache = SummaryCache(directory)
    with pytest.raises(ValueError, match="pickled key"):
        list(cache.store.cache)  # iteration is the one diskcache path that decodes keys
    assert not marker.exists()
    cache.close()


@pytest.mark.parametrize(
    "value", [b"{}", 42, 4.2, b"x" * 2**16], ids=["bytes", "int", "float", "binary-file"]
)
def test_an_entry_that_is_not_text_is_a_miss(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, value: object
) -> None:
    directory = tmp_path / "cache"
    with diskcache.Cache(str(directory)) as plain:
        plain.set(K1, value)

    cache = SummaryCache(directory)
    assert cache.get(K1) is None
    assert K1 not in cache
    assert len(warnings_from_pactlens(caplog)) == 1
    cache.close()


def test_only_text_can_be_stored(tmp_path: Path) -> None:
    cache = SummaryCache(tmp_path / "cache")
    with pytest.raises(TypeError, match="JSON text"):
        cache.store.cache.set(K1, {"not": "text"})
    assert K1 not in cache
    cache.close()


@pytest.mark.parametrize("content", ["summary", "garbage"])
@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_a_planted_file_name_outside_the_cache_is_neither_read_nor_deleted(
    tmp_path: Path, seed: ArticleSummary, content: str, where: str
) -> None:
    directory, victim = tmp_path / "cache", tmp_path / "victim.val"
    victim.write_text(seed.model_dump_json() if content == "summary" else "precious")
    before = victim.read_text()
    filled_cache(directory, seed)
    name = str(victim) if where == "absolute" else os.path.join("..", victim.name)
    with closing(sqlite3.connect(directory / "cache.db")) as db, db:
        db.execute("UPDATE Cache SET mode = 3, filename = ?, value = NULL", (name,))

    cache = SummaryCache(directory)
    assert cache.get(K0) is None, "served a file from outside the cache"
    assert victim.exists(), "deleted a file outside the cache"
    assert victim.read_text() == before
    cache.close()


# -- 2. a cache that cannot be opened, or breaks while open ------------------------------


def dir_is_a_file(tmp: Path, seed: ArticleSummary) -> Path:
    path = tmp / "cache"
    path.write_text("a file where the cache folder should be")
    return path


def parent_is_a_file(tmp: Path, seed: ArticleSummary) -> Path:
    (tmp / "file").write_text("not a folder")
    return tmp / "file" / "cache"


def db_is_garbage(tmp: Path, seed: ArticleSummary) -> Path:
    directory = tmp / "cache"
    directory.mkdir()
    (directory / "cache.db").write_bytes(GARBAGE)
    return directory


def db_is_truncated(tmp: Path, seed: ArticleSummary) -> Path:
    directory = tmp / "cache"
    filled_cache(directory, seed, entries=40)
    db = directory / "cache.db"
    data = db.read_bytes()
    assert len(data) > 64 * 1024
    db.write_bytes(data[: len(data) // 2])
    return directory


def db_is_a_directory(tmp: Path, seed: ArticleSummary) -> Path:
    directory = tmp / "cache"
    (directory / "cache.db").mkdir(parents=True)
    return directory


@pytest.mark.parametrize(
    "make",
    [dir_is_a_file, parent_is_a_file, db_is_garbage, db_is_truncated, db_is_a_directory],
)
def test_a_cache_that_cannot_be_opened_raises_cache_error(
    tmp_path: Path, seed: ArticleSummary, make: Callable[[Path, ArticleSummary], Path]
) -> None:
    directory = make(tmp_path, seed)
    with pytest.raises(CacheError) as caught:
        SummaryCache(directory)
    message = str(caught.value)
    assert str(directory) in message
    assert "delete or move" in message
    assert "Config(cache_dir=...)" in message and "Config(cache=False)" in message
    assert caught.value.__cause__ is not None


OPEN_AS_A_USER = """
import os, sys
from pathlib import Path
from pactlens._cache import SummaryCache
from pactlens._errors import CacheError
os.chdir(sys.argv[1])  # names are relative: the user need not reach tmp_path itself
if os.geteuid() == 0:  # root ignores permission bits: open it as the user who owns it
    os.setgroups([])
    os.setgid(int(sys.argv[2]))
    os.setuid(int(sys.argv[2]))
for name in sys.argv[3:]:
    try:
        SummaryCache(Path(name)).close()
        print(name, "opened")
    except CacheError as e:
        print(name, "CacheError", e)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_read_only_cache_folder_raises_cache_error(tmp_path: Path, seed: ArticleSummary) -> None:
    folder = tmp_path / "ro"
    filled_cache(folder / "cache", seed)
    user = NOBODY if os.geteuid() == 0 else os.geteuid()
    if os.geteuid() == 0:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, user, user)
    for path in (folder / "cache", folder):
        path.chmod(0o555)
    try:
        done = subprocess.run(
            [sys.executable, "-c", OPEN_AS_A_USER, str(folder), str(user), "cache", "new"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        for path in (folder, folder / "cache"):
            path.chmod(0o755)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(" ", 2)[:2] for line in lines] == [
        ["cache", "CacheError"],
        ["new", "CacheError"],
    ], done.stdout
    assert all("Config(cache=False)" in line for line in lines)


def test_a_cache_that_breaks_while_open_turns_itself_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, seed: ArticleSummary, other: ArticleSummary
) -> None:
    directory = tmp_path / "cache"
    filled_cache(directory, seed)
    cache = SummaryCache(directory)
    assert cache.get(K0, text=seed.text) is not None
    (directory / "cache.db").write_bytes(GARBAGE)  # another program overwrites it

    # A batch worker thread opens its own connection, and sqlite finds the garbage.
    with ThreadPoolExecutor(max_workers=1) as worker:
        hit = worker.submit(cache.get, K0).result()
        worker.submit(cache.set, K2, other).result()
        present = worker.submit(cache.__contains__, K0).result()
    assert hit is None and not present
    assert cache.get(K0) is None, "after a failure the cache is off in every thread"
    warnings = warnings_from_pactlens(caplog)
    assert len(warnings) == 1, warnings
    assert str(directory) in warnings[0] and "Config(cache=False)" in warnings[0]
    cache.close()


WRITE_ON_A_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from pactlens._cache import SummaryCache
from pactlens._models import ArticleSummary
directory, stored = Path(sys.argv[1]), Path(sys.argv[2])
summary = ArticleSummary.model_validate_json(stored.read_text(encoding="utf-8"))
cache = SummaryCache(directory)
# The disk fills up: no file may grow any more (EFBIG instead of SIGXFSZ).
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
cache.set(sys.argv[3], summary)
print(cache.get(sys.argv[4]) is None, sys.argv[3] in cache)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
@pytest.mark.parametrize("size", ["small", "large"])
def test_a_write_on_a_full_disk_is_skipped_with_one_warning(
    tmp_path: Path, seed: ArticleSummary, large: ArticleSummary, size: str
) -> None:
    directory = tmp_path / "cache"
    filled_cache(directory, seed)
    stored = tmp_path / "summary.json"
    stored.write_text((seed if size == "small" else large).model_dump_json(), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", WRITE_ON_A_FULL_DISK, str(directory), str(stored), K2, K1],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"], "the cache is off after the failure"
    warnings = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1, done.stderr
    assert "pactlens" in warnings[0] and "Config(cache=False)" in warnings[0]


# -- 3. an entry is checked against the article it is served for -------------------------


def test_an_entry_is_served_for_its_own_article(tmp_path: Path, seed: ArticleSummary) -> None:
    cache = SummaryCache(tmp_path / "cache")
    cache.set(K1, seed)
    served = cache.get(K1, text=seed.text)
    assert served is not None and served.meta.cached
    assert served.model_dump(exclude={"meta"}) == seed.model_dump(exclude={"meta"})
    cache.close()


def test_a_swapped_entry_is_not_served_for_another_article(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, seed: ArticleSummary, other: ArticleSummary
) -> None:
    directory = tmp_path / "cache"
    cache = SummaryCache(directory)
    cache.set(K1, seed)
    cache.set(K2, other)
    cache.close()
    with closing(sqlite3.connect(directory / "cache.db")) as db, db:
        values = dict(db.execute("SELECT key, value FROM Cache"))
        db.execute("UPDATE Cache SET value = ? WHERE key = ?", (values[K2], K1))
        db.execute("UPDATE Cache SET value = ? WHERE key = ?", (values[K1], K2))

    cache = SummaryCache(directory)
    swapped = cache.get(K2)
    assert swapped is not None and swapped.text == seed.text, "the swap is real"
    planted = [s.text for s in swapped.statements if s.kind == "direct"]
    assert planted and not any(q in other.text for q in planted), "quotes the article lacks"

    assert cache.get(K1, text=seed.text) is None
    assert cache.get(K2, text=other.text) is None
    assert K1 not in cache and K2 not in cache, "both entries are discarded"
    assert len(warnings_from_pactlens(caplog)) == 2
    cache.close()
