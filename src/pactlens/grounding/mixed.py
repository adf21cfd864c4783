"""Quoted words inside reported speech: "He called the plan 'a disaster for farmers'".

Pure, no I/O. A quotation is either the words said, standing on their own ("“We will
win,” she said." / "She said: “We will win.”"), or a few quoted words inside a clause
that reports what was said ("She said the plan was “a disaster”"). The second is a
*mixed* statement: what was said is the clause, and the quoted words are verbatim
pieces of it. Returning those words alone as a full quote would misreport them.
"""

from __future__ import annotations

import re

from pactlens import lexicon
from pactlens._models import Span
from pactlens.grounding.quotes import Quotation
from pactlens.grounding.reported import (
    BE_BEFORE,
    CUE_WORDS,
    SOURCE_NOUNS,
    cue_attribution,
    outside_quotes,
)
from pactlens.grounding.subjects import clause_subject, subject_of_verb, tokens

__all__ = ["content_clause", "is_embedded", "reported_clause", "subject_of"]


def _own_cue(body: str, cue: str | None, before: int) -> int | None:
    """Where the quotation's own reporting verb ends, when it comes before the quote."""
    if not cue:
        return None
    found = [m.end() for m in re.finditer(rf"\b{re.escape(cue)}\b", body[:before])]
    return found[-1] if found else None


_CUES = "|".join(sorted(lexicon.QUOTE_CUES, key=len, reverse=True))
#: A reporting verb, maybe with its listener, right before a quotation that stands
#: alone: 'Putin said "We will…"', 'She told reporters "It is…"'.
_SAID_BEFORE = re.compile(rf"\b(?:{_CUES})\b(?:\s+(?:\w+\s+){{0,2}}?\w+)?\s*[:,]?\s*$")
#: What comes between a verb and its clause: blanks, and a time, a place or a listener
#: before its "that" ("said on Friday that", "told a rally in Ohio that"); the "that" is
#: the clause's, as PolNeAR's annotators mark it.
_BEFORE_THAT = re.compile(
    r"\s*(?:(?:(?:on|in|at|during|last|this|earlier|after|before|from|with)\s"
    r"|to\s(?=(?:the|a|an|his|her|their|its|reporters|journalists|supporters)\b|[A-Z]))"
    r"[^,;:]{1,50}?\s(?=that\b))?"
)


#: A time right after a speech verb ("said Friday he …", "reported last week that …").
_WHEN = re.compile(
    r"\s*(?:on\s+)?(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday"
    r"|today|tonight)(?:\s+(?:morning|afternoon|evening|night))?"
    r"|(?:this|last)\s+(?:week|month|year|weekend))\b,?"
)


def _clause_start(text: str, at: int, end: int, verb: str) -> int:
    """Where the clause a verb ending at ``at`` reports begins: past blanks; past the
    listener of "told Fox that"; and for a speech verb past a time ("said Friday he …")
    and a place or a listener before "that" ("said on Friday that"; not "agreed to
    reclaim the land that …")."""
    if verb.lower() in lexicon.LISTENER_VERBS:
        return _TOLD_THAT.match(text, at, end).end()  # type: ignore[union-attr]
    if verb.lower() in lexicon.SPEECH_VERBS:
        when = _WHEN.match(text, at, end)
        at = when.end() if when is not None else at
        return _BEFORE_THAT.match(text, at, end).end()  # type: ignore[union-attr]
    return at + len(text[at:end]) - len(text[at:end].lstrip())


_OPEN_TRAIL = re.compile(r"[\s,;:—–-]+$")


def is_embedded(text: str, sentence: Span, quote: Quotation) -> bool:
    """Whether ``quote`` is quoted words inside reported speech, not words standing alone."""
    if quote.runs_on or quote.continuation or quote.depth:
        return False
    before = text[sentence.start : quote.open].strip()
    if not before or before[-1] == ":":
        return False  # the quotation opens its sentence, or follows a colon
    words = quote.span.text.lstrip("‘'\"“ ")
    # 'She said, "We will win."': a whole sentence quoted after its verb stands alone
    return not (words[:1].isupper() and _SAID_BEFORE.search(before))


def content_clause(text: str, sentence: Span, first: Quotation, cue: str | None = None) -> Span:
    """The reported clause a mixed statement's quoted words sit in: the sentence after
    its reporting verb ("said …", "said that …"), or before a trailing attribution
    ("…, officials said."), or the whole sentence when there is neither."""
    body = text[sentence.start : sentence.end].rstrip()
    start, end = sentence.start, sentence.start + len(body)
    found = cue_attribution(body)
    own = _own_cue(body, cue, first.open - sentence.start)
    if own is not None:  # the quotation's own verb: "called", "described … as"
        start = _clause_start(text, sentence.start + own, end, cue or "")
    elif found is not None:
        speaker, (cue_start, cue_end) = found
        if sentence.start + cue_end <= first.open:  # "X said (that) … “…”"
            verb = body[cue_start:cue_end]
            start = _clause_start(text, sentence.start + cue_end, end, verb)
        elif sentence.start + cue_start >= first.close:  # "… “…”, X said."
            lead = speaker[0] if speaker is not None and speaker[0] < cue_start else cue_start
            trail = _OPEN_TRAIL.search(body[:lead])
            end = sentence.start + (trail.start() if trail else lead)
    if end <= start:
        start, end = sentence.start, sentence.start + len(body)
    while start < end and text[start].isspace():
        start += 1
    return Span(start=start, end=end, text=text[start:end])


