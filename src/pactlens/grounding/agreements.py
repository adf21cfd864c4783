"""Agreements by rule: the mentions, the cues that set each status, the date, the parties.

Pure, no I/O. News reports a deal's stage in few words ("signed … on Monday", "could
follow", "withdrew from", "entered into force"), and a small model reading a whole
article gets those words wrong more often than a rule does. So pactlens finds the
agreements first, deterministically, and asks the model only what rules leave open:

1. **Mentions.** Singular agreement nouns (treaty, pact, deal, memorandum, ceasefire,
   contract …) with their modifiers; plurals ("earlier truces"), idioms ("a big deal")
   and denied ones ("no agreement was reached", "without a deal") are none.
2. **One agreement per thing.** A mention with new modifiers, or "a separate / new …",
   starts an agreement; "the deal", "the pact" or "a defence pact" again refer back.
3. **Cues.** Lifecycle words (proposed … collapsed) beside a mention, unless denied
   ("no document has yet been signed") or not yet real ("will take effect", "could
   agree"); hedges ("could", "potential", "feared") make a deal speculative when nothing
   else is said of it. The latest stage reported wins; suspension and collapse end it;
   but where every winning cue is dated and an earlier stage is dated later ("talks
   collapsed in September … signed on Monday"), the later event wins.
4. **Date** of the deciding event, never of the day someone spoke about it ("…, the
   ministry said on Tuesday"); **parties** in the places the text names them.

Every decision keeps its evidence as a span of the text.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import get_args

from pactlens import lexicon
from pactlens._models import AgreementKind, AgreementStatus, Span
from pactlens.grounding.actors import Actor, Actors
from pactlens.text import dates as _dates

__all__ = ["STAGES", "Candidate", "Cue", "Mention", "find_candidates"]

#: Lifecycle stages, weakest first: the latest reported wins. ``AgreementStatus`` lists
#: them in that order, with ``speculative`` (no stage) last.
STAGES: tuple[AgreementStatus, ...] = tuple(
    status for status in get_args(AgreementStatus) if status != "speculative"
)
#: Statuses that carry the date of their event (talks and rumours have none).
_DATED = frozenset(STAGES) - {"under_negotiation"}

_HEADS = {**lexicon.AGREEMENT_HEADS}
_HEAD = re.compile(
    r"\b(?P<head>"
    + "|".join(
        re.escape(h) for h in sorted({*_HEADS, *lexicon.AGREEMENT_PLURALS}, key=len, reverse=True)
    )
    + r")\b(?P<tail>\s+of\s+understanding)?",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[\w'\u2019]+(?:-[\w'\u2019]+)*|[^\w\s]")
_CUES = [
    (status, re.compile(rf"\b(?:{'|'.join(patterns)})\b", re.IGNORECASE))
    for status, patterns in lexicon.LIFECYCLE_CUES.items()
]
_CLAUSE_BREAK = re.compile(r";|,\s+(?:but|though|although|while|whereas)\b|\s+but\s+")
_IDIOMS = re.compile(
    "|".join(r"\b" + re.escape(i).replace(r"\ ", r"\s+") + r"\b" for i in lexicon.AGREEMENT_IDIOMS),
    re.IGNORECASE,
)
_AGREE_TO = re.compile(
    r"\bagree(?:d|s)?\b(?:\s+\w+){0,4}?\s+to\s+(?!(?:a|an|the|its|their)\b)"
    r"(?P<what>(?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*)"
)
_PURPOSE = re.compile(
    r"(?<![\w-])(?:(?P<lead>to|for)\s+(?!(?:a|an|the)\s)(?=[a-z0-9])|(?P<which>under which)\s+)"
    r"(?P<what>[\w'-]+(?:\s+[\w'-]+){0,5})"
)
#: "… could sell fighter jets to Sundaria, a deal that …": the deal is the verb phrase.
_APPOSED = re.compile(
    r"\b(?:could|would|might|may|will|to)\s+(?:also\s+)?(?P<what>[a-z][\w-]*(?:\s+[\w-]+){0,5}?)"
    r"\s*,\s*(?:a|an)\s*$"
)
_SPEECH = re.compile(
    rf"\b(?:{'|'.join(sorted(lexicon.SPEAKING))})\b(?:\s+\w+){{0,4}}\s*$", re.IGNORECASE
)
_BETWEEN = re.compile(r"^\s*(?:between|among)\s+", re.IGNORECASE)
#: "the two sides", "both governments": parties named before.
_THE_SIDES = rf"\b(?:the|both)\s+(?:two\s+)?(?:{'|'.join(sorted(lexicon.SIDES))})\b"
_SIDES = re.compile(_THE_SIDES, re.IGNORECASE)
_BETWEEN_SIDES = re.compile(rf"\s+between\s+{_THE_SIDES}", re.IGNORECASE)
_STOP_AFTER = r"[,;]|\b(?:on|in|at|which|that|who|to|for|after)\b"
_STOP_WITH = r"[,;]|\b(?:on|in|at|which|that|who|to|for|after|last)\b"
_STOP_BY = r"[;]|\b(?:on|in|at|which|that|who|to|for)\b"
_STOP_TALKS = r"[,;]|\b(?:on|over|about|in|at|for)\b"
_SAID = re.compile(r"\b(?:said|says|told|announced|fear|fears|feared)\b")
_TALKS_BETWEEN = re.compile(
    r"\b(?:talks|negotiations|dispute|discussions)\s+between\s+(?P<who>[^;]{3,120})",
    re.IGNORECASE,
)
_WITH = re.compile(
    r"^\s*(?:[\w-]+\s+){0,4}?(?:with|to)\s+(?=(?:the\s+)?(?:government\s+of\s+)?[A-Z])"
)
_TRADE = lexicon.TRADE_WORDS
_PLACE = re.compile(
    r"\b(?:in|at)\s+(?:the\s+)?(?:[a-z]+\s+){0,2}?(?:(?:town|city|port|capital|village)\s+of\s+)?"
    r"(?P<place>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)"
)
_SAYERS = "said|says|confirmed|announced|reported|told reporters|added|stated"
_TRAILING_SOURCE = re.compile(
    rf",\s+(?P<who>(?:[\w'\u2019-]+\s+){{0,5}}?[\w'\u2019-]+)\s+(?:{_SAYERS})\b"
)
_LEADING_SOURCE = re.compile(
    rf"^\s*(?P<who>(?:[\w'\u2019-]+\s+){{0,5}}?[\w'\u2019-]+)\s+(?:{_SAYERS}|fear|fears|feared)\b"
)
_ACCORDING = re.compile(r"\baccording to\s+(?P<who>[^,.;]{2,60})")
_DENIED = re.compile(
    rf"(?:^|\W)(?:{'|'.join(re.escape(n) for n in sorted(lexicon.NEGATORS))})(?:\W|$)|n't\b",
    re.IGNORECASE,
)
_DEFERRED = re.compile(
    rf"\b(?:was|were|been|is|are)\s+(?:\w+\s+)?(?:{'|'.join(sorted(lexicon.DEFERRALS))})\b"
)
#: A step named as a noun and then put in the future: not yet real.
_PLANNED = re.compile(
    r"\b(?:would|will|is to|are to|was to|were to|is due to|is expected to|are expected to)"
    r" (?:take place|be held|happen|go ahead)\b"
    r"|\b(?:is|are|was|were|has been|had been) (?:scheduled|planned|set|due) (?:for|on|to)\b"
)
#: A postponed step says the one before it was taken: a signing means agreed terms.
_STEP_BEFORE = {"signed": "agreed", "ratified": "signed", "in_force": "ratified"}
#: Words before a lifecycle word that make it a noun, an event that can be postponed.
_EVENT_NOUN_LEAD = frozenset({"the", "a", "its", "their", "his", "her", "this", "that"})
#: A claim the sentence reports only to deny it ("contradicting reports that …").
_DISPUTED = re.compile(
    rf"\b(?:{'|'.join(re.escape(f) for f in lexicon.DISPUTED_FRAMES)})\b[^.;]*?\bthat\b",
    re.IGNORECASE,
)
_MAX_MODIFIERS = 6
#: How far after a bare "contract" its purpose may start ("… with X on 3 April for …").
_PURPOSE_GAP = 40
_GAP_WORDS = frozenset({"with", "between", "and", "on", "in", "at", "of", "the", "a", "an"})
_TOPIC = re.compile(r"\s+(?:on|for)\s+(?P<words>(?:(?:the\s+)?[a-z][\w-]*\s*){1,5})")


def _topic(words: str) -> str:
    """The topic's content words ("the avoidance of double taxation yesterday" ->
    "avoidance of double taxation")."""
    kept: list[str] = []
    for word in words.split():
        low = word.casefold()
        if low in lexicon.CALENDAR_WORDS or low in {"yesterday", "today", "tomorrow", "last"}:
            break
        if low in lexicon.STOP_LEFT and low not in {"of", "the"}:
            break
        if kept or low != "the":
            kept.append(word)
    while kept and kept[-1].casefold() in lexicon.STOP_LEFT:
        kept.pop()
    return " ".join(kept)


class _Index:
    """Spans sorted by start, for the ones in a stretch of text (bisection)."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = sorted(spans, key=lambda x: x.start)
        self.starts = [x.start for x in self.spans]

    def within(self, start: int, end: int) -> list[Span]:
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return self.spans[lo:hi]

    def covers(self, index: int, reach: int = 200) -> bool:
        """Whether a span holds ``index`` (spans are short: only those starting within
        ``reach`` before it are looked at)."""
        return any(x.start <= index < x.end for x in self.within(index - reach, index + 1))


