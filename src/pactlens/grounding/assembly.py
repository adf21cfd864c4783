"""From a cleaned article and the model's lean answer to a grounded ArticleSummary.

Pure: no I/O, no client. Two halves:

* :func:`prepare` numbers the sentences, finds the quotations and attributes the ones
  the text attributes plainly ("…,” Putin said.), producing the prompt's variables;
* :func:`assemble` turns the model's :class:`~pactlens._extraction.Extraction` into
  public models, grounding every piece of evidence in the text, resolving dates against
  the dateline and folding aliases into parties. What it has to drop or downgrade is
  recorded in a :class:`~pactlens._models.GroundingReport`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

from pactlens._extraction import ExtractedAgreement, Extraction
from pactlens._models import (
    Agreement,
    Article,
    ArticleSummary,
    Clause,
    GroundingReport,
    Meta,
    Obligation,
    Party,
    Span,
    Statement,
)
from pactlens.grounding.attribution import Attribution, attribute
from pactlens.grounding.injection import instruction_like
from pactlens.grounding.match import find_mentions
from pactlens.grounding.parties import PartyRegistry, party_id
from pactlens.grounding.quotes import Quotation, find_quotations, sentence_index
from pactlens.grounding.statements import build_statements
from pactlens.text import dates as _dates

__all__ = ["Assembled", "Prepared", "assemble", "prepare", "split_sentences"]

_HEDGES = re.compile(
    r"not (?:immediately )?clear|unclear|not (?:been )?disclosed|not made public|"
    r"could not be (?:independently )?verified|no details",
    re.IGNORECASE,
)
#: The model's abstract is a few sentences; anything longer is cut (a hostile server
#: could send megabytes, which would be cached and rendered).
MAX_SUMMARY_CHARS = 1_000
_CONCLUDED = frozenset({"agreed", "signed", "ratified", "in_force"})


def split_sentences(text: str) -> list[Span]:
    """The sentences of ``text`` in order, as spans."""
    spans: list[Span] = []
    sentences = sentence_index(text)
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        sentence = sentences.at(i)
        if sentence.end <= i:  # defensive: never loop on a splitter that stalls
            sentence = Span(start=i, end=n, text=text[i:n])
        if sentence.start < i:
            sentence = Span(start=i, end=sentence.end, text=text[i : sentence.end])
        if sentence.text.strip():
            spans.append(sentence)
        i = sentence.end
    return spans


@dataclass(frozen=True)
class Prepared:
    """What pactlens finds in an article before asking the model anything."""

    article: Article
    sentences: list[Span]
    quotations: list[Quotation]
    attributions: list[Attribution]
    #: Sentences (numbered from 1) addressed to a machine, not a reader (see
    #: :mod:`pactlens.grounding.injection`): withheld from the model, and nothing they
    #: alone support reaches the summary.
    withheld: frozenset[int] = frozenset()

    def withheld_spans(self) -> list[Span]:
        return [self.sentences[n - 1] for n in sorted(self.withheld)]

    def is_withheld(self, index: int) -> bool:
        """Whether the character at ``index`` lies in a withheld sentence."""
        number = self.sentence_of(index)
        return number is not None and number in self.withheld

    def sentence_of(self, index: int) -> int | None:
        """The number (from 1) of the first sentence holding ``index``, or None."""
        starts = self._starts
        if starts is None or len(starts) != len(self.sentences):  # out of order, or changed
            for number, sentence in enumerate(self.sentences, start=1):
                if sentence.start <= index < sentence.end:
                    return number
            return None
        k = bisect.bisect_right(starts, index) - 1  # the one sentence that can hold it
        return k + 1 if k >= 0 and index < self.sentences[k].end else None

    @cached_property
    def _starts(self) -> list[int] | None:
        """The sentences' starts, for bisection, when they are in order and disjoint (as
        :func:`split_sentences` makes them); else None."""
        s = self.sentences
        ordered = all(s[k].end <= s[k + 1].start for k in range(len(s) - 1))
        return [x.start for x in s] if ordered else None


def prepare(article: Article) -> Prepared:
    quotations = [q for q in find_quotations(article.text) if not q.scare]
    sentences = split_sentences(article.text)
    return Prepared(
        article=article,
        sentences=sentences,
        quotations=quotations,
        attributions=attribute(article.text, quotations),
        withheld=instruction_like(article.text, sentences),
    )


@dataclass
class Assembled:
    summary: str
    parties: list[Party]
    agreements: list[Agreement]
    statements: list[Statement]
    report: GroundingReport
    warnings: list[str] = field(default_factory=list)

    def to_summary(
        self, article: Article, meta: Meta, *, abstract: str | None = None
    ) -> ArticleSummary:
        """The public summary of ``article``; ``abstract`` replaces the model's."""
        return ArticleSummary(
            text=article.text,
            title=article.title,
            dateline=article.dateline,
            source=article.source,
            summary=self.summary if abstract is None else abstract,
            parties=self.parties,
            agreements=self.agreements,
            statements=self.statements,
            meta=meta,
        )


