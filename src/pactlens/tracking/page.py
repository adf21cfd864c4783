"""The book as HTML: a self-contained page with one timeline per agreement, and a compact
table for a notebook cell.

On the page every event links to the sentence it came from (its quote, with the status
words in a ``<mark>``); a click scrolls the quote into view and flashes it. The record's
conflicts are listed with both reports, and the event the current status comes from is
marked. CSS and JS (the package data files ``book.css`` and ``book.js``, after the shared
``render/badges.css``) are inlined and
a Content-Security-Policy forbids loading anything, so the file works offline, as is.
Every piece of text from the articles is escaped.
"""

from __future__ import annotations

import html
import re
from importlib import resources
from typing import TYPE_CHECKING

from pactlens.render.common import BADGES_CSS, csp_hash, fragment_badge, status_label

if TYPE_CHECKING:
    from pactlens.tracking.book import AgreementBook
    from pactlens.tracking.records import AgreementRecord, ArticleRef, Conflict, StatusEvent

__all__ = ["render_book", "render_fragment"]

_E = html.escape


def _badge(status: str) -> str:
    return f'<span class="badge st-{_E(status)}">{_E(status_label(status))}</span>'


def _article_name(article: ArticleRef) -> str:
    return article.title or article.id


def _article_text(article: ArticleRef) -> str:
    """``<cite>title</cite> · source · place``, escaped."""
    parts = [f"<cite>{_E(_article_name(article))}</cite>"]
    if article.source:
        parts.append(_E(article.source))
    if article.dateline is not None and article.dateline.place:
        parts.append(_E(article.dateline.place))
    return " · ".join(parts)


def _find(quote: str, words: str) -> int:
    """Where the evidence words are in the quote: as whole words if they are, else
    anywhere; -1 if not at all."""
    if not words:
        return -1
    whole = re.search(rf"(?<!\w){re.escape(words)}(?!\w)", quote)
    return whole.start() if whole else quote.find(words)


def _quote_html(event: StatusEvent) -> str:
    """The event's quote, escaped, with its evidence words in a ``<mark>``."""
    quote = event.quote or ""
    words = event.evidence.text if event.evidence is not None else ""
    at = _find(quote, words)
    if at < 0:
        return _E(quote)
    end = at + len(words)
    return f"{_E(quote[:at])}<mark>{_E(quote[at:end])}</mark>{_E(quote[end:])}"


class _Record:
    """Renders one record; knows each event's number (1-based, timeline order)."""

    def __init__(self, record: AgreementRecord) -> None:
        self.record = record
        self.rid = _E(record.id)
        self.number = {e.key: n for n, e in enumerate(record.timeline, start=1)}
        self.clashing = {k for c in record.conflicts for k in (c.earlier, c.later)}

    def _ref(self, key: tuple[str, str], text: str) -> str:
        """``text``, linked to the event with this key (if the record has it)."""
        n = self.number.get(key)
        if n is None:
            return _E(text)
        return f'<a class="event-link" href="#ev-{self.rid}-{n}">{_E(text)}</a>'

    def _event_name(self, key: tuple[str, str]) -> str:
        n = self.number.get(key)
        return _article_name(self.record.timeline[n - 1].article) if n else key[0]

    def event(self, n: int, event: StatusEvent) -> str:
        classes = ["event"]
        flags = ""
        if event.key == self.record.current:
            classes.append("current")
            flags += '<span class="now">current status</span>'
        if event.key in self.clashing:
            classes.append("conflict")
            flags += '<span class="clash">conflicting report</span>'
        day = event.date.isoformat() if event.date else "undated"
        if event.date_phrase:
            day += f" (“{event.date_phrase}”)"
        reported = event.reported.isoformat() if event.reported else "undated"
        said = f"as “{_E(event.name)}”"
        if event.asserted_by:
            said += f", according to {_E(event.asserted_by)}"
        why = "; ".join(event.reasons) or "the first report of it"
        if event.quote:
            words = event.evidence.text if event.evidence is not None else "quote"
            link = (
                f'<a class="quote-link" href="#q-{self.rid}-{n}" '
                f'title="show the sentence">“{_E(words)}”</a>'
            )
        else:
            link = '<span class="noquote">no quote</span>'
        return (
            f'<li id="ev-{self.rid}-{n}" class="{" ".join(classes)}" '
            f'data-status="{_E(event.status)}">'
            f'<div><span class="when">{_E(day)}</span> '
            f'<span class="reported">reported {_E(reported)}</span> '
            f"{_badge(event.status)}{flags}{link}</div>"
            f'<div class="src">{_article_text(event.article)}</div>'
            f'<div class="as">{said} <span class="how" title="{_E(why)}">· matched: '
            f"{_E(event.matched)}</span></div></li>"
        )

    def conflict(self, conflict: Conflict) -> str:
        first, second = conflict.statuses
        outcome = (
            '<span class="resolved">resolved by '
            f"{self._ref(conflict.resolved_by, self._event_name(conflict.resolved_by))}</span>"
            if conflict.resolved_by is not None
            else '<span class="unresolved">unresolved</span>'
        )
        return (
            f"<li>{self._ref(conflict.earlier, self._event_name(conflict.earlier))} "
            f"{_badge(first)} then {self._ref(conflict.later, self._event_name(conflict.later))} "
            f"{_badge(second)}: {outcome}</li>"
        )

    def quote(self, n: int, event: StatusEvent) -> str:
        if not event.quote:
            return ""
        return (
            f'<figure><blockquote id="q-{self.rid}-{n}" class="quote">{_quote_html(event)}'
            f"</blockquote><figcaption>{_article_text(event.article)} · "
            f'<a class="event-link" href="#ev-{self.rid}-{n}">back to the timeline</a>'
            "</figcaption></figure>"
        )

    def section(self) -> str:
        r = self.record
        badges = _badge(r.current_status)
        if r.contested:
            badges += ' <span class="badge contested">contested</span>'
        current = self.number.get(r.current)
        facts = [
            ("Kind", _E(status_label(r.kind))),
            ("Parties", _E(", ".join(r.parties)) or "not named"),
            (
                "Current status",
                f"{badges} from {self._ref(r.current, self._event_name(r.current))}",
            ),
            ("Also called", _E("; ".join(a for a in r.aliases if a != r.name))),
        ]
        dl = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts if value)
        events = "".join(self.event(n, e) for n, e in enumerate(r.timeline, start=1))
        conflicts = "".join(self.conflict(c) for c in r.conflicts)
        quotes = "".join(self.quote(n, e) for n, e in enumerate(r.timeline, start=1))
        return (
            f'<section id="rec-{self.rid}" class="record{" contested" if r.contested else ""}" '
            f'data-current="{current or ""}"><h2>{_E(r.name)} {badges}</h2><dl>{dl}</dl>'
            f'<h3>Timeline</h3><ol class="timeline">{events}</ol>'
            + (f'<h3>Conflicts</h3><ul class="conflicts">{conflicts}</ul>' if conflicts else "")
            + (
                f'<h3>What the articles say</h3><div class="quotes">{quotes}</div>'
                if quotes
                else ""
            )
            + "</section>"
        )


