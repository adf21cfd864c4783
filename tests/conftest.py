from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "articles" / "russia-north-korea-pact.txt"

# In .ci/run the real parts (the embedded model, Chromium, the eval data) are installed,
# so a test that skips for want of one is a broken install, not an optional extra.
REQUIRE_ALL = os.environ.get("PACTLENS_REQUIRE_INTEGRATION") == "1"
OPTIONAL = ("trafilatura", "pandas")


def _must_not_skip(report: Any) -> bool:
    return REQUIRE_ALL and report.skipped and not any(o in str(report.longrepr) for o in OPTIONAL)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if _must_not_skip(report):
        report.outcome = "failed"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if _must_not_skip(report):
        report.outcome = "failed"


@pytest.fixture
def seed_raw() -> str:
    return SEED.read_text(encoding="utf-8")
