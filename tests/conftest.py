from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "articles" / "russia-north-korea-pact.txt"


@pytest.fixture
def seed_raw() -> str:
    return SEED.read_text(encoding="utf-8")
