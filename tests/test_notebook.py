"""examples/quickstart.ipynb runs top to bottom (nbclient), against a loopback server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from loopback import Loopback, fixed
from test_pipeline import seed_answer

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOK = EXAMPLES / "quickstart.ipynb"


def outputs(cell: Any) -> str:
    """Everything a cell showed, as text (streams, reprs, HTML)."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.extend(str(v) for v in output.get("data", {}).values())
    return "\n".join(parts)


def test_quickstart_runs_top_to_bottom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = (EXAMPLES / "articles" / "russia-north-korea-pact.txt").read_text(encoding="utf-8")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(not c.get("outputs") for c in notebook.cells), "commit the notebook without outputs"

    with Loopback(fixed(seed_answer(seed))) as server:
        env = server.environ(
            PACTLENS_CACHE_DIR=str(tmp_path / "cache"),
            PACTLENS_MODEL="test-model",
            JUPYTER_PLATFORM_DIRS="1",
        )
        # The kernel is driven from a child process: jupyter_client's own sockets then
        # live and die there, and this process's strict warnings see only our code.
        executed = tmp_path / "executed.ipynb"
        script = (
            "import sys, nbclient, nbformat\n"
            "nb = nbformat.read(sys.argv[1], as_version=4)\n"
            "nbclient.NotebookClient(nb, timeout=120, kernel_name='python3',\n"
            "    resources={'metadata': {'path': sys.argv[3]}}).execute()\n"
            "nbformat.write(nb, sys.argv[2])\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(NOTEBOOK), str(executed), str(EXAMPLES)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-4000:]  # a failing cell fails the run
        notebook = nbformat.read(executed, as_version=4)
        sent = server.completions

    assert sent == 1
    code = [c for c in notebook.cells if c.cell_type == "code"]
    shown = [outputs(c) for c in code]
    assert "title:    Russia-North Korea sign strategic partnership pact" in shown[1]
    html = next(o["data"]["text/html"] for o in code[2].outputs if "text/html" in o.get("data", {}))
    assert "Russia-North Korea sign strategic partnership pact" in html
    assert "signed" in shown[3] and "speculative" in shown[3]
    assert "rows" in shown[5] and "'statement'" in shown[5]
