"""Statements: who said what, direct quotes verbatim and reported speech by sentence.

Pure, no I/O. Direct statements come only from the quotations pactlens found (so a quote
the text lacks can never be one); the model only names speakers the rules could not.
Reported speech comes from the rules first and the model second, one per sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pactlens import lexicon
from pactlens._models import Agreement, GroundingReport, Party, Span, Statement
from pactlens.grounding.clauses import attributions_in
from pactlens.grounding.match import find_mentions
from pactlens.grounding.mixed import content_clause, is_embedded, reported_clause, subject_of
from pactlens.grounding.parties import speaker_party
from pactlens.grounding.people import People
from pactlens.grounding.reported import find_reported
from pactlens.grounding.subjects import tokens
from pactlens.grounding.utterances import Utterance, utterances
from pactlens.text.normalise import span_of

if TYPE_CHECKING:
    from pactlens._extraction import Extraction
    from pactlens.grounding.assembly import Prepared
    from pactlens.grounding.attribution import Attribution

__all__ = ["build_statements"]

#: sentence, speaker, cue, mention, method
_Claim = tuple[int, str, "str | None", "Span | None", str]
#: The owner of a noun cue ("his view that") resolved as the subject pronoun would be.
_OWNER = {"his": "he", "her": "she", "His": "he", "Her": "she", "its": "it", "Its": "it"}


def build_statements(
    prepared: Prepared,
    extraction: Extraction,
    parties: list[Party],
    agreements: list[Agreement],
    report: GroundingReport,
) -> list[Statement]:
    """Direct statements in text order, then reported ones, numbered s1, s2, …"""
    text = prepared.article.text
    people = People(text, tokens(text), prepared.quotations)
    statements, quoted = _direct(prepared, extraction, parties, agreements, report, people)
    covered = set(quoted)
    # where each quotation's own verb is ("He said:" before a quoted paragraph)
    leads = frozenset(a.cue_span.start for a in prepared.attributions if a.cue_span is not None)
    used = set(leads)  # cues taken so far
    claims = _claims(prepared, extraction, quoted, report, people, used, leads)
    for number, speaker, cue, mention, method in claims:
        if number in covered or number in prepared.withheld or not speaker:
            continue  # one statement per sentence: a quotation or the rule comes first
        covered.add(number)
        statements.append(
            _indirect(
                f"s{len(statements) + 1}",
                prepared,
                number,
                speaker,
                cue,
                mention,
                method,
                parties,
                agreements,
            )
        )
    more, breaks = _more(
        prepared, len(statements), used, leads, quoted, people, parties, agreements
    )
    return [*(_cut_at(s, breaks, text) for s in statements), *more]


def _cut_at(statement: Statement, breaks: list[int], text: str) -> Statement:
    """A reported statement's clause ends where a further claim of its sentence begins
    ("X said A, adding that B": A)."""
    span = statement.span
    if statement.kind != "indirect" or span is None:
        return statement
    end = min((b for b in breaks if span.start < b < span.end), default=None)
    if end is None:
        return statement
    end = span.start + len(text[span.start : end].rstrip(" ,;:—–-"))
    cut = Span(start=span.start, end=end, text=text[span.start : end])
    return statement.model_copy(update={"span": cut, "text": cut.text})


def _more(
    prepared: Prepared,
    count: int,
    used: set[int],
    leads: frozenset[int],
    quoted: set[int],
    people: People,
    parties: list[Party],
    agreements: list[Agreement],
) -> tuple[list[Statement], list[int]]:
    """The further attributions of each sentence (:mod:`.clauses`): a second verb ("…,
    adding that"), a coordinate or relative clause ("but she noted that", "who added
    that"), a nested one ("X said Y believes …"), beside a quotation too; in a sentence
    holding a quotation, also its own first one ("When Clinton noted that B ― Trump
    boasted, “…”"), which the rule for reported sentences leaves to the quotation."""
    text = prepared.article.text
    out: list[Statement] = []
    breaks: list[int] = []  # where each further claim's clause begins
    for number in range(1, len(prepared.sentences) + 1):
        if number in prepared.withheld:
            continue
        body = _strip(prepared.body_of(number), text)
        for claim in attributions_in(body.text, own=number in quoted):
            cue_at = body.start + claim.cue[0]
            if cue_at in used or claim.speaker is None:
                continue
            used.add(cue_at)
            if claim.boundary is not None:
                breaks.append(body.start + claim.boundary)
            a, b = (body.start + i for i in claim.speaker)
            mention = Span(start=a, end=b, text=text[a:b])
            words = [_OWNER.get(w, w) for _, _, w in tokens(mention.text)]  # "his view"
            speaker = people.speaker(words, a, body.start) or mention.text
            a, b = (body.start + i for i in claim.content)
            if any(a <= cue < b for cue in leads):
                continue  # "she recalled thinking, “…”": it leads into a quotation
            said = Span(start=a, end=b, text=text[a:b])
            pieces = [
                q.span
                for q in prepared.scare_quotes
                if a <= q.open and q.close <= b and not q.title
            ]
            out.append(
                Statement(
                    id=f"s{count + len(out) + 1}",
                    speaker=speaker,
                    speaker_id=speaker_party(parties, speaker, mention.text),
                    speaker_span=mention,
                    kind="mixed" if pieces else "indirect",
                    text=said.text,
                    span=said,
                    pieces=pieces,
                    cue=text[cue_at : body.start + claim.cue[1]],
                    agreement_id=_agreement_for(agreements, a),
                    method="rule:subject",
                )
            )
    return out, breaks


def _direct(
    prepared: Prepared,
    extraction: Extraction,
    parties: list[Party],
    agreements: list[Agreement],
    report: GroundingReport,
    people: People,
) -> tuple[list[Statement], set[int]]:
    """One verbatim statement per quotation, and the sentences holding them."""
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
    utterance_of: dict[int, Utterance] = {}
    for utterance in utterances(prepared.article.text, prepared.attributions):
        for piece in utterance.pieces:
            utterance_of[piece.quote.open] = utterance
    ids: dict[int, str] = {}
    mixed: dict[int, int] = {}  # sentence number -> index of its mixed statement
    text = prepared.article.text
    for n, attribution in enumerate(prepared.attributions, start=1):
        span = attribution.quote.span
        if prepared.is_withheld(span.start):
            report.dropped.append(f"quotation Q{n}: in text addressed to AI systems")
            quoted_sentences.add(prepared.sentence_of(span.start) or 0)
            continue
        number = prepared.sentence_of(attribution.quote.open)
        if (
            number is not None
            and len(getattr(utterance_of.get(attribution.quote.open), "pieces", ())) < 2
            and is_embedded(text, prepared.sentences[number - 1], attribution.quote)
        ):
            quoted_sentences.add(number)
            if number in mixed:  # a second quoted phrase in the same clause
                k = mixed[number]
                pieces = [*statements[k].pieces, span]
                statements[k] = statements[k].model_copy(update={"pieces": pieces})
                continue
            sentence = prepared.body_of(number)
            speaker, speaker_span, method = _mixed_speaker(text, sentence, attribution, people)
            if speaker is None and asked.get(n):
                speaker, method = asked[n], "model"
            clause = content_clause(text, sentence, attribution.quote, attribution.cue)
            mixed[number] = len(statements)
            statement = Statement(
                id=f"s{len(statements) + 1}",
                speaker=speaker or "unknown",
                speaker_id=(
                    speaker_party(parties, speaker, speaker_span.text if speaker_span else None)
                    if speaker
                    else None
                ),
                speaker_span=speaker_span,
                kind="mixed",
                text=clause.text,
                span=clause,
                pieces=[span],
                cue=attribution.cue,
                agreement_id=_agreement_for(agreements, span.start),
                flags=[] if speaker else ["unattributed"],
                method=method,
            )
            statements.append(statement)
            continue
        whole = utterance_of.get(attribution.quote.open)
        head = whole.pieces[0] if whole else attribution
        by_rule = attribution.speaker or (whole.speaker if whole else None)
        speaker = by_rule or asked.get(n) or "unknown"
        method = None
        if by_rule:
            source = attribution if attribution.speaker else whole.attribution if whole else None
            method = f"rule:{source.method}" if source is not None else "rule"
        elif asked.get(n):
            method = "model"
        ids[attribution.quote.open] = statement_id = f"s{len(statements) + 1}"
        mention = attribution.speaker_span or (whole.speaker_span if whole else None)
        quoted_sentences.add(prepared.sentence_of(span.start) or 0)
        statements.append(
            Statement(
                id=statement_id,
                speaker=speaker,
                speaker_id=speaker_party(parties, speaker, mention.text if mention else None),
                speaker_span=mention,
                kind="direct",
                text=span.text,
                span=span,
                cue=attribution.cue or (whole.cue if whole else None),
                agreement_id=_agreement_for(agreements, span.start),
                continues=ids.get(head.quote.open) if head is not attribution else None,
                flags=[] if speaker != "unknown" else ["unattributed"],
                method=method,
            )
        )
    return statements, quoted_sentences


def _mixed_speaker(
    text: str, sentence: Span, attribution: Attribution, people: People
) -> tuple[str | None, Span | None, str | None]:
    """The speaker of quoted words inside reported speech. The quotation rules look for a
    name beside the quote; inside a clause that name is often the verb's object ("urged
    Republicans to “vote…”"), so the verb's subject is taken instead, as written, and
    resolved across the article ("he", "the senator" -> the name met before)."""
    cue, mention = attribution.cue_span, attribution.speaker_span
    by_rule = f"rule:{attribution.method}" if attribution.speaker else None
    hanging = cue is not None and cue.text.endswith("ing")  # "…, saying": not the object
    if mention is not None and (cue is None or mention.end <= cue.start) and not hanging:
        return attribution.speaker, mention, by_rule
    subject = subject_of(text, sentence, cue.start if cue is not None else None)
    if subject is None:
        return attribution.speaker, mention, by_rule
    words = [w for _, _, w in tokens(subject.text)]
    resolved = people.speaker(words, subject.start, sentence.start)
    if words and words[0].casefold() in lexicon.SUBJECT_PRONOUNS:
        return resolved or attribution.speaker or subject.text, subject, "rule:subject"
    return resolved or subject.text, subject, "rule:subject"


def _claims(
    prepared: Prepared,
    extraction: Extraction,
    quoted: set[int],
    report: GroundingReport,
    people: People,
    used: set[int],
    leads: frozenset[int],
) -> list[_Claim]:
    """Reported speech by rule (sentences with quotations left out), then the model's."""
    model_says = {r.sentence: r.speaker.strip() for r in extraction.reported}
    claims: list[_Claim] = []
    bodies = [prepared.body_of(n) for n in range(1, len(prepared.sentences) + 1)]
    for r in find_reported(prepared.article.text, bodies, skip=quoted):
        if r.cue_at in leads:  # "He said:" before a quoted paragraph
            continue
        # "both leaders", "he": the model may know who; the rule keeps the mention.
        words = [w for _, _, w in tokens(r.speaker_span.text)]
        start = bodies[r.sentence - 1].start
        by_rule = people.speaker(words, r.speaker_span.start, start) or r.speaker
        speaker = by_rule if r.by_name else model_says.get(r.sentence) or by_rule
        method = "rule:reported" if speaker == by_rule else "model"
        claims.append((r.sentence, speaker, r.cue, r.speaker_span, method))
        if r.cue_at is not None:
            used.add(r.cue_at)
    for said in extraction.reported:
        if not 1 <= said.sentence <= len(prepared.sentences):
            report.dropped.append(f"statement by {said.speaker!r}: no sentence [{said.sentence}]")
        else:
            claims.append((said.sentence, said.speaker.strip(), said.cue, None, "model"))
    return claims


def _indirect(
    statement_id: str,
    prepared: Prepared,
    number: int,
    speaker: str,
    cue: str | None,
    speaker_span: Span | None,
    method: str,
    parties: list[Party],
    agreements: list[Agreement],
) -> Statement:
    text = prepared.article.text
    sentence = _strip(prepared.body_of(number), text)
    if speaker_span is None:
        names = [speaker, speaker.rsplit(maxsplit=1)[-1]]
        mention = next(iter(find_mentions(sentence.text, names)), None)
        if mention is not None:
            start = sentence.start + mention.start
            speaker_span = Span(start=start, end=start + len(mention.text), text=mention.text)
    said = reported_clause(text, sentence, speaker_span, cue)
    if said == sentence and sentence.text.endswith(":"):
        said = _next_paragraph(text, sentence.end) or said  # "Limbaugh added:" + a paragraph
    pieces = [
        q.span
        for q in prepared.scare_quotes
        if said.start <= q.open and q.close <= said.end and not q.title  # not “Morning Joe”
    ]
    return Statement(
        id=statement_id,
        speaker=speaker,
        speaker_id=speaker_party(parties, speaker, speaker_span.text if speaker_span else None),
        speaker_span=speaker_span,
        kind="mixed" if pieces else "indirect",
        text=said.text,
        span=said,
        pieces=pieces,
        cue=cue if cue and cue.casefold() in sentence.text.casefold() else None,
        agreement_id=_agreement_for(agreements, sentence.start),
        method=method,
    )


def _next_paragraph(text: str, end: int) -> Span | None:
    """The paragraph after a lead-in that ends its own paragraph at ``end``."""
    rest = text[end:]
    gap = len(rest) - len(rest.lstrip())
    if "\n" not in rest[:gap]:
        return None
    start = end + gap
    stop = text.find("\n", start)
    return _strip(span_of(text, start, len(text) if stop < 0 else stop), text)


def _agreement_for(agreements: list[Agreement], index: int) -> str | None:
    for agreement in agreements:
        spans = [*agreement.evidence, *(s for c in agreement.clauses for s in c.evidence)]
        if any(s.start <= index < s.end for s in spans):
            return agreement.id
    return None


def _strip(span: Span, text: str) -> Span:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start=start, end=end, text=text[start:end])