def _sentence_spans(
    prepared: Prepared, numbers: list[int], what: str, report: GroundingReport
) -> list[Span]:
    spans = []
    for number in dict.fromkeys(numbers):
        if not 1 <= number <= len(prepared.sentences):
            report.dropped.append(f"{what}: sentence [{number}] does not exist")
        elif number in prepared.withheld:
            report.dropped.append(f"{what}: sentence [{number}] is addressed to AI systems")
        else:
            spans.append(prepared.sentences[number - 1])
    return spans


def _date_of(
    found: ExtractedAgreement,
    evidence: list[Span],
    article: Article,
) -> tuple[_dates.ResolvedDate | None, str | None]:
    anchor = article.dateline.date if article.dateline else None
    if anchor is None:
        return None, found.date_words
    candidates: list[str] = []
    dateline_raw = (article.dateline.raw or "") if article.dateline else ""
    if found.date_words and found.date_words.strip() and found.date_words not in dateline_raw:
        candidates.append(found.date_words)
    candidates += [
        s.text
        for span in evidence
        for s in _dates.find_date_phrases(span.text)
        if s.text not in dateline_raw
    ]
    for phrase in candidates:
        resolved = _dates.resolve(phrase, anchor)
        if resolved is not None:
            return resolved, phrase
    return None, None


def assemble(prepared: Prepared, extraction: Extraction) -> Assembled:
    """The model's answer as public models, every piece of evidence grounded in the text."""
    report = GroundingReport()
    parties = _parties(prepared, extraction, report)
    warnings: list[str] = []
    if prepared.withheld:
        numbers = ", ".join(f"[{n}]" for n in sorted(prepared.withheld))
        warnings.append(
            f"sentences {numbers} read as instructions to an AI, not news: withheld from the "
            "model, and nothing they alone support is reported"
        )
    found_agreements = [a for a in extraction.agreements if not _only_withheld(a, prepared, report)]
    agreements = [
        _agreement(f"a{n}", found, prepared, parties, report, warnings)
        for n, found in enumerate(found_agreements, start=1)
    ]
    statements = build_statements(prepared, extraction, parties, agreements, report)
    ungrounded = sum(not c.evidence for a in agreements for c in a.clauses)
    report = report.model_copy(update={"ungrounded_clauses": ungrounded})
    abstract = extraction.summary.strip()
    if len(abstract) > MAX_SUMMARY_CHARS:
        warnings.append(
            f"the model's summary was cut to {MAX_SUMMARY_CHARS:,} characters "
            f"(it wrote {len(abstract):,})"
        )
        abstract = abstract[: MAX_SUMMARY_CHARS - 1].rstrip() + "…"
    return Assembled(abstract, parties, agreements, statements, report, warnings)


