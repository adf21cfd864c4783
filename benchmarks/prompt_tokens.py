"""(e) Prompt tokens for the seed: pactlens's request vs a naive instructor call.

Each request is captured as sent (an httpx mock transport records the body) and its
prompt side counted with the embedded model's own tokenizer (Qwen2.5, from the GGUF,
``vocab_only``): the message contents plus, in TOOLS mode, the tools JSON; in
JSON_SCHEMA mode the schema is sent as ``response_format`` (llama.cpp compiles it to a
grammar; OpenAI also shows it to the model), counted separately. Chat-template tokens
(a few per message) are not included on any side.

* pactlens: the seed cleaned, sentences numbered, quotations found and listed, asking
  for the lean ``Extraction`` (TOOLS mode as sent to OpenAI-compatible endpoints;
  JSON_SCHEMA as sent to the embedded model).
* naive: ``instructor.from_openai(client).chat.completions.create(response_model=...)``
  in its default TOOLS mode with the raw article and a one-line instruction, once with
  the same ``Extraction`` and once with the public ``ArticleSummary`` a user would reach for.

    .venv/bin/python benchmarks/prompt_tokens.py [--model PATH.gguf]
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import instructor
import openai
from _common import MODELS, environment, seed_answer, seed_raw, table
from pydantic import BaseModel

import pactlens
from pactlens._extraction import Extraction

NAIVE = "Extract the parties, agreements and attributed statements from this news article:\n\n"


class _Captured(Exception):
    pass


def capture(call: Any, answer: dict[str, Any] | None) -> dict[str, Any]:
    """The first request body ``call(client)`` sends (answered with ``answer``, or aborted)."""
    bodies: list[dict[str, Any]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        if answer is None:
            raise _Captured
        arguments = json.dumps(answer)
        tools = body.get("tools")
        message: dict[str, Any] = (
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c",
                        "type": "function",
                        "function": {"name": tools[0]["function"]["name"], "arguments": arguments},
                    }
                ],
            }
            if tools
            else {"role": "assistant", "content": arguments}
        )
        return httpx.Response(
            200,
            json={
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            },
        )

    client = openai.OpenAI(
        api_key="sk-bench",
        base_url="http://capture.test/v1",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(handle)),  # type: ignore[arg-type]
    )
    try:
        call(client)
    except Exception:  # the aborted naive calls end here; the body is already recorded
        pass
    finally:
        client.close()
    return bodies[0]


def pactlens_body(raw: str, mode: str) -> dict[str, Any]:
    def call(client: openai.OpenAI) -> None:
        config = pactlens.Config(model="m", cache=False, mode=mode)  # type: ignore[arg-type]
        pactlens.Summariser(config, client=client).summarise(raw)

    return capture(call, seed_answer(raw))


def naive_body(raw: str, model: type[BaseModel]) -> dict[str, Any]:
    def call(client: openai.OpenAI) -> None:
        instructor.from_openai(client).chat.completions.create(
            model="m",
            response_model=model,
            max_retries=0,
            messages=[{"role": "user", "content": NAIVE + raw}],
        )

    return capture(call, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="a GGUF (default: the cache's)")
    args = parser.parse_args()
    logging.getLogger("instructor").setLevel(logging.CRITICAL)  # the aborted calls
    path = args.model or next(iter(sorted(MODELS.glob("*.gguf"))), None)
    if path is None:
        raise SystemExit(f"no GGUF in {MODELS}: pass --model PATH")
    import llama_cpp

    vocab = llama_cpp.Llama(model_path=str(path), vocab_only=True, verbose=False)

    def tokens(text: str) -> int:
        return len(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    raw = seed_raw()
    bodies = {
        "pactlens, TOOLS (OpenAI-compatible)": pactlens_body(raw, "tools"),
        "pactlens, JSON_SCHEMA (embedded model)": pactlens_body(raw, "json_schema"),
        "naive instructor TOOLS, Extraction": naive_body(raw, Extraction),
        "naive instructor TOOLS, ArticleSummary": naive_body(raw, pactlens.ArticleSummary),
    }
    rows: list[list[object]] = []
    for name, body in bodies.items():
        messages = "\n".join(str(m.get("content") or "") for m in body["messages"])
        tools = json.dumps(body["tools"]) if body.get("tools") else ""
        schema = json.dumps(body["response_format"]) if body.get("response_format") else ""
        m, t, s = tokens(messages), tokens(tools) if tools else 0, tokens(schema) if schema else 0
        rows.append([name, len(messages), m, t, s, m + t + s])
    for row in rows:
        row.append(f"{int(row[5]) / int(rows[0][5]):.2f}")  # type: ignore[call-overload]
    print(f"(e) prompt tokens for the seed article, tokenizer {path.name} ({environment()})")
    print(
        table(
            [
                "request",
                "message chars",
                "message tokens",
                "tools tokens",
                "response_format tokens",
                "total",
                "vs pactlens TOOLS",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