@dataclass(frozen=True)
class Mention:
    """One noun phrase naming an agreement: "a ten-year gas supply deal"."""

    span: Span  # the phrase, determiner left out
    head: str  # the head noun, lowercase and singular
    modifiers: tuple[str, ...]  # content words before the head, lowercase
    definite: bool
    new: bool  # "a separate …", "a new …": not one named before
    sentence: int  # index into the sentences
    clause: tuple[int, int]  # the clause holding it, in text offsets
    topic: str = ""  # "on green hydrogen": what it is about, for its name

    @property
    def family(self) -> str:
        """The head's kind, or a modifier's ("ceasefire agreement" is a ceasefire)."""
        for word in self.modifiers:
            if _HEADS.get(word, "other") != "other":
                return _HEADS[word]
        kind = _HEADS.get(self.head, "other")
        return kind if kind != "other" else self.head


@dataclass(frozen=True)
class Cue:
    """Words that set a status, e.g. ``signed`` or ``could``."""

    status: AgreementStatus
    span: Span
    sentence: int
    clause: tuple[int, int]
    #: False for a status inferred from a postponed step: its date is the step's.
    dated: bool = True


@dataclass
class Candidate:
    """One agreement as the rules see it, with the evidence of each decision."""

    mentions: list[Mention] = field(default_factory=list)
    #: Mentions of a part of it ("the contract would include a 20-year agreement").
    parts: list[Mention] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    hedges: list[Cue] = field(default_factory=list)
    status: AgreementStatus | None = None
    status_cue: Cue | None = None
    date: dt.date | None = None
    date_span: Span | None = None
    parties: list[Actor] = field(default_factory=list)
    content: str | None = None  # "exchange prisoners" when no noun names it
    content_span: Span | None = None
    purpose: str | None = None  # "to build a dam": what a generic "contract" is for
    place: str | None = None  # "in Beijing", beside the deciding words
    asserted_by: str | None = None  # "…, the State Department said"

    @property
    def name(self) -> str:
        named = [m for m in self.mentions if _content(m)]
        if named:
            best = max(named, key=lambda m: (len(_content(m)), -m.span.start))
            return f"{best.span.text} on {best.topic}" if best.topic else best.span.text
        head = self.mentions[0].head if self.mentions else "agreement"
        if self.content:
            return f"{head} to {self.content}"
        if self.purpose:
            return f"{self.mentions[0].span.text} {self.purpose}"
        return self.mentions[0].span.text if self.mentions else head

    @property
    def kind(self) -> AgreementKind:
        specific = [m for m in self.mentions if m.head not in lexicon.GENERIC_HEADS]
        words = {w for m in self.mentions for w in m.modifiers}
        if words & lexicon.CEASEFIRE_WORDS:
            return "ceasefire"
        if specific:
            kind = _HEADS.get(specific[0].head, "other")
        else:
            kind = _HEADS.get(self.mentions[0].head, "other") if self.mentions else "other"
            if kind == "other" and words & _TRADE:
                kind = "trade_deal"
        return kind  # type: ignore[return-value]

    @property
    def sentences(self) -> list[int]:
        return sorted({m.sentence for m in (*self.mentions, *self.parts)})

    @property
    def settled(self) -> bool:
        """Whether the text's own words decide the status (else the model is asked)."""
        return self.status is not None


