"""The result of an evaluation: a printable table and a JSON document."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pactlens._eval.scoring import Counts, Ratio
from pactlens._eval.seed import Check

__all__ = ["Report"]


@dataclass
class Report:
    """What :func:`pactlens.evaluate` measured.

    ``counts`` hold P/R/F1 rows (``direct@0.3``: direct quotes at overlap ≥ 0.3),
    ``ratios`` accuracies and recalls counted per item, ``checks`` the seed's facts.
    ``errors`` maps a document to why the predictor failed on it; its gold items are
    counted as missed, never skipped.
    """

    dataset: str
    predictor: str
    documents: int = 0
    counts: dict[str, Counts] = field(default_factory=dict)
    ratios: dict[str, Ratio] = field(default_factory=dict)
    #: Scores that are neither counts nor ratios (B-cubed averages per item).
    values: dict[str, float] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def table(self) -> str:
        """A plain-text table: P/R/F1 with counts, then ratios, then failed checks."""
        per_doc = self.seconds / self.documents if self.documents else 0.0
        lines = [
            f"{self.dataset}: {self.documents} documents, predictor {self.predictor}, "
            f"{self.seconds:.1f} s ({per_doc:.2f} s/document), {len(self.errors)} errors"
        ]
        width = max([len(k) for k in (*self.counts, *self.ratios, *self.values)] + [8])
        if self.counts:
            lines.append(f"{'':{width}}  {'P':>6} {'R':>6} {'F1':>6} {'tp':>6} {'fp':>6} {'fn':>6}")
            for key, c in self.counts.items():
                lines.append(
                    f"{key:{width}}  {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} "
                    f"{c.tp:6d} {c.fp:6d} {c.fn:6d}"
                )
        if self.ratios:
            lines.append(f"{'':{width}}  {'value':>6} {'right':>6} {'of':>6}")
            for key, r in self.ratios.items():
                lines.append(f"{key:{width}}  {r.value:6.3f} {r.correct:6d} {r.total:6d}")
        if self.values:
            lines.append(f"{'':{width}}  {'value':>6}")
            lines += [f"{key:{width}}  {v:6.3f}" for key, v in self.values.items()]
        if self.checks:
            passed = sum(c.passed for c in self.checks)
            lines.append(f"checks: {passed}/{len(self.checks)} passed")
            lines += [f"  FAIL {c.name}: {c.detail}" for c in self.checks if not c.passed]
        lines += [f"  error {doc}: {why}" for doc, why in self.errors.items()]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def to_dict(self) -> dict[str, Any]:
        def prf(c: Counts) -> dict[str, Any]:
            return {
                "precision": round(c.precision, 4),
                "recall": round(c.recall, 4),
                "f1": round(c.f1, 4),
                "tp": c.tp,
                "fp": c.fp,
                "fn": c.fn,
            }

        return {
            "dataset": self.dataset,
            "predictor": self.predictor,
            "documents": self.documents,
            "seconds": round(self.seconds, 3),
            "counts": {k: prf(c) for k, c in self.counts.items()},
            "ratios": {
                k: {"value": round(r.value, 4), "correct": r.correct, "total": r.total}
                for k, r in self.ratios.items()
            },
            "values": {k: round(v, 4) for k, v in self.values.items()},
            "checks": [
                {"name": c.name, "passed": c.passed, "detail": c.detail} for c in self.checks
            ],
            "errors": dict(self.errors),
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def write(self, path: str | Path) -> Path:
        """Write :meth:`to_json` to ``path`` (parents created); returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path
