"""A compact HTML fragment for a notebook cell: inline styles, nothing loaded."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from pactlens.render.common import (
    date_text,
    dateline_text,
    fragment_badge,
    meta_text,
    party_names,
    quoted,
    segments,
)

if TYPE_CHECKING:
    from pactlens._models import ArticleSummary

__all__ = ["to_html_fragment"]

_E = html.escape


def to_html_fragment(summary: ArticleSummary) -> str:
    """Compact HTML for a notebook cell (``_repr_html_``): inline styles, nothing loaded."""
    out = ['<div class="pactlens-summary" style="line-height:1.45;max-width:60em">']
    out.append(f"<h3 style='margin:.2em 0'>{_E(summary.title or 'Untitled article')}</h3>")
    if line := dateline_text(summary):
        out.append(f"<div style='color:#666;font-size:.9em'>{_E(line)}</div>")
    out.append(f"<p>{_E(summary.summary)}</p>")

    if summary.agreements:
        out.append("<table><thead><tr><th>Agreement</th><th>Status</th><th>Date</th>")
        out.append("<th>Parties</th></tr></thead><tbody>")
        for agreement in summary.agreements:
            parties = ", ".join(party_names(summary, agreement.party_ids))
            out.append(
                f"<tr><td><b>{_E(agreement.name)}</b></td>"
                f"<td>{fragment_badge(agreement.status)}</td>"
                f"<td>{_E(date_text(agreement))}</td><td>{_E(parties)}</td></tr>"
            )
        out.append("</tbody></table>")
        for agreement in summary.agreements:
            if not agreement.clauses:
                continue
            out.append(f"<div><b>{_E(agreement.name)}</b>: clauses<ul>")
            for clause in agreement.clauses:
                item = f"<li><i>{_E(clause.topic)}</i>: {_E(clause.summary)}"
                if clause.condition:
                    item += f" <span style='color:#666'>(if {_E(clause.condition)})</span>"
                out.append(item + "</li>")
            out.append("</ul></div>")

    if summary.parties:
        out.append("<div><b>Parties</b><ul>")
        for party in summary.parties:
            item = f"<li>{_E(party.name)}"
            if party.aliases:
                item += f" <span style='color:#666'>({_E(', '.join(party.aliases))})</span>"
            if party.representatives:
                item += " · " + _E(", ".join(r.name for r in party.representatives))
            out.append(item + "</li>")
        out.append("</ul></div>")

    if summary.statements:
        out.append("<div><b>Statements</b><ul>")
        for statement in summary.statements:
            if statement.kind == "direct":
                body = f"<mark style='background:#fff1a8'>{_E(quoted(statement.text))}</mark>"
            else:
                body = "".join(
                    f"<mark style='background:#fff1a8'>{_E(part)}</mark>" if piece else _E(part)
                    for part, piece in segments(statement)
                )
            flags = f" <i>[{_E(', '.join(statement.flags))}]</i>" if statement.flags else ""
            cue = f" {_E(statement.cue)}" if statement.cue else ""
            out.append(
                f"<li><b>{_E(statement.speaker)}</b>{cue} "
                f"<span style='color:#666'>({statement.kind})</span>: {body}{flags}</li>"
            )
        out.append("</ul></div>")
    out.append(f"<div style='color:#888;font-size:.8em'>{_E(meta_text(summary))}</div></div>")
    return "\n".join(out)
