"""Grounding: find quotes, speakers and mentions in the cleaned text, by offsets we compute.

Pure and deterministic, no I/O. Nothing here trusts an offset from the model: every
:class:`~pactlens._models.Span` returned slices back exactly, ``text[s.start:s.end] == s.text``.

Matching is done on a normalised copy of the text (typographic quotes, dashes and
whitespace folded, see :func:`normalise`) and mapped back to the original characters.
"""

# ruff: noqa: RUF001, RUF002, RUF003  (typographic quotes and dashes are this module's subject)
from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pactlens._models import Span

__all__ = [
    "SPEECH_VERBS",
    "Attribution",
    "Quotation",
    "attribute",
    "find_all",
    "find_mentions",
    "find_quotations",
    "ground",
    "normalise",
    "sentence_at",
]


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Reporting verbs (as written, lowercase) that make a quotation speech and name a speaker.
SPEECH_VERBS: frozenset[str] = _set(
    """say says said saying tell tells told telling add adds added adding noted noting warn
    warns warned warning stressed stressing insist insists insisted insisting argue argues
    argued arguing wrote writes writing tweeted tweeting posted stated explained explains
    explaining declared announced asked asks asking replied responded claimed continued
    recalled remarked conceded acknowledged admitted suggested suggests emphasised emphasized
    underlined urged urges vowed pledged promised cautioned complained countered predicted
    observed reported confirmed denied maintained boasted quipped joked shouted yelled
    exclaimed concluded agreed lamented proclaimed reiterated commented answered mentioned
    asserted affirmed contended echoed"""
)

_DQ = {"“": "open", "„": "open", "‟": "open", "«": "open", "”": "close", "»": "close", '"': ""}
_SQ = {"‘": "open", "‛": "open", "‚": "open", "’": "close", "'": ""}
_FOLD = dict.fromkeys("“”„‟″«»", '"') | dict.fromkeys("‘’‚‛′", "'") | dict.fromkeys("–—‒―−", "-")
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_OPEN_CTX = "([{—–-/"
_CLOSE_CTX = ".,;:!?)]}…—–-"
_QUOTES = "".join(_DQ) + "".join(_SQ)
_WORD = re.compile(r"\w+(?:'\w+)*")
_ELISIONS = _set("em tis twas cause til n s")
_WINDOW = 200
_TRAIL = " \"'….!?,;:-"

_STOP = _set(
    """the a an and but or of in on at to for with by from as that this these those it its
    his her their our my your is was were be been has had have however also then when after
    before while if though although both all some many most other others another such not no
    yet so because since during"""
)
_PRONOUNS = _set("he she they we i")
_TITLES = _set(
    """president vice prime minister secretary spokesman spokeswoman spokesperson senator sen.
    representative rep. governor gov. mayor chancellor general gen. dr. mr. mrs. ms. miss king
    queen prince princess chairman chairwoman chair ceo ambassador director leader premier
    speaker judge justice envoy commander colonel col. lt. captain capt. sheikh emir pope
    professor prof. deputy foreign defence defense finance state chief head nominee candidate
    official lawmaker officer adviser advisor aide negotiator executive founder attorney lawyer
    sir lord lady dame crown supreme first former acting interim senior"""
)
_GROUPS = _set(
    """official officials spokesman spokeswoman spokesperson analyst analysts expert experts
    source sources diplomat diplomats ministry government leaders leader statement aide aides
    officer officers observers critics residents witnesses police agency"""
)
_NOT_PERSON = _set(
    """korea states nations house ministry department office council union party committee
    government agency kingdom republic federation commission organization organisation bank
    court post times news press service network institute university center centre group
    company corporation forces army navy journal street square city"""
)
_ABBREV = _set(
    """mr mrs ms dr st jr sr gen sen rep gov lt col sgt capt prof rev hon no vs etc inc corp
    ltd co jan feb mar apr jun jul aug sep sept oct nov dec fig dept mt maj adm"""
)
_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Prof|St|Jr|Sr)\."
    r"|[A-Z]\.(?= [A-Z])|\w+(?:['’-]\w+)*|[^\w\s]"
)
_STOPS = re.compile(r"[.!?][\"”’]?\s|[\"“”]")
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")


