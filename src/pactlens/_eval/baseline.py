"""A rule-based predictor: what pactlens finds with no model at all.

* Direct quotes: the quotations :func:`pactlens.grounding.match.find_quotations` finds (scare
  quotes left out), attributed by :func:`pactlens.grounding.match.attribute` (the nearest speech
  verb and name, "he"/"she" resolved to the last person named).
* Indirect statements: every other sentence with a reporting or belief cue outside
  quotation marks ("said", "told", "believes", "according to"); its speaker is the name
  or pronoun just before the cue, else the one just after it.
* Agreements: one per sentence holding an agreement word (agreement, deal, treaty, pact,
  accord, ceasefire, negotiations, talks); its parties are the places, demonyms and
  capitalised names in that sentence; its status comes from keywords there.

It returns a real :class:`~pactlens.ArticleSummary` (every span grounded), so the
harness scores it exactly like the model.
"""

from __future__ import annotations

import re
import time

from pactlens import lexicon
from pactlens._extraction import Extraction
from pactlens._models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Article,
    ArticleSummary,
    Meta,
    Party,
    PartyKind,
    Span,
    Statement,
)
from pactlens._version import __version__
from pactlens.grounding import assemble, prepare
from pactlens.grounding.attribution import Attribution
from pactlens.grounding.match import find_mentions
from pactlens.grounding.parties import slug as _slug
from pactlens.grounding.reported import MENTION as _NAME
from pactlens.grounding.reported import cue_attribution, outside_quotes
from pactlens.text import clean

__all__ = ["Baseline", "RulesOnly"]


def _words(text: str) -> list[str]:
    return text.split()


_TRIGGER = re.compile(
    r"\b(?:agreements?|deals?|treat(?:y|ies)|pacts?|accords?|cease-?fires?|truces?"
    r"|memorand(?:um|a)|negotiat\w*|talks)\b",
    re.IGNORECASE,
)
_KINDS: list[tuple[str, AgreementKind]] = [
    ("treat", "treaty"), ("pact", "pact"), ("cease", "ceasefire"), ("truce", "ceasefire"),
    ("memorand", "mou"), ("deal", "trade_deal"), ("contract", "contract"),
]  # fmt: skip
_STATUS: list[tuple[re.Pattern[str], AgreementStatus]] = [
    (
        re.compile(
            r"\b(?:withdr[ae]w\w*|pull(?:ed|s|ing)? out|scrap\w*|collaps\w*|abandon\w*"
            r"|suspend\w*|tore up|tear up|reject\w*|nullif\w*|cancel\w*|terminat\w*)\b"
        ),
        "collapsed",
    ),
    (re.compile(r"\b(?:violat\w*|breach\w*|broke|break(?:s|ing)?)\b"), "in_force"),
    (re.compile(r"\b(?:ratif\w*)\b"), "ratified"),
    (re.compile(r"\b(?:in force|took effect|takes effect)\b"), "in_force"),
    (re.compile(r"\b(?:sign(?:ed|s|ing)?)\b"), "signed"),
    (
        re.compile(
            r"\b(?:negotiat\w*|talks|propos\w*|discuss\w*|seek\w*|push(?:ed|es)? for"
            r"|would|could|might)\b"
        ),
        "under_negotiation",
    ),
]


