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
    AgreementStatus,
    Article,
    ArticleSummary,
    Clause,
    Decider,
    GroundingReport,
    Meta,
    Obligation,
    Party,
    Span,
    Statement,
)
from pactlens.grounding.agreements import Candidate, find_candidates
from pactlens.grounding.attribution import Attribution, attribute
from pactlens.grounding.injection import instruction_like
from pactlens.grounding.match import find_mentions
from pactlens.grounding.parties import PartyRegistry, guess_kind, party_id
from pactlens.grounding.quotes import Quotation, find_quotations, sentence_index
from pactlens.grounding.statements import build_statements

__all__ = ["Assembled", "Prepared", "assemble", "prepare", "split_sentences"]

_HEDGES = re.compile(
    r"not (?:immediately )?clear|unclear|not (?:been )?disclosed|not made public|"
    r"could not be (?:independently )?verified|no details",
    re.IGNORECASE,
)
_CONCLUDED = frozenset({"agreed", "signed", "ratified", "in_force"})
#: The model's free text (a clause, a scope item) is a few words; anything longer is
#: cut, so a hostile or looping server cannot fill the cache and the page with it.
MAX_MODEL_TEXT = 500


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
    #: The agreements the text reports, found by rule (:mod:`.agreements`): the model
    #: is asked about these, by number, and about no others.
    candidates: tuple[Candidate, ...] = ()
    #: Short quoted words with no speech verb beside them ("the so-called “deal”"): no
    #: quotations of their own, but verbatim pieces of the statement they sit in.
    scare_quotes: tuple[Quotation, ...] = ()
    #: Where the text after the dateline begins ("Vienna, 12 February 2025 (CNA): ").
    body_start: int = 0

    def body_of(self, number: int) -> Span:
        """Sentence ``number`` (from 1) without the dateline that opens the article."""
        sentence = self.sentences[number - 1]
        if sentence.start >= self.body_start:
            return sentence
        start = min(self.body_start, sentence.end)
        text = self.article.text
        return Span(start=start, end=sentence.end, text=text[start : sentence.end])

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
    found = find_quotations(article.text)
    quotations = [q for q in found if not q.scare]
    sentences = split_sentences(article.text)
    withheld = instruction_like(article.text, sentences)
    dateline = article.dateline
    body_start = _body_start(article)
    candidates = find_candidates(
        article.text,
        sentences,
        anchor=dateline.date if dateline else None,
        skip=withheld,
        body_start=body_start,
    )
    return Prepared(
        article=article,
        sentences=sentences,
        quotations=quotations,
        attributions=attribute(article.text, quotations),
        withheld=withheld,
        candidates=tuple(candidates),
        scare_quotes=tuple(q for q in found if q.scare),
        body_start=body_start,
    )


def _body_start(article: Article) -> int:
    """Where the text after the dateline ("Vienna, 12 February 2025 (CNA): ") begins."""
    raw = article.dateline.raw if article.dateline else None
    if not raw:
        return 0
    at = article.text.find(raw, 0, len(raw) + 200)
    return at + len(raw) if at >= 0 else 0


@dataclass
class Assembled:
    summary: str
    parties: list[Party]
    agreements: list[Agreement]
    statements: list[Statement]
    report: GroundingReport
    warnings: list[str] = field(default_factory=list)
    decided: dict[str, dict[str, Decider]] = field(default_factory=dict)

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
            meta=meta.model_copy(update={"decided_by": self.decided}),
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


