"""examples/quickstart.ipynb runs top to bottom (nbclient), against a loopback server."""

from __future__ import annotations

import os
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
        for name in [n for n in os.environ if n not in env]:  # OPENAI_*, PACTLENS_*
            monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        client = nbclient.NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(EXAMPLES)}},
        )
        client.execute()  # raises CellExecutionError if any cell fails
        sent = server.completions

    assert sent == 1
    code = [c for c in notebook.cells if c.cell_type == "code"]
    shown = [outputs(c) for c in code]
    assert "title:    Russia-North Korea sign strategic partnership pact" in shown[1]
    html = next(o["data"]["text/html"] for o in code[2].outputs if "text/html" in o.get("data", {}))
    assert "Russia-North Korea sign strategic partnership pact" in html
    assert "signed" in shown[3] and "speculative" in shown[3]
    assert "rows" in shown[5] and "'statement'" in shown[5]
