"""Actors by rule: the states, bodies and firms a stretch of text names.

Pure, no I/O. A small model is not the only judge of who is party to a deal: the
text names them in a few fixed places (the subject of "signed", "between A and B",
"with B", "signed by A and B"). This module finds the names that can be parties in a
stretch of text and resolves the forms news uses for them to one name:

* a body's organs stand for it ("Kenya's National Assembly", "the government of
  Talmor" → Kenya, Talmor);
* an adjective of a state stands for the state when the article names it
  ("Carvenian parliament" → Carvenia), as do the gazetteer's capitals and short forms;
* a firm's short form stands for its full name ("Kestrel" → Kestrel Mining Corp);
* people (a run with a title before it, or a first and last name) and places (a name
  used only after "in", "at", "near" …) are no parties.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from pactlens import lexicon
from pactlens._models import Span

__all__ = ["Actor", "Actors"]

_CAP = r"[A-Z](?:[\w'\u2019&-]|\.(?=\w))*"
#: Capitalised words, with "of" and "the" inside a name ("Republic of Talmor").
_RUN = re.compile(rf"{_CAP}(?:\s+(?:(?:of|the|de|al)\s+)*{_CAP})*")
_POSSESSIVE = re.compile(r"['\u2019]s?$")
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|around|the town of|the city of|the port of)\s+$",
    re.IGNORECASE,
)
_STATE_FORMS = re.compile(
    r"^(?:the\s+)?(?:Republic|Kingdom|Federation|Commonwealth|State|Government|Sultanate|"
    r"Emirate|Principality|Union)\s+of\s+(?:the\s+)?",
    re.IGNORECASE,
)
_ORGAN_OF = re.compile(
    rf"\b(?:the\s+)?(?:{'|'.join(sorted(lexicon.ORGANS))})\s+of\s+(?:the\s+)?$", re.IGNORECASE
)
_DEMONYM_ENDS = ("ians", "ian", "ans", "an", "ese", "ish", "is", "i", "e")
_TITLE_BEFORE = re.compile(
    rf"\b(?:{'|'.join(sorted(lexicon.TITLES, key=len, reverse=True))})\.?,?\s+$", re.IGNORECASE
)


#: Common nouns after a name that make it a place ("the Kaveri river").
_FEATURES = tuple(lexicon.PLACE_NOUNS)
#: Words that open sentences as common nouns ("Negotiators for …", "Mediators in …").
_COMMON = frozenset(w.rstrip("s") for w in lexicon.PLURAL_SOURCES | lexicon.GROUPS | lexicon.SIDES)


@dataclass(frozen=True)
class Actor:
    """A name that can be a party, where the text has it, resolved to one name."""

    name: str
    span: Span


class Actors:
    """The party-like names of one article, each resolved as the article allows."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _runs(self) -> list[Span]:
        return [
            Span(start=m.start(), end=m.end(), text=m.group()) for m in _RUN.finditer(self.text)
        ]

    @cached_property
    def _starts(self) -> list[int]:
        return [r.start for r in self._runs]

    @cached_property
    def _names(self) -> dict[str, str]:
        """Every capitalised name in the article that stands for a body, casefolded ->
        its resolved form (firms' short forms and state forms folded)."""
        names: dict[str, str] = {}
        full = [self._strip(r.text) for r in self._runs]
        full += [self._strip(_possessor(r).text) for r in self._runs]
        bodies = [n for n in dict.fromkeys(full) if n and self._is_body(n)]
        for name in bodies:
            names.setdefault(name.casefold(), lexicon.canonical(name) or name)
        for name in bodies:  # a firm's first word stands for it ("Kestrel")
            words = name.split()
            if len(words) > 1 and words[-1].casefold() in lexicon.ORG_WORDS:
                names.setdefault(words[0].casefold(), name)
        return names

    @cached_property
    def places(self) -> set[str]:
        """Names the article uses only as places ("in Doha"), casefolded."""
        located: set[str] = set()
        other: set[str] = set()
        for run in self._runs:
            name = self._strip(run.text).casefold()
            before = self.text[max(0, run.start - 25) : run.start]
            first = run.text.split()[0]
            located_here = _LOCATIVE.search(before) or _LOCATIVE.match(f"{first} ")
            (located if located_here else other).add(name)
        for run in self._runs:
            name = self._strip(run.text).casefold()
            if self.text[run.end : run.end + 12].lstrip().startswith(_FEATURES):
                located.add(name)  # "the Kaveri river", "Lake Sava"
                other.discard(name)
        return located - other - {n.casefold() for n in lexicon.ALIASES}

    def _strip(self, name: str) -> str:
        name = name.strip()
        if name.endswith(".") and name.count(".") == 1:
            name = name[:-1]
        name = _POSSESSIVE.sub("", name)
        name = _STATE_FORMS.sub("", name)
        words = name.split()
        while words and (words[0] in lexicon.NOT_NAMES or words[0].casefold() in {"the", "a"}):
            words = words[1:]
        return " ".join(words)

    def _is_body(self, name: str) -> bool:
        words = name.split()
        if not words or any(w.casefold() in lexicon.CALENDAR_WORDS for w in words):
            return False
        if lexicon.canonical(name):
            return True
        if words[-1].casefold() in lexicon.ORG_WORDS or name.isupper():
            return True
        if name.casefold() in lexicon.NOT_PARTIES or name.casefold().rstrip("s") in _COMMON:
            return False  # "Western diplomats", "Negotiators for Sundaria"
        return len(words) == 1 and not self._demonym_of(name) and name not in self._surnames

    @cached_property
    def _surnames(self) -> set[str]:
        """Last words of people's names ("Voss" of "Ilan Voss"): no bodies alone."""
        out = set()
        for run in self._runs:
            words = self._strip(run.text).split()
            if (
                2 <= len(words) <= 3
                and all(w[:1].isupper() and not w.isupper() for w in words)
                and not lexicon.canonical(" ".join(words))
                and words[-1].casefold() not in lexicon.ORG_WORDS
                and not self.text[run.end : run.end + 12].lstrip().startswith(_FEATURES)
            ):
                out.add(words[-1])
        return out

    def _demonym_of(self, word: str) -> str | None:
        """The state an adjective names ("Carvenian" -> "Carvenia"), if the article or
        the gazetteer names it."""
        low = word.casefold()
        if low in lexicon.DEMONYMS:
            return lexicon.DEMONYMS[low]
        for end in _DEMONYM_ENDS:
            if low.endswith(end) and len(low) - len(end) >= 4:
                stem = low[: -len(end)]
                for run in self._runs:
                    other = self._strip(_possessor(run).text)
                    key = other.casefold()
                    if (
                        key
                        and key != low
                        and " " not in other
                        and len(key) <= len(low)
                        and (key.startswith(stem) or low.startswith(key))
                    ):
                        return other
        return None

    def resolve(self, name: str) -> str | None:
        """The party a name stands for, or None when it names a person, a place or no
        body at all."""
        stripped = self._strip(name)
        if not stripped:
            return None
        if (known := lexicon.canonical(stripped)) is not None:
            return known
        if stripped.casefold() in self.places:
            return None
        words = stripped.split()
        if len(words) == 1 and (state := self._demonym_of(stripped)) is not None:
            return lexicon.canonical(state) or state
        found = self._names.get(stripped.casefold())
        if found is not None:
            return found
        return None

    def in_span(self, start: int, end: int) -> list[Actor]:
        """The bodies named in ``text[start:end]``, in order, resolved; people, places
        and words that name no body left out. "X's parliament" and "the government of
        X" give X."""
        out: list[Actor] = []
        lo, hi = bisect.bisect_left(self._starts, start), bisect.bisect_left(self._starts, end)
        for whole in self._runs[lo:hi]:
            if whole.end > end:
                continue
            run = _possessor(whole)
            if _TITLE_BEFORE.search(self.text[max(0, run.start - 30) : run.start]):
                continue  # "foreign minister Paula Reyes"
            parts = [p for p in re.split(r"-(?=[A-Z])", run.text) if p]
            if len(parts) > 1:  # "Japan-Valdoria": each side
                out += [Actor(found, run) for p in parts if (found := self.resolve(p)) is not None]
                continue
            name = self.resolve(run.text)
            if name is None and " of " in run.text:  # "Representatives of Carvenia"
                name = self.resolve(run.text.rsplit(" of ", 1)[1])
            if name is None and _ORGAN_OF.search(self.text[max(0, run.start - 30) : run.start]):
                name = self._strip(run.text) or None
            if name is None:
                words = self._strip(run.text).split()
                # "Carvenia's government", "Valdoria's mines ministry": the first word
                if (
                    words
                    and (owner := self.resolve(words[0])) is not None
                    and (len(words) == 1 or words[-1].casefold() in lexicon.ORGANS)
                ):
                    name = owner
            if name:
                out.append(Actor(name, run))
        return out


def _possessor(run: Span) -> Span:
    """ "Kenya's National Assembly" -> "Kenya's": an organ stands for its owner."""
    match = re.search(r"['\u2019]s?(?=\s)", run.text)
    if match is None:
        return run
    return Span(start=run.start, end=run.start + match.end(), text=run.text[: match.end()])
