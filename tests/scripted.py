"""A scripted OpenAI-compatible exchange for unit tests.

``Script`` is an httpx ``MockTransport`` handler: each request to the chat completions
endpoint takes the next step, which is an ``httpx.Response``, an exception to raise
(a timeout, a dropped connection) or a dict / JSON string the "model" answers with.
Every request is recorded, so tests can assert how many were sent and what they held.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import httpx
import openai


def completion(
    answer: dict[str, Any] | str,
    *,
    mode: str = "tools",
    prompt_tokens: int = 900,
    completion_tokens: int = 150,
    finish_reason: str | None = None,
) -> httpx.Response:
    arguments = answer if isinstance(answer, str) else json.dumps(answer)
    if mode == "tools":
        message: dict[str, Any] = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "Extraction", "arguments": arguments},
                }
            ],
        }
        finish = finish_reason or "tool_calls"
    else:
        message = {"role": "assistant", "content": arguments}
        finish = finish_reason or "stop"
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "test-model",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    return httpx.Response(200, json=body)


def error(status: int, *, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        headers=headers,
        json={"error": {"message": f"scripted {status}", "type": "server_error"}},
    )


class Script:
    def __init__(self, steps: Iterable[Any]) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.steps:
            raise AssertionError(f"unscripted request #{len(self.requests)}: {request.url}")
        step = self.steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, httpx.Response):
            return step
        return completion(step)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def client(self) -> openai.OpenAI:
        return openai.OpenAI(
            api_key="sk-test-secret",
            base_url="http://scripted.test/v1",
            http_client=httpx.Client(transport=httpx.MockTransport(self)),
        )

    def async_client(self) -> openai.AsyncOpenAI:
        async def handler(request: httpx.Request) -> httpx.Response:
            return self(request)

        return openai.AsyncOpenAI(
            api_key="sk-test-secret",
            base_url="http://scripted.test/v1",
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        )
