"""The README's Python blocks run, for real, against a loopback OpenAI-compatible server.

Its shell commands are run by ``.ci/run`` (install, test, the main example) and by
tests/test_cli.py (the ``pactlens`` commands).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from loopback import Loopback, fixed
from redis_server import redis_server
from test_pipeline import seed_answer

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_python_block_runs(block: str, seed_raw: str, tmp_path: Path) -> None:
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(Loopback(fixed(seed_answer(seed_raw))))
        env = server.environ(PACTLENS_CACHE_DIR=str(tmp_path / "cache"))
        env = {k: v for k, v in env.items() if not k.startswith("PACTLENS_REQUIRE")}
        if "summarise_dataset" in block:  # the cluster block: its cache and limit in Redis
            redis = stack.enter_context(redis_server())
            del env["PACTLENS_CACHE_DIR"]
            env.update(
                PACTLENS_CACHE_URL=redis.url,
                PACTLENS_RATE_LIMIT_URL=redis.url,
                PACTLENS_REQUESTS_PER_MINUTE="6000",
            )
            env.pop("RAY_ADDRESS", None)
        done = subprocess.run(
            [sys.executable, "-c", block],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert done.returncode == 0, done.stderr[-3000:]


def test_readme_install_and_test_commands_are_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "CMAKE_ARGS=\"-DGGML_NATIVE=OFF\" pip install -e '.[local,test]'" in README
    assert "pip install -q -e '.[local,test]'" in ci and "python -m pytest" in ci
    main = "python examples/summarise_article.py examples/articles/russia-north-korea-pact.txt"
    assert main in ci and main in README
    assert os.path.exists(ROOT / "examples" / "articles" / "russia-north-korea-pact.txt")
