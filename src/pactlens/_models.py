"""The public data model: what pactlens returns.

Pure pydantic, no I/O. Every :class:`Span` in an :class:`ArticleSummary` indexes into
``ArticleSummary.text`` (the cleaned article), and the summary refuses to exist if one
does not slice back exactly: ``summary.text[span.start:span.end] == span.text``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "SCHEMA_VERSION",
    "Agreement",
    "AgreementKind",
    "AgreementStatus",
    "Article",
    "ArticleSummary",
    "Clause",
    "Dateline",
    "Decider",
    "GroundingReport",
    "Meta",
    "Obligation",
    "Party",
    "PartyKind",
    "Representative",
    "Span",
    "Statement",
    "StatementKind",
    "Usage",
]

#: Bumped whenever a field of the public models changes meaning or shape.
SCHEMA_VERSION = "3"

PartyKind = Literal["state", "organisation", "company", "person", "group", "other"]
AgreementKind = Literal["treaty", "pact", "trade_deal", "ceasefire", "mou", "contract", "other"]
#: ``collapsed`` covers collapsed and withdrawn; ``speculative`` is a deal only talked
#: about (feared, rumoured, "would see …"), never to be read as concluded.
AgreementStatus = Literal[
    "proposed",
    "under_negotiation",
    "agreed",
    "signed",
    "ratified",
    "in_force",
    "suspended",
    "collapsed",
    "speculative",
]
#: ``direct``: a quotation, verbatim. ``mixed``: reported speech with quoted words inside
#: it ("He called the plan 'a disaster for farmers'"): the span is the reported clause,
#: ``pieces`` the verbatim quoted words. ``indirect``: reported speech, no quotation.
StatementKind = Literal["direct", "mixed", "indirect"]
#: Who decided a field of an agreement: pactlens's rules, from the text's own words, or
#: the model, asked what the rules left open.
Decider = Literal["rules", "model"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Span(_Model):
    """A stretch of the cleaned text: ``text == article_text[start:end]``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _check_length(self) -> Span:
        if self.end < self.start or self.end - self.start != len(self.text):
            raise ValueError(f"span [{self.start}:{self.end}] does not fit its text {self.text!r}")
        return self


class Dateline(_Model):
    """Where and when the article was filed, as its dateline says."""

    place: str | None = None
    date: dt.date | None = None
    raw: str | None = Field(default=None, description="The dateline as written.")


class Article(_Model):
    """A cleaned article: the body text every offset refers to, and its metadata."""

    text: str
    title: str | None = None
    dateline: Dateline | None = None
    source: str | None = None
    removed: list[str] = Field(
        default_factory=list, description="Boilerplate lines removed by cleaning, in order."
    )


class Representative(_Model):
    name: str
    role: str | None = None


class Party(_Model):
    """An actor: a state, organisation, company, person or group."""

    id: str
    name: str = Field(description="Canonical name, e.g. 'Russia'.")
    kind: PartyKind = "other"
    aliases: list[str] = Field(
        default_factory=list, description="Other names the text uses, e.g. 'Moscow'."
    )
    representatives: list[Representative] = Field(default_factory=list)
    mentions: list[Span] = Field(default_factory=list)


class Obligation(_Model):
    """Who owes what to whom under a clause."""

    party: str = Field(description="Party id, or the name as written when not a known party.")
    duty: str
    beneficiary: str | None = None


class Clause(_Model):
    topic: str
    summary: str
    obligations: list[Obligation] = Field(default_factory=list)
    condition: str | None = None
    evidence: list[Span] = Field(default_factory=list)


class Agreement(_Model):
    id: str
    name: str
    kind: AgreementKind = "other"
    status: AgreementStatus
    party_ids: list[str] = Field(default_factory=list)
    signatories: list[str] = Field(default_factory=list)
    date: dt.date | None = Field(default=None, description="Resolved against the dateline.")
    date_phrase: str | None = Field(default=None, description="The words the date came from.")
    place: str | None = None
    scope: list[str] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)
    evidence: list[Span] = Field(default_factory=list)
    status_evidence: Span | None = Field(
        default=None,
        description="The words that set the status: 'signed', 'withdrew from', 'could'.",
    )
    date_evidence: Span | None = Field(default=None, description="The date phrase, as written.")
    party_evidence: dict[str, Span] = Field(
        default_factory=dict,
        description="Party id -> where the text names it as a party of this agreement.",
    )
    asserted_by: str | None = Field(
        default=None,
        description="Who the text says reports the status ('the State Department', "
        "'Western officials'); None when the article states it in its own voice.",
    )


