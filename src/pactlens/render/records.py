"""Flat records, a pandas DataFrame, and JSON / JSON Lines writers."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pactlens._errors import ConfigError
from pactlens.render.common import is_apart, obligation_text

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import TextIO

    from pactlens._models import Agreement, ArticleSummary

__all__ = ["RECORD_COLUMNS", "to_dataframe", "to_records", "write_json", "write_jsonl"]

#: The columns of :func:`to_records`, in order; every row has all of them.
RECORD_COLUMNS: tuple[str, ...] = (
    "row_type",
    "article_title",
    "article_place",
    "article_date",
    "article_source",
    "agreement_id",
    "agreement_name",
    "agreement_kind",
    "agreement_status",
    "agreement_date",
    "agreement_date_phrase",
    "statement_id",
    "speaker",
    "speaker_id",
    "kind",
    "cue",
    "topic",
    "text",
    "obligations",
    "condition",
    "start",
    "end",
    "evidence_count",
    "grounded",
    "flags",
)


def _row(summary: ArticleSummary, agreement: Agreement | None) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(RECORD_COLUMNS)
    dateline = summary.dateline
    row.update(
        article_title=summary.title,
        article_place=dateline.place if dateline else None,
        article_date=dateline.date.isoformat() if dateline and dateline.date else None,
        article_source=summary.source,
    )
    if agreement is not None:
        row.update(
            agreement_id=agreement.id,
            agreement_name=agreement.name,
            agreement_kind=agreement.kind,
            agreement_status=agreement.status,
            agreement_date=agreement.date.isoformat() if agreement.date else None,
            agreement_date_phrase=agreement.date_phrase,
        )
    return row


def to_records(summary: ArticleSummary) -> list[dict[str, Any]]:
    """One flat row per statement, then one per clause; keys are :data:`RECORD_COLUMNS`.

    Values are plain ``str``/``int``/``bool``/``None`` (dates as ISO strings), so rows
    go straight into CSV, JSON or a DataFrame. ``start``/``end`` are the statement's
    span, or a clause's first evidence span.
    """
    agreements = {a.id: a for a in summary.agreements}
    rows = []
    for statement in summary.statements:
        agreement = agreements.get(statement.agreement_id) if statement.agreement_id else None
        row = _row(summary, agreement)
        span = statement.span
        row.update(
            row_type="statement",
            statement_id=statement.id,
            speaker=statement.speaker,
            speaker_id=statement.speaker_id,
            kind=statement.kind,
            cue=statement.cue,
            text=statement.text,
            start=span.start if span else None,
            end=span.end if span else None,
            evidence_count=1 if span else 0,
            grounded=not is_apart(statement),
            flags=",".join(statement.flags),
        )
        rows.append(row)
    for agreement in summary.agreements:
        for clause in agreement.clauses:
            row = _row(summary, agreement)
            first = clause.evidence[0] if clause.evidence else None
            row.update(
                row_type="clause",
                topic=clause.topic,
                text=clause.summary,
                obligations="; ".join(obligation_text(summary, o) for o in clause.obligations),
                condition=clause.condition,
                start=first.start if first else None,
                end=first.end if first else None,
                evidence_count=len(clause.evidence),
                grounded=bool(clause.evidence),
                flags="",
            )
            rows.append(row)
    return rows


def to_dataframe(summary: ArticleSummary) -> Any:
    """:func:`to_records` as a ``pandas.DataFrame`` (pandas is an optional dependency)."""
    try:
        pandas = importlib.import_module("pandas")
    except ImportError as e:
        raise ConfigError("to_dataframe() needs pandas: pip install pandas") from e
    return pandas.DataFrame.from_records(to_records(summary), columns=list(RECORD_COLUMNS))


def write_json(summary: ArticleSummary, fp: TextIO) -> None:
    """Write one summary as indented JSON (the schema in ``schemas/``)."""
    fp.write(summary.model_dump_json(indent=2))
    fp.write("\n")


def write_jsonl(summaries: Iterable[ArticleSummary], fp: TextIO) -> int:
    """Write summaries as JSON Lines, one per line; returns how many were written."""
    count = 0
    for summary in summaries:
        fp.write(summary.model_dump_json())
        fp.write("\n")
        count += 1
    return count
