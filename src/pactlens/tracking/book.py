"""The book of agreements: many article summaries become one record per agreement.

Each agreement an article reports becomes a :class:`StatusEvent`. :meth:`AgreementBook.add`
finds the record it belongs to with :func:`pactlens.grounding.identity.compare` against
the records that share a party, a topic or a name with it (an index keeps this linear in
the corpus, never all pairs), asks the ``judge`` (the model, cached) only where the rules
are unsure, and otherwise starts a new record. Records are built from their events on
demand: name, kind, parties, the timeline in the order the statuses held, the conflicts
between reports, and the current status.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pactlens._models import ArticleSummary, Span
from pactlens.grounding.assembly import split_sentences
from pactlens.grounding.identity import Profile, Verdict, compare, profile
from pactlens.tracking.records import (
    STAGES,
    AgreementRecord,
    ArticleRef,
    Conflict,
    StatusEvent,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator


__all__ = ["AgreementBook", "Judge", "events_of", "fingerprint"]

#: Asked where the rules are unsure: two short descriptions in, True (the same
#: agreement), False, or None (cannot tell) out.
Judge = Callable[[str, str], "bool | None"]

#: A candidate is worth a question only with this much in common (a party and a kind,
#: a topic): a bare "deal" and a ceasefire in another country's story are not.
_WORTH_ASKING = 1.5
#: At most this many candidate records per index key are weighed for one mention (the
#: most recent), so a party in every article does not make the book quadratic.
_CANDIDATES_PER_KEY = 64


def fingerprint(summary: ArticleSummary) -> str:
    """What changes when an article's summary does: its text and its agreements."""
    digest = hashlib.sha256(summary.text.encode())
    for agreement in summary.agreements:
        digest.update(agreement.model_dump_json().encode())
    return digest.hexdigest()[:16]


def _quote(text: str, span: Span | None, sentences: list[Span]) -> str | None:
    if span is None:
        return None
    starts = [s.start for s in sentences]
    i = bisect.bisect_right(starts, span.start) - 1
    if i >= 0 and sentences[i].end >= span.end:
        return sentences[i].text
    return text[max(0, span.start - 120) : span.end + 120].strip()


def events_of(summary: ArticleSummary, article: ArticleRef) -> list[StatusEvent]:
    """One event per agreement the summary reports, parties by canonical name."""
    sentences = split_sentences(summary.text) if summary.agreements else []
    around = [p.name for p in summary.parties if p.kind != "person"]
    events = []
    for agreement in summary.agreements:
        parties = [p.name for p in (summary.party(i) for i in agreement.party_ids) if p]
        evidence = agreement.status_evidence or (
            agreement.evidence[0] if agreement.evidence else None
        )
        decided = summary.meta.decided_by.get(agreement.id, {}).get("status")
        events.append(
            StatusEvent(
                status=agreement.status,
                date=agreement.date,
                date_phrase=agreement.date_phrase,
                article=article,
                agreement_id=agreement.id,
                name=agreement.name,
                kind=agreement.kind,
                parties=list(dict.fromkeys(parties)),
                article_parties=[p for p in around if p not in parties],
                scope=agreement.scope,
                evidence=evidence,
                quote=_quote(summary.text, evidence, sentences),
                asserted_by=agreement.asserted_by,
                decided_by=decided,
            )
        )
    return events


def profile_of(event: StatusEvent) -> Profile:
    return profile(
        [event.name],
        kind=event.kind,
        parties=event.parties,
        scope=event.scope,
        context=event.article_parties,
    )


def describe(event: StatusEvent) -> str:
    """A mention in a line, for the judge: name, kind, parties, status, day, sentence."""
    parties = " and ".join(event.parties) or "parties not named"
    day = event.reported.isoformat() if event.reported else "undated"
    quote = f' Text: "{event.quote}"' if event.quote else ""
    return f"{event.name!r} ({event.kind}; {parties}; {event.status}; reported {day}).{quote}"


def describe_record(record: AgreementRecord) -> str:
    """A record in a line, for the judge: its names, kind, parties, latest status and
    report, and that report's sentence."""
    last = record.timeline[-1]
    names = ", ".join(repr(n) for n in record.aliases[:4])
    parties = " and ".join(record.parties) or "parties not named"
    day = last.reported.isoformat() if last.reported else "undated"
    quote = f' Text: "{last.quote}"' if last.quote else ""
    return (
        f"{names} ({record.kind}; {parties}; {record.current_status}; last reported {day}).{quote}"
    )


