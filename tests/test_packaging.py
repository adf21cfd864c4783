"""A non-editable install carries its data files (prompts, schema, lexicon, page assets,
the seed gold), not only the code, and works without a checkout."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _wheel(tmp_path: Path) -> Path:
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
    return wheel


@pytest.mark.integration
def test_wheel_ships_prompts_schema_and_py_typed(tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(_wheel(tmp_path)).namelist())
    assert "pactlens/py.typed" in names
    for prompt in (ROOT / "prompts").glob("*.toml"):
        assert f"pactlens/_data/prompts/{prompt.name}" in names
    assert "pactlens/_data/schemas/article_summary.schema.json" in names
    for name in (
        "lexicon/words.toml",
        "render/page.css",
        "render/badges.css",
        "render/page.js",
        "tracking/book.css",
        "tracking/book.js",
    ):
        assert f"pactlens/{name}" in names
    assert "pactlens/_data/gold/seed.json" in names
    assert "pactlens/_data/gold/tracking/gold.json" in names
    assert "pactlens/_data/articles/russia-north-korea-pact.txt" in names


@pytest.mark.integration
def test_seed_evaluation_runs_from_the_wheel_without_a_checkout(tmp_path: Path) -> None:
    unpacked = tmp_path / "site"
    zipfile.ZipFile(_wheel(tmp_path)).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import json, pactlens; from pactlens._eval import Baseline; "
        "report = pactlens.evaluate(Baseline(), dataset='seed'); "
        "print(json.dumps([pactlens.__file__, report.to_dict()['ratios']['seed facts']]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    where, facts = json.loads(out.stdout)
    assert where.startswith(str(unpacked))
    assert facts["total"] == 33
    assert facts["correct"] == 21  # the naive baseline's score on the seed (EVALUATION.md)