def _clauses(sentence: Span) -> list[tuple[int, int]]:
    out, start = [], sentence.start
    for m in _CLAUSE_BREAK.finditer(sentence.text):
        out.append((start, sentence.start + m.start()))
        start = sentence.start + m.end()
    out.append((start, sentence.end))
    return out


def _clause_of(clauses: list[tuple[int, int]], index: int) -> tuple[int, int]:
    return next((c for c in clauses if c[0] <= index < c[1]), clauses[-1])


def _tokens_before(text: str, start: int, end: int) -> list[str]:
    return [m.group() for m in _TOKEN.finditer(text, start, end)]


def _mention(
    text: str, match: re.Match[str], sentence: int, clause: tuple[int, int]
) -> Mention | None:
    head = match["head"].casefold()
    if head in lexicon.AGREEMENT_PLURALS:
        return None
    after = text[match.end() : match.end() + 30]
    next_word = re.match(r"\s+([\w-]+)", after)
    if next_word and (
        next_word[1].casefold() in _HEADS or next_word[1].casefold() in lexicon.AGREEMENT_PLURALS
    ):
        return None  # "ceasefire agreement": the second noun is the head
    if match["head"][0].isupper() and next_word and next_word[1][0].isupper():
        return None  # "Treaty Organization": part of another name
    window = text[max(clause[0], match.start() - 25) : min(clause[1], match.end() + 12)]
    idiom = _IDIOMS.search(window)
    if idiom is not None and head in idiom.group().casefold():
        return None
    tokens = list(_TOKEN.finditer(text, clause[0], match.start()))
    modifiers: list[str] = []
    start = match.start()
    determiner = ""
    new = False
    before: list[str] = []
    for k in range(len(tokens) - 1, -1, -1):
        word = tokens[k].group()
        low = word.casefold()
        if low in lexicon.NEW_MARKERS:
            new = True
            start = tokens[k].start()
            continue
        if (
            not re.match(r"\w", word)
            or low in lexicon.STOP_LEFT
            or low in lexicon.DEFINITE
            or low in lexicon.NEGATIVE_DETERMINERS
            or word.endswith(("'s", "\u2019s"))
            or len(modifiers) >= _MAX_MODIFIERS
            or any(p.fullmatch(word) for _, p in _CUES)
        ):
            determiner = low
            before = [t.group().casefold() for t in tokens[max(0, k - 2) : k]]
            break
        modifiers.insert(0, low)
        start = tokens[k].start()
    if determiner in lexicon.NEGATIVE_DETERMINERS or any(
        b in lexicon.NEGATIVE_DETERMINERS for b in before if determiner in {"a", "an", "such"}
    ):
        return None  # "no agreement", "without a deal", "any such pact"
    definite = determiner in lexicon.DEFINITE
    if not modifiers and not definite and determiner not in {"a", "an"}:
        return None  # "reached agreement", "without agreement": no thing named
    end = match.end()
    modifiers = [m for m in modifiers if not m.isdigit()]
    if head in lexicon.QUALIFIED_HEADS and not any(
        m.rstrip("s") in lexicon.QUALIFIED_HEADS[head] for m in modifiers
    ):
        return None  # an exchange or swap is an agreement only of prisoners, hostages …
    topic = _TOPIC.match(text, end, clause[1])
    return Mention(
        span=Span(start=start, end=end, text=text[start:end]),
        head="memorandum" if head == "mou" else head,
        modifiers=tuple(modifiers),
        definite=definite,
        new=new,
        sentence=sentence,
        clause=clause,
        topic=_topic(topic["words"]) if topic else "",
    )


