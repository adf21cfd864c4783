"""People and bodies named in an article, for resolving how a speaker is written.

Pure, no I/O. News names a speaker once in full ("Sen. Ted Cruz", "the Foreign Ministry")
and then shortens: a surname ("Cruz"), a pronoun ("he", "it", "who"), or a description
("the senator", "the ministry"). :class:`People` reads the names in order and turns each
such mention into the latest compatible name met before it; the mention itself stays as
written (a statement's ``speaker_span``).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

from pactlens import lexicon
from pactlens.grounding.quotes import Quotation

__all__ = ["People", "name_of", "namey", "titley"]

_Tok = tuple[int, int, str]
_NONE: tuple[list[int], list[list[str]]] = ([], [])
#: Bodies end with one of these ("the Foreign Ministry", "the Clinton campaign").
_BODY_ENDS = lexicon.NOT_PERSON | lexicon.ORG_WORDS | {"campaign", "administration"}


def namey(w: str) -> bool:
    return (
        w[:1].isupper()
        and w.lower() not in lexicon.STOP_WORDS
        and w.lower() not in lexicon.CALENDAR_WORDS
    )


#: Verbs a Title Case headline writes with a capital ("Obama Says Museum Will Tell …").
_VERBS = lexicon.SPEECH_VERBS | lexicon.QUOTE_CUES | lexicon.STANCE_VERBS
_MODALS = frozenset({"will", "would", "can", "could", "might", "must", "shall"})


def _verb(w: str) -> bool:
    """A reporting verb's -s or -ed form, or a modal, written with a capital: it ends a
    name ("Obama Says", "Museum Will"), where "Hope Hicks" stays whole."""
    low = w.lower()
    return w[:1].isupper() and (low in _MODALS or (low in _VERBS and low.endswith(("s", "ed"))))


def _opens_name(w: str) -> bool:
    """Whether a name may begin with ``w`` (not "of", not "Says")."""
    return w != "of" and not _verb(w)


def titley(w: str) -> bool:
    return w.lower() in lexicon.TITLES


def _title(w: str) -> str:
    """A title in its full lower-case form ("Sen." -> "senator")."""
    low = w.lower().rstrip(".")
    return lexicon.TITLE_FORMS.get(low, low)


def name_of(words: Sequence[str]) -> tuple[str, bool]:
    """The name in a mention (titles and possessors dropped), and whether it is a person."""
    while len(words) > 1 and words[-1] in lexicon.NAME_PARTICLES:
        words = words[:-1]  # "… Tell of": a particle ends no name
    cut = max((k + 1 for k, w in enumerate(words[:-1]) if w.endswith(("'s", "’s"))), default=0)
    for part in (words[cut:], words) if cut else (words,):
        t = max((k for k, w in enumerate(part) if titley(w)), default=-1)
        name = part[t + 1 :]
        if name and all(namey(w) or w in lexicon.NAME_PARTICLES for w in name):
            person = (t >= 0 or len(name) >= 2) and name[-1].lower() not in lexicon.NOT_PERSON
            return " ".join(name), person
    return " ".join(words), False


class People:
    """Names met so far in an article, for turning "Putin", "he" or "the president" into
    "Vladimir Putin", and "it" or "the ministry" into "the Foreign Ministry"."""

    def __init__(self, text: str, toks: Sequence[_Tok], quotes: Sequence[Quotation]) -> None:
        #: Full names by their last (-1) and first (0) word: positions and names, in order.
        self.full: dict[tuple[int, str], tuple[list[int], list[list[str]]]] = {}
        #: People named outside quotations, in order: (position, resolved name).
        self.mentions: list[tuple[int, str]] = []
        #: People by a title written before their name ("senator"), in order.
        self.titled: dict[str, list[tuple[int, str]]] = {}
        #: Bodies named outside quotations, in order: (position, name).
        self.bodies: list[tuple[int, str]] = []
        inside = sorted((q.open, q.close) for q in quotes)
        opens = [o for o, _ in inside]
        reach = list(itertools.accumulate((c for _, c in inside), max))  # furthest close
        run: list[_Tok] = []
        for tok in [*toks, (len(text) + 1, len(text) + 1, ".")]:
            joined = run and text[run[-1][1] : tok[0]] == " " and not _verb(tok[2])
            part = namey(tok[2]) or titley(tok[2]) or tok[2] in lexicon.NAME_PARTICLES
            if part and (joined or (not run and _opens_name(tok[2]))):
                run.append(tok)
                continue
            if run:  # quoted: any(o < start < c for o, c in inside)
                k = bisect.bisect_left(opens, run[0][0])
                self._add(run, bool(k) and reach[k - 1] > run[0][0])
            run = [tok] if (namey(tok[2]) or titley(tok[2])) and _opens_name(tok[2]) else []

    def _add(self, run: Sequence[_Tok], quoted: bool) -> None:
        words = [w for _, _, w in run]
        name, person = name_of(words)
        pos = run[0][0]
        if person and " " in name:
            parts = name.split()
            for k in (-1, 0):
                positions, names = self.full.setdefault((k, parts[k]), ([], []))
                positions.append(pos)
                names.append(parts)
        resolved = self.resolve(name, pos)
        if quoted:
            return
        if person or resolved != name:
            self.mentions.append((pos, resolved))
            for w in words[: len(words) - len(name.split())]:
                if titley(w):
                    self.titled.setdefault(_title(w), []).append((pos, resolved))
        elif words[-1].lower() in _BODY_ENDS and not titley(words[-1]):
            self.bodies.append((pos, " ".join(w for w in words if namey(w) or w == "of")))

    def resolve(self, name: str, pos: int) -> str:
        """A surname or first name as the latest full name met before ``pos``."""
        if " " in name:
            return name
        for k in (-1, 0):  # the latest full name before ``pos`` ending, else starting, so
            positions, names = self.full.get((k, name), _NONE)
            latest = bisect.bisect_left(positions, pos) - 1
            if latest >= 0:
                return " ".join(names[latest])
        return name

    def pronoun(self, pos: int, sentence: int) -> str | None:
        """He or she: the first person named earlier in the sentence, else the latest."""
        k = bisect.bisect_left(self.mentions, (pos, ""))
        first = bisect.bisect_left(self.mentions, (sentence, ""))
        return self.mentions[first if first < k else k - 1][1] if k else None

    def speaker(self, words: Sequence[str], pos: int, sentence: int) -> str | None:
        """Who a speaker mention at ``pos`` stands for: a name made whole ("Putin" ->
        "Vladimir Putin"), a pronoun or description resolved ("he", "who", "the
        senator", "it", "the ministry"), or None for "they", "we" and "I"."""
        low = [w.lower() for w in words]
        if low in (["he"], ["she"]):
            return self.pronoun(pos, sentence)
        if low == ["who"]:
            return _latest(self.mentions, pos)
        if low == ["it"]:
            return _latest(self.bodies, pos)
        if len(low) == 1 and low[0] in lexicon.SUBJECT_PRONOUNS:
            return None
        if len(low) <= 4 and low[0] in lexicon.DETERMINERS and not any(map(namey, words[1:])):
            head = low[-1]  # "the senator", "the ministry": the latest such one
            found = _latest(self.titled.get(_title(head), []), pos) if titley(head) else None
            if found is None and head in _BODY_ENDS:
                found = _latest([b for b in self.bodies if b[1].lower().endswith(head)], pos)
            return found or " ".join(words)
        return self.resolve(name_of(words)[0], pos)


def _latest(named: Sequence[tuple[int, str]], pos: int) -> str | None:
    k = bisect.bisect_left(named, (pos, ""))
    return named[k - 1][1] if k else None
