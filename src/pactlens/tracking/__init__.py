"""Follow agreements across articles: a book with one record per real-world agreement.

    >>> book = pactlens.track(summaries)  # doctest: +SKIP
    >>> for record in book:  # doctest: +SKIP
    ...     print(record.name, record.current_status, record.contested)

:mod:`.book` groups the events (identity is :mod:`pactlens.grounding.identity`, shared
with the rest of pactlens), :mod:`.records` is the data model, :mod:`.store` the SQLite
file a daily crawl adds to, :mod:`.exports` the rows, DataFrame and Parquet, and
:mod:`.page` the HTML page.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pactlens._models import ArticleSummary
from pactlens.tracking.book import AgreementBook, Judge
from pactlens.tracking.records import AgreementRecord, ArticleRef, Conflict, StatusEvent

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = [
    "AgreementBook",
    "AgreementRecord",
    "ArticleRef",
    "Conflict",
    "Judge",
    "StatusEvent",
    "open_book",
    "track",
]


def open_book(path: str | Path, *, judge: Judge | None = None) -> AgreementBook:
    """The book kept in the SQLite file at ``path`` (created if missing); every
    :meth:`~AgreementBook.add` is written to it at once."""
    from pactlens.tracking.store import Store

    store = Store(path)
    book = AgreementBook(judge=judge, store=store)
    store.load_into(book)
    return book


def track(
    summaries: Iterable[Any],
    *,
    db: str | Path | None = None,
    judge: Judge | None = None,
) -> AgreementBook:
    """A book from article summaries (or batch results, failed ones skipped), added in
    dateline order (undated last, otherwise as given); with ``db``, kept in (and added
    to) that SQLite file. For a stream too large to hold, call :meth:`AgreementBook.add`
    as each summary comes."""
    book = open_book(db, judge=judge) if db is not None else AgreementBook(judge=judge)
    book.update(sorted(summaries, key=_dateline))
    return book


def _dateline(item: Any) -> tuple[bool, dt.date]:
    summary = item if isinstance(item, ArticleSummary) else getattr(item, "summary", None)
    day = summary.dateline.date if summary is not None and summary.dateline else None
    return (day is None, day or dt.date.min)