def _content(m: Mention) -> set[str]:
    return {
        w
        for w in (*m.modifiers, *m.topic.split())
        if len(w) > 2 and "year" not in w and w not in lexicon.VAGUE_MODIFIERS
    }


def _group(mentions: list[Mention]) -> list[Candidate]:
    """Mentions into agreements, in one pass: indexes of the latest agreement holding
    each content word and each family keep long documents linear."""
    candidates: list[Candidate] = []
    by_word: dict[str, int] = {}  # content word -> latest agreement holding it
    by_family: dict[str, int] = {}  # family -> latest agreement with a mention of it
    of_family: dict[str, list[int]] = {}  # family -> its agreements, in order
    named: set[int] = set()  # agreements with a mention that has content words
    last: int | None = None  # the agreement the previous mention named
    for m in mentions:
        words = _content(m)
        target: int | None = None
        if not (m.new and not m.definite) and candidates:
            if words:
                hits = [by_word[w] for w in words if w in by_word]
                target = max(hits) if hits else None
                if target is None and m.definite:
                    # "an agreement with Denmark … The North Sea Storage Agreement": a
                    # name for one named before only by its head
                    target = next(
                        (k for k in reversed(of_family.get(m.family, [])) if k not in named),
                        None,
                    )
            elif m.family in by_family:
                target = by_family[m.family]
            elif m.head in lexicon.GENERIC_HEADS and m.definite:
                target = last  # "the agreement": the one just spoken of
        if target is None:
            candidates.append(Candidate())
            target = len(candidates) - 1
        candidates[target].mentions.append(m)
        for w in words:
            by_word[w] = max(by_word.get(w, -1), target)
        if words:
            named.add(target)
        if by_family.get(m.family, -1) < target:
            by_family[m.family] = target
        family = of_family.setdefault(m.family, [])
        if target not in family:
            family.append(target)
            family.sort()
        last = target
    return candidates


