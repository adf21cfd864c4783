"""Parties: canonical names, aliases folded in (Moscow → Russia), representatives.

Pure, no I/O. The model names parties and the people acting for them; this module
merges what it lists twice, adds the aliases the gazetteer knows and the text uses,
keeps only parties the text mentions, and maps names and speakers to party ids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pactlens import lexicon
from pactlens._models import GroundingReport, Party, PartyKind, Representative, Span
from pactlens.grounding.match import find_mentions

__all__ = ["PartyRegistry", "guess_kind", "party_id", "slug", "speaker_party"]

_ROLE = re.compile(
    rf"\b({'|'.join(re.escape(role) for role in lexicon.ROLES)})\s+(?:[A-Z][\w'-]+\s+)*$"
)


def guess_kind(name: str) -> PartyKind:
    """A party's kind from its name alone: the gazetteer's states and organisations,
    firms and armed groups by their last word ("Corp", "Front"), else a state."""
    known = lexicon.canonical(name)
    if known is not None:
        return "organisation" if known in lexicon.ORGANISATIONS else "state"
    last = name.rsplit(maxsplit=1)[-1].casefold() if name.split() else ""
    if last in lexicon.COMPANY_WORDS:
        return "company"
    if last in lexicon.ARMED_GROUP_WORDS:
        return "group"
    if last in lexicon.ORG_WORDS:
        return "organisation"
    return "state" if len(name.split()) == 1 else "other"


def slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "party"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


@dataclass
class _Draft:
    name: str
    kind: PartyKind
    aliases: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)


class PartyRegistry:
    """Builds the party list, folding aliases (Moscow) into canonical names (Russia)."""

    def __init__(self, text: str, *, exclude: Sequence[Span] = ()) -> None:
        self.text = text
        self.exclude = list(exclude)  # stretches whose mentions do not count
        self.drafts: dict[str, _Draft] = {}  # by casefolded canonical name, in order

    def _mentions(self, names: list[str]) -> list[Span]:
        return [
            m
            for m in find_mentions(self.text, names)
            if not any(x.start <= m.start < x.end for x in self.exclude)
        ]

    def _find(self, key: str) -> _Draft | None:
        if key in self.drafts:
            return self.drafts[key]
        return next(
            (d for d in self.drafts.values() if key in {a.casefold() for a in d.aliases}), None
        )

    def add(
        self,
        name: str,
        kind: PartyKind = "other",
        aliases: list[str] | None = None,
        leaders: list[str] | None = None,
    ) -> None:
        name = " ".join(name.split())
        if not name:
            return  # a small model's empty string names no one
        canonical = lexicon.canonical(name) or name
        draft = self._find(canonical.casefold())
        if draft is None:
            draft = self.drafts[canonical.casefold()] = _Draft(canonical, kind)
        if name != draft.name:
            draft.aliases.append(name)
        draft.aliases.extend(a for a in (" ".join(x.split()) for x in aliases or []) if a)
        draft.leaders.extend(p for p in (" ".join(x.split()) for x in leaders or []) if p)
        if draft.kind == "other":
            draft.kind = kind

    def build(self, report: GroundingReport) -> list[Party]:
        parties: list[Party] = []
        ids: set[str] = set()
        for draft in self.drafts.values():
            name = draft.name
            candidates = [*draft.aliases, *lexicon.ALIASES.get(name, ())]
            aliases = list(
                dict.fromkeys(
                    a for a in candidates if a.casefold() != name.casefold() and self._mentions([a])
                )
            )
            mentions = self._mentions([name, *aliases])
            if not mentions:
                where = " outside text addressed to AI systems" if self.exclude else ""
                report.dropped.append(f"party {name!r}: not mentioned in the text{where}")
                continue
            parties.append(
                Party(
                    id=slug(name, ids),
                    name=name,
                    kind=draft.kind,
                    aliases=aliases,
                    representatives=[
                        Representative(name=leader, role=_role_of(self.text, leader))
                        for leader in dict.fromkeys(draft.leaders)
                    ],
                    mentions=mentions,
                )
            )
        return parties


def _role_of(text: str, person: str) -> str | None:
    """The title written before a person's name ("Russian President Vladimir Putin")."""
    for span in find_mentions(text, [person]):
        match = _ROLE.search(text[max(0, span.start - 60) : span.start])
        if match:
            return match.group(1)
    return None


def party_id(parties: list[Party], name: str) -> str | None:
    wanted = {name.casefold(), (lexicon.canonical(name) or name).casefold()}
    for party in parties:
        names = {party.name.casefold(), *(a.casefold() for a in party.aliases)}
        if names & wanted:
            return party.id
    return None


def speaker_party(parties: list[Party], speaker: str, mention: str | None = None) -> str | None:
    """The party a speaker speaks for: the one that has them as representative, or is
    them ("the Foreign Ministry"), or that the mention as written names around them
    ("Valdoria's foreign minister Paula Reyes", "Russian President Vladimir Putin")."""
    surname = speaker.rsplit(maxsplit=1)[-1].casefold() if speaker.split() else ""
    for party in parties:
        for rep in party.representatives:
            if surname and rep.name.split() and rep.name.split()[-1].casefold() == surname:
                return party.id
    if (found := party_id(parties, speaker)) is not None or not mention:
        return found
    around = mention.replace(speaker, " ") if speaker in mention else mention
    for word in re.findall(r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*", re.sub(r"['’]s\b", "", around)):
        state = lexicon.DEMONYMS.get(word.casefold(), word)
        if (found := party_id(parties, state)) is not None:
            return found
    return None