def assemble(prepared: Prepared, extraction: Extraction) -> Assembled:
    """The model's answer as public models, every piece of evidence grounded in the text.

    The agreements are those pactlens found by rule (``prepared.candidates``). The
    model's answer about each, by number, fills in what the rules leave open: a status
    no words settle, parties the text does not name in the usual places, clauses and
    scope. An answer about an agreement pactlens did not list is dropped, so the model
    cannot add one. The abstract is written from the agreements.
    """
    report = GroundingReport()
    parties = _parties(prepared, extraction, report)
    warnings: list[str] = []
    if prepared.withheld:
        numbers = ", ".join(f"[{n}]" for n in sorted(prepared.withheld))
        warnings.append(
            f"sentences {numbers} read as instructions to an AI, not news: withheld from the "
            "model, and nothing they alone support is reported"
        )
    answers: dict[int, ExtractedAgreement] = {}
    for found in extraction.agreements:
        if 1 <= found.agreement <= len(prepared.candidates):
            answers.setdefault(found.agreement - 1, found)
        else:
            report.dropped.append(
                f"agreement A{found.agreement}: pactlens found no such agreement in the text"
            )
    agreements: list[Agreement] = []
    decided: dict[str, dict[str, Decider]] = {}
    for k, candidate in enumerate(prepared.candidates):
        agreement_id = f"a{len(agreements) + 1}"
        answer = answers.get(k)
        if answer is not None:
            answer = _capped(answer, warnings)
        built = _agreement(agreement_id, candidate, answer, prepared, parties, report)
        if built is not None:
            agreements.append(built[0])
            decided[agreement_id] = built[1]
    dated = prepared.article.dateline is not None and prepared.article.dateline.date is not None
    for a in agreements:
        if a.date is None and a.date_phrase and not dated:
            warnings.append(
                f"agreement {a.name!r}: {a.date_phrase!r} left unresolved, the article has no "
                "dated dateline to resolve it against"
            )
    statements = build_statements(prepared, extraction, parties, agreements, report)
    ungrounded = sum(not c.evidence for a in agreements for c in a.clauses)
    report = report.model_copy(update={"ungrounded_clauses": ungrounded})
    abstract = compose_abstract(agreements, parties)
    return Assembled(abstract, parties, agreements, statements, report, warnings, decided)


_VERBS: dict[AgreementStatus, str] = {
    "proposed": "was proposed",
    "under_negotiation": "is under negotiation",
    "agreed": "was agreed",
    "signed": "was signed",
    "ratified": "was ratified",
    "in_force": "entered into force",
    "suspended": "was suspended",
    "collapsed": "collapsed",
    "speculative": "is only talked of, not concluded",
}


def compose_abstract(agreements: list[Agreement], parties: list[Party]) -> str:
    """One sentence per agreement, written from the extracted facts: the abstract can
    neither merge two deals nor say more than the agreements do."""
    if not agreements:
        return "The article reports no agreement."
    names = {p.id: p.name for p in parties}
    sentences = []
    for a in agreements:
        who = [names[pid] for pid in a.party_ids if pid in names]
        if all(w.casefold() in a.name.casefold() for w in who):
            who = []  # "the Russia-North Korea pact" names them already
        between = ""
        if len(who) >= 2:
            between = f" between {', '.join(who[:-1])} and {who[-1]}"
        elif who:
            between = f" involving {who[0]}"
        when = f" on {a.date.day} {a.date:%B %Y}" if a.date else ""
        where = f" in {a.place}" if a.place else ""
        article = "A" if a.status in {"speculative", "proposed"} else "The"
        sentences.append(f"{article} {a.name}{between} {_VERBS[a.status]}{when}{where}.")
    return " ".join(sentences)


def _cut(text: str, warnings: list[str]) -> str:
    if len(text) <= MAX_MODEL_TEXT:
        return text
    warnings.append(
        f"the model wrote {len(text):,} characters where a few words were asked: cut to "
        f"{MAX_MODEL_TEXT}"
    )
    return text[: MAX_MODEL_TEXT - 1].rstrip() + "…"


def _capped(answer: ExtractedAgreement, warnings: list[str]) -> ExtractedAgreement:
    """The model's answer with every free-text field cut to :data:`MAX_MODEL_TEXT`."""
    clauses = [
        c.model_copy(
            update={
                "topic": _cut(c.topic, warnings),
                "summary": _cut(c.summary, warnings),
                "condition": _cut(c.condition, warnings) if c.condition else c.condition,
            }
        )
        for c in answer.clauses
    ]
    scope = [_cut(item, warnings) for item in answer.scope]
    return answer.model_copy(update={"clauses": clauses, "scope": scope})


