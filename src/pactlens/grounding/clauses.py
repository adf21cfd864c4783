"""Every attribution in a sentence, not only the first: news often packs two or three.

Pure, no I/O. Besides the attribution a sentence opens or closes with, a sentence may
carry more, each a reporting, belief or stance verb with its own subject and clause:

* a second verb hanging off the first: "X said A, adding that B", "…, arguing that B";
* a coordinate or subordinate clause: "X said A, but she noted that B", "… — and he
  noted that B", "…, though she acknowledged B";
* a relative clause: "… said X, who added that B";
* a speech verb sharing its clause's subject: "X announced an arrest and said B",
  "…, but has noted that B" (a stance or belief verb there is seldom a claim);
* a quotation's sentence: "“…,” he said, adding that B";
* a noun cue its owner holds: "Trump's claim that B", "her view that B" (nested: it
  cuts no other clause; "the claim that B", owned by nobody, is left out).

:func:`attributions_in` finds each such verb with its subject and its clause (the words
after the verb from its "that", a listener dropped, up to where the next claim
begins); the sentence's own first attribution is left to :mod:`.reported` and the
quotation rules, except in a sentence the quotation rules hold, where it ends at the
break before the quotation (``own``). Offsets are into the sentence; quoted stretches
are never the verb.

Measured on PolNeAR dev and left out: a nested attribution ("X said Y believes B"; the
first annotator marks only the outer one, so the inner one cost 40 false matches for
14), a belief verb opening a coordinate clause ("…, and they feel buoyed"), a passive
verb ("was supported by") and a verb followed by a preposition ("insisted on").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from pactlens import lexicon
from pactlens.grounding.reported import CUE_WORDS, outside_quotes
from pactlens.grounding.subjects import Tok, clause_subject, subject_before, tokens

__all__ = ["Claim", "attributions_in"]

_BREAKS = frozenset({",", ";", "—", "–", "-", ":"})
#: A determiner before a cue word makes it a noun ("the plan", "whose report").
_DETERMINER_BEFORE = lexicon.DETERMINERS | lexicon.QUANTIFIERS | {"whose"}
#: Belief verbs, which open a second claim only as a participle ("…, hoping that").
_BELIEF_ONLY = lexicon.BELIEF_VERBS - lexicon.SPEECH_VERBS - lexicon.STANCE_VERBS
#: "According to X," opening a sentence: the clause after it is what X says.
_LEADING_SOURCE = re.compile(r"\s*according to\b[^,;]*,$", re.IGNORECASE)
#: The fewest words a clause must hold to count as what was said.
_MIN_WORDS = 3
_QUOTE_MARKS = frozenset('"\u201c\u201d\u201e\u00ab\u00bb')
#: A clause that ends before a quotation ends with one of these.
_ENDS_BEFORE_QUOTE = frozenset(",;:—–―")
_QUOTE_START = re.compile("[\"\u201c\u201e\u00ab]|''|``")
#: What may stand between "and"/"but" and a verb sharing the clause's subject.
_BETWEEN = frozenset({"also", "has", "have", "had", "then", "later", "again", "not"})
#: Who may own a noun cue besides a name with "'s" ("their" says too little).
_POSSESSIVES = frozenset({"his", "her", "its"})
#: Lowercase words between an owner and its noun cue that are not adjectives.
_NOT_ADJECTIVE = lexicon.DETERMINERS | lexicon.PREPOSITIONS | CUE_WORDS | {"and", "or"}


@dataclass(frozen=True)
class Claim:
    """One attribution in a sentence, offsets relative to it."""

    speaker: tuple[int, int] | None  # the subject as written ("she", "who", "Mr. Obama")
    cue: tuple[int, int]
    content: tuple[int, int]
    #: Where the claim's own clause begins ("…, but she noted"): the clause before it
    #: ends there. None for a nested claim, which sits inside the clause before it.
    boundary: int | None


#: A verb found: its speaker's offsets, its token, its clause's first token, and where
#: its own clause begins (None: nested).
_Found = tuple[tuple[int, int] | None, int, int, int | None]


def _is_cue(toks: list[Tok], k: int) -> bool:
    w = toks[k][2]
    if not w.islower() or w not in CUE_WORDS:
        return False
    return k == 0 or toks[k - 1][2].lower() not in _DETERMINER_BEFORE


def _passive(toks: list[Tok], v: int) -> bool:
    """Whether the verb at ``v`` is passive ("was supported by", "is widely seen")."""
    k = v - 1
    while k >= 0 and (toks[k][2].endswith("ly") or toks[k][2] in ("not", "also")):
        k -= 1
    return k >= 0 and toks[k][2].lower() in lexicon.BE_FORMS


def _boundary(toks: list[Tok], first: int) -> int | None:
    """The offset where a clause starting at token ``first`` begins, when a break (comma,
    dash, semicolon, maybe with "and"/"but"/"though") sets it off; else None."""
    k = first
    if k > 0 and toks[k - 1][2].lower() in lexicon.CLAUSE_LINKS:
        k -= 1
    if k > 0 and toks[k - 1][2] in _BREAKS:
        return toks[k - 1][0]
    if k != first and k > 0:  # "… and he noted that …" without a comma
        return toks[k][0]
    return None


def _coordinate(toks: list[Tok], v: int) -> int | None:
    """The "and"/"but" right before the verb at ``v`` when the verb shares the clause's
    subject ("… and said", "but has noted", "and also said"), else None."""
    k = v - 1
    while k > 0 and (toks[k][2] in _BETWEEN or toks[k][2].endswith("ly")):
        k -= 1
    return k if k > 0 and toks[k][2] in ("and", "but") and k < v else None


def _content_start(toks: list[Tok], v: int) -> int:
    """The token after the verb at ``v`` where its clause starts: at its "that" (which
    PolNeAR's content spans hold), past a listener ("told reporters that"), past a
    colon."""
    k = v + 1
    if toks[v][2] in lexicon.LISTENER_VERBS:
        that = next((j for j in range(k, min(len(toks), k + 4)) if toks[j][2] == "that"), None)
        if that is not None:
            return that
    if k < len(toks) and toks[k][2] == ":":
        return k + 1
    return k


def _adjective(w: str) -> bool:
    owner = w in _POSSESSIVES or w.endswith(("'s", "’s"))
    return w.islower() and not owner and w not in _NOT_ADJECTIVE


def _possessor(toks: list[Tok], n: int) -> tuple[int, int] | None:
    """The owner of the noun cue at ``n`` followed by "that" ("his view that", "Mr.
    Obama's claim that", "the senator's earlier claim that"), as a token range without
    its "'s"; None when nobody owns it ("the claim that") or a verb already reports it."""
    if n + 1 >= len(toks) or toks[n + 1][2] != "that":
        return None
    k = n - 1
    while k >= 0 and n - k <= 2 and _adjective(toks[k][2]):
        k -= 1  # "earlier", "tacit"
    if k < 0:
        return None
    w = toks[k][2]
    if w.lower() in _POSSESSIVES:
        first = k
    elif w.endswith(("'s", "’s")) and len(w) > 2:
        first = k
        while first > 0 and (toks[first - 1][2][:1].isupper() or toks[first - 1][2] == "the"):
            first -= 1
    else:
        return None
    if first > 0 and _is_cue(toks, first - 1):
        return None  # "highlighted his message that": the verb's claim
    return first, k + 1


def _before_quote(toks: list[Tok], start: int, quote: int) -> int:
    """Where a clause starting at token ``start`` ends before a quotation at offset
    ``quote``: at a break before it, past the quotation's own lead-in ("…, saying, “…”",
    "…, and he said “…”"); at ``start`` (no clause) when no break sets the quotation
    off, since then the quoted words are the clause's own, or when what is left leads
    into the quotation itself ("she recalled thinking, “…”")."""
    inside = [k for k in range(start, len(toks)) if toks[k][0] < quote]
    end = inside[-1] + 1 if inside else start
    moved = False
    for b in reversed([k for k in inside if toks[k][2] in _ENDS_BEFORE_QUOTE]):
        between = [t[2] for t in toks[b + 1 : end] if t[2] not in _ENDS_BEFORE_QUOTE]
        if between and (len(between) > 4 or not any(w in CUE_WORDS for w in between)):
            break  # words of the clause: it ends at the break found so far
        end, moved = b, True
    if not moved or end <= start or toks[end - 1][2] in CUE_WORDS:
        return toks[start][0]  # no break, or what is left leads in ("she recalled thinking,")
    return toks[end][0]


def attributions_in(sentence: str, *, own: bool = False) -> list[Claim]:
    """Every reporting, belief or stance verb outside quotation marks in ``sentence``
    that has a subject (its own, or the clause's for "…, adding that") and a clause of
    its own after it, in order. Each clause runs to the sentence's end, to where the
    next coordinate claim begins, or to a quotation.

    ``own``: the sentence's own attribution too (the verb whose subject opens it), for a
    sentence the quotation rules hold ("When Clinton noted that B ― Trump boasted,
    “…”"), where no other rule reports it."""
    plain = outside_quotes(sentence)
    toks = tokens(plain)
    found: list[_Found] = []
    for v in range(len(toks)):
        if toks[v][2] in lexicon.NOUN_CUES and (owner := _possessor(toks, v)) is not None:
            a, b = toks[owner[0]][0], toks[owner[1] - 1][1]
            b -= 2 if sentence[b - 2 : b] in ("'s", "’s") else 0
            found.append(((a, b), v, v + 2, None))  # nested: it cuts no other clause
            continue
        if not _is_cue(toks, v) or _passive(toks, v):
            continue
        start = _content_start(toks, v)
        if start >= len(toks) or not toks[start][2][:1].isalnum():
            continue  # "…, he said." / "he said, adding": no clause of its own here
        if toks[start][2].lower() in lexicon.PREPOSITIONS:
            continue  # "insisted on being …", "learned of a meeting": no clause said
        hanging = v > 0 and toks[v - 1][2] == "," and toks[v][2].endswith("ing")
        link = _coordinate(toks, v)
        if hanging:
            subject = clause_subject(toks, 0, v)
            boundary: int | None = toks[v - 1][0]
        elif toks[v][2] in _BELIEF_ONLY:
            continue  # "…, and they feel buoyed", "who want to see": seldom a claim
        elif link is not None and toks[v][2] in lexicon.SPEECH_VERBS:  # "X met them and said B"
            subject = clause_subject(toks, 0, link)
            if subject is None:
                continue
            boundary = toks[link - 1][0] if link and toks[link - 1][2] == "," else toks[link][0]
        else:
            subject = subject_before(toks, v, 0)
            if subject is None:
                continue
            boundary = _boundary(toks, subject[0])
            if boundary is None and not own:
                continue  # the sentence's own attribution: left to the other rules
            if boundary is not None and _LEADING_SOURCE.match(plain, 0, boundary + 1):
                continue  # "According to X, Y found …": the sentence's own
        speaker = None if subject is None else (toks[subject[0]][0], toks[subject[1] - 1][1])
        found.append((speaker, v, start, boundary))
    return _with_clauses(sentence, plain, toks, found)


def _with_clauses(sentence: str, plain: str, toks: list[Tok], found: list[_Found]) -> list[Claim]:
    """Each verb found (speaker, verb token, clause's first token, boundary) with the
    clause it reports: to the sentence's end, the next claim's boundary or a quotation;
    too short a clause, a quoted one or a bare listener is no claim."""
    claims = []
    for n, (speaker, v, start, boundary) in enumerate(found):
        later = [b for _, w, _, b in found[n + 1 :] if b is not None and toks[w][0] > toks[v][1]]
        end = min(later, default=len(plain.rstrip(" .!?\n")))
        a = toks[start][0]
        quote = _QUOTE_START.search(sentence, a, min(later, default=len(sentence)))
        if quote is not None:  # "X noted that B ― Y boasted, “…”": B ends at the break
            end = _before_quote(toks, start, quote.start())
        end = len(plain[:end].rstrip(" ,;:—–-―"))
        words = bisect.bisect_left([t[0] for t in toks], end) - start
        text = sentence[a:end]
        if words < _MIN_WORDS or any(c in _QUOTE_MARKS for c in text) or "''" in text:
            continue
        if all(t[2][:1].isupper() for t in toks[start : start + words]):
            continue  # "told The Huffington Post": a listener, nothing said
        claims.append(Claim(speaker, (toks[v][0], toks[v][1]), (a, end), boundary))
    return claims
