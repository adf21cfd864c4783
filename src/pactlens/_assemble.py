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

import re
from dataclasses import dataclass, field

from pactlens import _dates, _ground
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
from pactlens._parties import PartyRegistry, party_id, speaker_party
from pactlens._reported import find_reported

__all__ = ["Assembled", "Prepared", "assemble", "prepare", "split_sentences"]

_HEDGES = re.compile(
    r"not (?:immediately )?clear|unclear|not (?:been )?disclosed|not made public|"
    r"could not be (?:independently )?verified|no details",
    re.IGNORECASE,
)
_CONCLUDED = frozenset({"agreed", "signed", "ratified", "in_force"})


def split_sentences(text: str) -> list[Span]:
    """The sentences of ``text`` in order, as spans."""
    spans: list[Span] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        sentence = _ground.sentence_at(text, i)
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
    quotations: list[_ground.Quotation]
    attributions: list[_ground.Attribution]

    def sentence_of(self, index: int) -> int | None:
        for number, sentence in enumerate(self.sentences, start=1):
            if sentence.start <= index < sentence.end:
                return number
        return None

    def prompt_variables(self) -> dict[str, str]:
        article = self.article
        dateline = "unknown"
        if article.dateline is not None and (article.dateline.date or article.dateline.place):
            when = f"{article.dateline.date:%A %d %B %Y}" if article.dateline.date else ""
            where = f"in {article.dateline.place}" if article.dateline.place else ""
            dateline = " ".join(filter(None, ["filed", when, where]))
            dateline += " (where the story was written, not where events happened)"
        sentences = "\n".join(
            f"[{n}] {' '.join(s.text.split())}" for n, s in enumerate(self.sentences, start=1)
        )
        lines: list[str] = []
        open_questions: list[str] = []
        for n, attribution in enumerate(self.attributions, start=1):
            words = attribution.quote.span.text.split()
            opening = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
            at = self.sentence_of(attribution.quote.span.start)
            said = f"said by {attribution.speaker}" if attribution.speaker else "speaker not given"
            lines.append(f"Q{n} in [{at}] “{opening}” ({said})")
            if not attribution.speaker:
                open_questions.append(f"Q{n}")
        if open_questions:
            task = ", ".join(open_questions)
        else:
            task = "none (quote_speakers is an empty list)"
        return {
            "title": article.title or "(none)",
            "dateline": dateline,
            "sentences": sentences,
            "quotations": "\n".join(lines) or "(none)",
            "speaker_task": task,
        }