def _cues(
    text: str, sentence: Span, number: int, clauses: list[tuple[int, int]]
) -> tuple[list[Cue], list[Cue]]:
    """The lifecycle cues of a sentence that state a real event, and its hedges."""
    found: list[Cue] = []
    for status, pattern in _CUES:
        for m in pattern.finditer(text, sentence.start, sentence.end):
            clause = _clause_of(clauses, m.start())
            before = [t.casefold() for t in _tokens_before(text, clause[0], m.start())][-6:]
            if _DENIED.search(" ".join(before)):
                continue  # "no document has yet been signed"
            if _DISPUTED.search(text, sentence.start, m.start()):
                continue  # "… denied reports that the accord had been signed"
            near = text[max(clause[0], m.start() - 45) : m.start()].casefold()
            if any(w in lexicon.MODALS for w in re.findall(r"[a-z]+", near)[-5:]):
                continue  # "will take effect", "could agree", "expected to sign"
            if any(b in _EVENT_NOUN_LEAD for b in before[-2:]):
                after = text[m.end() : sentence.end].casefold()
                if _PLANNED.search(" ".join(re.findall(r"[a-z]+", after)[:20])):
                    continue  # "the formal signing … would take place on 14 May"
                if _DEFERRED.search(" ".join(re.findall(r"[a-z]+", after)[:20])):
                    # "The signing of the accord, planned for Monday, was postponed": the
                    # step before it stands (agreed, not signed), the step itself does not.
                    if status in _STEP_BEFORE:
                        span = Span(start=m.start(), end=m.end(), text=m.group())
                        step = Cue(_STEP_BEFORE[status], span, number, clause, dated=False)  # type: ignore[arg-type]
                        found.append(step)
                    continue
            if before and before[-1] == "to" and status in ("signed", "ratified"):
                continue  # "a ceremony to sign the deal had been set for midday"
            found.append(
                Cue(status, Span(start=m.start(), end=m.end(), text=m.group()), number, clause)  # type: ignore[arg-type]
            )
    found.sort(key=lambda c: (c.span.start, -(c.span.end - c.span.start)))
    cues: list[Cue] = []
    for cue in found:  # longest first where two overlap ("voted to ratify")
        if cues and cue.span.start < cues[-1].span.end:
            if STAGES.index(cue.status) > STAGES.index(cues[-1].status) and (
                cue.span.end - cue.span.start > cues[-1].span.end - cues[-1].span.start
            ):
                cues[-1] = cue
            continue
        cues.append(cue)
    hedges = [
        Cue(
            "speculative",
            Span(start=t.start(), end=t.end(), text=t.group()),
            number,
            _clause_of(clauses, t.start()),
        )
        for t in _TOKEN.finditer(text, sentence.start, sentence.end)
        if t.group() in lexicon.HEDGES  # lowercase only: "May" is a month
    ]
    return cues, hedges


def _nearest(cue: Cue, mentions: Sequence[tuple[Mention, Candidate]]) -> Candidate | None:
    """The agreement a cue speaks of: the nearest mention in its clause, the following
    one preferred ("signed a deal"), else in its sentence. ``mentions`` are those of the
    cue's sentence."""
    best: tuple[float, Candidate] | None = None
    for scope in ("clause", "sentence"):
        for m, c in mentions:
            if scope == "clause" and m.clause != cue.clause:
                continue
            if m.span.start >= cue.span.end:
                gap = (m.span.start - cue.span.end) * 0.8
            else:
                gap = max(0, cue.span.start - m.span.end)
            if best is None or gap < best[0]:
                best = (gap, c)
        if best is not None:
            return best[1]
    return None


def _date(
    text: str, cue: Cue, anchor: dt.date | None, exclude: _Index
) -> tuple[dt.date | None, Span | None]:
    if not cue.dated:
        return None, None
    start, end = cue.clause
    phrases = [
        Span(start=start + p.start, end=start + p.end, text=p.text)
        for p in _dates.find_date_phrases(text[start:end])
    ]
    usable = []
    for p in phrases:
        if exclude.covers(p.start):
            continue
        if _SPEECH.search(text[max(start, p.start - 40) : p.start]):
            continue  # "…, the ministry said on Tuesday": the day someone spoke
        usable.append(p)
    usable.sort(
        key=lambda p: (
            abs(p.start - cue.span.end) if p.start >= cue.span.end else cue.span.start - p.end
        )
    )
    for phrase in usable:
        if anchor is None:
            return None, phrase
        resolved = _dates.resolve(phrase.text, anchor, tense="past")
        if resolved is not None:
            return resolved.value, phrase
    return None, None