def _span(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


class Baseline:
    """The rule-based predictor: ``Baseline()(raw_text) -> ArticleSummary``, no model."""

    name = "baseline"

    def __init__(self, *, max_chars: int = 1_000_000) -> None:
        self.max_chars = max_chars

    def __call__(self, article: str | Article) -> ArticleSummary:
        return self.summarise(article)

    def summarise(self, article: str | Article) -> ArticleSummary:
        started = time.perf_counter()
        if not isinstance(article, Article):
            article = clean(article, max_chars=self.max_chars)
        prepared = prepare(article)
        text = article.text
        statements = self._direct(prepared.attributions)
        quoted = [s.span for s in statements if s.span is not None]
        for sentence in prepared.sentences:
            if any(q.start < sentence.end and sentence.start < q.end for q in quoted):
                continue
            found = self._indirect(text, sentence, len(statements) + 1)
            if found is not None:
                statements.append(found)
        parties, agreements = self._agreements(text, prepared.sentences)
        return ArticleSummary(
            text=text,
            title=article.title,
            dateline=article.dateline,
            source=article.source,
            summary="(rule-based baseline: no abstract)",
            parties=parties,
            agreements=agreements,
            statements=statements,
            meta=Meta(
                model="rules",
                backend="baseline",
                prompt_version="none",
                pactlens_version=__version__,
                timings={"total": round(time.perf_counter() - started, 4)},
            ),
        )

    # -- statements ----------------------------------------------------------------------

    @staticmethod
    def _direct(attributions: list[Attribution]) -> list[Statement]:
        out = []
        for n, a in enumerate(attributions, start=1):
            out.append(
                Statement(
                    id=f"s{n}",
                    speaker=a.speaker or "unknown",
                    speaker_span=a.speaker_span,
                    kind="direct",
                    text=a.quote.span.text,
                    span=a.quote.span,
                    cue=a.cue,
                    flags=[] if a.speaker else ["unattributed"],
                )
            )
        return out

    @staticmethod
    def _indirect(text: str, sentence: Span, number: int) -> Statement | None:
        found = cue_attribution(sentence.text)
        if found is None:
            return None
        who, (cue_start, cue_end) = found
        names = [who] if who else []
        speaker_span = None
        speaker = "unknown"
        if names:
            start, end = sentence.start + names[0][0], sentence.start + names[0][1]
            speaker_span = _span(text, start, end)
            speaker = speaker_span.text
        return Statement(
            id=f"s{number}",
            speaker=speaker,
            speaker_span=speaker_span,
            kind="indirect",
            text=sentence.text,
            span=sentence,
            cue=sentence.text[cue_start:cue_end],
        )

    # -- agreements ----------------------------------------------------------------------

    def _agreements(self, text: str, sentences: list[Span]) -> tuple[list[Party], list[Agreement]]:
        parties: dict[str, Party] = {}
        ids: set[str] = set()
        agreements: list[Agreement] = []
        for sentence in sentences:
            trigger = _TRIGGER.search(sentence.text)
            if trigger is None:
                continue
            party_ids = []
            for name, kind in self._names(sentence.text):
                canonical = lexicon.canonical(name) or lexicon.DEMONYMS.get(name.casefold()) or name
                if canonical not in parties:
                    aliases = [name] if name != canonical else []
                    mentions = find_mentions(text, [canonical, *aliases])
                    if not mentions:
                        continue
                    parties[canonical] = Party(
                        id=_slug(canonical, ids),
                        name=canonical,
                        kind=kind,
                        aliases=aliases,
                        mentions=mentions,
                    )
                party_ids.append(parties[canonical].id)
            word = trigger.group().lower()
            agreement_kind: AgreementKind = next((k for stem, k in _KINDS if stem in word), "other")
            agreements.append(
                Agreement(
                    id=f"a{len(agreements) + 1}",
                    name=trigger.group(),
                    kind=agreement_kind,
                    status=self._status(sentence.text, word),
                    party_ids=list(dict.fromkeys(party_ids)),
                    evidence=[sentence],
                )
            )
        return list(parties.values()), agreements

    @staticmethod
    def _names(sentence: str) -> list[tuple[str, PartyKind]]:
        """Places, demonyms and capitalised names in a sentence, in order."""
        found: list[tuple[str, PartyKind]] = []
        for m in _NAME.finditer(outside_quotes(sentence)):
            words = m.group().split()
            while words and words[0].strip(".") in lexicon.NOT_NAMES:
                words = words[1:]
            name = re.sub(r"['’]s$|(?<=[a-z])[.'’]+$", "", " ".join(words))
            if not name or name[0].islower() or _TRIGGER.fullmatch(name):
                continue
            if lexicon.canonical(name) or name.casefold() in lexicon.DEMONYMS:
                found.append((name, "state"))
            elif len(name) > 1:
                found.append((name, "other"))
        return found

    @staticmethod
    def _status(sentence: str, trigger: str) -> AgreementStatus:
        if trigger.startswith(("negotiat", "talks")):
            return "under_negotiation"
        lowered = sentence.lower()
        for pattern, status in _STATUS:
            if pattern.search(lowered):
                return status
        return "agreed"


class RulesOnly:
    """pactlens's own pipeline with the model's answer left empty: what its deterministic
    half (quotations, their speakers, reported speech, grounding) gives on its own."""

    name = "rules"

    def __call__(self, article: str | Article) -> ArticleSummary:
        article = article if isinstance(article, Article) else clean(article)
        built = assemble(prepare(article), Extraction.empty())
        meta = Meta(
            model="none",
            backend="rules",
            prompt_version="-",
            pactlens_version=__version__,
            grounding=built.report,
        )
        return built.to_summary(article, meta)
