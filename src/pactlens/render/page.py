"""The self-contained review page: the article on the left, the findings on the right.

Every grounded span (quotes, speaker mentions, agreement and clause evidence, party
mentions) becomes a ``<mark>`` in the article. Spans may overlap, so the text is cut at
every span boundary into non-overlapping segments; each segment is one ``<mark>`` whose
``data-ids`` lists every item covering it and whose ``data-span-start``/``data-span-end``
are its offsets in ``summary.text``. Cards on the right point at those items; a click
scrolls the first segment into view and flashes them all. CSS and JS (the package data
files ``page.css`` and ``page.js``, after ``badges.css``, shared with the book page) are
inlined and a Content-Security-Policy forbids loading anything, so the file works
offline, as is.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from typing import TYPE_CHECKING

from pactlens.render.common import (
    BADGES_CSS,
    csp_hash,
    date_text,
    dateline_text,
    is_apart,
    meta_text,
    obligation_text,
    party_names,
    quoted,
    segments,
    status_label,
)

if TYPE_CHECKING:
    from pactlens._models import Agreement, ArticleSummary, Clause, Span, Statement

__all__ = ["PALETTE", "render_page", "speaker_colours"]

#: (ink, background) pairs; a speaker's colour is picked from here by a stable hash.
PALETTE: tuple[tuple[str, str], ...] = (
    ("#1d4ed8", "#dbe7ff"),
    ("#b45309", "#ffe7c7"),
    ("#15803d", "#d3f5dd"),
    ("#7e22ce", "#efdcff"),
    ("#be123c", "#ffdbe2"),
    ("#0e7490", "#cff4fb"),
    ("#4d7c0f", "#e6f5c4"),
    ("#a21caf", "#fbdcfb"),
)
_ROLE_ORDER = ("cue", "quote", "report", "speaker", "evidence", "mention")
_E = html.escape


def _speaker_key(statement: Statement) -> str:
    return " ".join(statement.speaker.split()).casefold()


def speaker_colours(statements: list[Statement]) -> dict[str, int]:
    """Palette index per speaker key: a stable hash of the name, probing on collision.

    The same speaker always gets the same colour on one page; two speakers share one
    only when there are more speakers than colours.
    """
    colours: dict[str, int] = {}
    for key in sorted({_speaker_key(s) for s in statements}):
        index = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % len(PALETTE)
        for step in range(len(PALETTE)):
            if (index + step) % len(PALETTE) not in colours.values():
                index = (index + step) % len(PALETTE)
                break
        colours[key] = index
    return colours


@dataclass(frozen=True)
class _Target:
    key: str  # generated, [a-z0-9-] only: safe in selectors and ids
    span: Span
    role: str
    label: str
    colour: int | None = None
    statement_id: str | None = None


def _targets(summary: ArticleSummary, colours: dict[str, int]) -> list[_Target]:
    targets = []
    for i, party in enumerate(summary.parties):
        for j, span in enumerate(party.mentions):
            targets.append(_Target(f"p{i}-m{j}", span, "mention", f"party: {party.name}"))
    for i, agreement in enumerate(summary.agreements):
        for j, span in enumerate(agreement.evidence):
            targets.append(_Target(f"a{i}-e{j}", span, "evidence", f"agreement: {agreement.name}"))
        if agreement.status_evidence is not None:
            label = f"status of {agreement.name}: {status_label(agreement.status)}"
            targets.append(_Target(f"a{i}-st", agreement.status_evidence, "cue", label))
        if agreement.date_evidence is not None:
            label = f"date of {agreement.name}: {date_text(agreement)}"
            targets.append(_Target(f"a{i}-dt", agreement.date_evidence, "cue", label))
        for pid, span in agreement.party_evidence.items():
            named = summary.party(pid)
            label = f"party to {agreement.name}: {named.name if named else pid}"
            targets.append(_Target(f"a{i}-p-{pid}", span, "evidence", label))
        for k, clause in enumerate(agreement.clauses):
            for j, span in enumerate(clause.evidence):
                label = f"clause: {clause.topic}"
                targets.append(_Target(f"a{i}-c{k}-e{j}", span, "evidence", label))
    for n, st in enumerate(summary.statements):
        colour = colours[_speaker_key(st)]
        if st.span is not None:
            label = f"{st.speaker}: {st.kind} statement"
            role = "quote" if st.kind == "direct" else "report"
            targets.append(_Target(f"s{n}-q", st.span, role, label, colour, st.id))
        for j, piece in enumerate(st.pieces):
            label = f"{st.speaker}: quoted words"
            targets.append(_Target(f"s{n}-p{j}", piece, "quote", label, colour, st.id))
        if st.speaker_span is not None:
            label = f"speaker: {st.speaker}"
            targets.append(_Target(f"s{n}-sp", st.speaker_span, "speaker", label, colour))
    return [t for t in targets if t.span.end > t.span.start]


def _article(summary: ArticleSummary, targets: list[_Target]) -> tuple[str, dict[str, str]]:
    """The article as HTML with marks, and the first mark id of every target key."""
    text = summary.text
    bounds = sorted(
        {0, len(text)} | {t.span.start for t in targets} | {t.span.end for t in targets}
    )
    parts: list[str] = []
    first_mark: dict[str, str] = {}
    for start, end in pairwise(bounds):
        covering = [t for t in targets if t.span.start <= start and end <= t.span.end]
        chunk = _E(text[start:end])
        if not covering:
            parts.append(chunk)
            continue
        mark_id = f"m{start}"
        for t in covering:
            first_mark.setdefault(t.key, mark_id)
        roles = sorted({t.role for t in covering}, key=_ROLE_ORDER.index)
        ranked = sorted(covering, key=lambda t: _ROLE_ORDER.index(t.role))
        colour = next((t.colour for t in ranked if t.colour is not None), None)
        classes = " ".join(
            [f"m-{r}" for r in roles] + ([f"c{colour}"] if colour is not None else [])
        )
        attrs = [
            f'id="{mark_id}"',
            f'class="{classes}"',
            f'data-ids="{" ".join(t.key for t in covering)}"',
            f'data-span-start="{start}"',
            f'data-span-end="{end}"',
            f'title="{_E("; ".join(dict.fromkeys(t.label for t in ranked)))}"',
        ]
        if quoting := [t.statement_id for t in covering if t.statement_id is not None]:
            attrs.append(f'data-statement-id="{_E(" ".join(quoting))}"')
        parts.append(f"<mark {' '.join(attrs)}>{chunk}</mark>")
    return "".join(parts), first_mark


class _Cards:
    """Builds the cards; knows where each target's first mark is."""

    def __init__(
        self, summary: ArticleSummary, first_mark: dict[str, str], colours: dict[str, int]
    ) -> None:
        self.summary = summary
        self.first_mark = first_mark
        self.colours = colours

    def _jumps(self, keys: list[str], spans: list[Span]) -> str:
        links = []
        for key, span in zip(keys, spans, strict=True):
            excerpt = span.text if len(span.text) <= 90 else span.text[:87] + "…"
            href = f"#{self.first_mark.get(key, '')}"
            links.append(
                f'<li><a class="jump" href="{href}" data-targets="{key}">{_E(excerpt)}</a></li>'
            )
        return f'<ul class="evidence">{"".join(links)}</ul>' if links else ""

    def _link(self, key: str, text: str, span: Span | None) -> str:
        """``text``, linked to the words of the article that state it, if any."""
        if not text:
            return ""
        if span is None or key not in self.first_mark:
            return _E(text)
        title = _E(f"the text: “{span.text}”")
        return (
            f'<a class="jump fact" href="#{self.first_mark[key]}" data-targets="{key}" '
            f'title="{title}">{_E(text)}</a>'
        )

    def clause(self, a: int, k: int, clause: Clause, agreement: Agreement, apart: bool) -> str:
        keys = [f"a{a}-c{k}-e{j}" for j in range(len(clause.evidence))]
        rows = [f"<li>{_E(obligation_text(self.summary, o))}</li>" for o in clause.obligations]
        body = f"<p>{_E(clause.summary)}</p>"
        if rows:
            body += f'<ul class="obligations">{"".join(rows)}</ul>'
        if clause.condition:
            body += f'<p class="condition"><b>Condition:</b> {_E(clause.condition)}</p>'
        context = f'<div class="of">clause of {_E(agreement.name)}</div>' if apart else ""
        return (
            f'<div class="card clause" data-card="clause" data-targets="{" ".join(keys)}" '
            f'tabindex="0">{context}<h4>{_E(clause.topic)}</h4>{body}'
            f"{self._jumps(keys, clause.evidence)}</div>"
        )

    def agreement(self, a: int, agreement: Agreement, clauses_apart: bool) -> str:
        keys = [f"a{a}-e{j}" for j in range(len(agreement.evidence))]
        decided = self.summary.meta.decided_by.get(agreement.id, {})
        status_row = self._link(
            f"a{a}-st", status_label(agreement.status), agreement.status_evidence
        )
        if agreement.status_evidence is not None:
            status_row += f' <span class="by">({_E(decided.get("status", "model"))}'
            if agreement.asserted_by:
                status_row += f"; according to {_E(agreement.asserted_by)}"
            status_row += ")</span>"
        parties = ", ".join(
            self._link(f"a{a}-p-{pid}", name, agreement.party_evidence.get(pid))
            for pid, name in zip(
                agreement.party_ids, party_names(self.summary, agreement.party_ids), strict=False
            )
        )
        linked = [
            ("Status", status_row),
            ("Date", self._link(f"a{a}-dt", date_text(agreement), agreement.date_evidence)),
            ("Parties", parties),
        ]
        facts = [
            ("Kind", status_label(agreement.kind)),
            ("Signatories", ", ".join(agreement.signatories)),
            ("Place", agreement.place or ""),
            ("Scope", ", ".join(agreement.scope)),
            ("Caveats", "; ".join(agreement.caveats)),
        ]
        dl = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in linked if value)
        dl += "".join(f"<dt>{name}</dt><dd>{_E(value)}</dd>" for name, value in facts if value)
        clauses = "".join(
            self.clause(a, k, clause, agreement, apart=False)
            for k, clause in enumerate(agreement.clauses)
            if clause.evidence or not clauses_apart
        )
        status = _E(agreement.status)
        return (
            f'<article class="card agreement status-{status}" data-card="agreement" '
            f'data-targets="{" ".join(keys)}" tabindex="0"><h3>{_E(agreement.name)} '
            f'<span class="badge st-{status}">{_E(status_label(agreement.status))}</span></h3>'
            f"<dl>{dl}</dl>{self._jumps(keys, agreement.evidence)}{clauses}</article>"
        )

    def statement(self, n: int, st: Statement) -> str:
        keys = [k for k, span in ((f"s{n}-q", st.span), (f"s{n}-sp", st.speaker_span)) if span]
        colour = self.colours[_speaker_key(st)]
        if st.kind == "direct":
            body = _E(quoted(st.text))
        else:
            body = "".join(
                f'<em class="piece">{_E(part)}</em>' if piece else _E(part)
                for part, piece in segments(st)
            )
        cue = f' <span class="cue">{_E(st.cue)}</span>' if st.cue else ""
        flags = "".join(f'<span class="flag">{_E(f)}</span>' for f in st.flags)
        agreement = next((x for x in self.summary.agreements if x.id == st.agreement_id), None)
        about = f'<div class="about">on {_E(agreement.name)}</div>' if agreement else ""
        jump = ""
        if keys:
            label = "show in text" if st.span is not None else "show the speaker"
            jump = (
                f'<a class="jump" href="#{self.first_mark.get(keys[0], "")}" '
                f'data-targets="{" ".join(keys)}">{label}</a>'
            )
        if st.span is None:
            jump = f'<span class="nospan">not found in the text</span> {jump}'
        return (
            f'<article class="card statement kind-{st.kind} c{colour}" data-card="statement" '
            f'data-statement-id="{_E(st.id)}" data-targets="{" ".join(keys)}" tabindex="0">'
            f'<div class="who"><span class="speaker">{_E(st.speaker)}</span>{cue} '
            f'<span class="kind">{st.kind}</span>{flags}</div>'
            f'<blockquote class="{st.kind}">{body}</blockquote>{about}{jump}</article>'
        )


