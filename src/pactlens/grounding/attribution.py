"""Attribution: who said each quotation, by the rules of news writing.

Pure and deterministic. A reporting verb and a name (or pronoun, or "the ministry") next
to the quote; "according to X"; "“…” ― Name"; a lead-in ending with a colon; and a quote
with no cue inherits the speaker of the quote it continues.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from pactlens import lexicon
from pactlens._models import Span
from pactlens.grounding.people import People, name_of, namey, titley
from pactlens.grounding.quotes import Quotation, sentence_index
from pactlens.grounding.subjects import TOKEN, clause_subject
from pactlens.text.normalise import is_blank, span_of

__all__ = ["Attribution", "attribute"]


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said a quotation. ``speaker`` is resolved; ``speaker_span`` is as written.

    ``method`` says which rule fired: ``after`` (“…,” Putin said), ``before`` (Putin
    said: “…”), ``sentence`` (a cue elsewhere in the sentence), ``according`` (according
    to X), ``dash`` (“…” ― Name), ``continuation`` / ``previous`` (inherited from the
    quote before), ``scare`` or ``none``.
    """

    quote: Quotation
    speaker: str | None
    speaker_span: Span | None
    cue: str | None
    cue_span: Span | None
    method: str


_Tok = tuple[int, int, str]
#: Who may stand for a speaker: he, she, they, we, I, and "it" (a body), "who".
_PRONOUNS = lexicon.SUBJECT_PRONOUNS | lexicon.OTHER_SUBJECTS
_Cue = tuple[int, tuple[int, int], str]


def _verb(w: str) -> bool:
    return w[:1].islower() and w in lexicon.QUOTE_CUES


def _verb_at(toks: Sequence[_Tok], k: int) -> bool:
    """A cue word used as a verb: not "States", not "Mr. Obama's remarks"."""
    before = toks[k - 1][2] if k else ""
    return _verb(toks[k][2]) and not (
        before.lower() in lexicon.DETERMINERS or before.endswith(("'s", "’s"))
    )


def _wordy(w: str) -> bool:
    return w[:1].isalnum() and w.lower() not in lexicon.STOP_WORDS and not _verb(w)


def _skippable(w: str) -> bool:
    return w in lexicon.AUXILIARIES or (w.endswith("ly") and w.islower())


def _np_before(toks: Sequence[_Tok], v: int, lo: int) -> tuple[int, int] | None:
    """The speaker just before verb ``v``: a name with titles, a pronoun, "the union"."""
    j = v
    while j > lo and _skippable(toks[j - 1][2]):
        j -= 1
    if j == lo:
        return None
    if toks[j - 1][2].lower() in _PRONOUNS:
        return j - 1, j
    i = j
    while i > lo:
        w = toks[i - 1][2]
        inner = w in lexicon.NAME_PARTICLES and i < j and i - 1 > lo and namey(toks[i - 2][2])
        if not (namey(w) or titley(w) or inner):
            break
        i -= 1
    if i == j:
        while i > lo and j - i < 4 and _wordy(toks[i - 1][2]):
            i -= 1
        if i == j or not (
            toks[j - 1][2].lower() in lexicon.GROUPS
            or toks[i - 1][2].lower() in lexicon.DETERMINERS
        ):
            return None
    return (i - 1 if i > lo and toks[i - 1][2].lower() in lexicon.DETERMINERS else i), j


def _np_after(toks: Sequence[_Tok], v: int, hi: int) -> tuple[int, int] | None:
    """The speaker just after verb ``v`` ("said Putin", "said the spokesman")."""
    i = start = v + 1
    if i < hi and toks[i][2].lower() in _PRONOUNS:
        return i, i + 1
    det = i < hi and (toks[i][2].lower() in lexicon.DETERMINERS | lexicon.NUMBERS.keys())
    i += det
    # "said 9/11 widow Terry Strada": a modifier or two before the name
    lead = next((k for k in range(i, min(hi, i + 3)) if not _wordy(toks[k][2])), i)
    if not det and lead > i and lead - i <= 2 and lead < hi and namey(toks[lead][2]):
        i = lead
    j = i
    while j < hi:
        w = toks[j][2]
        inner = w in lexicon.NAME_PARTICLES and j > i and j + 1 < hi and namey(toks[j + 1][2])
        if not (namey(w) or titley(w) or inner):
            break
        j += 1
    while det and j < hi and j - i < 3 and toks[j][2].islower() and _wordy(toks[j][2]):
        j += 1  # "the spokesman", "one Democratic source"
    if j == i and i < hi and toks[i][2].lower() in lexicon.GROUPS:
        j = i + 1
    return (start, j) if j > i else None


