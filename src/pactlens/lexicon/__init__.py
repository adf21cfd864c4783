"""Every word list the rules use, and the gazetteer, loaded from one data file.

``words.toml`` beside this module (shipped in the wheel) is the only place a list is
written; each is named here once, as a constant, with what it is for. Pure, no I/O
beyond reading that file at import.
"""

from __future__ import annotations

import sys
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = [
    "ABBREVIATIONS",
    "AGREEMENT_HEADS",
    "AGREEMENT_IDIOMS",
    "AGREEMENT_PLURALS",
    "ALIASES",
    "ARMED_GROUP_WORDS",
    "AUXILIARIES",
    "BELIEF_VERBS",
    "BE_FORMS",
    "BLURB_EXCEPTIONS",
    "CALENDAR_WORDS",
    "CEASEFIRE_WORDS",
    "CHROME_LINES",
    "CLAUSE_LINKS",
    "CLAUSE_OPENERS",
    "COMPANY_WORDS",
    "DEFERRALS",
    "DEFINITE",
    "DEMONYMS",
    "DETERMINERS",
    "DISPUTED_FRAMES",
    "ELISIONS",
    "GENERIC_HEADS",
    "GENERIC_NAME_WORDS",
    "GROUPS",
    "HEDGES",
    "JOINERS",
    "LIFECYCLE_CUES",
    "LISTENER_VERBS",
    "LIST_HEADERS",
    "MODALS",
    "MONTHS",
    "MONTH_ABBREVIATIONS",
    "MONTH_NAMES",
    "NAME_ABBREVIATIONS",
    "NAME_PARTICLES",
    "NEGATIVE_DETERMINERS",
    "NEGATORS",
    "NEW_MARKERS",
    "NOT_NAMES",
    "NOT_PARTIES",
    "NOT_PERSON",
    "NOT_PLACES",
    "NOUN_CUES",
    "NOUN_VERBS",
    "NO_INVERSION",
    "NUMBERS",
    "ORGANISATIONS",
    "ORGANS",
    "ORG_WORDS",
    "OTHER_SUBJECTS",
    "PLACE_NOUNS",
    "PLACE_PARTICLES",
    "PLURAL_SOURCES",
    "PREPOSITIONS",
    "PRONOUN_ARGUMENTS",
    "QUALIFIED_HEADS",
    "QUANTIFIERS",
    "QUOTE_CUES",
    "REPORTED_CUES",
    "ROLES",
    "SENTENCE_OPENERS",
    "SIDES",
    "SPEAKING",
    "SPEECH_VERBS",
    "STANCE_VERBS",
    "STOP_LEFT",
    "STOP_WORDS",
    "SUBJECT_PRONOUNS",
    "THIRD_PERSON",
    "TITLES",
    "TITLE_ABBREVIATIONS",
    "TITLE_FORMS",
    "TITLE_LEAD",
    "TOPICS",
    "TRADE_WORDS",
    "VAGUE_MODIFIERS",
    "WEEKDAYS",
    "canonical",
]

_DATA: dict[str, Any] = tomllib.loads(
    resources.files("pactlens.lexicon").joinpath("words.toml").read_text(encoding="utf-8")
)


def _words(section: str, key: str) -> frozenset[str]:
    value = _DATA[section][key]
    return frozenset(value.split() if isinstance(value, str) else value)


# -- speech ------------------------------------------------------------------------------

#: Reporting verbs (lowercase, as written): a quotation beside one is speech.
SPEECH_VERBS = _words("speech", "verbs")
#: Verbs that introduce a direct quote: the reporting verbs and looser ones ("reads").
QUOTE_CUES = SPEECH_VERBS | _words("speech", "quote_cues")
#: Cues of reported speech: the reporting verbs and a few more, some of them phrases.
REPORTED_CUES = SPEECH_VERBS | _words("speech", "reported_cues")
#: Belief and intention verbs ("thinks", "plans"): attribution in PolNeAR's broad sense.
BELIEF_VERBS = _words("speech", "belief")
#: Verbs by which a source reports a finding or a stand ("a poll shows").
STANCE_VERBS = _words("speech", "stance") | _words("speech", "stance_more")
#: Cue verbs that are mostly nouns ("plan", "fear"): a verb only after a subject.
NOUN_VERBS = _words("speech", "noun_verbs")
#: Nouns that carry a claim when a possessor owns them ("his view that …").
NOUN_CUES = _words("speech", "noun_cues")
#: Words that make a closing line reported speech rather than a publisher's blurb.
BLURB_EXCEPTIONS: tuple[str, ...] = tuple(_DATA["speech"]["blurb_exceptions"])

# -- people ------------------------------------------------------------------------------

