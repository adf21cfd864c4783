"""Long articles: windows of sentences for the model, and their answers merged into one.

The deterministic half always sees the whole text: quotations (whole, even across a
window's edge), their speakers, reported speech and the agreement candidates are found
once, numbered once. Only the question to the model is cut: :func:`plan` splits the
numbered sentences into windows that fit the model's context, at paragraph breaks where
it can and with a sentence of overlap; each window's prompt shows its sentences, the
quotations and agreements inside it, all under their whole-article numbers, with the
title and dateline. The answers therefore point into the whole text already, and
:func:`merge` joins them: an agreement answered in two windows is one (its number is its
identity, the rules' own), parties are joined by :mod:`.identity`'s party matching with
their aliases, statements de-duplicated by quote and sentence.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from pactlens._extraction import (
    ExtractedAgreement,
    ExtractedParty,
    ExtractedStatement,
    Extraction,
    QuoteSpeaker,
)
from pactlens.grounding.agreements import STAGES
from pactlens.grounding.identity import party_key, same_party

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pactlens.grounding.assembly import Prepared

__all__ = ["merge", "plan"]

#: Sentences repeated at the start of the next window, so a statement that needs the
#: sentence before it (a pronoun, "the deal") keeps it.
OVERLAP = 1


def plan(prepared: Prepared, budget: int, *, overlap: int = OVERLAP) -> list[range]:
    """Windows of sentence numbers (from 1) whose text fits ``budget`` characters each.

    A window ends at a paragraph break when one falls in its last third, else at a
    sentence end; a sentence longer than the budget is a window of its own (the caller
    sees it does not fit). Linear in the number of sentences."""
    sentences, text = prepared.sentences, prepared.article.text
    n = len(sentences)
    if n == 0:
        return []
    windows: list[range] = []
    first = 1
    while first <= n:
        size, last, cut = 0, first - 1, None
        while last < n:
            length = sentences[last].end - sentences[last].start + 1
            if last >= first and size + length > budget:
                break
            size += length
            last += 1
            if last < n and "\n" in text[sentences[last - 1].end : sentences[last].start]:
                cut = last  # a paragraph ends after sentence `last`
        if last < n and cut is not None and cut > first and cut - first >= (last - first) * 2 // 3:
            last = cut
        windows.append(range(first, last + 1))
        if last >= n:
            break
        first = max(first + 1, last + 1 - overlap)
    return windows


#: Readings from weakest to strongest: speculative first, then the stages (suspended and
#: collapsed last, as in :data:`~pactlens.grounding.agreements.STAGES`).
_STRENGTH: tuple[str, ...] = ("speculative", *STAGES)


def _parties(answers: Sequence[Extraction]) -> list[ExtractedParty]:
    merged: list[ExtractedParty] = []
    for extraction in answers:
        for party in extraction.parties:
            key = party_key(party.name)
            known = next(
                (i for i, p in enumerate(merged) if same_party(party_key(p.name), key)), None
            )
            if known is None:
                merged.append(party)
                continue
            kept = merged[known]
            aliases = list(dict.fromkeys([*kept.aliases, *party.aliases]))
            leaders = list(dict.fromkeys([*kept.leaders, *party.leaders]))
            merged[known] = ExtractedParty.model_construct(
                name=kept.name, kind=kept.kind, aliases=aliases, leaders=leaders
            )
    return merged


def _agreements(answers: Sequence[Extraction]) -> list[ExtractedAgreement]:
    by_number: dict[int, list[ExtractedAgreement]] = {}
    for extraction in answers:
        for answer in extraction.agreements:
            by_number.setdefault(answer.agreement, []).append(answer)
    merged = []
    for number, said in sorted(by_number.items()):
        votes = Counter(a.status for a in said)
        # The most-voted reading; of two with equal support, the stronger.
        status = max(votes, key=lambda s: (votes[s], _STRENGTH.index(s)))
        parties = list(dict.fromkeys(p for a in said for p in a.parties))
        scope = list(dict.fromkeys(s for a in said for s in a.scope))
        clauses = []
        seen: set[str] = set()
        for clause in (c for a in said for c in a.clauses):
            if clause.topic.casefold() not in seen:
                seen.add(clause.topic.casefold())
                clauses.append(clause)
        merged.append(
            ExtractedAgreement.model_construct(
                agreement=number, status=status, parties=parties, scope=scope, clauses=clauses
            )
        )
    return merged


def merge(answers: Sequence[Extraction]) -> Extraction:
    """One answer from the windows' answers (see the module docstring). Built without
    the per-answer length limits: a long article may hold more than one answer does."""
    speakers: dict[int, QuoteSpeaker] = {}
    reported: dict[tuple[int, str], ExtractedStatement] = {}
    for extraction in answers:
        for speaker in extraction.quote_speakers:
            speakers.setdefault(speaker.quote, speaker)
        for statement in extraction.reported:
            reported.setdefault((statement.sentence, statement.speaker.casefold()), statement)
    return Extraction.model_construct(
        parties=_parties(answers),
        agreements=_agreements(answers),
        quote_speakers=[speakers[k] for k in sorted(speakers)],
        reported=[reported[k] for k in sorted(reported)],
    )