def _subject(toks: Sequence[_Tok], lo: int, hi: int) -> tuple[int, int] | None:
    """The subject a sentence opens with (the speaker of a later "…, saying")."""
    np = clause_subject(toks, lo, hi)
    return np if np and toks[np[1] - 1][2].lower() not in lexicon.DETERMINERS else None


def _skip_aside(toks: Sequence[_Tok], j: int, hi: int) -> int:
    """Skip "(R-Ohio)" and ", a top aide," after a speaker's name."""
    for opening, closing, width in (("(", ")", 10), (",", ",", 15), (",", ",", 15)):
        if j < hi and toks[j][2] == opening:
            k = next((k for k in range(j + 1, min(hi, j + width)) if toks[k][2] == closing), j)
            j = k + 1 if k > j else j
    while j < hi and _skippable(toks[j][2]):
        j += 1
    return j


def _after_cue(toks: Sequence[_Tok], after: range) -> _Cue | None:
    """“…,” Putin said / said Putin / he told reporters / Flynn, an aide, said / ― Name."""
    k = next((k for k in after if toks[k][2] not in ",-—–―:"), None)
    if k is None:
        return None
    word = toks[k][2].lower()
    if _verb(word):
        np = None if word in lexicon.NO_INVERSION else _np_after(toks, k, after.stop)
        return (k, np, "after") if np else None
    if word == "according" and k + 1 < after.stop and toks[k + 1][2] == "to":
        np = _np_after(toks, k + 1, after.stop)
        return (k, np, "according") if np else None
    end = k
    while (
        end < after.stop
        and end - k < 6
        and (_wordy(toks[end][2]) or toks[end][2].lower() in lexicon.DETERMINERS | _PRONOUNS)
    ):
        end += 1
    j = _skip_aside(toks, end, after.stop)
    while end > k and _skippable(toks[end - 1][2]):
        end -= 1
    if end > k and j < after.stop and _verb(toks[j][2]):
        return j, (k, end), "after"
    np = _np_after(toks, k - 1, after.stop)
    dashed = k > after.start and toks[k - 1][2] in "-—–―"
    if dashed and np and all(not toks[x][2][:1].isalnum() for x in range(np[1], after.stop)):
        return k - 1, np, "dash"
    return None


def _speaker_of(toks: Sequence[_Tok], v: int, region: range, opens: int) -> tuple[int, int] | None:
    np = _np_before(toks, v, region.start)
    if np is None and v - 1 > region.start and toks[v - 1][2] == ",":  # Clinton, at a gaggle, said
        aside = range(v - 2, max(region.start, v - 15), -1)
        comma = next((k for k in aside if toks[k][2] == ","), None)
        np = _np_before(toks, comma, region.start) if comma is not None else None
    if np is None and toks[v][2].lower() not in lexicon.NO_INVERSION:
        np = _np_after(toks, v, region.stop)
    coordinated = toks[v][2].endswith("ing") or (v > 0 and toks[v - 1][2] in ("and", "but"))
    if np is None and coordinated and opens >= 0:
        np = _subject(toks, opens, v)
    return np