def _counts(book: AgreementBook, records: list[AgreementRecord]) -> tuple[int, int, int]:
    return len(records), len(book.articles), sum(r.contested for r in records)


def render_book(book: AgreementBook) -> str:
    """The whole book as one self-contained HTML page (see the module's docstring)."""
    records = book.records
    agreements, articles, contested = _counts(book, records)
    toc = "".join(
        f'<li><a href="#rec-{_E(r.id)}">{_E(r.name)}</a> {_badge(r.current_status)}'
        + (' <span class="badge contested">contested</span>' if r.contested else "")
        + "</li>"
        for r in records
    )
    sections = "".join(_Record(r).section() for r in records)
    body = (
        f'<nav class="toc"><ol>{toc}</ol></nav>{sections}'
        if records
        else "<p>No agreements yet.</p>"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src '{_CSS_HASH}'; script-src '{_JS_HASH}'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agreements · pactlens</title>
<style>{_CSS}</style></head>
<body>
<header class="top"><h1>Agreements</h1><div class="counts">\
<b id="n-agreements">{agreements}</b> agreement(s) from <b id="n-articles">{articles}</b> \
article(s), <b id="n-contested">{contested}</b> contested</div>
<div class="meta">{book.questions} question(s) put to the model</div></header>
<main>{body}</main>
<script>{_JS}</script>
</body></html>
"""


_CELL = "padding:.15em .5em;text-align:left;vertical-align:top"


def render_fragment(book: AgreementBook) -> str:
    """A compact table for a notebook cell (``_repr_html_``): inline styles, no script."""
    records = book.records
    agreements, articles, contested = _counts(book, records)
    head = "".join(
        f'<th style="{_CELL}">{name}</th>'
        for name in (
            "Agreement",
            "Kind",
            "Parties",
            "Status",
            "Contested",
            "Events",
            "Last reported",
        )
    )
    rows = []
    for r in records:
        days = [e.reported for e in r.timeline if e.reported is not None]
        cells = [
            f"<b>{_E(r.name)}</b>",
            _E(status_label(r.kind)),
            _E(", ".join(r.parties)),
            fragment_badge(r.current_status),
            '<b style="color:#c2410c">contested</b>' if r.contested else "",
            str(len(r.timeline)),
            max(days).isoformat() if days else "—",
        ]
        rows.append("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in cells) + "</tr>")
    return (
        '<div class="pactlens-book" style="line-height:1.45;max-width:70em">'
        f"<div><b>{agreements}</b> agreement(s) from <b>{articles}</b> article(s), "
        f"<b>{contested}</b> contested</div>"
        f'<table style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


_HERE = resources.files("pactlens.tracking")
_CSS = BADGES_CSS + _HERE.joinpath("book.css").read_text(encoding="utf-8")
_JS = _HERE.joinpath("book.js").read_text(encoding="utf-8")


_CSS_HASH = csp_hash(_CSS)
_JS_HASH = csp_hash(_JS)
