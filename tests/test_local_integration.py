"""The embedded model, served for real on loopback, through the real OpenAI client.

Slow (model assembly, server start, ~30 s of CPU inference): marked ``integration``.
It runs in ``.ci/run`` (where a skip counts as a failure); elsewhere it skips when the
``local`` extra is missing.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
from pathlib import Path

import pytest

import pactlens

pytestmark = pytest.mark.integration

if importlib.util.find_spec("llama_cpp") is None:
    pytest.skip("needs pip install -e '.[local]'", allow_module_level=True)


@pytest.fixture(scope="module")
def local_summary(
    tmp_path_factory: pytest.TempPathFactory, seed_text: str
) -> pactlens.ArticleSummary:
    cache = Path(os.environ.get("PACTLENS_TEST_CACHE") or tmp_path_factory.mktemp("local-cache"))
    config = pactlens.Config(backend="local", cache_dir=cache, cache=False)
    with pactlens.Summariser(config) as summariser:  # closes its HTTP clients
        return summariser.summarise(seed_text)


@pytest.fixture(scope="module")
def seed_text() -> str:
    root = Path(__file__).resolve().parents[1]
    return (root / "examples" / "articles" / "russia-north-korea-pact.txt").read_text("utf-8")


def test_parties(local_summary: pactlens.ArticleSummary) -> None:
    names = {p.name for p in local_summary.parties}
    assert {"Russia", "North Korea"} <= names
    aliases = {a for p in local_summary.parties for a in p.aliases}
    assert {"Moscow", "Pyongyang"} <= aliases


def test_signed_agreement_dated_wednesday(local_summary: pactlens.ArticleSummary) -> None:
    signed = [a for a in local_summary.agreements if a.status == "signed"]
    assert signed, [a.model_dump(include={"name", "status"}) for a in local_summary.agreements]
    assert any(a.date == dt.date(2024, 6, 19) for a in signed)


def test_direct_quotes_grounded_and_putins(local_summary: pactlens.ArticleSummary) -> None:
    direct = [s for s in local_summary.statements if s.kind == "direct"]
    assert direct
    for s in direct:
        assert s.span is not None
        assert local_summary.text[s.span.start : s.span.end] == s.span.text == s.text
    assert any("Putin" in s.speaker for s in direct)


def test_meta_reports_the_local_backend(local_summary: pactlens.ArticleSummary) -> None:
    meta = local_summary.meta
    assert meta.backend == "local"
    assert meta.usage.prompt_tokens > 0 and meta.usage.completion_tokens > 0