@dataclass
class _Group:
    id: str
    events: list[StatusEvent] = field(default_factory=list)
    profile: Profile = field(default_factory=Profile)
    record: AgreementRecord | None = None


class AgreementBook:
    """One :class:`AgreementRecord` per real-world agreement, from article summaries.

    An unsure mention joins its best candidate when that one is clearly ahead (the
    rules' guess, ``matched="unsure"``); otherwise ``judge`` (see :data:`Judge`) is asked
    about the best few, and without a judge, or when it cannot tell, the mention starts
    a record of its own. ``store`` (see :class:`pactlens.tracking.store.Store`) persists
    every change; :func:`pactlens.tracking.open_book` opens one.
    """

    def __init__(
        self,
        *,
        judge: Judge | None = None,
        store: Any = None,
    ) -> None:
        self.judge = judge
        self.store = store
        #: Pairs put to the judge; mentions joined on the rules' best guess (one unsure
        #: candidate clearly ahead); mentions left apart that a judge would have been
        #: asked about (several unsure candidates, or a weak one) when there was none.
        self.questions = 0
        self.unsure = 0
        self.undecided = 0
        self._groups: dict[str, _Group] = {}
        self._of_event: dict[tuple[str, str], str] = {}
        self._articles: dict[str, tuple[ArticleRef, str]] = {}
        #: index key -> record ids, the most recently joined last (a dict as an ordered set).
        self._index: dict[str, dict[str, None]] = defaultdict(dict)

    # -- adding ------------------------------------------------------------------------

    def add(self, item: Any, *, article_id: str | None = None) -> list[str]:
        """Add one article: an :class:`~pactlens.ArticleSummary` or a batch
        :class:`~pactlens.Result` (a failed one adds nothing). ``article_id`` defaults
        to the result's id, else a hash of the text. Adding the same article again is a
        no-op; adding a changed summary under the same id replaces its events. Returns
        the ids of the records it touched."""
        summary = item.summary if not isinstance(item, ArticleSummary) else item
        if summary is None:
            return []
        if article_id is None:
            article_id = getattr(item, "id", None) or _text_id(summary)
        stamp = fingerprint(summary)
        known = self._articles.get(article_id)
        if known is not None and known[1] == stamp:
            return []
        touched = set(self._remove(article_id)) if known is not None else set()
        ref = ArticleRef(
            id=article_id, title=summary.title, source=summary.source, dateline=summary.dateline
        )
        self._articles[article_id] = (ref, stamp)
        added: list[StatusEvent] = []
        for found in events_of(summary, ref):
            mention = profile_of(found)
            taken = {self._of_event[e.key] for e in added}
            event, group = self._place(found, mention, taken)
            self._join(group, event, mention)
            added.append(event)
            touched.add(group.id)
        if self.store is not None:
            self.store.save_article(self, ref, stamp, sorted(touched))
        return sorted(touched)

    def update(self, items: Iterable[Any]) -> None:
        """Add many articles (summaries or batch results), in order."""
        for item in items:
            self.add(item)

    def _place(
        self, event: StatusEvent, mention: Profile, taken: set[str]
    ) -> tuple[StatusEvent, _Group]:
        weighed: list[tuple[Verdict, _Group]] = []
        for group in self._candidates(mention):
            verdict = compare(group.profile, mention)
            if verdict.same is not False:
                weighed.append((verdict, group))
        weighed.sort(key=lambda vg: (-vg[0].score, -len(vg[1].events)))
        sure = [vg for vg in weighed if vg[0].same]
        clear = len(sure) == 1 or (sure and sure[0][0].score - sure[1][0].score >= 1.0)
        if sure and (clear or self.judge is None):
            # Two records the rules both call the same (one agreement split earlier): the
            # better match, the larger record on a tie; a judge is asked instead.
            verdict, group = sure[0]
            return _matched(event, "rules", verdict), group
        unsure = [vg for vg in weighed if vg[1].id not in taken or vg[0].same]
        if (
            unsure
            and unsure[0][0].score >= 2
            and (len(unsure) == 1 or unsure[0][0].score - unsure[1][0].score >= 1)
        ):
            # One candidate clearly ahead: the rules' best guess, no question needed.
            self.unsure += 1
            verdict, group = unsure[0]
            return _matched(event, "unsure", verdict), group
        if self.judge is not None:
            # Several candidates, or one with little for it: ask, best first. A judge
            # that cannot tell leaves the mention a record of its own.
            for verdict, group in [vg for vg in unsure if vg[0].score >= _WORTH_ASKING][:3]:
                self.questions += 1
                answer = self.judge(describe_record(self.record(group.id)), describe(event))
                if answer:
                    return _matched(event, "model", verdict), group
        elif any(vg[0].score >= _WORTH_ASKING for vg in unsure):
            self.undecided += 1
        group = _Group(id=_record_id(event))
        self._groups[group.id] = group
        return event, group

    def _candidates(self, mention: Profile) -> Iterator[_Group]:
        keys = _keys(mention)
        seen: set[str] = set()
        for key in keys:
            recent = itertools.islice(reversed(self._index.get(key, {})), _CANDIDATES_PER_KEY)
            for group_id in recent:
                if group_id not in seen and group_id in self._groups:
                    seen.add(group_id)
                    yield self._groups[group_id]

    def _join(self, group: _Group, event: StatusEvent, mention: Profile) -> None:
        group.events.append(event)
        group.profile = group.profile.union(mention)
        group.record = None
        self._of_event[event.key] = group.id
        for key in _keys(mention):
            ids = self._index[key]
            ids.pop(group.id, None)
            ids[group.id] = None

    def _remove(self, article_id: str) -> list[str]:
        touched = []
        for group in list(self._groups.values()):
            kept = [e for e in group.events if e.article.id != article_id]
            if len(kept) == len(group.events):
                continue
            touched.append(group.id)
            for e in group.events:
                if e.article.id == article_id:
                    del self._of_event[e.key]
            group.events, group.record = kept, None
            group.profile = Profile()
            for e in kept:
                group.profile = group.profile.union(profile_of(e))
            if not kept:
                del self._groups[group.id]
        del self._articles[article_id]
        return touched

    def restore(self, ref: ArticleRef, stamp: str, events: list[tuple[str, StatusEvent]]) -> None:
        """Put back an article as a store read it: each event in its stored record, with
        no matching (the decisions were made when it was first added)."""
        self._articles[ref.id] = (ref, stamp)
        for group_id, event in events:
            group = self._groups.get(group_id)
            if group is None:
                group = self._groups[group_id] = _Group(id=group_id)
            self._join(group, event, profile_of(event))

    # -- reading -----------------------------------------------------------------------

    @property
    def records(self) -> list[AgreementRecord]:
        """Every record, the most recently reported first."""
        built = [self.record(g) for g in self._groups]
        return sorted(built, key=_latest, reverse=True)

    def record(self, record_id: str) -> AgreementRecord:
        group = self._groups[record_id]
        if group.record is None:
            group.record = build_record(group.id, group.events)
        return group.record

    def record_of(self, article_id: str, agreement_id: str) -> AgreementRecord | None:
        """The record an article's agreement was placed in."""
        group_id = self._of_event.get((article_id, agreement_id))
        return self.record(group_id) if group_id is not None else None

    @property
    def articles(self) -> list[ArticleRef]:
        return [ref for ref, _ in self._articles.values()]

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._groups

    def __len__(self) -> int:
        return len(self._groups)

    def __iter__(self) -> Iterator[AgreementRecord]:
        return iter(self.records)

    def __repr__(self) -> str:
        contested = sum(r.contested for r in self.records)
        return (
            f"<AgreementBook: {len(self)} agreements from {len(self._articles)} articles"
            f", {contested} contested>"
        )

    # -- exports, rendering (lazily, like ArticleSummary's) -----------------------------

    def to_records(self) -> list[dict[str, Any]]:
        """One flat row per event, with its record's id, name and current status."""
        from pactlens.tracking.exports import to_rows

        return to_rows(self.records)

    def to_dataframe(self) -> Any:
        from pactlens.tracking.exports import to_dataframe

        return to_dataframe(self.records)

    def to_parquet(self, path: str) -> None:
        from pactlens.tracking.exports import to_parquet

        to_parquet(self.records, path)

    def to_html(self) -> str:
        """A self-contained page: one timeline per agreement, each event with its quote."""
        from pactlens.tracking.page import render_book

        return render_book(self)

    def _repr_html_(self) -> str:
        from pactlens.tracking.page import render_fragment

        return render_fragment(self)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> AgreementBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _keys(mention: Profile) -> list[str]:
    """Where a mention is indexed and looked up: its parties (the article's, if it has
    none), topics, proper names and name words."""
    return (
        [f"p:{p}" for p in (mention.parties or mention.context)]
        + [f"t:{t}" for t in mention.topics]
        + [f"n:{n}" for n in mention.names]
        + [f"w:{w}" for w in mention.words]
    )