@dataclass(frozen=True, slots=True)
class Quotation:
    """Quoted words: ``span`` is inside the marks; ``open``/``close`` index the marks.

    A quotation that runs on into the next paragraph (news style) has no closing mark:
    ``runs_on`` is true and ``close`` is ``span.end``. The next paragraph's piece has
    ``continuation`` set. ``scare`` marks short quotes with no speech verb around them.
    """

    span: Span
    open: int
    close: int
    words: int
    scare: bool = False
    depth: int = 0
    runs_on: bool = False
    continuation: bool = False


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


# -- normalisation and matching ------------------------------------------------------------


def _normalise(text: str) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        j = i + 1
        if c.isspace():
            while j < n and (text[j].isspace() or text[j] in _DROP):
                j += 1
            c = " "
        elif c in _DROP:
            i = j
            continue
        elif text.startswith("...", i):
            c, j = "…", i + 3
        out.append(_FOLD.get(c, c))
        starts.append(i)
        ends.append(j)
        i = j
    return "".join(out), starts, ends


def normalise(text: str) -> tuple[str, list[int]]:
    """Fold quotes, dashes, ``...`` and whitespace runs; map each character to the original.

    Returns the normalised string and, for each of its characters, the index in ``text``
    where it starts. Case is kept.
    """
    norm, starts, _ = _normalise(text)
    return norm, starts


