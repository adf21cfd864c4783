"""The command line, end to end: ``python -m pactlens`` in a subprocess, talking to a
real loopback server over HTTP. Usage errors are checked in-process (no server needed)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback import Loopback, answer_body, minimal_answer
from test_pipeline import seed_answer

import pactlens
from pactlens.cli.commands import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "articles" / "russia-north-korea-pact.txt"
OTHER = "LONDON (Reuters) - Britain and France signed a fisheries deal on Tuesday.\n"


@pytest.fixture(scope="module")
def server() -> Iterator[Loopback]:
    seed = seed_answer(SEED.read_text(encoding="utf-8"))

    def respond(request: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        prompt = json.dumps(request["messages"])
        answer = seed if "North Korea" in prompt else minimal_answer(request)
        return 200, {}, answer_body(request, answer)

    with Loopback(respond) as srv:
        yield srv


def run(
    server: Loopback, tmp_path: Path, *args: str, stdin: str | None = None, cache: bool = True
) -> subprocess.CompletedProcess[str]:
    flags = ["--cache-dir", str(tmp_path / "cache")] if cache and args[0] == "summarise" else []
    return subprocess.run(
        [sys.executable, "-m", "pactlens", *args, *flags],
        env=server.environ(PACTLENS_MODEL="test-model"),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        encoding="utf-8",
    )


def test_one_article_as_json(server: Loopback, tmp_path: Path) -> None:
    done = run(server, tmp_path, "summarise", str(SEED))
    assert done.returncode == 0, done.stderr
    summary = pactlens.ArticleSummary.model_validate_json(done.stdout)
    assert summary.title == "Russia-North Korea sign strategic partnership pact"
    assert {a.status for a in summary.agreements} == {"signed", "speculative"}
    assert "1 article(s): 1 ok (0 cached), 0 failed" in done.stderr

    again = run(server, tmp_path, "summarise", str(SEED), "--quiet")
    assert again.returncode == 0 and again.stderr == ""
    assert pactlens.ArticleSummary.model_validate_json(again.stdout).meta.cached


def test_folder_to_jsonl_with_one_failure(server: Loopback, tmp_path: Path) -> None:
    news = tmp_path / "news"
    (news / "deeper").mkdir(parents=True)
    (news / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (news / "deeper" / "other.html").write_text(f"<p>{OTHER}</p>", encoding="utf-8")
    (news / "empty.txt").write_text("", encoding="utf-8")
    (news / "notes.md").write_text("not an article", encoding="utf-8")
    out = tmp_path / "runs.jsonl"

    done = run(server, tmp_path, "summarise", "news", "--out", str(out), "-j", "2")
    assert done.returncode == 1
    assert "pactlens: failed: news/empty.txt: InputError: the article is empty" in done.stderr
    assert "3 article(s): 2 ok (0 cached), 1 failed" in done.stderr
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(records) == {"news/seed.txt", "news/deeper/other.html", "news/empty.txt"}
    assert records["news/empty.txt"]["ok"] is False
    assert records["news/deeper/other.html"]["summary"]["text"].startswith("LONDON")


def test_markdown_to_a_file(server: Loopback, tmp_path: Path) -> None:
    md = tmp_path / "seed.md"
    done = run(server, tmp_path, "summarise", str(SEED), "-f", "md", "-o", str(md))
    assert done.returncode == 0, done.stderr
    assert md.read_text(encoding="utf-8").startswith("# Russia-North Korea sign")


def test_several_articles_to_a_folder(server: Loopback, tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "seed.txt").write_text(OTHER, encoding="utf-8")
    done = run(
        server,
        tmp_path,
        "summarise",
        str(SEED),
        "b",
        "-",
        "-f",
        "html",
        "-o",
        "out",
        stdin=OTHER.replace("fisheries", "steel"),
    )
    assert done.returncode == 0, done.stderr
    pages = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir()}
    assert sorted(pages) == ["russia-north-korea-pact.html", "seed.html", "stdin.html"]
    assert all(page.lstrip().lower().startswith("<!doctype html") for page in pages.values())
    assert "steel" in pages["stdin.html"] and "fisheries" in pages["seed.html"]


def test_stdin_to_json_on_stdout(server: Loopback, tmp_path: Path) -> None:
    done = run(server, tmp_path, "summarise", "-", "--no-cache", "--no-progress", stdin=OTHER)
    assert done.returncode == 0, done.stderr
    summary = pactlens.ArticleSummary.model_validate_json(done.stdout)
    assert summary.text == OTHER.strip() and not summary.meta.cached


def test_usage_error_exits_2_in_a_subprocess(server: Loopback, tmp_path: Path) -> None:
    done = run(server, tmp_path, "summarise", "no-such-file.txt")
    assert done.returncode == 2
    assert done.stderr == "pactlens: error: no such file or folder: no-such-file.txt\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["summarise"], "the following arguments are required: PATH"),
        (["summarise", "{seed}", "--concurrency", "0"], "expected a positive whole number"),
        (["summarise", "{empty}"], "no .txt, .html or .htm files under"),
        (["summarise", "{seed}", "{seed}", "-f", "html"], "need --out FOLDER"),
        (["summarise", "-", "-"], "- (stdin) can be given only once"),
        (["summarise", "{seed}", "--local", "--base-url", "http://x"], "not allowed with"),
        (["summarise", "{seed}", "--api-key-env", "PACTLENS_TEST_UNSET"], "is not set"),
        (["summarise", "{seed}", "-o", "{empty}/no/such/out.json"], "does not exist"),
        (["frobnicate"], "invalid choice"),
        (["clean", "missing.txt"], "no such file: missing.txt"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PACTLENS_TEST_UNSET", raising=False)
    monkeypatch.setattr(sys, "stdin", None)  # never read: "- -" fails before reading twice
    (tmp_path / "empty").mkdir()
    argv = [a.format(seed=SEED, empty=tmp_path / "empty") for a in argv]
    if argv[1:2] == ["-"]:
        monkeypatch.setattr("pactlens.cli.inputs.read_stdin", lambda: OTHER)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_unusable_backend_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "PACTLENS_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PACTLENS_BACKEND", "openai")
    assert main(["summarise", str(SEED), "--cache-dir", str(tmp_path), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "pactlens: failed: " in err and err.endswith(
        "pactlens: error: the openai backend needs OPENAI_API_KEY or a base_url\n"
    )


def test_clean_prints_text_and_metadata(server: Loopback, tmp_path: Path) -> None:
    done = run(server, tmp_path, "clean", str(SEED))
    assert done.returncode == 0, done.stderr
    head, _, body = done.stdout.partition("\n\n")
    assert "Title: Russia-North Korea sign strategic partnership pact" in head
    assert "Dateline: Islamabad, 2024-06-21" in head
    assert body.startswith("Islamabad, 21 June 2024 (TDI): A strategic partnership pact")
    assert "Follow us" not in body


def test_clean_as_json_and_failures(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = SEED.read_text(encoding="utf-8")
    monkeypatch.setattr("pactlens.cli.inputs.read_stdin", lambda: raw)
    assert main(["clean", "-", "--format", "json"]) == 0
    assert pactlens.Article.model_validate_json(capsys.readouterr().out) == pactlens.clean(raw)

    monkeypatch.setattr("pactlens.cli.inputs.read_stdin", lambda: "  \n")
    assert main(["clean", "-"]) == 1
    assert "pactlens: failed: -: InputError: the article is empty" in capsys.readouterr().err


def test_schema_matches_the_committed_one(server: Loopback, tmp_path: Path) -> None:
    committed = (ROOT / "schemas" / "article_summary.schema.json").read_text(encoding="utf-8")
    done = run(server, tmp_path, "schema")
    assert done.returncode == 0 and done.stdout == committed
    assert main(["schema", "--write", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s" / "article_summary.schema.json").read_text(encoding="utf-8") == committed


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "examples:" in text and "pactlens summarise news/ --format jsonl" in text
    assert "exit status: 0 all articles summarised, 1 some failed, 2 usage error" in text
    assert main(["summarise", "--help"]) == 0
    assert "--concurrency" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"pactlens {pactlens.__version__}\n"
