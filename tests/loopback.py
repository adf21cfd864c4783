"""A real OpenAI-compatible HTTP server on 127.0.0.1, for end-to-end tests and benchmarks.

Unlike ``scripted.py`` (an httpx mock transport inside the test process), this is a
socket server: a CLI subprocess, a notebook kernel or a benchmark can talk to it through
``OPENAI_BASE_URL``. It speaks ``POST /v1/chat/completions`` and ``GET /v1/models``::

    with Loopback(responder=any_article(), latency=0.2, fault_rate=0.1, seed=1) as server:
        server.base_url          # "http://127.0.0.1:PORT/v1"
        ...
        server.completions, server.faults, server.max_in_flight

Each connection is served by its own thread, so latency never blocks other requests.
Faults (500/503/429, drawn from a seeded RNG, so the n-th request always gets the same
fate) are answered with ``Retry-After: 0`` so clients retry at once.

As a script it serves until interrupted, printing its base URL on the first line::

    python tests/loopback.py --port 0 --answer-file answer.json --latency 0.2
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any

__all__ = [
    "Loopback",
    "Responder",
    "answer_body",
    "any_article",
    "fill_required",
    "fixed",
    "main",
    "minimal_answer",
    "refuse_when",
]

#: request JSON -> (status, headers, body); a dict body is sent as JSON.
Responder = Callable[[dict[str, Any]], tuple[int, dict[str, str], "dict[str, Any] | str"]]

_SENTENCE = re.compile(r"^\[(\d+)\] (.+)$", re.MULTILINE)
_TITLE = re.compile(r"^Title: (.+)$", re.MULTILINE)


def _prompt(request: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content") or "") for m in request.get("messages", []))


def request_schema(request: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON Schema the request asks the answer to follow (tools or json_schema)."""
    for tool in request.get("tools") or []:
        return dict(tool.get("function", {}).get("parameters") or {}) or None
    response_format = request.get("response_format") or {}
    schema = (response_format.get("json_schema") or {}).get("schema")
    return dict(schema) if schema else None


def fill_required(value: Any, schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """``value`` with every required key the schema names and it lacks added, empty
    (``[]``, ``None`` where nullable, ``""``), as a model under constrained decoding
    would: fixed answers keep working when optional fields become required."""
    defs = schema.get("$defs", {}) if defs is None else defs
    schema = _resolve(schema, defs)
    if isinstance(value, dict):
        branch = next(
            (
                _resolve(b, defs)
                for b in schema.get("anyOf", [])
                if _resolve(b, defs).get("properties")
            ),
            schema,
        )
        properties = branch.get("properties", {})
        filled = {
            k: fill_required(v, properties[k], defs) if k in properties else v
            for k, v in value.items()
        }
        for key in branch.get("required", []):
            if key not in filled:
                filled[key] = _empty(properties.get(key, {}), defs)
        return filled
    if isinstance(value, list) and "items" in schema:
        return [fill_required(v, schema["items"], defs) for v in value]
    return value


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    return dict(defs.get(ref.rsplit("/", 1)[-1], schema)) if ref else schema


def _empty(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    schema = _resolve(schema, defs)
    branches = schema.get("anyOf", [schema])
    if any(b.get("type") == "null" for b in branches):
        return None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    empty: dict[str, Any] = {"array": [], "string": "", "integer": 0, "number": 0, "boolean": False}
    if kind == "object":
        return fill_required({}, schema, defs)
    return empty.get(str(kind))


def answer_body(
    request: dict[str, Any], answer: dict[str, Any] | str, *, fill: bool = True
) -> dict[str, Any]:
    """A chat completion carrying ``answer``: as a tool call when the request offers
    tools (instructor's TOOLS mode), as message content otherwise (JSON modes). A dict
    answer gets the keys the request's schema requires and it lacks (``fill``)."""
    schema = request_schema(request)
    if fill and isinstance(answer, dict) and schema is not None:
        answer = fill_required(answer, schema)
    arguments = answer if isinstance(answer, str) else json.dumps(answer)
    tools = request.get("tools") or []
    if tools:
        name = tools[0].get("function", {}).get("name", "Extraction")
        message: dict[str, Any] = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ],
        }
        finish = "tool_calls"
    else:
        message = {"role": "assistant", "content": arguments}
        finish = "stop"
    prompt_tokens = len(_prompt(request).split())
    completion_tokens = max(1, len(arguments) // 4)
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": 0,
        "model": request.get("model", "loopback"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def minimal_answer(request: dict[str, Any]) -> dict[str, Any]:
    """A valid, minimal ``Extraction`` for whatever article the prompt holds."""
    del request  # the same for every article: the rules' agreements, nothing added
    return {
        "parties": [],
        "agreements": [],
        "quote_speakers": [],
        "reported": [],
    }


def any_article() -> Responder:
    """Answers every article with :func:`minimal_answer` (batches of varied articles)."""

    def respond(request: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any] | str]:
        return 200, {}, answer_body(request, minimal_answer(request))

    return respond


def fixed(answer: dict[str, Any] | str, *, fill: bool = True) -> Responder:
    """Answers every request with the same ``Extraction`` (a dict or raw JSON text)."""

    def respond(request: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any] | str]:
        return 200, {}, answer_body(request, answer, fill=fill)

    return respond