def _matched(event: StatusEvent, how: str, verdict: Verdict) -> StatusEvent:
    return event.model_copy(update={"matched": how, "reasons": list(verdict.reasons)})


def _text_id(summary: ArticleSummary) -> str:
    return "a-" + hashlib.sha256(summary.text.encode()).hexdigest()[:12]


def _record_id(event: StatusEvent) -> str:
    key = f"{event.article.id}\x00{event.agreement_id}".encode()
    return "ag-" + hashlib.sha256(key).hexdigest()[:10]


def _latest(record: AgreementRecord) -> str:
    last = record.timeline[-1]
    return (last.reported or last.as_of or _NEVER).isoformat()


# -- building a record from its events -------------------------------------------------

_NEVER = dt.date.min


def _rank(status: str) -> int | None:
    return STAGES.index(status) if status in STAGES and status != "speculative" else None


def _order(event: StatusEvent) -> tuple[dt.date, dt.date, int]:
    rank = STAGES.index(event.status) if event.status in STAGES else len(STAGES)
    return (event.as_of or _NEVER, event.reported or _NEVER, rank)


def conflicts_of(timeline: list[StatusEvent]) -> list[Conflict]:
    """Pairs of reports from different articles where the later (or same-day) report
    gives an earlier stage than the status the first says already held: both cannot be
    true. A report published after both settles the conflict. Suspended and collapsed
    are moves, not contradictions, and a speculative mention claims nothing."""
    found: list[Conflict] = []
    for b in timeline:
        rank_b = _rank(b.status)
        if rank_b is None or b.reported is None:
            continue
        claims = [
            a
            for a in timeline
            if a is not b
            and a.article.id != b.article.id
            and (rank_a := _rank(a.status)) is not None
            and rank_b < rank_a
            and a.as_of is not None
            and b.reported >= a.as_of
            and (a.reported is None or b.reported >= a.reported)
        ]
        if not claims:
            continue
        # The report it contradicts: the latest claim of a later stage.
        a = max(claims, key=lambda e: (e.reported or _NEVER, e.as_of or _NEVER))
        settled = max(a.reported or _NEVER, b.reported)
        later = [
            e
            for e in timeline
            if e.reported is not None
            and e.reported > settled
            and e.article.id not in (a.article.id, b.article.id)
        ]
        found.append(
            Conflict(
                earlier=a.key,
                later=b.key,
                statuses=(a.status, b.status),
                resolved_by=later[0].key if later else None,
            )
        )
    return found