def _is_grounded(agreement: Agreement) -> bool:
    return bool(agreement.evidence) or any(c.evidence for c in agreement.clauses)


def render_page(summary: ArticleSummary) -> str:
    colours = speaker_colours(summary.statements)
    targets = _targets(summary, colours)
    article, first_mark = _article(summary, targets)
    cards = _Cards(summary, first_mark, colours)

    main: list[str] = []
    apart: list[str] = []
    for a, agreement in enumerate(summary.agreements):
        if _is_grounded(agreement):
            main.append(cards.agreement(a, agreement, clauses_apart=True))
            apart += [
                cards.clause(a, k, c, agreement, apart=True)
                for k, c in enumerate(agreement.clauses)
                if not c.evidence
            ]
        else:
            apart.append(cards.agreement(a, agreement, clauses_apart=False))
    statements = [cards.statement(n, st) for n, st in enumerate(summary.statements)]
    grounded = [c for c, st in zip(statements, summary.statements, strict=True) if not is_apart(st)]
    apart += [c for c, st in zip(statements, summary.statements, strict=True) if is_apart(st)]

    g = summary.meta.grounding
    notes = [f"<li><b>downgraded</b> {_E(x)}</li>" for x in g.downgraded]
    notes += [f"<li><b>dropped</b> {_E(x)}</li>" for x in g.dropped]
    if g.ungrounded_clauses:
        notes.append(f"<li><b>{g.ungrounded_clauses}</b> clause(s) without supporting text</li>")
    notes += [f"<li><b>warning</b> {_E(x)}</li>" for x in summary.meta.warnings]

    legend = "".join(
        f'<span class="chip c{colours[_speaker_key(st)]}">{_E(st.speaker)}</span>'
        for st in {_speaker_key(st): st for st in summary.statements}.values()
    )
    title = _E(summary.title or "Untitled article")
    sections = [
        f'<section class="summary"><p>{_E(summary.summary)}</p>'
        f'<div class="legend">{legend}<span class="chip ev">evidence</span>'
        '<span class="chip key"><span class="sw q"></span>direct quote</span>'
        '<span class="chip key"><span class="sw r"></span>reported speech</span></div></section>',
        f'<section id="agreements"><h2>Agreements</h2>{"".join(main) or "<p>None.</p>"}</section>',
        f'<section id="statements"><h2>Statements</h2>{"".join(grounded) or "<p>None.</p>"}'
        "</section>",
        '<section id="apart"><h2>Shown apart: not grounded in the text</h2>'
        f"{''.join(apart) or '<p>Nothing: every item is grounded.</p>'}"
        + (f'<ul class="notes">{"".join(notes)}</ul>' if notes else "")
        + "</section>",
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src '{_CSS_HASH}'; script-src '{_JS_HASH}'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · pactlens review</title>
<style>{_CSS}</style></head>
<body>
<header class="top"><h1>{title}</h1><div class="dateline">{_E(dateline_text(summary))}</div>
<div class="meta">{_E(meta_text(summary))}</div></header>
<main><div id="article" class="pane"><div class="text">{article}</div></div>
<div id="cards" class="pane">{"".join(sections)}</div></main>
<script>{_JS}</script>
</body></html>
"""


_COLOURS_CSS = "".join(f".c{i}{{--fg:{fg};--bg:{bg}}}" for i, (fg, bg) in enumerate(PALETTE))
_HERE = resources.files("pactlens.render")
_CSS = BADGES_CSS + _HERE.joinpath("page.css").read_text(encoding="utf-8") + _COLOURS_CSS
_JS = _HERE.joinpath("page.js").read_text(encoding="utf-8")


#: Only the page's own style and script blocks may apply: a script smuggled into an
#: article (escaped anyway) or injected by a later edit of the file does not run.
_CSS_HASH = csp_hash(_CSS)
_JS_HASH = csp_hash(_JS)