#: Abbreviated titles (mr, sen, gen): their dot does not end a sentence.
TITLE_ABBREVIATIONS = _words("people", "abbreviated_titles")
#: Abbreviations inside names (st, jr, sr).
NAME_ABBREVIATIONS = _words("people", "name_abbreviations")
#: Titles and offices before a name, lowercase; abbreviated ones with and without a dot.
TITLES = _words("people", "titles") | TITLE_ABBREVIATIONS | {f"{t}." for t in TITLE_ABBREVIATIONS}
#: Offices as a representative's role is displayed ("Prime Minister").
#: What an abbreviated title stands for ("sen" -> "senator").
TITLE_FORMS: dict[str, str] = dict(_DATA["people"]["title_forms"])
ROLES: tuple[str, ...] = tuple(_DATA["people"]["roles"])
#: Third-person subject pronouns (he, she, they): a speaker named earlier.
THIRD_PERSON = _words("people", "third_person")
#: Subject pronouns that can stand for a speaker.
SUBJECT_PRONOUNS = THIRD_PERSON | _words("people", "first_person")
#: Plural nouns for unnamed sources ("officials said").
PLURAL_SOURCES = _words("people", "plural_sources")
#: Nouns for speakers who are groups or bodies ("officials", "the ministry").
GROUPS = _words("people", "groups")
#: Last words of a name that make it a body, not a person ("Korea", "House").
NOT_PERSON = _words("people", "not_person")
#: Lower-case words inside names ("bin", "von").
NAME_PARTICLES = _words("people", "name_particles")
#: Plural nouns for the sides of a deal ("both leaders", "the governments").
SIDES = _words("people", "sides")

# -- grammar -----------------------------------------------------------------------------

STOP_WORDS = _words("grammar", "stop_words")
DETERMINERS = _words("grammar", "determiners")
#: Words between a speaker and the verb ("has also said").
AUXILIARIES = _words("grammar", "auxiliaries")
JOINERS = _words("grammar", "joiners")
#: Words opening a further clause after a comma or a dash ("…, but she noted").
CLAUSE_LINKS = _words("grammar", "clause_links")
#: Verbs whose listener stands before the clause ("told reporters that").
LISTENER_VERBS = _words("grammar", "listener_verbs")
#: Forms of "be": one before a verb makes it passive ("was supported by").
BE_FORMS = _words("grammar", "be_forms")
#: Prepositions that never open what was said ("insisted on", "learned of").
PREPOSITIONS = _words("grammar", "prepositions")
#: Verb forms never followed by their speaker ("told Putin" is not "Putin told").
NO_INVERSION = _words("grammar", "no_inversion")
#: Capitalised words that open sentences: never a speaker on their own.
SENTENCE_OPENERS = _words("grammar", "sentence_openers")
#: Words opening an adverbial phrase before a clause's subject ("In July, …").
CLAUSE_OPENERS = _words("grammar", "clause_openers")
#: Words opening a noun phrase that names a source ("several groups", "63 percent").
QUANTIFIERS = _words("grammar", "quantifiers")
#: Subjects a speaker may be written as besides the subject pronouns: "it", "who".
OTHER_SUBJECTS = _words("grammar", "other_subjects")

# -- quotes ------------------------------------------------------------------------------

#: Words after an apostrophe that make it an elision ('em, 'tis), not a quote mark.
ELISIONS = _words("quotes", "elisions")
#: Words after which a quoted Title Like This names a show, book or event.
TITLE_LEAD = _words("quotes", "title_lead")

# -- calendar ----------------------------------------------------------------------------

#: Month name or abbreviation (lowercase) -> month number.
MONTHS: dict[str, int] = {
    name: number for number, names in enumerate(_DATA["calendar"]["months"], 1) for name in names
}
#: The twelve full month names, lowercase, in order.
MONTH_NAMES: tuple[str, ...] = tuple(names[0] for names in _DATA["calendar"]["months"])
#: Month abbreviations (jan, sept), lowercase.
MONTH_ABBREVIATIONS = frozenset(name for names in _DATA["calendar"]["months"] for name in names[1:])
#: Weekday name (lowercase) -> number, Monday 0.
WEEKDAYS: dict[str, int] = {name: n for n, name in enumerate(_DATA["calendar"]["weekdays"])}
#: Full month and weekday names, lowercase.
CALENDAR_WORDS = frozenset(MONTH_NAMES) | frozenset(WEEKDAYS)
#: Number words ("three", "a few") -> the number they stand for.
NUMBERS: dict[str, int] = dict(_DATA["calendar"]["numbers"])

#: Abbreviations whose dot does not end a sentence: titles, name parts, months, others.
ABBREVIATIONS = (
    TITLE_ABBREVIATIONS
    | NAME_ABBREVIATIONS
    | MONTH_ABBREVIATIONS
    | _words("grammar", "abbreviations")
)
#: Capitalised words that name no actor: function words, and month and weekday names.
NOT_NAMES = _words("grammar", "not_names") | {w.capitalize() for w in CALENDAR_WORDS}

# -- cleaning ----------------------------------------------------------------------------

#: Lower-case words inside a dateline's place name ("de", "upon").
PLACE_PARTICLES = _words("cleaning", "place_particles")
#: All-caps words that open a line like a dateline but are labels ("BREAKING").
NOT_PLACES = _words("cleaning", "not_places")
#: Whole lines that are page chrome (lowercase, no end punctuation).
CHROME_LINES = _words("cleaning", "chrome")
#: Lines that head a list of links to other stories.
LIST_HEADERS = _words("cleaning", "list_headers")