class Statement(_Model):
    """Who said what. ``direct`` statements are verbatim and always grounded."""

    id: str
    speaker: str = Field(description="The speaker's name, resolved where the text allows.")
    speaker_id: str | None = Field(default=None, description="Party id of the speaker, if any.")
    speaker_span: Span | None = Field(default=None, description="The speaker mention as written.")
    kind: StatementKind
    text: str = Field(description="Verbatim for direct quotes; the reported content otherwise.")
    span: Span | None = None
    pieces: list[Span] = Field(
        default_factory=list,
        description="For a mixed statement: the quoted words inside it, each verbatim.",
    )
    cue: str | None = Field(default=None, description="The reporting verb: said, told, warned.")
    agreement_id: str | None = None
    continues: str | None = Field(
        default=None,
        description="For a quotation the text interrupts (“A,” he said. “B.”): the id of "
        "the statement holding its first piece.",
    )
    flags: list[str] = Field(
        default_factory=list, description="e.g. 'downgraded': claimed direct, not in the text."
    )
    method: str | None = Field(
        default=None,
        description="What set the speaker: 'rule:after' (“…,” X said), 'rule:before' (X "
        "said: “…”), 'rule:sentence', 'rule:previous', 'rule:subject', 'rule:reported', "
        "'model' (the model's answer), or None when nothing did.",
    )

    @model_validator(mode="after")
    def _direct_is_grounded(self) -> Statement:
        if self.kind == "direct" and self.span is None:
            raise ValueError("a direct statement must carry the span it was found at")
        if self.kind == "mixed" and (self.span is None or not self.pieces):
            raise ValueError("a mixed statement must carry its span and its quoted pieces")
        return self


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    retries: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            requests=self.requests + other.requests,
            retries=self.retries + other.retries,
        )


class GroundingReport(_Model):
    """What grounding changed in the model's answer."""

    downgraded: list[str] = Field(
        default_factory=list, description="Claimed direct quotes not found verbatim: now indirect."
    )
    dropped: list[str] = Field(default_factory=list, description="Items removed, with the reason.")
    ungrounded_clauses: int = 0


class Meta(_Model):
    model: str
    backend: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    pactlens_version: str
    cached: bool = False
    usage: Usage = Field(default_factory=Usage)
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per stage.")
    grounding: GroundingReport = Field(default_factory=GroundingReport)
    decided_by: dict[str, dict[str, Decider]] = Field(
        default_factory=dict,
        description="Agreement id -> field -> who decided it (rules or model).",
    )
    partial: bool = Field(
        default=False,
        description="True when the model's answer could not be used, or a window of a long "
        "article failed: what pactlens finds by rule (quotations, speakers, reported "
        "speech, agreements) is here, with the other windows' answers; warnings say why.",
    )
    windows: int = Field(
        default=1, ge=1, description="How many windows a long article was asked about in."
    )
    failed_windows: list[int] = Field(
        default_factory=list, description="The windows (from 1) whose answer failed."
    )
    warnings: list[str] = Field(default_factory=list)


class ArticleSummary(_Model):
    """The typed, grounded summary of one article."""

    text: str = Field(description="The cleaned text every span indexes into.")
    title: str | None = None
    dateline: Dateline | None = None
    source: str | None = None
    summary: str = Field(description="A neutral abstract of two to four sentences.")
    parties: list[Party] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    meta: Meta

    def spans(self) -> Iterator[Span]:
        """Every span in the summary, wherever it sits."""
        for party in self.parties:
            yield from party.mentions
        for agreement in self.agreements:
            yield from agreement.evidence
            if agreement.status_evidence is not None:
                yield agreement.status_evidence
            if agreement.date_evidence is not None:
                yield agreement.date_evidence
            yield from agreement.party_evidence.values()
            for clause in agreement.clauses:
                yield from clause.evidence
        for statement in self.statements:
            if statement.span is not None:
                yield statement.span
            yield from statement.pieces
            if statement.speaker_span is not None:
                yield statement.speaker_span

    @model_validator(mode="after")
    def _spans_slice_back(self) -> ArticleSummary:
        for span in self.spans():
            if self.text[span.start : span.end] != span.text:
                raise ValueError(
                    f"span [{span.start}:{span.end}] {span.text!r} does not match the text there"
                )
        return self

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.id == party_id), None)

    # Rendering lives in pactlens.render; these delegate so the model stays pure.
    def to_markdown(self) -> str:
        from pactlens.render import to_markdown

        return to_markdown(self)

    def to_html(self) -> str:
        """A self-contained review page: the article with every grounded span linked."""
        from pactlens.render import to_html

        return to_html(self)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat row per statement and per clause, for tables and DataFrames."""
        from pactlens.render import to_records

        return to_records(self)

    def to_dataframe(self) -> Any:
        from pactlens.render import to_dataframe

        return to_dataframe(self)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        from pactlens.render import to_html_fragment

        return to_html_fragment(self)