def _parties(prepared: Prepared, extraction: Extraction, report: GroundingReport) -> list[Party]:
    registry = PartyRegistry(prepared.article.text, exclude=prepared.withheld_spans())
    for p in extraction.parties:
        registry.add(p.name, p.kind, p.aliases, p.leaders)
    for a in extraction.agreements:
        for name in a.parties:
            registry.add(name)
    for candidate in prepared.candidates:
        for actor in candidate.parties:
            registry.add(actor.name, guess_kind(actor.name))
    return registry.build(report)


def _agreement(
    agreement_id: str,
    candidate: Candidate,
    answer: ExtractedAgreement | None,
    prepared: Prepared,
    parties: list[Party],
    report: GroundingReport,
) -> tuple[Agreement, dict[str, Decider]] | None:
    """One agreement: the rules' findings, the model's answer where they are silent."""
    name = candidate.name
    if candidate.status is not None:
        status: AgreementStatus = candidate.status
        by: dict[str, Decider] = {"status": "rules"}
    elif answer is not None:
        status, by = answer.status, {"status": "model"}
    else:
        report.dropped.append(f"agreement {name!r}: nothing in the text says where it stands")
        return None
    evidence = [
        prepared.sentences[n]
        for n in candidate.sentences
        if n + 1 not in prepared.withheld and 0 <= n < len(prepared.sentences)
    ]
    party_evidence: dict[str, Span] = {}
    for actor in candidate.parties:
        pid = party_id(parties, actor.name)
        party = next((p for p in parties if p.id == pid), None)
        if party is not None:  # where this agreement's own sentences name it, if they do
            own = [m for m in party.mentions if any(e.start <= m.start < e.end for e in evidence)]
            party_evidence.setdefault(party.id, own[0] if own else actor.span)
    by["parties"] = "rules"
    if not party_evidence and answer is not None:  # the model's, where the text names them
        for named in answer.parties:
            pid = party_id(parties, named)
            party = next((p for p in parties if p.id == pid), None)
            if party is None:
                continue
            inside = [
                m for m in party.mentions if any(e.start <= m.start < e.end for e in evidence)
            ]
            if inside:
                party_evidence.setdefault(party.id, inside[0])
        by["parties"] = "model"
    ids = list(party_evidence)
    signatories = []
    if status in _CONCLUDED:
        signatories = [r.name for p in parties if p.id in ids for r in p.representatives]
    cue = candidate.status_cue
    if candidate.date_span is not None:
        by["date"] = "rules"
    return (
        Agreement(
            id=agreement_id,
            name=name,
            kind=candidate.kind,
            status=status,
            party_ids=ids,
            signatories=signatories,
            date=candidate.date,
            date_phrase=candidate.date_span.text if candidate.date_span else None,
            place=_place(candidate.place, prepared.article),
            scope=list(dict.fromkeys(answer.scope)) if answer else [],
            clauses=_clauses(answer, candidate, prepared, ids, report) if answer else [],
            evidence=evidence,
            caveats=[s.text.strip() for s in evidence if _HEDGES.search(s.text)],
            status_evidence=cue.span if cue is not None and by["status"] == "rules" else None,
            date_evidence=candidate.date_span,
            party_evidence=party_evidence,
            asserted_by=candidate.asserted_by if by["status"] == "rules" else None,
        ),
        by,
    )


def _clauses(
    found: ExtractedAgreement,
    candidate: Candidate,
    prepared: Prepared,
    ids: list[str],
    report: GroundingReport,
) -> list[Clause]:
    """The agreement's clauses, each with the sentences the model points at (a clause the
    text does not support is kept, with no evidence, and counted in the report). A
    clause whose every sentence speaks of another agreement and not of this one is that
    one's, not this one's: it is dropped, so two deals do not blur into one."""
    own = {n + 1 for n in candidate.sentences}
    others = {n + 1 for c in prepared.candidates if c is not candidate for n in c.sentences}
    clauses = []
    for c in found.clauses:
        cited = {n for n in c.sentences if 1 <= n <= len(prepared.sentences)}
        if cited and cited <= others - own:
            report.dropped.append(f"clause {c.topic!r}: its sentences speak of another agreement")
            continue
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