def _after(
    actors: Actors, text: str, start: int, limit: int, stop: str = _STOP_AFTER
) -> list[Actor]:
    """The bodies named from ``start`` up to the first ``stop`` word (or ``limit``)."""
    found = re.search(stop, text[start:limit])
    return actors.in_span(start, start + found.start() if found else limit)


def _around(text: str, m: Mention, actors: Actors) -> list[Actor]:
    """The bodies a mention's own phrase names: "a pact between A and B", "a treaty
    with B", "signed by A and B", "the A-B agreement", "a contract under which A …",
    and "talks between A and B on a deal"."""
    found: list[Actor] = []
    end = m.clause[1]
    after = text[m.span.end : end]
    between = _BETWEEN.match(after)
    if between:
        found += _after(actors, text, m.span.end + between.end(), end)
    elif talks := _TALKS_BETWEEN.search(text, m.clause[0], m.span.start):
        found += _after(actors, text, talks.start("who"), m.span.start, _STOP_TALKS)
    if with_ := _WITH.match(after):
        found += _after(actors, text, m.span.end + with_.end(), end, _STOP_WITH)
    if by := re.search(r"signed\s+by\s+", after[:40]):
        found += _after(actors, text, m.span.end + by.end(), end, _STOP_BY)
    if re.search(r"[A-Z][\w ]*?-[A-Z]", m.span.text):
        found += actors.in_span(m.span.start, m.span.end)
    if under := re.match(r"\s*,?\s*under which\s+", after):
        start = m.span.end + under.end()
        verb = re.search(r"\s(?:[a-z]+s|[a-z]+ed)\b", text[start:end])
        found += actors.in_span(start, start + verb.start() if verb else start)
    return found


def _subjects(
    text: str, candidate: Candidate, actors: Actors, others: _Index
) -> tuple[list[Actor], bool]:
    """The subjects of the verbs that decide the status ("A and B signed", "X could
    sell"), and whether they are "the two sides" (parties named before)."""
    found: list[Actor] = []
    sides = False
    first = candidate.mentions[0].span.start
    leading = [h for h in candidate.hedges if h.span.start < first][-1:]
    for cue in [*candidate.cues, *leading]:
        mention = next((m for m in candidate.mentions if m.clause == cue.clause), None)
        if mention is not None and cue.span.start >= mention.span.start:
            continue  # "the pact was signed": the mention is the subject
        start, end = cue.clause[0], cue.span.start
        earlier = others.within(start, end)
        if earlier:  # "A signed X …, and signed Y": A is the subject of both
            end = earlier[0].start
        said = list(_SAID.finditer(text, start, end))
        if said:
            start = said[-1].end()
        found += actors.in_span(start, end)
        sides = sides or _SIDES.search(text, start, end) is not None
    return found, sides


def _parties(
    text: str, candidate: Candidate, actors: Actors, others: _Index
) -> tuple[list[Actor], bool]:
    """The bodies the text names as making or bound by the agreement, and whether it
    refers to them as "the two sides" (parties named before)."""
    found: list[Actor] = []
    for m in candidate.mentions:
        found += _around(text, m, actors)
    subjects, inherit = _subjects(text, candidate, actors, others)
    found += subjects
    for m in candidate.mentions:  # "a pact between the two neighbours"
        inherit = inherit or _BETWEEN_SIDES.match(text, m.span.end, m.clause[1]) is not None
    if candidate.content_span is not None:
        found += actors.in_span(candidate.content_span.start, candidate.content_span.end)
    seen: dict[str, Actor] = {}
    for actor in found:
        seen.setdefault(actor.name.casefold(), actor)
    return list(seen.values()), inherit