def subject_of(text: str, sentence: Span, cue_start: int | None) -> Span | None:
    """Who a mixed statement's reporting verb has as its subject: the subject of the verb
    at ``cue_start`` ("Cruz urged Republicans to “vote…”" -> Cruz; "Clinton spoke …,
    arguing that …" -> Clinton), or of the sentence's first reporting cue when the verb
    is not known, else the subject the sentence opens with ("Reid has gone after Trump
    as a “…”")."""
    body = text[sentence.start : sentence.end]
    plain = outside_quotes(body)
    toks = tokens(plain)
    if cue_start is None or not sentence.start <= cue_start <= sentence.end:
        found = cue_attribution(body)
        if found is not None and found[0] is not None:
            a, b = found[0]
            return Span(start=sentence.start + a, end=sentence.start + b, text=body[a:b])
        who = clause_subject(toks, 0, len(toks))
    else:
        at = cue_start - sentence.start
        who = subject_of_verb(toks, next((k for k, t in enumerate(toks) if t[0] >= at), 0), 0)
    if who is None:
        return None
    a, b = toks[who[0]][0], toks[who[1] - 1][1]
    return Span(start=sentence.start + a, end=sentence.start + b, text=body[a:b])


#: How close the verb must follow its speaker ("X has also said"), and how little may
#: follow a trailing attribution ("…, X said on Tuesday."), for the clause to be cut.
_NEAR = 16
_LEAD = 4
_TAIL = 30
_AFTER_CUE = re.compile(r"\s*(?::\s*)?")
#: "told reporters that …", "warned Congress that …": the listener is no content (the
#: "that" is: PolNeAR's content spans open with it).
_TOLD_THAT = re.compile(r"\s*(?:(?:[\w.'’\"“”-]+\s+){0,4}?(?=that\b)|:\s*)?")
#: What may come before a speaker that opens its clause: a conjunction, a phrase or two
#: set off by commas ("But in August, several groups called for …", "Speaking at a rally
#: in Novi, Michigan, Trump says …").
_OPENER = re.compile(
    r"(?:(?:but|and|yet|so|still|now|however)\b,?\s*)?(?:[^,;]{1,60},\s*){0,2}", re.IGNORECASE
)
#: Words a name may carry before it in its noun phrase ("Republican presidential
#: candidate Donald Trump", "But many Democrats"): a few, no comma, the first capitalised.
_PREMODIFIERS = re.compile(r"[A-Z][\w.'’-]*(?:\s+[\w.'’-]+){0,4}\s+")
_NOT_PREMODIFIERS = (
    lexicon.CLAUSE_OPENERS
    | lexicon.BE_FORMS
    | lexicon.AUXILIARIES
    | lexicon.PREPOSITIONS
    | lexicon.SUBJECT_PRONOUNS
    | {"that", "what", "which", "who", "whom", "whose", "where", "why", "how", "it"}
)
#: Between a speaker and its verb, besides a few words: an aside set off by commas
#: (", Democrat of California,"), a phrase ("on the House Financial Services
#: Committee"), a time ("just this month") or a participle's phrase ("released in late
#: August"), then auxiliaries or adverbs ("has also").
_ASIDE = re.compile(
    r"\s*(?:,[^,;:]{1,80},|(?:of|on|at|for|from|in|with)\s[^,;:]{1,50}?"
    r"|(?:just\s+|earlier\s+|later\s+)?(?:this|last|next)\s+(?:week|month|year)"
    r"|[a-z]+ed\s+(?:in|on|at|by|last|this|earlier)\s[^,;:]{1,30}?)"
    r"(?:\s+(?:[a-z]+ly|has|have|had|also|not|would|will|did|does|do))*\s*"
)
#: What may follow the verb of a closing attribution ("…, officials said on Friday."):
#: a time or a place, not an object ("…, Clinton noted the clot's existence").
_CLOSING = re.compile(
    r"\s*(?:(?:on|last|this|earlier|later|during)(?:\s+[\w'’.-]+){1,3}"
    r"|(?:in|at)\s(?:a|an|the|his|her|its|their)(?:\s+[\w'’.-]+){1,5})?[.!?\"”’']*\s*"
)
#: Between the speaker and the verb of a closing attribution: auxiliaries, adverbs.
_CLOSING_GAP = re.compile(r"\s*(?:(?:[a-z]+ly|has|have|had|also|later|then)\s+)*")
_BEFORE_SOURCE = re.compile(r"[\s,;:—–-]*(?:according\s+to\s*)?$", re.IGNORECASE)


