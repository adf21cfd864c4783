"""Evaluation: score pactlens (or the rule baseline) on PolNeAR, RAMS and the seed.

Private: ``pactlens.evaluate`` re-exports :func:`~pactlens._eval.harness.evaluate` (lazily);
the CLI's ``eval`` subcommand (:mod:`pactlens.cli.eval`) imports this package, never the
reverse.
The layers: ``scoring`` (pure math) ← ``polnear`` / ``rams`` / ``seed`` (data and
per-document scores) ← ``report`` ← ``harness`` (runs a predictor). ``baseline`` is a
predictor. Names are loaded on first use, so ``import pactlens`` stays light. See
EVALUATION.md for the definitions and the measured numbers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pactlens._eval.baseline import Baseline
    from pactlens._eval.harness import evaluate
    from pactlens._eval.report import Report

__all__ = ["Baseline", "Report", "evaluate"]

_WHERE = {
    "Baseline": "baseline",
    "Report": "report",
    "evaluate": "harness",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"pactlens._eval.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'pactlens._eval' has no attribute {name!r}")