def find_candidates(
    text: str,
    sentences: Sequence[Span],
    *,
    anchor: dt.date | None = None,
    skip: frozenset[int] = frozenset(),
    body_start: int = 0,
) -> list[Candidate]:
    """The agreements the text reports, by rule, in order of first mention.

    ``sentences`` are the article's sentences; those numbered (from 1) in ``skip`` are
    not read (text addressed to AI systems). ``anchor`` is the dateline's date;
    ``body_start`` is where the text after the dateline ("Vienna, 12 February 2025
    (CNA): ") begins: the dateline's place and date are no party and no event's.
    """
    mentions: list[Mention] = []
    clauses_of: dict[int, list[tuple[int, int]]] = {}
    for number, whole in enumerate(sentences):
        if number + 1 in skip or whole.end <= body_start:
            continue
        start = max(whole.start, body_start)
        sentence = Span(start=start, end=whole.end, text=text[start : whole.end])
        clauses = clauses_of[number] = _clauses(sentence)
        for match in _HEAD.finditer(text, sentence.start, sentence.end):
            found = _mention(text, match, number, _clause_of(clauses, match.start()))
            if found is not None:
                mentions.append(found)
    candidates = _group(mentions)
    in_sentence: dict[int, list[tuple[Mention, Candidate]]] = {}
    for c in candidates:
        for m in c.mentions:
            in_sentence.setdefault(m.sentence, []).append((m, c))
    for number, clauses in clauses_of.items():
        sentence = sentences[number]
        start = max(sentence.start, body_start)
        cues, hedges = _cues(
            text,
            Span(start=start, end=sentence.end, text=text[start : sentence.end]),
            number,
            clauses,
        )
        here = in_sentence.get(number, [])
        for cue in cues:
            target = _nearest(cue, here)
            if target is not None:
                target.cues.append(cue)
        for hedge in hedges:
            for c in {id(c): c for m, c in here if m.clause == hedge.clause}.values():
                c.hedges.append(hedge)
    candidates = _fold_parts(candidates)
    actors = Actors(text)
    spans = _Index([m.span for m in mentions])
    others = _Index([*spans.spans, *(q.span for c in candidates for q in c.cues)])
    inherits: list[bool] = []
    for c in candidates:
        _decide(text, c, anchor, spans)
        if not any(_content(m) for m in c.mentions):
            first = c.mentions[0].sentence
            _name_from_content(text, c, sentences[first - 1] if first > 0 else None)
        c.parties, inherit = _parties(text, c, actors, others)
        inherits.append(inherit)
    _inherit(candidates, inherits)
    return candidates


def _inherit(candidates: list[Candidate], inherits: list[bool]) -> None:
    """ "The two sides", or a status with no party named: the parties of the nearest
    agreement before that names some (else the nearest after)."""
    before: list[list[Actor]] = []
    known: list[Actor] = []
    for c in candidates:
        before.append(known)
        known = c.parties or known
    after: list[list[Actor]] = [[] for _ in candidates]
    known = []
    for k in range(len(candidates) - 1, -1, -1):
        after[k] = known
        known = candidates[k].parties or known
    for k, c in enumerate(candidates):
        if not (inherits[k] or (not c.parties and c.cues)):
            continue
        source = before[k] or after[k]
        names = {a.name for a in c.parties}
        c.parties = [*c.parties, *(a for a in source if a.name not in names)]


def _name_from_content(text: str, c: Candidate, previous: Span | None) -> None:
    """Name an agreement no noun phrase names by what was agreed ("agreed to exchange
    prisoners", in its sentences or the one before them) or by the deal a clause
    describes ("could sell jets to X, a deal …")."""
    for m in c.mentions:
        before = text[m.clause[0] : m.span.start]
        apposed = _APPOSED.search(before)
        if apposed:
            start = m.clause[0] + apposed.start("what")
            c.content = apposed["what"]
            c.content_span = Span(start=start, end=start + len(c.content), text=c.content)
            return
        found = _AGREE_TO.search(text, m.clause[0], m.clause[1])
        if found:
            c.content = found["what"]
            c.content_span = Span(start=found.start("what"), end=found.end("what"), text=c.content)
            return
    if previous is not None:  # "A and B agreed to set a price. Under the deal, …"
        found = _AGREE_TO.search(text, previous.start, previous.end)
        if found:
            c.content = found["what"]
            c.content_span = Span(start=found.start("what"), end=found.end("what"), text=c.content)
            return
    for m in c.mentions:  # "a contract … to build a dam", "… for 40 electric trains"
        purpose = _PURPOSE.search(text, m.span.end, m.clause[1])
        if purpose and _attached(text[m.span.end : purpose.start()]):
            words = purpose["what"].split()
            while words and words[-1].casefold() in lexicon.STOP_LEFT:
                words.pop()
            if words:
                c.purpose = f"{purpose['lead'] or purpose['which']} {' '.join(words)}"
                return


def _attached(gap: str) -> bool:
    """Whether what stands between a noun and a phrase after it leaves the phrase the
    noun's: a party or a date ("a contract with X on 3 April for …"), not a verb."""
    if len(gap) > _PURPOSE_GAP:
        return False
    return all(
        word[:1].isupper() or word[:1].isdigit() or word.casefold() in _GAP_WORDS
        for word in re.findall(r"[\w'-]+", gap)
    )