def refuse_when(needle: str, status: int, responder: Responder) -> Responder:
    """Answers ``status`` to prompts containing ``needle``, and ``responder`` otherwise."""

    def respond(request: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any] | str]:
        if needle in _prompt(request):
            return status, {}, error_body(status)
        return responder(request)

    return respond


def error_body(status: int) -> dict[str, Any]:
    return {"error": {"message": f"loopback {status}", "type": "server_error", "code": status}}


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # joined by server_close(), so nothing outlives stop()
    block_on_close = True

    def __init__(self, owner: Loopback, address: tuple[str, int]) -> None:
        self.owner = owner
        self.connections: set[socket.socket] = set()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.owner._lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.owner._lock:
            self.connections.discard(request)
        super().shutdown_request(request)


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # else every response stalls ~40 ms (delayed ACK)
    protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self.server.owner._count()
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            owner = self.server.owner
            data = [
                {"id": m, "object": "model", "created": 0, "owned_by": "loopback"}
                for m in owner.models
            ]
            self._send(200, {}, {"object": "list", "data": data})
        else:
            self._send(404, {}, error_body(404))

    def do_POST(self) -> None:
        owner = self.server.owner
        owner._count()
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            self._send(404, {}, error_body(404))
            return
        try:
            request = json.loads(raw)
        except ValueError:
            self._send(400, {}, error_body(400))
            return
        self._send(*owner._complete(request))

    def _send(self, status: int, headers: dict[str, str], body: dict[str, Any] | str) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client went away, or stop() closed the connection
            self.close_connection = True


class Loopback:
    """An OpenAI-compatible server on 127.0.0.1, in a background thread.

    ``responder`` maps the request JSON to ``(status, headers, body)``; the default
    answers any article validly (:func:`any_article`). ``latency`` seconds are waited
    before each chat answer (in the request's own thread). ``fault_rate`` of chat
    requests, chosen by ``random.Random(seed)``, get one of ``fault_statuses``.
    """

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        latency: float = 0.0,
        fault_rate: float = 0.0,
        fault_statuses: Iterable[int] = (500, 503, 429),
        seed: int = 0,
        port: int = 0,
        models: Iterable[str] = ("loopback",),
        record: bool = True,
    ) -> None:
        self.responder = responder or any_article()
        self.latency = latency
        self.fault_rate = fault_rate
        self.fault_statuses = tuple(fault_statuses)
        self.models = list(models)
        self.record = record
        self.port = port
        self.requests = 0  # every HTTP request
        self.completions = 0  # chat completion requests
        self.faults = 0  # of which answered with an injected fault
        self.in_flight = 0
        self.max_in_flight = 0
        self.bodies: list[dict[str, Any]] = []
        self.arrivals: list[float] = []  # time.monotonic() of each chat request
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> Loopback:
        if self._server is not None:
            raise RuntimeError("the loopback server is already running")
        self._stopping.clear()
        self._server = _Server(self, ("127.0.0.1", self.port))
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"loopback:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        server.shutdown()
        thread.join()
        with self._lock:
            open_connections = list(server.connections)
        for connection in open_connections:  # wake handlers parked on keep-alive reads
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()  # joins every handler thread
        self._server = self._thread = None

    def __enter__(self) -> Loopback:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def environ(self, **extra: str) -> dict[str, str]:
        """``os.environ`` pointed at this server: ``OPENAI_*``/``PACTLENS_*`` replaced."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PACTLENS_"))}
        env.update(OPENAI_BASE_URL=self.base_url, OPENAI_API_KEY="sk-loopback", **extra)
        return env

    def reset_counts(self) -> None:
        with self._lock:
            self.requests = self.completions = self.faults = self.max_in_flight = 0
            self.bodies.clear()
            self.arrivals.clear()

    # -- called from handler threads ---------------------------------------------------

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def _complete(
        self, request: dict[str, Any]
    ) -> tuple[int, dict[str, str], dict[str, Any] | str]:
        with self._lock:
            self.completions += 1
            self.arrivals.append(time.monotonic())
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if self.record:
                self.bodies.append(request)
            fault = self._rng.random() < self.fault_rate
            status = self._rng.choice(self.fault_statuses) if fault else 200
            if fault:
                self.faults += 1
        try:
            if self.latency:
                self._stopping.wait(self.latency)
            if fault:
                return status, {"retry-after": "0"}, error_body(status)
            try:
                return self.responder(request)
            except Exception as e:  # a broken responder should fail the test, loudly
                return 500, {}, error_body(500) | {"responder_error": repr(e)}
        finally:
            with self._lock:
                self.in_flight -= 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a fake OpenAI-compatible endpoint.")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--answer-file",
        type=Path,
        help="a JSON Extraction to answer every request with "
        "(default: a minimal valid answer for any article)",
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    responder = any_article()
    if args.answer_file is not None:
        responder = fixed(json.loads(args.answer_file.read_text(encoding="utf-8")))
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with Loopback(
        responder,
        latency=args.latency,
        fault_rate=args.fault_rate,
        seed=args.seed,
        port=args.port,
        record=False,
    ) as server:
        print(server.base_url, flush=True)
        stop.wait()
        print(f"served {server.completions} completions ({server.faults} faults)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
