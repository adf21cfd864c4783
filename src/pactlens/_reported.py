"""Reported (indirect) speech found by rule, so a small model is not the only source.

News attributes reported speech in a few fixed shapes, which cover most of it:

* a trailing attribution: "…, Russian President Vladimir Putin said." / "…, he told reporters."
* a leading one: "Putin drew attention to …", "Both leaders described it as …"
* "according to X".

Pure, no I/O. Sentences holding a quotation are left to the quotation path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pactlens._ground import SPEECH_VERBS
from pactlens._models import Span

__all__ = ["Reported", "find_reported"]

_CUES = sorted(
    SPEECH_VERBS
    | {
        "described",
        "describes",
        "drew attention",
        "called",
        "calls",
        "accused",
        "accuses",
        "believes",
        "believed",
        "thinks",
        "expects",
        "expected",
        "hopes",
        "hoped",
        "welcomed",
        "criticised",
        "criticized",
        "condemned",
        "praised",
    },
    key=len,
    reverse=True,
)
_CUE = "|".join(re.escape(c) for c in _CUES)
_NAME = "(?:[A-Z](?:[\\w'\u2019-]|\\.(?=\\w))*|al-|bin|de|van|von)"
_RUN = rf"{_NAME}(?:\s+{_NAME}){{0,6}}"
_GROUP = (
    r"(?:[Bb]oth|[Tt]he)\s+(?:leaders|sides|parties|countries|governments|ministers|"
    r"officials|presidents)|[Oo]fficials|[Dd]iplomats|[Aa]nalysts|[Ee]xperts"
)
_PRONOUN = r"[Hh]e|[Ss]he|[Tt]hey"

_TRAILING = re.compile(
    rf",\s+(?P<who>{_RUN}|{_GROUP}|{_PRONOUN})\s+(?P<cue>{_CUE})\b[^,;]{{0,60}}[.!]?\s*$"
)
_LEADING = re.compile(rf"^(?P<who>{_RUN}|{_GROUP}|{_PRONOUN})\s+(?:also\s+)?(?P<cue>{_CUE})\b")
_ACCORDING = re.compile(rf"\baccording to (?:the\s+)?(?P<who>{_RUN})")

_TITLES = frozenset(
    [
        "President",
        "Prime",
        "Minister",
        "Premier",
        "Foreign",
        "Defence",
        "Defense",
        "Chancellor",
        "King",
        "Queen",
        "Leader",
        "Secretary",
        "State",
        "General",
        "Chairman",
        "Ambassador",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sen",
        "Senator",
        "Rep",
        "Gov",
        "Governor",
        "Deputy",
        "Vice",
        "Supreme",
        "Chief",
        "Commander",
        "Envoy",
        "Director",
        "Mr.",
        "Mrs.",
        "Ms.",
        "Dr.",
        "Sen.",
        "Rep.",
        "Gov.",
    ]
)
_NOT_SPEAKERS = frozenset(
    [
        "The",
        "This",
        "That",
        "It",
        "These",
        "Those",
        "However",
        "But",
        "And",
        "While",
        "After",
        "When",
        "Although",
        "Both",
    ]
)


@dataclass(frozen=True)
class Reported:
    sentence: int  # 1-based, as in the prompt
    speaker: str
    speaker_span: Span
    cue: str
    by_name: bool = True  # False when the text says only "he" or "both leaders"


def _person(run: str) -> str:
    """'Russian President Vladimir Putin' -> 'Vladimir Putin'."""
    words = run.split()
    while len(words) > 1 and (words[0] in _TITLES or words[0].endswith(("an", "ese", "ish"))):
        words.pop(0)
    return " ".join(words)


def _speaker_ok(who: str) -> bool:
    first = who.split()[0]
    return first not in _NOT_SPEAKERS or re.fullmatch(_GROUP, who) is not None


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
            continue
        who = match.group("who")
        start = sentence.start + match.start("who")
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
        cue = match.groupdict().get("cue") or "according to"
        by_name = re.fullmatch(f"{_PRONOUN}|{_GROUP}", who) is None
        found.append(Reported(number, speaker, mention, cue, by_name))
    return found
