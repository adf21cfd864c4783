"""A non-editable install carries the prompts and the schema, not only the code."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.integration
def test_wheel_ships_prompts_schema_and_py_typed(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="needs the test extra (hatchling)")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("pactlens-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "pactlens/py.typed" in names
    for prompt in (ROOT / "prompts").glob("*.toml"):
        assert f"pactlens/_data/prompts/{prompt.name}" in names
    assert "pactlens/_data/schemas/article_summary.schema.json" in names