def _fold_parts(candidates: list[Candidate]) -> list[Candidate]:
    """An agreement with no lifecycle words of its own, named only in a clause that
    names an earlier one ("the contract would include a 20-year agreement"), is part of
    it; one with no cue at all joins an earlier one of its family, or is dropped. One
    pass, with the latest kept agreement per clause and per family."""
    kept: list[Candidate] = []
    in_clause: dict[tuple[int, int], list[tuple[int, Candidate]]] = {}
    of_family: dict[str, Candidate] = {}

    def keep(c: Candidate) -> None:
        kept.append(c)
        for m in c.mentions:
            in_clause.setdefault(m.clause, []).append((m.span.start, c))
            of_family[m.family] = c

    for c in candidates:
        if c.cues or not kept:
            keep(c)
            continue
        first = c.mentions[0].span.start
        host = next(
            (
                k
                for m in c.mentions
                for start, k in reversed(in_clause.get(m.clause, []))
                if start < first
            ),
            None,
        )
        host_by_clause = host is not None
        if host is None and not c.hedges:
            host = of_family.get(c.mentions[0].family)
            if host is None and all(
                m.head in lexicon.GENERIC_HEADS and not m.span.text[:1].isupper()
                for m in c.mentions
            ):  # "this is a practical agreement": the one before (a name stays apart)
                host, host_by_clause = kept[-1], True
        if host is None:
            keep(c)
            continue
        if host_by_clause:
            host.parts.extend(c.mentions)
        else:
            host.mentions.extend(c.mentions)
            for m in c.mentions:
                in_clause.setdefault(m.clause, []).append((m.span.start, host))
        host.hedges.extend(c.hedges)
    return kept


def _decide(text: str, c: Candidate, anchor: dt.date | None, mentions: _Index) -> None:
    if c.cues:
        top = max(STAGES.index(cue.status) for cue in c.cues)
        winners = sorted(
            (q for q in c.cues if STAGES.index(q.status) == top), key=lambda q: q.span.start
        )
        c.status = STAGES[top]
        c.status_cue = winners[0]
        if c.status in _DATED:
            for cue in winners:
                date, phrase = _date(text, cue, anchor, mentions)
                if phrase is not None:
                    c.date, c.date_span, c.status_cue = date, phrase, cue
                    break
        _latest_dated(text, c, anchor, mentions)
    elif c.hedges and _hedged(text, c.mentions[0]):
        c.status = "speculative"
        c.status_cue = c.hedges[0]
    if c.status_cue is None:
        return
    cue = c.status_cue
    if c.status in _DATED:
        for found in _PLACE.finditer(text, cue.span.end, cue.clause[1]):
            place = found["place"]
            if not any(w.casefold() in lexicon.CALENDAR_WORDS for w in place.split()):
                c.place = place
                break
    c.asserted_by = _source(text, cue)


def _latest_dated(text: str, c: Candidate, anchor: dt.date | None, mentions: _Index) -> None:
    """Where every winning cue is dated and an earlier stage is dated later, the later
    event is the news: "talks collapsed in September … signed the accord on Monday"."""
    if c.date is None or c.status_cue is None:
        return
    top = STAGES.index(c.status)
    if any(
        _date(text, q, anchor, mentions)[1] is None for q in c.cues if STAGES.index(q.status) == top
    ):
        return  # a winner with no date: when it happened is not known
    best: tuple[dt.date, Cue, Span] | None = None
    for q in c.cues:
        if q.status not in _DATED or STAGES.index(q.status) == top:
            continue
        date, phrase = _date(text, q, anchor, mentions)
        rank = (date, STAGES.index(q.status)) if date is not None else None
        if (
            rank is not None
            and phrase is not None
            and rank[0] > c.date
            and (best is None or rank > (best[0], STAGES.index(best[1].status)))
        ):
            best = (rank[0], q, phrase)
    if best is not None:
        c.date, c.status_cue, c.date_span = best
        c.status = best[1].status


def _hedged(text: str, first: Mention) -> bool:
    """Whether hedges make the agreement itself only possible: "a potential deal",
    "a pact … could follow". A definite first mention ("this agreement would …")
    presupposes the agreement; the hedge is about something else."""
    before = text[max(first.clause[0], first.span.start - 12) : first.span.start].casefold().split()
    return not first.definite or any(w in lexicon.HEDGES for w in (*first.modifiers, *before[-1:]))


def _source(text: str, cue: Cue) -> str | None:
    """Who the text says reports the words of ``cue``: "…, the ministry said",
    "according to two people familiar", "Two diplomats said …"."""
    start, end = cue.clause
    after = text[cue.span.end : end]
    found = _TRAILING_SOURCE.search(after) or _ACCORDING.search(text, start, end)
    if found is None:
        lead = _LEADING_SOURCE.match(text[start : cue.span.start])
        found = lead
    if found is None:
        return None
    who = found["who"].strip()
    words = who.split()
    if words and words[0].casefold() in lexicon.SUBJECT_PRONOUNS:
        return None
    return who