def _lower(s: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


@lru_cache(maxsize=16)
def _prepared(text: str) -> tuple[str, str, list[int], list[int]]:
    norm, starts, ends = _normalise(text)
    return norm, _lower(norm), starts, ends


def _strip_needle(needle: str) -> tuple[str, str]:
    """The needle's core, and the punctuation it ended with (kept when the text has it)."""
    norm = _normalise(needle)[0].strip().lstrip("\"'…,;:- ")
    core = norm.rstrip(_TRAIL)
    tail = "".join(c for c in norm[len(core) :] if c in ".!?,;:")
    return core, tail


def _span(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


def find_all(
    text: str, needle: str, *, case_sensitive: bool = True, whole_words: bool = True
) -> list[Span]:
    """Every non-overlapping occurrence of ``needle``, in original-text coordinates.

    Both sides are normalised first; quote marks and punctuation around the needle are
    ignored (a trailing ``,``/``.``/``?`` is kept in the span when the text has it too).
    With ``whole_words`` a match may not start or end inside a word.
    """
    core, tail = _strip_needle(needle)
    if not core:
        return []
    norm, low, starts, ends = _prepared(text)
    hay, pat = (norm, core) if case_sensitive else (low, _lower(core))
    out: list[Span] = []
    i = hay.find(pat)
    while i != -1:
        j = i + len(pat)
        inside = whole_words and (
            (pat[0].isalnum() and i > 0 and hay[i - 1].isalnum())
            or (pat[-1].isalnum() and j < len(hay) and hay[j].isalnum())
        )
        if inside:
            i = hay.find(pat, i + 1)
            continue
        k = j
        for ch in tail:
            if k < len(hay) and hay[k] == ch:
                k += 1
            else:
                break
        out.append(_span(text, starts[i], ends[k - 1]))
        i = hay.find(pat, j)
    return out


@lru_cache(maxsize=16)
def _word_index(text: str) -> tuple[list[tuple[int, int, str]], list[bool], dict[str, list[int]]]:
    _, low, starts, ends = _prepared(text)
    toks = [(starts[m.start()], ends[m.end() - 1], m.group()) for m in _WORD.finditer(low)]
    joinable = [
        not any(c in _DQ or c == "\n" for c in text[a[1] : b[0]])
        for a, b in itertools.pairwise(toks)
    ]
    index: dict[str, list[int]] = {}
    for k, (_, _, w) in enumerate(toks):
        index.setdefault(w, []).append(k)
    return toks, joinable, index


def _pieces(text: str, needle: str) -> list[list[Span]]:
    words = [m.group() for m in _WORD.finditer(_lower(_normalise(needle)[0]))]
    n = len(words)
    if n < 4:
        return []
    toks, joinable, index = _word_index(text)
    limit = min(5, 1 + n // 4)

    def piece(i: int, k: int, depth: int) -> list[tuple[int, int]] | None:
        run = 1
        while i + run < n and k + run < len(toks) and joinable[k + run - 1]:
            if toks[k + run][2] != words[i + run]:
                break
            run += 1
        for size in range(run, 1, -1):
            if all(words[i + x] in _STOP for x in range(size)):
                continue
            if i + size == n:
                return [(k, k + size)]
            if depth + 1 < limit:
                end = toks[k + size - 1][1]
                for k2 in index.get(words[i + size], []):
                    if k2 >= k + size and toks[k2][0] - end <= _WINDOW:
                        rest = piece(i + size, k2, depth + 1)
                        if rest is not None:
                            return [(k, k + size), *rest]
        return None

    options: list[list[Span]] = []
    for k in index.get(words[0], []):
        found = piece(0, k, 0)
        if found:
            options.append([_span(text, toks[a][0], toks[b - 1][1]) for a, b in found])
    return options


def _choose(options: list[list[Span]], near: int | None, taken: Collection[Span]) -> list[Span]:
    def is_taken(option: list[Span]) -> bool:
        return any(s.start < t.end and t.start < s.end for s in option for t in taken)

    pool = [o for o in options if not is_taken(o)] or options
    if near is None:
        return pool[0]
    return min(pool, key=lambda o: (abs(o[0].start - near), o[0].start))


def ground(
    text: str, needle: str, *, near: int | None = None, taken: Collection[Span] = ()
) -> list[Span]:
    """Locate a quote the model claims; ``[]`` when its words are not really in ``text``.

    Exact (normalised) matches come first, case-sensitive then not. Among several, the
    one not overlapping ``taken`` and nearest to ``near`` wins (else the first; when all
    are taken one is still returned). Failing that, a quote interrupted by the text
    (“We will help,” he said. “We always do.”) or elided with ``…`` is returned as
    several verbatim pieces, in order, each of two words or more, each within 200
    characters of the previous, together covering every word of the needle.
    """
    for case_sensitive in (True, False):
        found = find_all(text, needle, case_sensitive=case_sensitive)
        if found:
            return _choose([[s] for s in found], near, taken)
    options = _pieces(text, needle)
    return _choose(options, near, taken) if options else []


def find_mentions(text: str, names: Iterable[str]) -> list[Span]:
    """Whole-word occurrences of any of ``names`` (normalised; a name never found with its
    case is looked for without), longest first where they overlap, sorted."""
    found = [
        s
        for name in names
        for s in find_all(text, name) or find_all(text, name, case_sensitive=False)
    ]
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for s in found:
        if not out or s.start >= out[-1].end:
            out.append(s)
    return out


# -- quotations ----------------------------------------------------------------------------


def _role(text: str, i: int, nominal: str, *, single: bool = False) -> str:
    """Whether the mark at ``i`` opens or closes, by what flanks it; ``""`` when neither."""
    b, a = i - 1, i + 1
    while b >= 0 and text[b] in _QUOTES and text[b] != text[i]:
        b -= 1
    while a < len(text) and text[a] in _QUOTES and text[a] != text[i]:
        a += 1
    before = text[b] if b >= 0 else "\n"
    after = text[a] if a < len(text) else "\n"
    if single and before.isalnum() and after.isalnum() and a == i + 1 and b == i - 1:
        return ""  # an apostrophe: don't, Kim’s
    left = before.isspace() or before in _OPEN_CTX
    right = after.isspace() or after in _CLOSE_CTX
    if left != right:
        return "open" if left else "close"
    return nominal


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if line.strip():
            lead = len(line) - len(line.lstrip())
            out.append((m.start() + lead, m.start() + len(line.rstrip())))
    return out


def _single_pairs(text: str, a: int, b: int) -> list[tuple[int, int]]:
    opens, closes = [], []
    for i in range(a, b):
        if text[i] not in _SQ:
            continue
        role = _role(text, i, _SQ[text[i]], single=True)
        word = _WORD.match(text, i + 1) if role == "open" else None
        if word and not word.group()[0].isdigit() and word.group().lower() not in _ELISIONS:
            opens.append(i)
        elif role == "close":
            closes.append(i)
    pairs: list[tuple[int, int]] = []
    for n, o in enumerate(opens):
        if pairs and o < pairs[-1][1]:
            continue
        stop = min(opens[n + 1] if n + 1 < len(opens) else b, o + 400)
        cands = [c for c in closes if o + 1 < c <= stop]
        good = [c for c in cands if text[c - 1] in ",.!?;:" or c + 1 == b or text[c + 1] in ",.;:"]
        if cands:
            pairs.append((o, (good or cands)[0]))
    return pairs


def find_quotations(text: str, *, nested: bool = False) -> list[Quotation]:
    """Quoted passages, in order: curly, straight and guillemet double quotes, and single
    quotes where they are the quote style (a paragraph or headline with no double quotes).

    News style is followed: a quotation running over paragraphs opens in each one and
    closes only at the end. Apostrophes (don't, Kim’s, ’90s) are never quote marks. With
    ``nested`` the quotes inside quotes (depth 1) are returned too.
    """
    paras = _paragraphs(text)
    pstarts = [a for a, _ in paras]
    found: list[tuple[int, int | None, int, bool]] = []  # open, close, depth, continuation
    stack: list[tuple[int, str, int, bool]] = []  # open, family, paragraph, continuation
    ran_on = -2
    for i, ch in enumerate(text):
        role = _role(text, i, _DQ[ch]) if ch in _DQ else ""
        if not role:
            continue
        family = "straight" if ch == '"' else "guillemet" if ch in "«»" else "curly"
        p = bisect.bisect_right(pstarts, i) - 1
        if stack and stack[0][2] != p:
            found.extend((o, None, d, cont) for d, (o, _, _, cont) in enumerate(stack))
            ran_on, stack = stack[0][2], []
        if role == "open":
            if stack and stack[-1][1] == family:
                stack.pop()  # an earlier mark that never closed
            cont = not stack and p == ran_on + 1 and not text[paras[p][0] : i].strip()
            stack.append((i, family, p, cont))
        elif stack:
            d = max((k for k, e in enumerate(stack) if e[1] == family), default=len(stack) - 1)
            found.append((stack[d][0], i, d, stack[d][3]))
            del stack[d:]
    found.extend((o, None, d, cont) for d, (o, _, _, cont) in enumerate(stack))

    def para_end(i: int) -> int:
        return paras[bisect.bisect_right(pstarts, i) - 1][1]

    doubles = {o for o, _, _, _ in found}
    regions = [(o + 1, c, 1) for o, c, d, _ in found if d == 0 and c is not None]
    regions += [(a, b, 0) for a, b in paras if not any(a <= o < b for o in doubles)]
    for a, b, depth in regions:
        found.extend((o, c, depth, False) for o, c in _single_pairs(text, a, b))
    quotes = []
    for o, c, depth, cont in sorted(found):
        end = para_end(o) if c is None else c
        inner = text[o + 1 : end]
        start = o + 1 + len(inner) - len(inner.lstrip())
        stop = o + 1 + len(inner.rstrip())
        words = len(_WORD.findall(_normalise(inner)[0]))
        if words and (nested or depth == 0):
            span = _span(text, start, stop)
            q = Quotation(span, o, end, words, False, depth, c is None, cont)
            quotes.append(dataclasses.replace(q, scare=_is_scare(text, q)))
    return quotes


def _stops(s: str) -> list[re.Match[str]]:
    """Sentence ends and quote marks in ``s``, not the dot of "Rep." or "J."."""
    return [
        m
        for m in _STOPS.finditer(s)
        if not (m.group()[0] == "." and _abbreviation(re.search(r"[A-Za-z.]*\Z", s[: m.start()])))
    ]


def _abbreviation(word: re.Match[str] | None) -> bool:
    w = word.group() if word else ""
    return w.lower() in _ABBREV or bool(re.fullmatch(r"[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]", w))


def _is_scare(text: str, q: Quotation) -> bool:
    """Short (≤ 3 words) or a Title Like This (≤ 6), with no speech verb around it."""
    words = _WORD.findall(_normalise(q.span.text)[0])
    titled = all(w[0].isupper() or w in _STOP for w in words)
    if q.runs_on or q.continuation or q.words > (6 if titled else 3):
        return False
    a = text.rfind("\n", 0, q.open) + 1
    b = len(text) if text.find("\n", q.close) == -1 else text.find("\n", q.close)
    if not text[a : q.open].strip() and len(text[q.close + 1 : b].strip()) < 2:
        return False  # the quote is the whole paragraph
    before = text[max(a, q.open - 80) : q.open]
    before = before[max((m.end() for m in _stops(before)), default=0) :]
    if not before.strip() and q.span.text[-1] in ".!?":
        return False  # a sentence of its own
    after = text[q.close + 1 : min(b, q.close + 80)]
    after = after[: next((m.start() + 1 for m in _stops(after)), None)]
    context = _normalise(before + " " + after)[0].lower()
    return not set(_WORD.findall(context)) & SPEECH_VERBS and "according to" not in context


# -- sentences -----------------------------------------------------------------------------


def _sentence_starts(text: str, a: int, b: int, shield: Sequence[tuple[int, int]]) -> list[int]:
    starts = [a]
    for m in _BOUNDARY.finditer(text, a, b):
        end = m.end()
        if end >= b or any(o < end <= c for o, c in shield):
            continue
        if any(ch in _QUOTES for ch in m.group()) and _cue_follows(text[end : end + 80]):
            continue  # “Are you ready?” Putin asked.
        nxt = text[end]
        if not (nxt.isupper() or nxt.isdigit() or nxt in _QUOTES or nxt in "(["):
            continue
        word = re.search(r"[A-Za-z.]*\Z", text[max(a, m.start() - 12) : m.start()])
        if text[m.start()] == "." and _abbreviation(word):
            continue
        starts.append(end)
    return starts


def _cue_follows(s: str) -> bool:
    s = s[: next((m.start() for m in _stops(s)), None)]
    return any(w.lower() in SPEECH_VERBS for w in _WORD.findall(s)[:7])


def sentence_at(text: str, index: int) -> Span:
    """The sentence holding ``index``. Paragraph breaks always end a sentence; closed
    quotations are never split, and abbreviations (Mr., Jan., U.S.) do not end one."""
    if not text:
        return _span(text, 0, 0)
    index = min(max(index, 0), len(text) - 1)
    a = text.rfind("\n", 0, index) + 1
    b = text.find("\n", index)
    b = len(text) if b == -1 else b
    shield = [(q.open + a, q.close + a) for q in find_quotations(text[a:b]) if not q.runs_on]
    starts = _sentence_starts(text, a, b, shield)
    k = bisect.bisect_right(starts, index) - 1
    s, e = starts[k], starts[k + 1] if k + 1 < len(starts) else b
    chunk = text[s:e]
    s += len(chunk) - len(chunk.lstrip())
    return _span(text, s, s + len(chunk.strip()))


# -- attribution ---------------------------------------------------------------------------

_Tok = tuple[int, int, str]
_Cue = tuple[int, tuple[int, int], str]
_AUX = _set("has had have was is also later then again previously once further would will did")
_DETS = _set("the a an his her its their our")
_NO_INVERT = _set("tell tells told telling saying adding noting warning arguing asking insisting")
_PARTICLES = _set("of bin al de van von da di la le del")
_CALENDAR = _set(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december"""
)


def _namey(w: str) -> bool:
    return w[:1].isupper() and w.lower() not in _STOP and w.lower() not in _CALENDAR


def _titley(w: str) -> bool:
    return w.lower() in _TITLES


def _verb(w: str) -> bool:
    return w.lower() in SPEECH_VERBS


def _wordy(w: str) -> bool:
    return w[:1].isalnum() and w.lower() not in _STOP and not _verb(w)


def _skippable(w: str) -> bool:
    return w in _AUX or (w.endswith("ly") and w.islower())


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
        inner = w in _PARTICLES and i < j and i - 1 > lo and _namey(toks[i - 2][2])
        if not (_namey(w) or _titley(w) or inner):
            break
        i -= 1
    if i == j:
        while i > lo and j - i < 4 and _wordy(toks[i - 1][2]):
            i -= 1
        if i == j or not (toks[j - 1][2].lower() in _GROUPS or toks[i - 1][2].lower() in _DETS):
            return None
    return (i - 1 if i > lo and toks[i - 1][2].lower() in _DETS else i), j


def _np_after(toks: Sequence[_Tok], v: int, hi: int) -> tuple[int, int] | None:
    """The speaker just after verb ``v`` ("said Putin", "said the spokesman")."""
    i = start = v + 1
    if i < hi and toks[i][2].lower() in _PRONOUNS:
        return i, i + 1
    det = i < hi and toks[i][2].lower() in _DETS
    i += det
    j = i
    while j < hi:
        w = toks[j][2]
        inner = w in _PARTICLES and j > i and j + 1 < hi and _namey(toks[j + 1][2])
        if not (_namey(w) or _titley(w) or inner):
            break
        j += 1
    while j == i and det and j < hi and j - i < 3 and _wordy(toks[j][2]):
        j += 1
    if j == i and i < hi and toks[i][2].lower() in _GROUPS:
        j = i + 1
    return (start, j) if j > i else None


def _subject(toks: Sequence[_Tok], lo: int, hi: int) -> tuple[int, int] | None:
    """The name or pronoun a sentence opens with (the speaker of a later "…, saying")."""
    np = _np_after(toks, lo - 1, hi)
    return np if np and toks[np[1] - 1][2].lower() not in _DETS else None


def _skip_aside(toks: Sequence[_Tok], j: int, hi: int) -> int:
    """Skip "(R-Ohio)" and ", a top aide," after a speaker's name."""
    for opening, closing, width in (("(", ")", 10), (",", ",", 15), (",", ",", 15)):
        if j < hi and toks[j][2] == opening:
            k = next((k for k in range(j + 1, min(hi, j + width)) if toks[k][2] == closing), j)
            j = k + 1 if k > j else j
    while j < hi and _skippable(toks[j][2]):
        j += 1
    return j


def _name_of(words: Sequence[str]) -> tuple[str, bool]:
    """The name in a mention (titles and possessors dropped), and whether it is a person."""
    cut = max((k + 1 for k, w in enumerate(words[:-1]) if w.endswith(("'s", "’s"))), default=0)
    for part in (words[cut:], words) if cut else (words,):
        t = max((k for k, w in enumerate(part) if _titley(w)), default=-1)
        name = part[t + 1 :]
        if name and all(_namey(w) or w in _PARTICLES for w in name):
            person = (t >= 0 or len(name) >= 2) and name[-1].lower() not in _NOT_PERSON
            return " ".join(name), person
    return " ".join(words), False


class _People:
    """Names met so far in an article, for turning "Putin" or "he" into "Vladimir Putin"."""

    def __init__(self, text: str, toks: Sequence[_Tok], quotes: Sequence[Quotation]) -> None:
        self.full: list[tuple[int, list[str]]] = []
        self.mentions: list[tuple[int, str]] = []
        inside = [(q.open, q.close) for q in quotes]
        run: list[_Tok] = []
        for tok in [*toks, (len(text) + 1, len(text) + 1, ".")]:
            joined = run and text[run[-1][1] : tok[0]] == " "
            if (_namey(tok[2]) or _titley(tok[2]) or tok[2] in _PARTICLES) and (joined or not run):
                run.append(tok)
                continue
            if run:
                self._add(run, any(o < run[0][0] < c for o, c in inside))
            run = [tok] if _namey(tok[2]) or _titley(tok[2]) else []

    def _add(self, run: Sequence[_Tok], quoted: bool) -> None:
        name, person = _name_of([w for _, _, w in run])
        if person and " " in name:
            self.full.append((run[0][0], name.split()))
        resolved = self.resolve(name, run[0][0])
        if not quoted and (person or resolved != name):
            self.mentions.append((run[0][0], resolved))

    def resolve(self, name: str, pos: int) -> str:
        if " " in name:
            return name
        earlier = [f for p, f in self.full if p < pos]
        for k in (-1, 0):
            match = [f for f in earlier if f[k] == name]
            if match:
                return " ".join(match[-1])
        return name

    def pronoun(self, pos: int, sentence: int) -> str | None:
        """He or she: the first person named earlier in the sentence, else the latest."""
        k = bisect.bisect_left(self.mentions, (pos, ""))
        first = bisect.bisect_left(self.mentions, (sentence, ""))
        return self.mentions[first if first < k else k - 1][1] if k else None


def _after_cue(toks: Sequence[_Tok], after: range) -> _Cue | None:
    """“…,” Putin said / said Putin / he told reporters / Flynn, an aide, said / ― Name."""
    k = next((k for k in after if toks[k][2] not in ",-—–―:"), None)
    if k is None:
        return None
    word = toks[k][2].lower()
    if _verb(word):
        np = None if word in _NO_INVERT else _np_after(toks, k, after.stop)
        return (k, np, "after") if np else None
    if word == "according" and k + 1 < after.stop and toks[k + 1][2] == "to":
        np = _np_after(toks, k + 1, after.stop)
        return (k, np, "according") if np else None
    end = k
    while end < after.stop and end - k < 6 and (_wordy(toks[end][2]) or toks[end][2] in _DETS):
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
    if np is None and toks[v][2].lower() not in _NO_INVERT:
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
    verbs = [k for k in before if _verb(toks[k][2])]
    close = verbs and verbs[-1] >= before.stop - 8
    if close and (np := _speaker_of(toks, verbs[-1], before, opens)):
        return verbs[-1], np, "before"
    for k in before:
        according = toks[k][2].lower() == "according" and toks[k + 1][2] == "to"
        if according and (np := _np_after(toks, k + 1, before.stop)):
            return k, np, "according"
    near = sorted([*before, *after], key=lambda k: abs(k - before.stop))
    for v in (k for k in near if _verb(toks[k][2])):
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
    toks: list[_Tok] = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    starts = [t[0] for t in toks]
    people = _People(text, toks, quotes)
    top = sorted((q for q in quotes if not (q.depth or q.scare)), key=lambda q: q.open)
    out: list[Attribution] = []
    last: Attribution | None = None
    for q in quotes:
        if q.scare or q.depth:
            out.append(Attribution(q, None, None, None, None, "scare" if q.scare else "none"))
            continue
        k = top.index(q) if q in top else 0
        prev, nxt = (top[k - 1] if k else None), (top[k + 1] if k + 1 < len(top) else None)
        sentence = sentence_at(text, q.open).start
        lo = max(sentence, prev.close + 1 if prev else 0)
        hi = q.open if q.runs_on else sentence_at(text, q.close).end
        hi = min(hi, nxt.open) if nxt else hi
        before = range(bisect.bisect_left(starts, lo), bisect.bisect_left(starts, q.open))
        line = text.rfind("\n", 0, q.open) + 1
        lead_in = text[:line].rstrip()  # Caddell continued:\n\n"The health issue …"
        if not text[line : q.open].strip() and lead_in.endswith(":"):
            lo = sentence = sentence_at(text, len(lead_in) - 1).start
            before = range(bisect.bisect_left(starts, lo), bisect.bisect_left(starts, line))
        after = range(bisect.bisect_left(starts, q.close + 1), bisect.bisect_left(starts, hi))
        after = range(0) if q.runs_on else after
        cue = _find_cue(toks, before, after, before.start if lo == sentence else -1)
        if cue is not None:
            v, (i, j), method = cue
            mention = _span(text, toks[i][0], toks[j - 1][1])
            name = _name_of([w for _, _, w in toks[i:j]])[0]
            who: str | None = name
            if name.lower() in _PRONOUNS:
                he_she = name.lower() in ("he", "she")
                who = people.pronoun(mention.start, sentence) if he_she else None
            who = people.resolve(who, mention.start) if who else None
            if who and who == name and all(_namey(w) for w in who.split()):
                bisect.insort(people.mentions, (mention.start, who))  # a speaker is a person
            end = toks[v + 1][1] if method == "according" else toks[v][1]
            cue_span = _span(text, toks[v][0], end)
            last = Attribution(q, who, mention, cue_span.text, cue_span, method)
        elif last and last.speaker and (q.continuation or _adjacent(text, last.quote, q)):
            method = "continuation" if q.continuation else "previous"
            last = Attribution(q, last.speaker, last.speaker_span, last.cue, last.cue_span, method)
        else:
            last = Attribution(q, None, None, None, None, "none")
        out.append(last)
    return out


def _adjacent(text: str, prev: Quotation, q: Quotation) -> bool:
    """``q`` follows ``prev`` in its paragraph, or opens the paragraph right after it."""
    lines = text[prev.close + 1 : q.open].split("\n")
    return len(lines) == 1 or not any(line.strip() for line in lines[1:])