def _premodified(body: str, at: int, speaker: str) -> bool:
    """Whether only words of the speaker's own noun phrase come before it: a name or a
    noun ("Trump", "Democrats", not "I" or "he") after adjectives, titles and
    determiners, with no verb, preposition, relative word or clause opener among them
    ("That was what Liz Wahl said", "The gap between what Trump says")."""
    lead = body[:at]
    if _PREMODIFIERS.fullmatch(lead) is None or speaker.lower() in lexicon.SUBJECT_PRONOUNS:
        return False
    words = [w.lower().strip(".") for w in lead.split()]
    return not any(w in _NOT_PREMODIFIERS or w in CUE_WORDS for w in words)


def _aside(gap: str) -> bool:
    """Whether ``gap`` is an aside or a phrase that may stand between a speaker and its
    verb, with no verb we know in it."""
    if _ASIDE.fullmatch(gap) is None:
        return False
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", gap)]
    if "to" in words and not gap.lstrip().startswith(","):
        return False  # "… in contempt for refusing to show": the verb is another's
    return not any(w in CUE_WORDS for w in words)


def reported_clause(text: str, sentence: Span, speaker: Span | None, cue: str | None) -> Span:
    """What a reported statement says, without who said it: the clause after "X said"
    (from its "that", as PolNeAR marks content) when X opens the sentence, maybe after a
    conjunction, a phrase set off by a comma or words of its own noun phrase, and maybe
    with an aside before the verb ("Senator X, Democrat of Y, has said …"), the verb
    not passive; or what comes before a closing "…, said X" / "…, according to X" /
    "…, X said on Friday" (a speech verb with nothing after it but a time or a setting:
    cutting before every "…, X <verb>" was measured on PolNeAR dev and lost more matches
    than it gained, the rule's X being too often wrong there); else the whole sentence."""
    whole = sentence
    if speaker is None or not cue or not sentence.start <= speaker.start < sentence.end:
        return whole
    body = text[sentence.start : sentence.end]
    at = speaker.start - sentence.start
    found = re.search(rf"\b{re.escape(cue)}\b", body, re.IGNORECASE)
    if found is None:
        return whole
    gap = found.start() - (at + len(speaker.text))
    hanging = cue.endswith("ing") and re.search(r",\s*$", body[: found.start()]) is not None
    opens = (
        at <= _LEAD
        or _OPENER.fullmatch(body, 0, at) is not None
        or _premodified(body, at, speaker.text)
    )
    near = 0 <= gap <= _NEAR or _aside(body[at + len(speaker.text) : found.start()])
    passive = not cue.endswith("ing") and BE_BEFORE.search(body, 0, found.start())
    closing = _CLOSING.fullmatch(body, found.end()) is not None  # "…, X said on Friday."
    if not closing and (hanging or (opens and near and not passive)):
        # "X said (that) …", X opening it: what follows the verb
        start = _clause_start(body, found.end(), len(body), cue)
        start = _AFTER_CUE.match(body, start).end()  # type: ignore[union-attr]
        end = len(body)
    elif found.start() < at and cue.casefold() in SOURCE_NOUNS:
        # "In a statement, X …": what X does or is said, after X
        start = at + len(speaker.text)
        start += len(body[start:]) - len(body[start:].lstrip())
        end = len(body)
    elif found.start() <= _LEAD < at and cue.casefold() == "according to":
        # "According to X, …": what follows the source
        comma = body.find(",", at + len(speaker.text))
        if comma < 0 or comma - (at + len(speaker.text)) > _NEAR:
            return whole
        start = comma + 1 + len(body[comma + 1 :]) - len(body[comma + 1 :].lstrip())
        end = len(body)
    elif found.start() < at and (
        len(body.rstrip(" .!?")) - max(found.end(), at + len(speaker.text)) <= _TAIL
    ):
        # "…, said X." / "…, according to X.": what comes before the source
        lead = min(found.start(), at)
        end = lead - len(_BEFORE_SOURCE.search(body[:lead]).group())  # type: ignore[union-attr]
        start = 0
    elif (
        found.start() > at
        and cue.casefold() in lexicon.SPEECH_VERBS
        and _CLOSING_GAP.fullmatch(body, at + len(speaker.text), found.start()) is not None
        and not passive
        and re.search(r",\s*$", body[:at])
        and closing
    ):
        # "…, officials said." / "…, attorneys for the family said on Friday."
        end = len(body[:at].rstrip(" ,"))
        start = 0
    else:
        return whole
    if end - start < 8:
        return whole
    return Span(start=sentence.start + start, end=sentence.start + end, text=body[start:end])