def _only_withheld(found: ExtractedAgreement, prepared: Prepared, report: GroundingReport) -> bool:
    """An agreement every cited sentence of which is withheld: a hostile article's claim."""
    cited = [n for n in found.sentences if 1 <= n <= len(prepared.sentences)]
    if cited and all(n in prepared.withheld for n in cited):
        report.dropped.append(
            f"agreement {found.name!r}: its only evidence is text addressed to AI systems"
        )
        return True
    return False


def _parties(prepared: Prepared, extraction: Extraction, report: GroundingReport) -> list[Party]:
    registry = PartyRegistry(prepared.article.text, exclude=prepared.withheld_spans())
    for p in extraction.parties:
        registry.add(p.name, p.kind, p.aliases, p.leaders)
    for a in extraction.agreements:
        for name in a.parties:
            registry.add(name)
    return registry.build(report)


def _agreement(
    agreement_id: str,
    found: ExtractedAgreement,
    prepared: Prepared,
    parties: list[Party],
    report: GroundingReport,
    warnings: list[str],
) -> Agreement:
    article = prepared.article
    evidence = _sentence_spans(prepared, found.sentences, f"agreement {found.name!r}", report)
    ids = [pid for name in found.parties if (pid := party_id(parties, name))]
    if not ids:  # the model named none: take the parties its evidence mentions
        ids = [
            p.id
            for p in parties
            if any(e.start <= m.start < e.end for m in p.mentions for e in evidence)
        ]
    ids = list(dict.fromkeys(ids))
    resolved, phrase = _date_of(found, evidence, article)
    if resolved is None and phrase and (article.dateline is None or not article.dateline.date):
        warnings.append(
            f"agreement {found.name!r}: {phrase!r} left unresolved, the article has no "
            "dated dateline to resolve it against"
        )
    signatories = []
    if found.status in _CONCLUDED:
        signatories = [r.name for p in parties if p.id in ids for r in p.representatives]
    return Agreement(
        id=agreement_id,
        name=found.name,
        kind=found.kind,
        status=found.status,
        party_ids=ids,
        signatories=signatories,
        date=resolved.value if resolved else None,
        date_phrase=phrase,
        place=_place(found.place, article),
        scope=list(dict.fromkeys(found.scope)),
        clauses=_clauses(found, prepared, ids, report),
        evidence=evidence,
        caveats=[s.text.strip() for s in evidence if _HEDGES.search(s.text)],
    )


def _clauses(
    found: ExtractedAgreement, prepared: Prepared, ids: list[str], report: GroundingReport
) -> list[Clause]:
    """The agreement's clauses, each with the sentences the model points at (a clause the
    text does not support is kept, with no evidence, and counted in the report)."""
    clauses = []
    for c in found.clauses:
        spans = _sentence_spans(prepared, c.sentences, f"clause {c.topic!r}", report)
        clauses.append(
            Clause(
                topic=c.topic,
                summary=c.summary,
                condition=_nullish(c.condition),
                evidence=spans,
                # A clause binds the agreement's parties unless its text says otherwise;
                # the model is not asked, which saves a small model many tokens.
                obligations=[Obligation(party=pid, duty=c.summary) for pid in ids],
            )
        )
    return clauses


def _nullish(value: str | None) -> str | None:
    """Small models write "none" or "N/A" where they mean null."""
    if value is None or value.strip().casefold() in {"", "none", "null", "n/a", "na", "-"}:
        return None
    return value.strip()


def _place(place: str | None, article: Article) -> str | None:
    """The dateline says where the story was filed, not where a deal was made."""
    place = _nullish(place)
    dateline = article.dateline
    if place is None or dateline is None or dateline.place is None:
        return place
    if place.casefold() != dateline.place.casefold():
        return place
    body = (
        article.text[len(dateline.raw or "") :]
        if article.text.startswith(dateline.raw or "\0")
        else article.text
    )
    return place if find_mentions(body, [place]) else None
