"""A rule-based predictor: what pactlens finds with no model at all.

* Direct quotes: the quotations :func:`pactlens._ground.find_quotations` finds (scare
  quotes left out), attributed by :func:`pactlens._ground.attribute` (the nearest speech
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

# ruff: noqa: RUF001  (typographic quotes and apostrophes are matched on purpose)
from __future__ import annotations

import re
import time

from pactlens import _gazetteer, _ground
from pactlens._assemble import prepare
from pactlens._clean import clean
from pactlens._eval.scoring import DEMONYMS
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

__all__ = ["Baseline"]


def _words(text: str) -> list[str]:
    return text.split()


_BELIEF = frozenset(
    _words(
        """think thinks thought believe believes believed expect expects expected want wants
    wanted hope hopes hoped fear fears feared plan plans planned know knows knew report
    reports feel feels felt worry worries worried estimate estimates estimated"""
    )
)
_CUES = _ground.SPEECH_VERBS | _BELIEF
_WORDS = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_NAME = re.compile(
    r"(?:[A-Z][\w'’.-]*(?: (?:of|de|al|bin|van|von) | ))*[A-Z][\w'’.-]*"
    r"|\b(?:he|she|they|officials|sources|analysts|experts)\b"
)
_QUOTE_CHARS = '"“”„«»'

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
#: Capitalised words that open sentences or name no actor.
_NOT_NAMES = frozenset(
    _words(
        """The A An This That These Those It He She They We I You In On At For But And Or If
    When While After Before As By From With Without Under Over Since Also However Yet So
    Mr Mrs Ms Dr Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
    March April May June July August September October November December There Here What
    Who Why How Our Their His Her Its Some Many Most All No Not One Two Three"""
    )
)


def _span(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "party"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _names_in(plain: str, start: int, end: int) -> list[tuple[int, int]]:
    """Names and subject pronouns in ``plain[start:end]``, leading function words cut."""
    out = []
    for m in _NAME.finditer(plain, max(0, start), min(len(plain), end)):
        a, words = m.start(), m.group().split(" ")
        while len(words) > 1 and words[0] in _NOT_NAMES:
            a += len(words[0]) + 1
            words = words[1:]
        b = m.end() - 1 if re.search(r"[a-z]\.$", m.group()) else m.end()
        if words[0] not in _NOT_NAMES or words[0] in ("He", "She", "They"):
            out.append((a, b))
    return out


def _outside_quotes(sentence: str) -> str:
    """The sentence with quoted stretches blanked (same length)."""
    out, inside = [], False
    for c in sentence:
        if c in _QUOTE_CHARS:
            inside = not inside if c == '"' else c in "“„«"
            out.append(" ")
        else:
            out.append(" " if inside else c)
    return "".join(out)


class Baseline:
    """The rule-based predictor: ``Baseline()(raw_text) -> ArticleSummary``, no model."""

    name = "baseline"

    def __init__(self, *, max_chars: int = 200_000) -> None:
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
    def _direct(attributions: list[_ground.Attribution]) -> list[Statement]:
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
        plain = _outside_quotes(sentence.text)
        cue = next((m for m in _WORDS.finditer(plain) if m.group().lower() in _CUES), None)
        according = re.search(r"\baccording to\b", plain, re.IGNORECASE)
        if cue is None and according is None:
            return None
        if according is not None and (cue is None or according.start() < cue.start()):
            cue_start, cue_end = according.start(), according.end()
            names = _names_in(plain, cue_end, cue_end + 60)[:1]
        else:
            assert cue is not None
            cue_start, cue_end = cue.start(), cue.end()
            names = _names_in(plain, cue_start - 60, cue_start)[-1:]
            names = names or _names_in(plain, cue_end, cue_end + 40)[:1]
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
            cue=plain[cue_start:cue_end],
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
                canonical = _gazetteer.canonical(name) or DEMONYMS.get(name.casefold()) or name
                if canonical not in parties:
                    aliases = [name] if name != canonical else []
                    mentions = _ground.find_mentions(text, [canonical, *aliases])
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
        for m in _NAME.finditer(_outside_quotes(sentence)):
            words = m.group().split()
            while words and words[0].strip(".") in _NOT_NAMES:
                words = words[1:]
            name = re.sub(r"['’]s$|(?<=[a-z])[.'’]+$", "", " ".join(words))
            if not name or name[0].islower() or _TRIGGER.fullmatch(name):
                continue
            if _gazetteer.canonical(name) or name.casefold() in DEMONYMS:
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
