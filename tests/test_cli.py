"""The command line, end to end: ``python -m pactlens`` in a subprocess, talking to a
real loopback server over HTTP. Usage errors are checked in-process (no server needed)."""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback import Loopback, answer_body, any_article, minimal_answer
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
    server: Loopback,
    tmp_path: Path,
    *args: str,
    stdin: str | None = None,
    cache: bool = True,
    preexec_fn: Callable[[], None] | None = None,
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
        preexec_fn=preexec_fn,
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


# -- inputs that cannot be read --------------------------------------------------------


def test_unreadable_entries_under_a_folder_are_failures(server: Loopback, tmp_path: Path) -> None:
    news = tmp_path / "news"
    (news / "sub").mkdir(parents=True)
    (news / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (news / "sub" / "other.html").write_text(f"<p>{OTHER}</p>", encoding="utf-8")
    os.mkfifo(news / "sub" / "fifo.txt")  # reading it would wait for a writer forever
    (news / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (news / "loop.txt").symlink_to("loop.txt")  # ELOOP on every open
    (news / "notes.md").symlink_to(tmp_path / "gone.md")  # not an article: ignored
    out = tmp_path / "runs.jsonl"

    done = run(server, tmp_path, "summarise", "news", "--out", str(out), "-j", "2")
    assert done.returncode == 1, done.stderr
    failed = sorted(line for line in done.stderr.splitlines() if "failed: " in line)
    assert failed == [
        "pactlens: failed: news/dangling.txt: InputError: cannot read news/dangling.txt: "
        "a broken symbolic link (No such file or directory)",
        "pactlens: failed: news/loop.txt: InputError: cannot read news/loop.txt: "
        "a broken symbolic link (Too many levels of symbolic links)",
        "pactlens: failed: news/sub/fifo.txt: InputError: cannot read news/sub/fifo.txt: "
        "a named pipe (FIFO), not a regular file",
    ]
    assert "5 article(s): 2 ok (0 cached), 3 failed" in done.stderr
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert sorted(records) == [
        "news/dangling.txt",
        "news/loop.txt",
        "news/seed.txt",
        "news/sub/fifo.txt",
        "news/sub/other.html",
    ]
    assert records["news/seed.txt"]["ok"] and records["news/sub/other.html"]["ok"]
    assert records["news/sub/fifo.txt"]["ok"] is False


_LIBC = ctypes.CDLL(None, use_errno=True)


def _without_root_reads() -> None:
    """In the child, before exec: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the
    bounding set, so root after exec obeys file modes (chmod 000) like anyone else."""
    if os.geteuid() == 0:
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            _LIBC.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP


def test_unreadable_subfolder_is_a_failure_and_the_rest_is_summarised(
    server: Loopback, tmp_path: Path
) -> None:
    news = tmp_path / "news"
    (news / "locked").mkdir(parents=True)
    (news / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (news / "locked" / "hidden.txt").write_text(OTHER, encoding="utf-8")
    (news / "locked").chmod(0)
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import os, sys; os.listdir(sys.argv[1])", news / "locked"],
            preexec_fn=_without_root_reads,
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            pytest.skip("cannot make a folder unreadable here (root without PR_CAPBSET_DROP)")
        done = run(
            server, tmp_path, "summarise", "news", "-f", "jsonl", preexec_fn=_without_root_reads
        )
        named = run(server, tmp_path, "summarise", "news/locked", preexec_fn=_without_root_reads)
    finally:
        (news / "locked").chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert (
        "pactlens: failed: news/locked: InputError: cannot read the folder news/locked: "
        "Permission denied; the articles in it were not summarised\n"
    ) in done.stderr
    assert "2 article(s): 1 ok (0 cached), 1 failed" in done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted((r["id"], r["ok"]) for r in records) == [
        ("news/locked", False),
        ("news/seed.txt", True),
    ]
    # a folder named on the command line is the caller's own: unreadable, it is a usage error
    assert named.returncode == 2
    assert (
        named.stderr == "pactlens: error: cannot read the folder news/locked: Permission denied\n"
    )


NOT_UTF8 = b"LONDON (Reuters) - Britain and France signed a fisheries \xff\xfe deal on Tuesday.\n"


def test_stdin_that_is_not_utf8_is_refused_like_a_file(server: Loopback, tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(NOT_UTF8)

    def pactlens_(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "pactlens", *args],
            env=server.environ(PACTLENS_MODEL="test-model", PACTLENS_CACHE_DIR=str(tmp_path)),
            input=stdin,
            capture_output=True,
            timeout=60,
            cwd=tmp_path,
        )

    from_file = pactlens_("summarise", "bad.txt", "--no-progress")
    from_stdin = pactlens_("summarise", "-", "--no-progress", stdin=NOT_UTF8)
    assert from_file.returncode == from_stdin.returncode == 1
    assert b"pactlens: failed: bad.txt: InputError: bad.txt is not UTF-8 text" in from_file.stderr
    assert (
        b"pactlens: failed: <stdin>: InputError: <stdin> is not UTF-8 text "
        b"(invalid start byte at byte 57)\n"
    ) in from_stdin.stderr
    assert from_stdin.stdout == b""

    clean_file = pactlens_("clean", "bad.txt")
    clean_stdin = pactlens_("clean", "-", stdin=NOT_UTF8)
    assert clean_file.returncode == clean_stdin.returncode == 2
    assert clean_stdin.stderr == (
        b"pactlens: error: <stdin> is not UTF-8 text (invalid start byte at byte 57)\n"
    )
    assert clean_stdin.stdout == b""


SURROGATE = "LONDON (Reuters) - Britain and France signed a \udcff fisheries deal on Tuesday.\n"


def test_lone_surrogates_are_refused_before_any_request(
    server: Loopback,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(pactlens.InputError, match=r"lone surrogate") as refused:
        pactlens.clean(SURROGATE)
    assert "invalid Unicode" in str(refused.value) and "character 47" in str(refused.value)

    for name in [n for n in os.environ if n.startswith(("OPENAI_", "PACTLENS_"))]:
        monkeypatch.delenv(name)
    for name, value in server.environ(PACTLENS_MODEL="test-model").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("pactlens.cli.inputs.read_stdin", lambda: SURROGATE)  # as a caller
    sent = server.completions
    assert main(["summarise", "-", "--cache-dir", str(tmp_path), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "pactlens: failed: <stdin>: InputError: the article holds 1 lone surrogate" in err
    assert "no valid answer" not in err
    assert server.completions == sent  # nothing was sent

    assert main(["clean", "-"]) == 1
    assert "InputError: the article holds 1 lone surrogate" in capsys.readouterr().err


# -- the process around the command ----------------------------------------------------


def test_closed_stdout_is_a_one_line_error(server: Loopback, tmp_path: Path) -> None:
    sent = server.completions
    for args in (
        ["summarise", str(SEED), "--cache-dir", str(tmp_path / "cache")],
        ["clean", str(SEED)],
        ["schema"],
        ["eval", "--dataset", "seed", "--predictor", "baseline"],
    ):
        done = subprocess.run(  # `>&-`: the child starts with file descriptor 1 closed
            ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "pactlens", *args],
            env=server.environ(PACTLENS_MODEL="test-model"),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("pactlens: error: stdout is closed")
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert server.completions == sent  # refused before any article was sent


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as at a terminal, even under nohup or CI


def test_first_ctrl_c_stops_at_once_and_keeps_what_finished(tmp_path: Path) -> None:
    release = threading.Event()
    answer = any_article()

    def respond(request: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any] | str]:
        if "Hangtown" in json.dumps(request["messages"]):
            release.wait(60)  # an endpoint that never answers
        return answer(request)

    (tmp_path / "a.txt").write_text(OTHER, encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "HANGTOWN (Reuters) - Hangtown and Dripville signed a water pact on Monday.\n",
        encoding="utf-8",
    )
    out = tmp_path / "runs.jsonl"
    with Loopback(respond) as server:
        command = [
            sys.executable,
            "-m",
            "pactlens",
            "summarise",
            "a.txt",
            "b.txt",
            "-o",
            "runs.jsonl",
        ]
        with subprocess.Popen(
            [*command, "--cache-dir", "cache", "--no-progress"],
            env=server.environ(PACTLENS_MODEL="test-model"),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_default_sigint,  # noqa: PLW1509 - signal.signal only, no locks
        ) as proc:
            try:
                deadline = time.monotonic() + 30
                while not (server.in_flight and out.exists() and out.read_text("utf-8")):
                    assert time.monotonic() < deadline and proc.poll() is None
                    time.sleep(0.05)
                interrupted = time.monotonic()
                proc.send_signal(signal.SIGINT)
                _, err = proc.communicate(timeout=15)
                took = time.monotonic() - interrupted
            finally:
                proc.kill()
                release.set()
    assert proc.returncode == 130, err
    assert took < 3, f"took {took:.1f} s to stop"
    assert err.endswith("pactlens: interrupted\n") and "Traceback" not in err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["ok"]) for r in records] == [("a.txt", True)]


# -- a long call shows life --------------------------------------------------------------

NOTICE = re.compile(r"summarising \S*seed\.txt … [2-9] s")  # on a bar: its postfix


def _on_a_terminal(command: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run ``command`` with stderr on a pseudo-terminal; its exit status and stderr."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 wide
    with subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=follower
    ) as proc:
        os.close(follower)
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the terminal's other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
    os.close(leader)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def slow() -> Iterator[Loopback]:
    with Loopback(latency=2.5) as srv:
        yield srv


def test_a_long_call_shows_its_seconds(slow: Loopback, tmp_path: Path) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text(OTHER, encoding="utf-8")
    env = slow.environ(PACTLENS_MODEL="test-model")
    base = [sys.executable, "-m", "pactlens", "summarise", "seed.txt", "--no-cache"]

    status, err = _on_a_terminal(base, env, tmp_path)  # a terminal: the line is rewritten
    assert status == 0, err
    assert NOTICE.search(err) and "\r" in err

    logged = subprocess.run(
        [*base, "--progress"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )  # not a terminal, progress asked for: a line of its own
    assert logged.returncode == 0, logged.stderr
    assert re.search(r"^pactlens: summarising seed\.txt … [2-9] s$", logged.stderr, re.MULTILINE)

    status, err = _on_a_terminal([*base, "-q"], env, tmp_path)
    assert status == 0 and err == ""

    status, err = _on_a_terminal(
        [sys.executable, str(ROOT / "examples" / "summarise_article.py"), str(seed)],
        slow.environ(PACTLENS_MODEL="test-model", PACTLENS_CACHE_DIR=str(tmp_path / "c")),
        tmp_path,
    )
    assert status == 0, err
    assert NOTICE.search(err), err


# -- settings ----------------------------------------------------------------------------


def test_unusable_cache_folder_exits_2_before_any_request(server: Loopback, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    sent = server.completions
    for cache_dir in ("afile", "afile/below"):
        done = run(server, tmp_path, "summarise", str(SEED), "--cache-dir", cache_dir, cache=False)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(f"pactlens: error: cannot open the cache at {cache_dir}")
        assert "--no-cache" in done.stderr and "failed:" not in done.stderr
    assert server.completions == sent