def _find_cue(toks: Sequence[_Tok], before: range, after: range, opens: int) -> _Cue | None:
    """(cue token, speaker tokens, method) from the tokens around a quote. ``opens`` is the
    first token of its sentence when ``before`` starts there, else -1."""
    if cue := _after_cue(toks, after):
        return cue
    verbs = [k for k in before if _verb_at(toks, k)]
    close = verbs and verbs[-1] >= before.stop - 8
    if close and (np := _speaker_of(toks, verbs[-1], before, opens)):
        return verbs[-1], np, "before"
    for k in before:
        according = toks[k][2].lower() == "according" and toks[k + 1][2] == "to"
        if according and (np := _np_after(toks, k + 1, before.stop)):
            return k, np, "according"
    near = sorted([*before, *after], key=lambda k: abs(k - before.stop))
    for v in (k for k in near if _verb_at(toks, k)):
        if np := _speaker_of(toks, v, before if v < before.stop else after, opens):
            return v, np, "sentence"
    return None


def attribute(text: str, quotes: Sequence[Quotation]) -> list[Attribution]:
    """A speaker for each quotation, by rule, in the order given.

    Names lose their titles ("Russian President Vladimir Putin" → "Vladimir Putin"), a bare
    surname becomes the full name met earlier, and he/she become the latest person named
    before (``speaker_span`` keeps the mention as written). A quote with no cue inherits
    from the quote it continues, or from the attributed quote just before it.
    """
    toks: list[_Tok] = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
    starts = [t[0] for t in toks]
    people = People(text, toks, quotes)
    sentences = sentence_index(text)
    top = sorted((q for q in quotes if not (q.depth or q.scare)), key=lambda q: q.open)
    place: dict[Quotation, int] = {}  # top.index(q): the first equal one
    for k, q in enumerate(top):
        place.setdefault(q, k)
    out: list[Attribution] = []
    last: Attribution | None = None
    for q in quotes:
        if q.scare or q.depth:
            out.append(Attribution(q, None, None, None, None, "scare" if q.scare else "none"))
            continue
        k = place.get(q, 0)
        prev, nxt = (top[k - 1] if k else None), (top[k + 1] if k + 1 < len(top) else None)
        sentence = sentences.at(q.open).start
        lo = max(sentence, prev.close + 1 if prev else 0)
        hi = q.open if q.runs_on else sentences.at(q.close).end
        hi = min(hi, nxt.open) if nxt else hi
        before = range(bisect.bisect_left(starts, lo), bisect.bisect_left(starts, q.open))
        line = sentences.line_start(q.open)
        # Caddell continued:\n\n"The health issue …"; the lead-in is text[:lead_in]
        lead_in = _rstrip(text, line) if is_blank(text, line, q.open) else 0
        if lead_in and text[lead_in - 1] == ":":
            lo = sentence = sentences.at(lead_in - 1).start
            before = range(bisect.bisect_left(starts, lo), bisect.bisect_left(starts, line))
        after = range(bisect.bisect_left(starts, q.close + 1), bisect.bisect_left(starts, hi))
        after = range(0) if q.runs_on else after
        cue = _find_cue(toks, before, after, before.start if lo == sentence else -1)
        if cue is not None:
            v, (i, j), method = cue
            mention = span_of(text, toks[i][0], toks[j - 1][1])
            words = [w for _, _, w in toks[i:j]]
            name = name_of(words)[0]
            who = people.speaker(words, mention.start, sentence)
            if who and who == name and all(namey(w) for w in who.split()):
                bisect.insort(people.mentions, (mention.start, who))  # a speaker is a person
            end = toks[v + 1][1] if method == "according" else toks[v][1]
            cue_span = span_of(text, toks[v][0], end)
            last = Attribution(q, who, mention, cue_span.text, cue_span, method)
        elif last and last.speaker and (q.continuation or _adjacent(text, last.quote, q)):
            method = "continuation" if q.continuation else "previous"
            last = Attribution(q, last.speaker, last.speaker_span, last.cue, last.cue_span, method)
        else:
            last = Attribution(q, None, None, None, None, "none")
        out.append(last)
    return out


def _rstrip(text: str, end: int) -> int:
    """``len(text[:end].rstrip())``, without copying the slice."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _adjacent(text: str, prev: Quotation, q: Quotation) -> bool:
    """``q`` follows ``prev`` in its paragraph, or opens the paragraph right after it."""
    lines = text[prev.close + 1 : q.open].split("\n")
    return len(lines) == 1 or not any(line.strip() for line in lines[1:])
