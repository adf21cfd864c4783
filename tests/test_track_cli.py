"""``pactlens track`` end to end: ``python -m pactlens`` against a real loopback server,
articles summarised through the real pipeline and put into a SQLite book. Usage errors
are checked in-process."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback import Loopback, answer_body, minimal_answer

import pactlens
from pactlens._eval.baseline import RulesOnly
from pactlens.cli.commands import main

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "gold" / "tracking" / "articles"
#: The Valdoria-Orsa ceasefire, proposed, negotiated and signed, and a Kethria story.
FILES = ["t01.txt", "t03.txt", "t05.txt", "t08.txt"]


@pytest.fixture(scope="module")
def server() -> Iterator[Loopback]:
    def respond(request: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        prompt = json.dumps(request["messages"])
        if "the same agreement?" in prompt:
            return 200, {}, answer_body(request, {"answer": "same"})
        return 200, {}, answer_body(request, minimal_answer(request))

    with Loopback(respond) as srv:
        yield srv


def run(server: Loopback, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pactlens", "track", *args, "--cache-dir", str(tmp_path / "c")],
        env=server.environ(PACTLENS_MODEL="test-model"),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        encoding="utf-8",
    )


def test_articles_become_a_book_and_a_rerun_adds_nothing(server: Loopback, tmp_path: Path) -> None:
    db = tmp_path / "pacts.sqlite"
    paths = [str(ARTICLES / f) for f in FILES]
    done = run(server, tmp_path, *paths, "--db", str(db), "-q")
    assert done.returncode == 0, done.stderr
    assert "ceasefire" in done.stdout
    with sqlite3.connect(db) as conn:
        first = conn.execute(
            "SELECT id, current_status, events FROM records ORDER BY id"
        ).fetchall()
    assert any(status == "signed" and events >= 2 for _, status, events in first)

    again = run(server, tmp_path, *paths, "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert "(0 new)" in again.stderr
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute("SELECT id, current_status, events FROM records ORDER BY id").fetchall()
            == first
        )
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(FILES)

    page = tmp_path / "book.html"
    shown = run(server, tmp_path, "--db", str(db), "--format", "html", "--out", str(page))
    assert shown.returncode == 0, shown.stderr
    assert "<html" in page.read_text(encoding="utf-8")

    as_json = run(server, tmp_path, "--db", str(db), "--format", "json")
    records = [pactlens.AgreementRecord.model_validate(r) for r in json.loads(as_json.stdout)]
    assert len(records) == len(first)


def test_summaries_from_jsonl_and_a_bad_line(server: Loopback, tmp_path: Path) -> None:
    rules = RulesOnly()
    lines = [
        json.dumps(
            {
                "id": f,
                "ok": True,
                "summary": json.loads(rules((ARTICLES / f).read_text()).model_dump_json()),
            }
        )
        for f in FILES
    ]
    lines.insert(1, '{"id": "broken", "ok": true, "summary": {"text": 3}}')
    lines.append(json.dumps({"id": "failed.txt", "ok": False, "error": "InputError: empty"}))
    source = tmp_path / "summaries.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run(server, tmp_path, str(source), "--no-judge", "--format", "jsonl")
    assert done.returncode == 1
    assert "failed: " in done.stderr and "summaries.jsonl:2" in done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert {e["article"]["id"] for r in records for e in r["timeline"]} >= {"t03.txt", "t08.txt"}


def test_usage_errors(tmp_path: Path) -> None:
    assert main(["track"]) == 2  # nothing to track
    assert main(["track", "--db", str(tmp_path / "b.sqlite"), "--format", "html"]) == 2
    assert main(["track", "--db", str(tmp_path)]) == 2  # a folder
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as conn:
        conn.execute("PRAGMA user_version = 99")
    assert main(["track", "--db", str(old), "--no-judge"]) == 2
    assert main(["track", str(tmp_path / "missing.jsonl")]) == 2


def test_example_track_corpus(server: Loopback, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for name in FILES:
        (folder / name).write_text((ARTICLES / name).read_text(encoding="utf-8"), "utf-8")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "track_corpus.py"),
            str(folder),
            "--db",
            str(tmp_path / "pacts.sqlite"),
            "--html",
            str(tmp_path / "book.html"),
        ],
        env=server.environ(PACTLENS_MODEL="test-model", PACTLENS_CACHE_DIR=str(tmp_path / "c")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "ceasefire" in done.stdout and "signed" in done.stdout
    assert "<AgreementBook:" in done.stderr
    assert (tmp_path / "book.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