def prepare(article: Article) -> Prepared:
    quotations = [q for q in _ground.find_quotations(article.text) if not q.scare]
    return Prepared(
        article=article,
        sentences=split_sentences(article.text),
        quotations=quotations,
        attributions=_ground.attribute(article.text, quotations),
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
        if 1 <= number <= len(prepared.sentences):
            spans.append(prepared.sentences[number - 1])
        else:
            report.dropped.append(f"{what}: sentence [{number}] does not exist")
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
    article, text = prepared.article, prepared.article.text
    report = GroundingReport()
    registry = PartyRegistry(text)
    for p in extraction.parties:
        registry.add(p.name, p.kind, p.aliases, p.leaders)
    for a in extraction.agreements:
        for name in a.parties:
            registry.add(name)
    parties = registry.build(report)

    agreements: list[Agreement] = []
    warnings: list[str] = []
    for n, found in enumerate(extraction.agreements, start=1):
        evidence = _sentence_spans(prepared, found.sentences, f"agreement {found.name!r}", report)
        ids = [pid for name in found.parties if (pid := party_id(parties, name))]
        if not ids:  # the model named none: take the parties its evidence mentions
            ids = [
                p.id
                for p in parties
                if any(e.start <= m.start < e.end for m in p.mentions for e in evidence)
            ]
        ids = list(dict.fromkeys(ids))
        clauses = []
        for c in found.clauses:
            spans = _sentence_spans(prepared, c.sentences, f"clause {c.topic!r}", report)
            if not spans:
                report.ungrounded_clauses += 1
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
        resolved, phrase = _date_of(found, evidence, article)
        if resolved is None and phrase and (article.dateline is None or not article.dateline.date):
            warnings.append(
                f"agreement {found.name!r}: {phrase!r} left unresolved, the article has no "
                "dated dateline to resolve it against"
            )
        signatories = []
        if found.status in _CONCLUDED:
            signatories = [r.name for p in parties if p.id in ids for r in p.representatives]
        agreements.append(
            Agreement(
                id=f"a{n}",
                name=found.name,
                kind=found.kind,
                status=found.status,
                party_ids=ids,
                signatories=signatories,
                date=resolved.value if resolved else None,
                date_phrase=phrase,
                place=_place(found.place, article),
                scope=list(dict.fromkeys(found.scope)),
                clauses=clauses,
                evidence=evidence,
                caveats=[s.text.strip() for s in evidence if _HEDGES.search(s.text)],
            )
        )

    statements = _statements(prepared, extraction, parties, agreements, report)
    return Assembled(extraction.summary, parties, agreements, statements, report, warnings)


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
    return place if _ground.find_mentions(body, [place]) else None


def _agreement_for(agreements: list[Agreement], index: int) -> str | None:
    for agreement in agreements:
        spans = [*agreement.evidence, *(s for c in agreement.clauses for s in c.evidence)]
        if any(s.start <= index < s.end for s in spans):
            return agreement.id
    return None


def _statements(
    prepared: Prepared,
    extraction: Extraction,
    parties: list[Party],
    agreements: list[Agreement],
    report: GroundingReport,
) -> list[Statement]:
    text = prepared.article.text
    asked = {}
    for item in extraction.quote_speakers:
        if 1 <= item.quote <= len(prepared.attributions):
            asked[item.quote] = item.speaker.strip()
        else:
            report.dropped.append(f"speaker for Q{item.quote}: no such quotation")
    statements: list[Statement] = []
    quoted_sentences: set[int] = set()
    # A quotation the text interrupts ("“A,” he said. “B.”") is one utterance in pieces:
    # each piece stays a verbatim statement, later ones pointing at the first.
    utterance_of: dict[int, _ground.Utterance] = {}
    for utterance in _ground.utterances(text, prepared.attributions):
        for piece in utterance.pieces:
            utterance_of[piece.quote.open] = utterance
    ids: dict[int, str] = {}
    for n, attribution in enumerate(prepared.attributions, start=1):
        span = attribution.quote.span
        whole = utterance_of.get(attribution.quote.open)
        head = whole.pieces[0] if whole else attribution
        speaker = (
            attribution.speaker or (whole.speaker if whole else None) or asked.get(n) or "unknown"
        )
        ids[attribution.quote.open] = statement_id = f"s{len(statements) + 1}"
        quoted_sentences.add(prepared.sentence_of(span.start) or 0)
        statements.append(
            Statement(
                id=statement_id,
                speaker=speaker,
                speaker_id=speaker_party(parties, speaker),
                speaker_span=attribution.speaker_span or (whole.speaker_span if whole else None),
                kind="direct",
                text=span.text,
                span=span,
                cue=attribution.cue or (whole.cue if whole else None),
                agreement_id=_agreement_for(agreements, span.start),
                continues=ids.get(head.quote.open) if head is not attribution else None,
                flags=[] if speaker != "unknown" else ["unattributed"],
            )
        )
    model_says = {r.sentence: r.speaker.strip() for r in extraction.reported}
    claims: list[tuple[int, str, str | None, Span | None]] = []
    for r in find_reported(text, prepared.sentences, skip=quoted_sentences):
        # "both leaders", "he": the model may know who; the rule keeps the mention.
        speaker = r.speaker if r.by_name else model_says.get(r.sentence) or r.speaker
        claims.append((r.sentence, speaker, r.cue, r.speaker_span))
    for said in extraction.reported:
        if not 1 <= said.sentence <= len(prepared.sentences):
            report.dropped.append(f"statement by {said.speaker!r}: no sentence [{said.sentence}]")
        else:
            claims.append((said.sentence, said.speaker.strip(), said.cue, None))
    covered = set(quoted_sentences)
    for number, speaker, cue, speaker_span in claims:
        if number in covered or not speaker:
            continue  # one statement per sentence: a quotation or the rule comes first
        covered.add(number)
        sentence = _strip(prepared.sentences[number - 1], text)
        if speaker_span is None:
            names = [speaker, speaker.split()[-1]]
            mention = next(iter(_ground.find_mentions(sentence.text, names)), None)
            if mention is not None:
                start = sentence.start + mention.start
                speaker_span = Span(start=start, end=start + len(mention.text), text=mention.text)
        statements.append(
            Statement(
                id=f"s{len(statements) + 1}",
                speaker=speaker,
                speaker_id=speaker_party(parties, speaker),
                speaker_span=speaker_span,
                kind="indirect",
                text=sentence.text,
                span=sentence,
                cue=cue if cue and cue.casefold() in sentence.text.casefold() else None,
                agreement_id=_agreement_for(agreements, sentence.start),
            )
        )
    return statements


def _strip(span: Span, text: str) -> Span:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start=start, end=end, text=text[start:end])