def _name(events: list[StatusEvent], parties: list[str]) -> str:
    """The name the articles agree on: one with a proper name in it if any ("Veldhar
    Treaty"), the most used, the most informative."""
    counts = Counter(e.name for e in events)
    own = {w.casefold() for p in parties for w in p.split()}

    def weight(name: str) -> tuple[int, int, int]:
        words = name.split()
        proper = sum(1 for w in words[1:] if w[:1].isupper() and w.casefold() not in own)
        return (proper > 0, counts[name], len(words))

    return max(counts, key=weight)


def build_record(record_id: str, events: list[StatusEvent]) -> AgreementRecord:
    timeline = sorted(events, key=_order)
    party_counts = Counter(p for e in events for p in e.parties)
    top = max(party_counts.values(), default=0)
    parties = [p for p, n in party_counts.most_common() if 2 * n >= top]
    kinds = Counter(e.kind for e in events if e.kind != "other")
    conflicts = conflicts_of(timeline)
    current = timeline[-1]
    open_conflicts = [c for c in conflicts if not c.resolved]
    if open_conflicts:
        # Reports disagree and nothing has settled them: the latest report is the best
        # estimate of now, and on the same day the earlier stage (a disputed step is not
        # counted as taken); the record says it is contested.
        claims = [e for c in open_conflicts for e in timeline if e.key in (c.earlier, c.later)]
        current = max(claims, key=lambda e: (e.reported or _NEVER, -_order(e)[2]))
    return AgreementRecord(
        id=record_id,
        name=_name(events, parties),
        kind=kinds.most_common(1)[0][0] if kinds else "other",
        parties=parties,
        aliases=list(dict.fromkeys(e.name for e in timeline)),
        timeline=timeline,
        current_status=current.status,
        current=current.key,
        conflicts=conflicts,
    )
