"""The book's data model: one :class:`AgreementRecord` per real-world agreement, its
status timeline of :class:`StatusEvent`\\ s, and the :class:`Conflict`\\ s between reports.

Pure pydantic, like :mod:`pactlens._models`. An event's ``evidence`` indexes into the
cleaned text of the article it came from (``ArticleSummary.text``), which the book does
not keep; ``quote`` is the sentence around it, kept so a reader sees the words without
the article.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pactlens._models import AgreementKind, AgreementStatus, Dateline, Decider, Span
from pactlens.grounding import agreements as _agreements

__all__ = ["AgreementRecord", "ArticleRef", "Conflict", "Matched", "StatusEvent"]

#: How an event joined its record: it started it (``new``), the rules matched it, or the
#: model was asked because the rules were unsure (``model``); ``unsure`` is the rules'
#: best guess where no model was there to ask.
Matched = Literal["new", "rules", "model", "unsure"]

#: Statuses in the order a deal moves through them, speculative first; suspended and
#: collapsed stand apart (they are moves, not stages).
STAGES: tuple[AgreementStatus, ...] = (
    "speculative",
    *(s for s in _agreements.STAGES if s not in ("suspended", "collapsed")),
)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArticleRef(_Record):
    """The article an event came from."""

    id: str
    title: str | None = None
    source: str | None = None
    dateline: Dateline | None = None

    @property
    def date(self) -> dt.date | None:
        return self.dateline.date if self.dateline is not None else None


class StatusEvent(_Record):
    """One article's report of an agreement's status."""

    status: AgreementStatus
    date: dt.date | None = Field(default=None, description="The event's date, as resolved.")
    date_phrase: str | None = None
    article: ArticleRef
    agreement_id: str = Field(description="The agreement's id within that article's summary.")
    name: str = Field(description="The agreement's name as that article gives it.")
    kind: AgreementKind = "other"
    parties: list[str] = Field(default_factory=list, description="Canonical party names.")
    article_parties: list[str] = Field(
        default_factory=list, description="The other parties (not people) its article names."
    )
    scope: list[str] = Field(default_factory=list)
    evidence: Span | None = Field(
        default=None, description="The status words, as offsets into the article's text."
    )
    quote: str | None = Field(default=None, description="The sentence holding the evidence.")
    asserted_by: str | None = None
    decided_by: Decider | None = None
    matched: Matched = "new"
    reasons: list[str] = Field(default_factory=list, description="Why it joined its record.")

    @property
    def reported(self) -> dt.date | None:
        """The day the article was published (its dateline)."""
        return self.article.date

    @property
    def as_of(self) -> dt.date | None:
        """The day the status held: the event's own date, else the report's."""
        return self.date or self.reported

    @property
    def key(self) -> tuple[str, str]:
        return (self.article.id, self.agreement_id)


class Conflict(_Record):
    """Two reports that cannot both be true: a later or same-day report gives an earlier
    stage than one already reported ("signed" on 14 May; "the signing was postponed").
    Kept side by side, never resolved silently; ``resolved_by`` names a later report,
    if one came, that settles it."""

    earlier: tuple[str, str] = Field(description="(article id, agreement id) of the first claim.")
    later: tuple[str, str]
    statuses: tuple[AgreementStatus, AgreementStatus]
    resolved_by: tuple[str, str] | None = None

    @property
    def resolved(self) -> bool:
        return self.resolved_by is not None


class AgreementRecord(_Record):
    """One real-world agreement, as every article in the book reports it."""

    id: str
    name: str
    kind: AgreementKind
    parties: list[str]
    aliases: list[str] = Field(description="Every name the articles use for it.")
    timeline: list[StatusEvent] = Field(description="Oldest first, by the day each held.")
    current_status: AgreementStatus
    current: tuple[str, str] = Field(description="The event the current status comes from.")
    conflicts: list[Conflict] = Field(default_factory=list)

    @property
    def contested(self) -> bool:
        """Whether reports about it disagree and no later report has settled them."""
        return any(not c.resolved for c in self.conflicts)

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(e.article.id for e in self.timeline))

    def event(self, key: tuple[str, str]) -> StatusEvent:
        return next(e for e in self.timeline if e.key == key)
