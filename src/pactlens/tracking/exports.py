"""The book as rows: one per status event, with its record's fields beside it; as a
pandas DataFrame (``[dataframe]`` extra) and as Parquet (``[parquet]`` extra, pyarrow)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pactlens._extras import need

if TYPE_CHECKING:
    from pactlens.tracking.records import AgreementRecord

__all__ = ["ROW_COLUMNS", "to_dataframe", "to_parquet", "to_rows"]

#: The columns of :func:`to_rows`, in order.
ROW_COLUMNS = (
    "record_id",
    "record_name",
    "record_kind",
    "record_parties",
    "current_status",
    "contested",
    "article_id",
    "article_title",
    "article_source",
    "reported",
    "agreement_id",
    "name_as_written",
    "status",
    "date",
    "date_phrase",
    "evidence_start",
    "evidence_end",
    "evidence",
    "quote",
    "asserted_by",
    "current",
    "in_conflict",
    "matched",
)


def to_rows(records: list[AgreementRecord]) -> list[dict[str, Any]]:
    """One flat row per event; dates as ISO strings, parties joined with "; "."""
    rows = []
    for record in records:
        disputed = {key for c in record.conflicts for key in (c.earlier, c.later)}
        for event in record.timeline:
            rows.append(
                {
                    "record_id": record.id,
                    "record_name": record.name,
                    "record_kind": record.kind,
                    "record_parties": "; ".join(record.parties),
                    "current_status": record.current_status,
                    "contested": record.contested,
                    "article_id": event.article.id,
                    "article_title": event.article.title,
                    "article_source": event.article.source,
                    "reported": event.reported.isoformat() if event.reported else None,
                    "agreement_id": event.agreement_id,
                    "name_as_written": event.name,
                    "status": event.status,
                    "date": event.date.isoformat() if event.date else None,
                    "date_phrase": event.date_phrase,
                    "evidence_start": event.evidence.start if event.evidence else None,
                    "evidence_end": event.evidence.end if event.evidence else None,
                    "evidence": event.evidence.text if event.evidence else None,
                    "quote": event.quote,
                    "asserted_by": event.asserted_by,
                    "current": event.key == record.current,
                    "in_conflict": event.key in disputed,
                    "matched": event.matched,
                }
            )
    return rows


def to_dataframe(records: list[AgreementRecord]) -> Any:
    pandas = need("pandas", "dataframe", "to_dataframe()")
    return pandas.DataFrame.from_records(to_rows(records), columns=list(ROW_COLUMNS))


def to_parquet(records: list[AgreementRecord], path: str) -> None:
    """Write :func:`to_rows` to a Parquet file (pyarrow; pandas is not needed)."""
    pyarrow = need("pyarrow", "parquet", "to_parquet()")
    parquet = need("pyarrow.parquet", "parquet", "to_parquet()")
    rows = to_rows(records)
    table = pyarrow.Table.from_pylist(rows) if rows else pyarrow.table({c: [] for c in ROW_COLUMNS})
    parquet.write_table(table, path)
