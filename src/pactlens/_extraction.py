"""The model-facing schema: what the LLM is asked to fill in.

Leaner than the public models on purpose. The model never writes offsets or copies
quotes: it points at numbered sentences (``[3]``), numbered quotations (``Q2``) and
numbered agreements (``A1``) of the cleaned text, which pactlens found itself, so every
piece of evidence is grounded by construction, the model cannot add an agreement, and a
small model spends its few tokens on judgement, not copying.
Lists carry ``max_length`` so constrained decoding cannot loop forever.
"""

from __future__ import annotations

import functools
import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field

from pactlens._models import AgreementStatus, PartyKind

__all__ = [
    "ExtractedAgreement",
    "ExtractedClause",
    "ExtractedParty",
    "ExtractedStatement",
    "Extraction",
    "QuoteSpeaker",
    "schema_hash",
]


class _Lean(BaseModel):
    # Small models add stray keys; ignoring them beats a costly re-ask.
    model_config = ConfigDict(extra="ignore")


class ExtractedParty(_Lean):
    name: str = Field(description="Canonical name, e.g. Russia (not Moscow).")
    kind: PartyKind
    aliases: list[str] = Field(max_length=4, description="Other names used in the text.")
    leaders: list[str] = Field(max_length=3, description="People acting for it, as written.")


class ExtractedClause(_Lean):
    topic: str = Field(description="A few words, e.g. mutual defence.")
    summary: str
    condition: str | None
    sentences: list[int] = Field(max_length=3)


class ExtractedAgreement(_Lean):
    """The model's answer about one agreement pactlens listed (A1, A2, …)."""

    agreement: int = Field(description="The agreement's number in the list (A1 is 1).")
    status: AgreementStatus
    parties: list[str] = Field(max_length=6)
    scope: list[str] = Field(max_length=6)
    clauses: list[ExtractedClause] = Field(max_length=2)


class QuoteSpeaker(_Lean):
    quote: int = Field(description="The quotation's number (Q1 is 1).")
    speaker: str


class ExtractedStatement(_Lean):
    speaker: str
    cue: str | None = Field(description="The reporting verb, e.g. said.")
    sentence: int


class Extraction(_Lean):
    # No free-text abstract: pactlens writes it from the extracted agreements, so it
    # cannot blur two deals into one, and the model spends no tokens on it.
    parties: list[ExtractedParty] = Field(max_length=8)
    agreements: list[ExtractedAgreement] = Field(max_length=5)
    quote_speakers: list[QuoteSpeaker] = Field(max_length=20)
    reported: list[ExtractedStatement] = Field(
        max_length=10, description="Indirect (reported) statements."
    )

    @classmethod
    def empty(cls) -> Extraction:
        """The answer of a model that said nothing: pactlens's rules alone."""
        return cls(parties=[], agreements=[], quote_speakers=[], reported=[])


@functools.lru_cache(maxsize=16)
def schema_hash(model: type[BaseModel]) -> str:
    """A short, stable hash of a model's JSON Schema (feeds the cache key)."""
    schema = json.dumps(model.model_json_schema(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(schema.encode()).hexdigest()[:16]
