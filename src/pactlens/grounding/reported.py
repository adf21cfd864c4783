"""Reported (indirect) speech found by rule, so a small model is not the only source.

News attributes reported speech in a few fixed shapes, which cover most of it:

* a trailing attribution: "…, Russian President Vladimir Putin said." / "…, he told reporters."
* a leading one: "Putin drew attention to …", "Both leaders described it as …"
* "according to X".

Pure, no I/O. Sentences holding a quotation are left to the quotation path.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pactlens import lexicon
from pactlens._models import Span
from pactlens.grounding.subjects import clause_subject, subject_of_verb, tokens

__all__ = [
    "BE_BEFORE",
    "CUE_WORDS",
    "MENTION",
    "SOURCE_NOUNS",
    "Reported",
    "cue_attribution",
    "find_reported",
    "names_in",
    "outside_quotes",
]

_CUES = sorted(lexicon.REPORTED_CUES, key=len, reverse=True)
_CUE = "|".join(re.escape(c) for c in _CUES)
_NAME = "(?:[A-Z](?:[\\w'\u2019-]|\\.(?=\\w))*|al-|bin|de|van|von)"
_RUN = rf"{_NAME}(?:\s+{_NAME}){{0,6}}"
_SIDES = "|".join(sorted(lexicon.SIDES))
_SOURCES = "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in sorted(lexicon.PLURAL_SOURCES))
_GROUP = rf"(?:[Bb]oth|[Tt]he)\s+(?:{_SIDES})|{_SOURCES}"
_PRONOUN = "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in sorted(lexicon.THIRD_PERSON))

_TRAILING = re.compile(
    rf",\s+(?P<who>{_RUN}|{_GROUP}|{_PRONOUN})\s+(?P<cue>{_CUE})\b[^,;]{{0,60}}[.!]?\s*$"
)
_LEADING = re.compile(rf"^(?P<who>{_RUN}|{_GROUP}|{_PRONOUN})\s+(?:also\s+)?(?P<cue>{_CUE})\b")
_ACCORDING = re.compile(rf"\baccording to (?:the\s+)?(?P<who>{_RUN})")

#: Reporting and belief verbs: PolNeAR-style attribution covers "X thinks", "X plans".
CUE_WORDS = lexicon.SPEECH_VERBS | lexicon.BELIEF_VERBS | lexicon.STANCE_VERBS
_WORD = re.compile("[A-Za-z]+(?:['\u2019][a-z]+)?")
#: A name (capitalised words, particles inside) or a third-person pronoun or source noun.
MENTION = re.compile(
    "(?:[A-Z][\\w'\u2019.-]*(?: (?:of|de|al|bin|van|von) | ))*[A-Z][\\w'\u2019.-]*"
    rf"|\b(?:{'|'.join(sorted(lexicon.THIRD_PERSON | lexicon.PLURAL_SOURCES))})\b"
)
#: A determiner right before a cue word makes it a noun ("the plan", "a report").
_NOUN_BEFORE = re.compile(
    r"\b(?:the|a|an|this|that|his|her|its|their|our|whose)\s+$", re.IGNORECASE
)
#: A common-noun source right before a cue: "the report found", "a new poll shows".
_SOURCE_NOUN = re.compile(
    r"(?P<who>\b(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat|[Tt]hese|[Tt]hose|[Hh]is|[Hh]er|[Ii]ts|[Tt]heir)"
    r"(?:\s+[\w'’-]+){1,3}?)\s+(?:also\s+|has\s+|have\s+|had\s+)?$"
)
#: What may stand right before a verb besides its subject ("they also plan", "to plan").
_VERB_LEAD = frozenset(
    {
        "i",
        "we",
        "you",
        "they",
        "who",
        "that",
        "which",
        "to",
        "also",
        "not",
        "still",
        "and",
        "often",
        "now",
        "will",
        "would",
        "may",
        "might",
        "could",
        "should",
        "can",
        "must",
        "did",
        "do",
        "does",
        "never",
        "already",
        "openly",
        "publicly",
        "strongly",
        "repeatedly",
    }
)
#: Words in -s that are no plural subject ("this", "is", "has", "as").
_NOT_SUBJECT_ENDS = frozenset({"this", "is", "was", "has", "as", "its", "his", "us"})
#: A passive cue with its agent or instrument ("was endorsed by X", "was welcomed with a
#: ceremony"): the subject did not speak. (Every passive cue left out was measured:
#: PolNeAR counts many, "is expected to", "was called".)
_BY_AFTER = re.compile(r"\s+(?:by|with)\b")
#: A form of "be" right before a verb: with a participle, the verb is passive ("is
#: expected", "was endorsed by"), and its subject did not speak.
BE_BEFORE = re.compile(
    r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+|not\s+|also\s+)?$", re.IGNORECASE
)
_QUOTE_CHARS = '"\u201c\u201d\u201e\u00ab\u00bb'


def outside_quotes(sentence: str) -> str:
    """The sentence with quoted stretches blanked (same length)."""
    out, inside = [], False
    # a mark written as two characters (''…'', ``…'') counts once: its second is a blank
    for c in sentence.replace("``", "\u201c ").replace("''", '" '):
        if c in _QUOTE_CHARS:
            inside = not inside if c == '"' else c in "\u201c\u201e\u00ab"
            out.append(" ")
        else:
            out.append(" " if inside else c)
    return "".join(out)


def names_in(plain: str, start: int, end: int) -> list[tuple[int, int]]:
    """Names and subject pronouns in ``plain[start:end]``, leading function words cut."""
    out = []
    for m in MENTION.finditer(plain, max(0, start), min(len(plain), end)):
        a, words = m.start(), m.group().split(" ")
        while len(words) > 1 and words[0] in lexicon.NOT_NAMES:
            a += len(words[0]) + 1
            words = words[1:]
        b = m.end() - 1 if re.search(r"[a-z]\.$", m.group()) else m.end()
        if words[0] not in lexicon.NOT_NAMES or words[0].lower() in lexicon.THIRD_PERSON:
            out.append((a, b))
    return out


#: What may follow the speaker of an inverted attribution ("…, said Mr. Dahl." / "…, said
#: Mr. Dahl on Tuesday" / "…, said Mr. Dahl, who …"), not a verb of its own ("…, said he
#: cannot comment": "he" is the content's subject).
_INVERTED_END = re.compile(
    r"\s*(?:[,.;:!?)(\u2014\u2013-]|$|(?:on|in|at|of|from|for|last|this|during|after|before"
    r"|when|while|as|and|but)\b)"
)


def cue_attribution(sentence: str) -> tuple[tuple[int, int] | None, tuple[int, int]] | None:
    """The broad rule: the first reporting or belief cue outside quotation marks that has
    a speaker, and that speaker: the verb's subject (:mod:`.subjects`), or the name just
    after it when a comma comes before ("…, said Mr. Dahl"), or the name after
    "according to".

    Returns ``(speaker offsets or None, cue offsets)`` within ``sentence``, or None.
    """
    plain = outside_quotes(sentence)
    cues = [
        m
        for m in _WORD.finditer(plain)
        if m.group().lower() in CUE_WORDS
        and not _NOUN_BEFORE.search(plain, 0, m.start())
        and not _as_noun(plain, m)
        and not (BE_BEFORE.search(plain, 0, m.start()) and _BY_AFTER.match(plain, m.end()))
    ]
    according = re.search(r"\baccording to\b", plain, re.IGNORECASE)
    if not cues and according is None:
        return _in_a_statement(plain)
    if according is not None and (not cues or according.start() < cues[0].start()):
        where = (according.start(), according.end())
        toks = tokens(plain, where[1])
        source = clause_subject(toks, 0, min(len(toks), 8))  # "according to two aides"
        if source is not None and source[0] == 0:
            return (toks[source[0]][0], toks[source[1] - 1][1]), where
        names = names_in(plain, where[1], where[1] + 60)[:1]
        return (names[0] if names else None), where
    toks = tokens(plain)
    starts = [t[0] for t in toks]
    for cue in cues:
        where = (cue.start(), cue.end())
        after = names_in(plain, where[1], where[1] + 40)[:1]
        right_after = after and not plain[where[1] : after[0][0]].strip()
        closes = after and _INVERTED_END.match(plain, after[0][1]) is not None
        if right_after and closes and re.search(r",\s*$", plain[: where[0]]):
            return after[0], where  # "…, said Mr. Dahl."
        found = subject_of_verb(toks, bisect.bisect_left(starts, where[0]), 0)
        if found is not None:
            return (toks[found[0]][0], toks[found[1] - 1][1]), where
    return None, (cues[0].start(), cues[0].end())


#: "In a statement, X …", "In an interview on Sunday, X …": a source phrase opening the
#: sentence makes what its subject does or is said a report (no cue verb needed).
SOURCE_NOUNS = frozenset(
    {"statement", "interview", "speech", "letter", "tweet", "post", "memo", "op-ed", "email"}
)
_IN_SOURCE = re.compile(
    rf"\s*In (?:a|an|his|her|its|their) (?:[\w-]+ ){{0,3}}?(?P<cue>{'|'.join(SOURCE_NOUNS)})\b"
    r"[^,;]{0,80},\s+"
)


def _in_a_statement(plain: str) -> tuple[tuple[int, int] | None, tuple[int, int]] | None:
    """The subject after an opening "In a statement, …" and the source noun, or None."""
    m = _IN_SOURCE.match(plain)
    if m is None:
        return None
    toks = tokens(plain, m.end())
    found = clause_subject(toks, 0, min(len(toks), 8))
    if found is None or found[0] != 0:
        return None
    return (toks[0][0], toks[found[1] - 1][1]), (m.start("cue"), m.end("cue"))


def _as_noun(plain: str, cue: re.Match[str]) -> bool:
    """Whether a cue that is mostly a noun ("plan", "fear") reads as one here: as a verb
    it needs a name, a pronoun, a plural or "to" right before it ("they plan", "officials
    fear", "to plan"), not "a game plan" or "the greatest fear"."""
    if cue.group().lower() not in lexicon.NOUN_VERBS:
        return False
    before = _WORD.findall(plain, max(0, cue.start() - 40), cue.start())
    if not before:
        return False
    w = before[-1]
    low = w.lower()
    if low in lexicon.THIRD_PERSON or low in _VERB_LEAD or w[:1].isupper():
        return False
    return not (low.endswith("s") and low not in _NOT_SUBJECT_ENDS)


@dataclass(frozen=True)
class Reported:
    sentence: int  # 1-based, as in the prompt
    speaker: str
    speaker_span: Span
    cue: str
    by_name: bool = True  # False when the text says only "he" or "both leaders"
    cue_at: int | None = None  # where the cue starts in the text


def _person(run: str) -> str:
    """'Russian President Vladimir Putin' -> 'Vladimir Putin'."""
    words = run.split()
    while len(words) > 1 and (
        words[0].lower() in lexicon.TITLES or words[0].endswith(("an", "ese", "ish"))
    ):
        words.pop(0)
    return " ".join(words)


def _speaker_ok(who: str) -> bool:
    first = who.split(maxsplit=1)[0]
    return first not in lexicon.SENTENCE_OPENERS or re.fullmatch(_GROUP, who) is not None


def find_reported(text: str, sentences: Sequence[Span], skip: Iterable[int] = ()) -> list[Reported]:
    """Reported statements, one per sentence at most, sentences numbered from 1."""
    skipped = set(skip)
    found: list[Reported] = []
    last_person: str | None = None
    for number, sentence in enumerate(sentences, start=1):
        body = sentence.text.rstrip()
        match = None
        for pattern in (_TRAILING, _LEADING, _ACCORDING):
            match = pattern.search(body)
            if match and _speaker_ok(match.group("who")):
                break
            match = None
        if match is None:
            broad = cue_attribution(body)
            if broad is None or broad[0] is None:
                continue
            (a, b), (c, d) = broad[0], broad[1]
            who, cue_text = body[a:b], body[c:d]
            start, cue_at = sentence.start + a, sentence.start + c
        else:
            who, cue_text = match.group("who"), match.groupdict().get("cue") or "according to"
            start = sentence.start + match.start("who")
            has_cue = "cue" in match.groupdict()
            cue_at = sentence.start + (match.start("cue") if has_cue else match.start())
        mention = Span(start=start, end=start + len(who), text=text[start : start + len(who)])
        if re.fullmatch(_PRONOUN, who):
            speaker = last_person or who
        elif re.fullmatch(_GROUP, who):
            speaker = who
        else:
            speaker = _person(who)
            last_person = speaker
        if number in skipped:
            continue
        by_name = re.fullmatch(f"{_PRONOUN}|{_GROUP}", who) is None
        found.append(Reported(number, speaker, mention, cue_text, by_name, cue_at))
    return found
