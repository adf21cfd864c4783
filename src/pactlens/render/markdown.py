"""Markdown for terminals, notebooks and files: facts first, then who said what."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pactlens.render.common import (
    date_text,
    dateline_text,
    meta_text,
    obligation_text,
    party_names,
    quoted,
    segments,
    status_label,
)

if TYPE_CHECKING:
    from pactlens._models import Agreement, ArticleSummary, Clause

__all__ = ["to_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_MD_BLOCK = re.compile(r"^(?:([#+=-])|(\d+)([.)]))")


def _md(text: str) -> str:
    """Inline Markdown: one line, markup characters escaped, no raw HTML tags, and nothing
    at its start that Markdown would read as a heading, list or quote."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return _MD_BLOCK.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def _md_clause(summary: ArticleSummary, number: int, clause: Clause) -> list[str]:
    lines = [f"{number}. **{_md(clause.topic)}**: {_md(clause.summary)}"]
    for obligation in clause.obligations:
        lines.append(f"   - obligation: {_md(obligation_text(summary, obligation))}")
    if clause.condition:
        lines.append(f"   - condition: {_md(clause.condition)}")
    if not clause.evidence:
        lines.append("   - *not grounded in the text*")
    return lines


def _md_agreement(summary: ArticleSummary, agreement: Agreement) -> list[str]:
    """An agreement's section: its status with the words that set it, then the rest."""
    out = [f"### {_md(agreement.name)}", ""]
    decided = summary.meta.decided_by.get(agreement.id, {})
    status = ""
    if agreement.status_evidence is not None:
        status = (
            f"{status_label(agreement.status)}, from “{agreement.status_evidence.text}” "
            f"({decided.get('status', 'rules')})"
        )
    elif decided.get("status") == "model":
        status = f"{status_label(agreement.status)} (the model's reading)"
    date_from = f"“{agreement.date_evidence.text}”" if agreement.date_evidence else ""
    details = [
        ("status", status),
        ("according to", agreement.asserted_by or ""),
        ("date from", date_from),
        ("signatories", ", ".join(agreement.signatories)),
        ("place", agreement.place or ""),
        ("scope", ", ".join(agreement.scope)),
        ("caveats", "; ".join(agreement.caveats)),
    ]
    out += [f"- {label}: {_md(value)}" for label, value in details if value]
    if agreement.clauses:
        out += ["", "Clauses:", ""]
        for number, clause in enumerate(agreement.clauses, 1):
            out += _md_clause(summary, number, clause)
    out.append("")
    return out


def to_markdown(summary: ArticleSummary) -> str:
    """The summary as Markdown: facts first, then who said what, then provenance."""
    out = [f"# {_md(summary.title or 'Untitled article')}", ""]
    if line := dateline_text(summary):
        out += [f"*{_md(line)}*", ""]
    out += [_md(summary.summary), ""]

    if summary.agreements:
        out += ["## Agreements", ""]
        out += ["| Agreement | Kind | Status | Date | Parties |", "|---|---|---|---|---|"]
        for agreement in summary.agreements:
            cells = [
                f"**{_md(agreement.name)}**",
                _md(status_label(agreement.kind)),
                _md(status_label(agreement.status)),
                _md(date_text(agreement)) or "n/a",
                _md(", ".join(party_names(summary, agreement.party_ids))) or "n/a",
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        for agreement in summary.agreements:
            out += _md_agreement(summary, agreement)

    if summary.parties:
        out += ["## Parties", ""]
        for party in summary.parties:
            line = f"- **{_md(party.name)}** ({_md(party.kind)})"
            if party.aliases:
                line += f"; also: {_md(', '.join(party.aliases))}"
            if party.representatives:
                reps = [f"{r.name} ({r.role})" if r.role else r.name for r in party.representatives]
                line += f"; represented by {_md(', '.join(reps))}"
            out.append(line)
        out.append("")

    if summary.statements:
        out += ["## Statements", ""]
        for statement in summary.statements:
            if statement.kind == "direct":
                body = _md(quoted(statement.text))
            else:  # a mixed statement's quoted words in italics
                body = "".join(
                    f"*{_md(part)}*" if piece and part.strip() else _md(part)
                    for part, piece in segments(statement)
                )
            line = f"- **{_md(statement.speaker)}** ({statement.kind}"
            line += f", {_md(statement.cue)})" if statement.cue else ")"
            line += f": {body}"
            if statement.flags:
                line += f" *[{_md(', '.join(statement.flags))}]*"
            out.append(line)
        out.append("")

    grounding = summary.meta.grounding
    notes = [f"- downgraded to indirect: {_md(item)}" for item in grounding.downgraded]
    notes += [f"- dropped: {_md(item)}" for item in grounding.dropped]
    if grounding.ungrounded_clauses:
        notes.append(f"- clauses without supporting text: {grounding.ungrounded_clauses}")
    notes += [f"- warning: {_md(item)}" for item in summary.meta.warnings]
    if notes:
        out += ["## Grounding notes", "", *notes, ""]

    out += ["---", "", f"*{_md(meta_text(summary))}*", ""]
    return "\n".join(out)
