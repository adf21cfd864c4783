"""Helpers every rendering shares: labels, dates, party names, quoting, provenance."""

from __future__ import annotations

import base64
import hashlib
import html
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pactlens._models import Agreement, ArticleSummary, Obligation, Statement

__all__ = [
    "BADGES_CSS",
    "csp_hash",
    "date_text",
    "dateline_text",
    "fragment_badge",
    "is_apart",
    "meta_text",
    "obligation_text",
    "party_names",
    "quoted",
    "segments",
    "status_label",
]

_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"


def csp_hash(source: str) -> str:
    """The CSP source for exactly this inline block: anything else is refused to run."""
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()


#: The badge and definition-list styles both pages share (a package data file).
BADGES_CSS = resources.files("pactlens.render").joinpath("badges.css").read_text(encoding="utf-8")

#: Status colours for the notebook fragments (inline styles: a notebook cell has no CSS).
_BADGE_COLOURS = {
    "signed": "#1b7a3a",
    "ratified": "#1b7a3a",
    "in_force": "#1b7a3a",
    "agreed": "#1f5fa8",
    "proposed": "#8a6d00",
    "under_negotiation": "#8a6d00",
    "suspended": "#a33",
    "collapsed": "#a33",
    "speculative": "#666",
}


def fragment_badge(status: str) -> str:
    """A status as an inline-styled badge (speculative dashed, never solid)."""
    colour = _BADGE_COLOURS.get(status, "#555")
    if status == "speculative":
        style = f"border:1px dashed {colour};color:{colour};font-style:italic"
    else:
        style = f"background:{colour};color:#fff"
    return (
        f'<span style="{style};border-radius:3px;padding:0 .35em;font-size:.85em">'
        f"{html.escape(status_label(status))}</span>"
    )


def status_label(status: str) -> str:
    """``under_negotiation`` → ``under negotiation``."""
    return status.replace("_", " ")


def date_text(agreement: Agreement) -> str:
    """The agreement's date with the words it came from: ``2024-06-19 ("on Wednesday")``."""
    parts = []
    if agreement.date is not None:
        parts.append(agreement.date.isoformat())
    if agreement.date_phrase:
        phrase = f"“{agreement.date_phrase}”"
        parts.append(f"({phrase})" if parts else phrase)
    return " ".join(parts)


def party_names(summary: ArticleSummary, ids: Iterable[str]) -> list[str]:
    """Party ids resolved to canonical names (unknown ids are kept as written)."""
    names = []
    for party_id in ids:
        party = summary.party(party_id)
        names.append(party.name if party is not None else party_id)
    return names


def obligation_text(summary: ArticleSummary, obligation: Obligation) -> str:
    (who,) = party_names(summary, [obligation.party])
    text = f"{who}: {obligation.duty}"
    if obligation.beneficiary:
        (to,) = party_names(summary, [obligation.beneficiary])
        text += f" (to {to})"
    return text


def quoted(text: str) -> str:
    """Wrap in curly quotes unless the text already carries its own quotation marks."""
    text = text.strip()
    if len(text) >= 2 and text[0] in _QUOTES and text.rstrip(",.")[-1:] in _QUOTES:
        return text
    return f"“{text}”"


def segments(statement: Statement) -> list[tuple[str, bool]]:
    """A statement's text in stretches, each marked True when it is a quoted piece (a
    mixed statement's verbatim words), for renderers to set apart."""
    span = statement.span
    if statement.kind != "mixed" or span is None:
        return [(statement.text, statement.kind == "direct")]
    out: list[tuple[str, bool]] = []
    at = 0
    for piece in sorted(statement.pieces, key=lambda p: p.start):
        start, end = piece.start - span.start, piece.end - span.start
        if start < at or end > len(statement.text):
            continue  # a piece outside the clause: shown as plain text
        out += [(statement.text[at:start], False), (statement.text[start:end], True)]
        at = end
    out.append((statement.text[at:], False))
    return [(text, piece) for text, piece in out if text]


def is_apart(statement: Statement) -> bool:
    """Statements that cannot be shown against the text: no span, or downgraded."""
    return statement.span is None or "downgraded" in statement.flags


def dateline_text(summary: ArticleSummary) -> str:
    parts = []
    if summary.dateline is not None:
        if summary.dateline.place:
            parts.append(summary.dateline.place)
        if summary.dateline.date is not None:
            parts.append(summary.dateline.date.isoformat())
        elif summary.dateline.raw and not parts:
            parts.append(summary.dateline.raw)
    if summary.source:
        parts.append(summary.source)
    return " · ".join(parts)


def meta_text(summary: ArticleSummary) -> str:
    meta = summary.meta
    usage = meta.usage
    tokens = f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens"
    return (
        f"model {meta.model} ({meta.backend}) · {'cached' if meta.cached else 'not cached'} · "
        f"{tokens} · {usage.requests} request(s), {usage.retries} retry(ies) · "
        f"prompt v{meta.prompt_version} · schema v{meta.schema_version} · "
        f"pactlens {meta.pactlens_version}"
    )
