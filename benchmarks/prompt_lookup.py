"""Prompt-lookup decoding against plain decoding on the seed, the embedded model served
as pactlens serves it: one server per side in turn (plain, lookup, plain, lookup), each
warmed once, then 2 timed runs, cache off. llama.cpp's prompt-lookup decoding needs no
second model: it drafts tokens by copying spans of the prompt, which suits extraction.

    python benchmarks/prompt_lookup.py 10     # tokens drafted per lookup
"""

import os
import sys
import time
from pathlib import Path

from pactlens import Config, Summariser
from pactlens.backend import server as srv

ROOT = Path(__file__).resolve().parents[1]
seed = (ROOT / "examples" / "articles" / "russia-north-korea-pact.txt").read_text()
plain_args = srv.LocalServer.args
n = sys.argv[1] if len(sys.argv) > 1 else "10"


def pld_args(self: srv.LocalServer, port: int) -> list[str]:
    return [
        *plain_args(self, port),
        "--draft_model",
        "prompt-lookup-decoding",
        "--draft_model_num_pred_tokens",
        n,
    ]


print("load", os.getloadavg()[0], flush=True)
for side in ["plain", f"prompt-lookup-{n}", "plain", f"prompt-lookup-{n}"]:
    srv.LocalServer.args = plain_args if side == "plain" else pld_args
    with Summariser(Config(backend="local", cache=False)) as s:
        s.summarise(seed)  # warm: server start, prompt prefix
        for run in range(2):
            t = time.perf_counter()
            r = s.summarise(seed)
            dt = time.perf_counter() - t
            print(
                side,
                run,
                round(dt, 1),
                r.meta.usage.completion_tokens,
                [(a.name, a.status, str(a.date)) for a in r.agreements],
                len(r.statements),
                flush=True,
            )