# -- evaluation --------------------------------------------------------------------------

#: Words that never identify a speaker or party on their own (scoring names).
GENERIC_NAME_WORDS = _words("eval", "generic_name_words")
#: RAMS arguments that are pronouns.
PRONOUN_ARGUMENTS = _words("eval", "pronoun_arguments")

# -- agreements -------------------------------------------------------------------------

_AGREEMENTS: dict[str, Any] = _DATA["agreements"]
#: Head nouns of an agreement mention (lowercase, singular) -> the kind each makes.
AGREEMENT_HEADS: dict[str, str] = dict(_AGREEMENTS["heads"])
#: Plurals of the heads: generic ("earlier truces"), never a mention of one agreement.
AGREEMENT_PLURALS = _words("agreements", "plurals")
#: Heads a bare definite mention of which may stand for any earlier agreement.
GENERIC_HEADS = _words("agreements", "generic_heads")
#: Modifiers that make a different agreement from the ones before ("a separate deal").
NEW_MARKERS = _words("agreements", "new_markers")
#: Modifiers that tell no agreement from another ("the draft treaty").
VAGUE_MODIFIERS = _words("agreements", "vague_modifiers")
DEFINITE = _words("agreements", "definite")
#: Determiners that make a mention no agreement ("no agreement was reached").
NEGATIVE_DETERMINERS = _words("agreements", "negative")
TRADE_WORDS = _words("agreements", "trade_words")
CEASEFIRE_WORDS = _words("agreements", "ceasefire_words")
#: Words that end a head's modifiers on the left.
STOP_LEFT = _words("agreements", "stop_left")
#: Phrases in which a head is no agreement ("a big deal").
AGREEMENT_IDIOMS: tuple[str, ...] = tuple(_AGREEMENTS["idioms"])
#: Words that make a deal only feared, rumoured or possible.
HEDGES = _words("agreements", "hedges")
#: Words before a lifecycle verb that deny it.
NEGATORS = _words("agreements", "negators")
#: Frames that report a claim to deny it ("denied reports that …").
DISPUTED_FRAMES: tuple[str, ...] = tuple(_AGREEMENTS["disputed_frames"])
#: Words soon after a lifecycle word that take the event back ("… was postponed").
DEFERRALS = frozenset(w.replace("-", " ") for w in _words("agreements", "deferrals"))
#: Words before a lifecycle verb that put it in the future or in doubt.
MODALS = _words("agreements", "modals")
#: Reporting words whose date is the day someone spoke.
SPEAKING = _words("agreements", "speaking")
#: Last words of a name that make it a body, not a person ("Corp", "Army").
ORG_WORDS = _words("agreements", "org_words")
#: Last words of a company's name ("Corp", "Shipping"), and of an armed group's.
COMPANY_WORDS = _words("agreements", "company_words")
ARMED_GROUP_WORDS = _words("agreements", "armed_group_words")
#: Gazetteer names that are organisations, not states.
ORGANISATIONS = frozenset(_AGREEMENTS["organisations"])
#: Common nouns after a name that make it a place ("the Kaveri river").
PLACE_NOUNS = _words("agreements", "place_nouns")
#: Capitalised words that name no party ("Western", "Negotiators").
NOT_PARTIES = _words("agreements", "not_parties")
#: A state's organs ("Kenya's parliament" stands for Kenya).
ORGANS = _words("agreements", "organs")
#: Heads that name an agreement only after one of their words ("prisoner exchange").
QUALIFIED_HEADS: dict[str, frozenset[str]] = {
    head: frozenset(words.split()) for head, words in _AGREEMENTS["qualified_heads"].items()
}
#: Status -> regular expressions of the words that set it, weakest stage first.
LIFECYCLE_CUES: dict[str, tuple[str, ...]] = {
    status: tuple(patterns) for status, patterns in _AGREEMENTS["cues"].items()
}

# -- identity ---------------------------------------------------------------------------

#: A word of an agreement's name or scope -> its topic family ("gas" -> "energy").
TOPICS: dict[str, str] = {
    word: family for family, words in _DATA["identity"]["topics"].items() for word in words.split()
}

# -- gazetteer ---------------------------------------------------------------------------

#: canonical name -> names the press uses for it ("Russia" -> "Moscow", "Kremlin", …).
ALIASES: dict[str, tuple[str, ...]] = {
    name: tuple(aliases) for name, aliases in _DATA["gazetteer"].items()
}
#: Adjectives and plurals of places that stand for the place ("iraqi" -> "Iraq").
DEMONYMS: dict[str, str] = dict(_DATA["demonyms"])

_LOOKUP: dict[str, str] = {}
for _name, _aliases in ALIASES.items():
    _LOOKUP[_name.casefold()] = _name
    for _alias in _aliases:
        _LOOKUP[_alias.casefold()] = _name


def canonical(name: str) -> str | None:
    """The canonical party name for a name or alias, or None if unknown."""
    return _LOOKUP.get(name.strip().casefold())
