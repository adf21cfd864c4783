"""Subjects: who a reporting verb has as its subject, by the shape of news sentences.

Pure, no I/O. A speaker is the noun phrase right before its verb ("the mayor also said",
"Minyon Moore, a senior adviser, called …", "63 percent said"), or, when the verb hangs
off a clause ("…, arguing that", "took to Twitter to accuse", "… and said"), the subject
that opens the clause once its adverbial phrases are skipped ("In July, Cruz …",
"Following the vote, the senator …"). Offsets are into the text given; quoted stretches
should be blanked first (:func:`pactlens.grounding.reported.outside_quotes`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pactlens import lexicon

__all__ = ["TOKEN", "Tok", "clause_subject", "subject_before", "subject_of_verb", "tokens"]

_ABBREVIATED = "|".join(
    sorted(w.capitalize() for w in lexicon.TITLE_ABBREVIATIONS | lexicon.NAME_ABBREVIATIONS)
)
#: Words, initials ("J."), abbreviations ("U.S.", "Sen."), numbers like "9/11", marks.
TOKEN = re.compile(
    rf"(?:[A-Za-z]\.){{2,}}|(?:{_ABBREVIATED})\."
    r"|[A-Z]\.(?= [A-Z])|\w+(?:['’/-]\w+)*|[^\w\s]"
)

Tok = tuple[int, int, str]

_PRONOUNS = lexicon.SUBJECT_PRONOUNS | lexicon.OTHER_SUBJECTS
_CUES = (
    lexicon.QUOTE_CUES
    | lexicon.REPORTED_CUES
    | lexicon.BELIEF_VERBS
    | lexicon.STANCE_VERBS
    | lexicon.AUXILIARIES
    | lexicon.MODALS
)
#: Where a verb hangs off a clause, its subject is the clause's: "…, saying", "to accuse".
_HANGING = frozenset({",", "to", "and", "but", "by", "after", "before", "while", "when"})
_TIME_LEAD = frozenset({"on", "in", "last", "this", "earlier", "late", "early", "next"})
#: Nouns of a time phrase after one of those words ("this month", "last week").
_TIME_NOUNS = frozenset(
    {"week", "month", "year", "weekend", "morning", "afternoon", "evening", "night", "day"}
)
_ASIDE = 25
_NP = 5


def tokens(text: str, lo: int = 0, hi: int | None = None) -> list[Tok]:
    """``(start, end, word)`` for each token of ``text[lo:hi]``."""
    end = len(text) if hi is None else hi
    return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text, lo, end)]


def _capital(w: str) -> bool:
    return w[:1].isupper() and w.lower() not in lexicon.CALENDAR_WORDS


def _namey(w: str) -> bool:
    low = w.lower()
    return (
        _capital(w)
        and w not in lexicon.NOT_NAMES
        and low not in lexicon.STOP_WORDS
        and low not in lexicon.CLAUSE_OPENERS
    )


def _quantifier(w: str) -> bool:
    return w.lower() in lexicon.QUANTIFIERS or w.isdigit() or w.lower() in lexicon.NUMBERS


def _name_part(w: str) -> bool:
    return _namey(w) or w.lower() in lexicon.TITLES or (w[:1].isdigit() and "/" in w)


def _skippable(w: str) -> bool:
    return w.lower() in lexicon.AUXILIARIES or (w.endswith("ly") and w.islower()) or w == "not"


def _timey(w: str) -> bool:
    return w.lower() in lexicon.CALENDAR_WORDS or w.isdigit()


def _noun(w: str) -> bool:
    """A word that can sit in a common noun phrase ("registered voters", "GOP")."""
    low = w.lower()
    return (
        w[:1].isalnum()
        and low not in lexicon.STOP_WORDS
        and low not in _CUES
        and low not in lexicon.CLAUSE_OPENERS
        and not (w.islower() and low.endswith("ed") and len(low) > 4)
    )


def _np_ending(toks: Sequence[Tok], j: int, lo: int) -> int | None:
    """The first token of a noun phrase that ends at token ``j`` (exclusive), or None."""
    if j <= lo:
        return None
    last = toks[j - 1][2]
    if last.lower() in _PRONOUNS:
        return j - 1
    i = j
    while i > lo and (
        _name_part(toks[i - 1][2])
        or (toks[i - 1][2] in lexicon.NAME_PARTICLES and i < j and i - 1 > lo)
    ):
        i -= 1
    if i < j and any(_namey(t[2]) for t in toks[i:j]) and not last.endswith(("'s", "’s")):
        return i - 1 if i > lo and toks[i - 1][2].lower() == "the" else i
    i = j
    while i > lo and j - i < _NP and _noun(toks[i - 1][2]):
        i -= 1
    if i == j:
        return None
    if i > lo and toks[i - 1][2].lower() == "of":  # "52 percent of registered voters"
        head = _np_ending(toks, i - 1, lo)
        return head if head is not None else None
    if i > lo and _quantifier(toks[i - 1][2]):
        return i - 1
    if i == lo or last.lower() in lexicon.GROUPS or last.lower() in lexicon.PLURAL_SOURCES:
        return i  # the phrase opens the clause, or names a source ("critics said")
    return None


def _back_over_extras(toks: Sequence[Tok], j: int, lo: int) -> int:
    """Back from ``j`` over what may stand between a subject and its verb: "also",
    "on Tuesday", "in 2010", "just this month", "(R-Ohio)"."""
    while j > lo:
        w = toks[j - 1][2]
        if _skippable(w):
            j -= 1
        elif _timey(w) or (
            w.lower() in _TIME_NOUNS and j - 1 > lo and toks[j - 2][2].lower() in _TIME_LEAD
        ):
            j -= 1
            while j > lo and toks[j - 1][2].lower() in _TIME_LEAD:
                j -= 1
        elif w == ")":
            k = next((k for k in range(j - 2, max(lo, j - 12) - 1, -1) if toks[k][2] == "("), None)
            if k is None:
                return j
            j = k
        else:
            return j
    return j


def subject_before(toks: Sequence[Tok], v: int, lo: int) -> tuple[int, int] | None:
    """The subject right before the verb at token ``v`` as token indices, or None when
    the verb has none of its own ("…, saying", "to accuse")."""
    j = _back_over_extras(toks, v, lo)
    if j > lo and toks[j - 1][2] == "," and toks[v][2].endswith("ing"):
        return None  # "…, arguing that": the clause's subject
    if j > lo and toks[j - 1][2] == ",":  # "Moore, a senior adviser to X, called"
        k = next((k for k in range(j - 2, max(lo, j - _ASIDE) - 1, -1) if toks[k][2] == ","), None)
        if k is None or (i := _np_ending(toks, k, lo)) is None:
            return None
        between = [t[2] for t in toks[k + 1 : j - 1]]
        common = not any(_namey(t[2]) for t in toks[i:k])
        if between and all(map(_name_part, between)) and common:
            return k + 1, j - 1  # "The state's chairman, Phil Lovas, said": the name
        return i, k
    if j > lo and toks[j - 1][2].lower() in _HANGING:
        return None
    i = _np_ending(toks, j, lo)
    return None if i is None else (i, j)


def clause_subject(toks: Sequence[Tok], lo: int, hi: int) -> tuple[int, int] | None:
    """The subject that opens a clause (tokens ``lo``..``hi``), its leading adverbial
    phrases skipped ("Once, while driving, I …"; "In August, several groups …")."""
    i = lo
    while i < hi:
        w = toks[i][2]
        low = w.lower()
        if low in lexicon.JOINERS or low == "so":
            i += 1
            continue
        opener = (
            low in lexicon.CLAUSE_OPENERS
            or low in lexicon.CALENDAR_WORDS
            or (_capital(w) and low.endswith(("ing", "ed")) and low not in _PRONOUNS)
        )
        if not opener:
            break
        comma = next((k for k in range(i + 1, hi) if toks[k][2] == ","), None)
        if comma is None:
            return None
        i = comma + 1
    if i >= hi:
        return None
    if toks[i][2].lower() in _PRONOUNS:
        return i, i + 1
    j = i + _quantifier(toks[i][2])
    k = j
    while k < hi and k - j < _NP:
        w = toks[k][2]
        part = w in lexicon.NAME_PARTICLES and k > j and k + 1 < hi and _namey(toks[k + 1][2])
        if _name_part(w) or part:
            k += 1
            if w.endswith(("'s", "’s")) and k < hi and _noun(toks[k][2]):
                k += 1  # "Trump's campaign"
                break
        elif k > i and w.islower() and _quantifier(toks[i][2]) and (_noun(w) or k == j):
            k += 1
        else:
            break
    if k == j or (k == i + 1 and not _namey(toks[i][2])):
        return None
    return i, k


def subject_of_verb(toks: Sequence[Tok], v: int, lo: int) -> tuple[int, int] | None:
    """The speaker of the verb at token ``v`` in the sentence starting at token ``lo``:
    the subject right before it, else the subject of the clause it hangs off."""
    return subject_before(toks, v, lo) or clause_subject(toks, lo, v)
