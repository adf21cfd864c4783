"""The book in SQLite (stdlib): a daily crawl adds to one file; a re-run changes nothing.

Schema (``PRAGMA user_version`` = :data:`SCHEMA`)::

    articles(id TEXT PRIMARY KEY, fingerprint TEXT, title TEXT, source TEXT,
             dateline TEXT,          -- the Dateline as JSON
             seq INTEGER)            -- the order articles were added in
    events(article_id TEXT, agreement_id TEXT, record_id TEXT,
           event TEXT,               -- the StatusEvent as JSON
           PRIMARY KEY (article_id, agreement_id))
    records(id TEXT PRIMARY KEY, name TEXT, kind TEXT, parties TEXT,  -- JSON list
            current_status TEXT, contested INTEGER, events INTEGER,
            last_reported TEXT)      -- kept current for SQL readers; rebuilt from events

``events`` is the truth: the book is rebuilt from it, in ``seq`` order, on open.
``records`` is a convenience table, rewritten for every record an added article touches.
An article already stored with the same fingerprint is skipped; a changed one replaces
its events.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from pactlens._errors import CacheError
from pactlens._models import Dateline
from pactlens.tracking.records import ArticleRef, StatusEvent

if TYPE_CHECKING:
    from pactlens.tracking.book import AgreementBook

__all__ = ["SCHEMA", "Store"]

SCHEMA = 1

_TABLES = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, title TEXT, source TEXT,
    dateline TEXT, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    article_id TEXT NOT NULL REFERENCES articles(id), agreement_id TEXT NOT NULL,
    record_id TEXT NOT NULL, event TEXT NOT NULL,
    PRIMARY KEY (article_id, agreement_id));
CREATE INDEX IF NOT EXISTS events_record ON events(record_id);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, parties TEXT NOT NULL,
    current_status TEXT NOT NULL, contested INTEGER NOT NULL, events INTEGER NOT NULL,
    last_reported TEXT);
"""


class Store:
    """One SQLite file holding a book. Used through :func:`pactlens.tracking.open_book`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA):
                raise CacheError(
                    f"{self.path} holds a book of schema {version}; this pactlens reads "
                    f"{SCHEMA}: use a new file, or the pactlens that wrote it"
                )
            # Write-ahead logging: a commit per article without an fsync of the whole
            # file each time; a crash loses at most the last article, never the book.
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(_TABLES)
            self._db.execute(f"PRAGMA user_version = {SCHEMA}")
        except sqlite3.DatabaseError as e:
            raise CacheError(f"cannot open the book at {self.path}: {e}") from e

    def load_into(self, book: AgreementBook) -> None:
        """Rebuild ``book`` from the file: every article, its events in their records."""
        rows = self._db.execute(
            "SELECT id, fingerprint, title, source, dateline FROM articles ORDER BY seq"
        ).fetchall()
        for article_id, stamp, title, source, dateline in rows:
            ref = ArticleRef(
                id=article_id,
                title=title,
                source=source,
                dateline=Dateline.model_validate_json(dateline) if dateline else None,
            )
            events = [
                (record_id, StatusEvent.model_validate_json(event))
                for record_id, event in self._db.execute(
                    "SELECT record_id, event FROM events WHERE article_id = ? ORDER BY rowid",
                    (article_id,),
                )
            ]
            book.restore(ref, stamp, events)

    def save_article(
        self, book: AgreementBook, ref: ArticleRef, stamp: str, touched: list[str]
    ) -> None:
        """Write one added article, its events and the records it touched, atomically."""
        with self._db:
            self._db.execute("DELETE FROM events WHERE article_id = ?", (ref.id,))
            seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()[0]
            self._db.execute(
                "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?)",
                (
                    ref.id,
                    stamp,
                    ref.title,
                    ref.source,
                    ref.dateline.model_dump_json() if ref.dateline else None,
                    seq,
                ),
            )
            for record_id in touched:
                if record_id not in book:
                    self._db.execute("DELETE FROM records WHERE id = ?", (record_id,))
                    continue
                record = book.record(record_id)
                for event in record.timeline:
                    if event.article.id == ref.id:
                        self._db.execute(
                            "INSERT INTO events VALUES (?, ?, ?, ?)",
                            (ref.id, event.agreement_id, record.id, event.model_dump_json()),
                        )
                last = max((e.reported for e in record.timeline if e.reported), default=None)
                self._db.execute(
                    "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.id,
                        record.name,
                        record.kind,
                        json.dumps(record.parties, ensure_ascii=False),
                        record.current_status,
                        int(record.contested),
                        len(record.timeline),
                        last.isoformat() if last else None,
                    ),
                )

    def close(self) -> None:
        self._db.close()
