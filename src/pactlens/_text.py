"""Text primitives shared by grounding, quotations and attribution.

Normalisation (typographic quotes, dashes and whitespace folded, each character mapped
back to the original), spans that slice back exactly, and the word lists the rules share.
Pure: no I/O.
"""

# ruff: noqa: RUF001  (typographic quotes and dashes are this module's subject)
from __future__ import annotations

import re

from pactlens._models import Span

__all__ = ["SPEECH_VERBS", "normalise"]


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

#: Further verbs that introduce a direct quote in news copy ("the letter reads", "she
#: yells", "Cruz called Trump “a liar”"); kept apart from :data:`SPEECH_VERBS`, which
#: also finds reported speech, where these words are too loose.
_CUES: frozenset[str] = SPEECH_VERBS | _set(
    """read reads report reports sing sings sang sung shout
    shouts shouting yell yells yelling scream screams screamed demand demands demanded
    describe describes described describing call calls called calling brand brands branded
    dub dubs dubbed accuse accuses accused scold scolds scolded blast blasts blasted praise
    praises praised characterise characterises characterised characterize characterizes
    characterized tweet tweets write state states declare declares announce announces reply
    replies respond responds claim claims continue continues recall recalls remark remarks
    concede concedes acknowledge acknowledges admit admits insisted wonder wonders wondered
    whispered murmured pleaded begged"""
)

_DQ = {"“": "open", "„": "open", "‟": "open", "«": "open", "”": "close", "»": "close", '"': ""}
_SQ = {"‘": "open", "‛": "open", "‚": "open", "’": "close", "'": ""}
_FOLD = dict.fromkeys("“”„‟″«»", '"') | dict.fromkeys("‘’‚‛′", "'") | dict.fromkeys("–—‒―−", "-")
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_QUOTES = "".join(_DQ) + "".join(_SQ)
_WORD = re.compile(r"\w+(?:'\w+)*")

_STOP = _set(
    """the a an and but or of in on at to for with by from as that this these those it its
    his her their our my your is was were be been has had have however also then when after
    before while if though although both all some many most other others another such not no
    yet so because since during"""
)
_ABBREV = _set(
    """mr mrs ms dr st jr sr gen sen rep gov lt col sgt capt prof rev hon no vs etc inc corp
    ltd co jan feb mar apr jun jul aug sep sept oct nov dec fig dept mt maj adm"""
)
_STOPS = re.compile(r"[.!?][\"”’]?\s|[\"“”]")


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


def _span(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


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
