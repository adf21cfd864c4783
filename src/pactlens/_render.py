"""Rendering an :class:`~pactlens.ArticleSummary` for people and for tables.

Markdown for terminals and notebooks, a compact HTML fragment for Jupyter, one
self-contained review page (built in :mod:`pactlens._html_page`), flat records and a
pandas DataFrame, and JSON / JSON Lines writers. Pure functions of the summary: no
network, no files opened here (the writers take an open text stream).
"""

from __future__ import annotations

import html
import importlib
import re
from typing import TYPE_CHECKING, Any

from pactlens._errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import TextIO

    from pactlens._models import Agreement, ArticleSummary, Clause, Obligation, Statement

__all__ = [
    "RECORD_COLUMNS",
    "to_dataframe",
    "to_html",
    "to_html_fragment",
    "to_markdown",
    "to_records",
    "write_json",
    "write_jsonl",
]

#: The columns of :func:`to_records`, in order; every row has all of them.
RECORD_COLUMNS: tuple[str, ...] = (
    "row_type",
    "article_title",
    "article_place",
    "article_date",
    "article_source",
    "agreement_id",
    "agreement_name",
    "agreement_kind",
    "agreement_status",
    "agreement_date",
    "agreement_date_phrase",
    "statement_id",
    "speaker",
    "speaker_id",
    "kind",
    "cue",
    "topic",
    "text",
    "obligations",
    "condition",
    "start",
    "end",
    "evidence_count",
    "grounded",
    "flags",
)

_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"


# --- shared helpers (also used by _html_page) ---------------------------------------


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


# --- Markdown ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def _md(text: str) -> str:
    """Inline Markdown: one line, markup characters escaped, no raw HTML tags."""
    text = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;").replace(">", "&gt;")


def _md_clause(summary: ArticleSummary, number: int, clause: Clause) -> list[str]:
    lines = [f"{number}. **{_md(clause.topic)}**: {_md(clause.summary)}"]
    for obligation in clause.obligations:
        lines.append(f"   - obligation: {_md(obligation_text(summary, obligation))}")
    if clause.condition:
        lines.append(f"   - condition: {_md(clause.condition)}")
    if not clause.evidence:
        lines.append("   - *not grounded in the text*")
    return lines


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
            out += [f"### {_md(agreement.name)}", ""]
            details = [
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
            body = quoted(statement.text) if statement.kind == "direct" else statement.text
            line = f"- **{_md(statement.speaker)}** ({statement.kind}"
            line += f", {_md(statement.cue)})" if statement.cue else ")"
            line += f": {_md(body)}"
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


# --- HTML fragment for Jupyter ---------------------------------------------------------

_E = html.escape

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


def _fragment_badge(status: str) -> str:
    colour = _BADGE_COLOURS.get(status, "#555")
    if status == "speculative":
        style = f"border:1px dashed {colour};color:{colour};font-style:italic"
    else:
        style = f"background:{colour};color:#fff"
    return (
        f'<span style="{style};border-radius:3px;padding:0 .35em;font-size:.85em">'
        f"{_E(status_label(status))}</span>"
    )


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
                f"<td>{_fragment_badge(agreement.status)}</td>"
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
                body = _E(statement.text)
            flags = f" <i>[{_E(', '.join(statement.flags))}]</i>" if statement.flags else ""
            cue = f" {_E(statement.cue)}" if statement.cue else ""
            out.append(
                f"<li><b>{_E(statement.speaker)}</b>{cue} "
                f"<span style='color:#666'>({statement.kind})</span>: {body}{flags}</li>"
            )
        out.append("</ul></div>")
    out.append(f"<div style='color:#888;font-size:.8em'>{_E(meta_text(summary))}</div></div>")
    return "\n".join(out)


def to_html(summary: ArticleSummary) -> str:
    """One self-contained review page; see :func:`pactlens._html_page.render_page`."""
    from pactlens._html_page import render_page

    return render_page(summary)


# --- records, DataFrame, JSON ----------------------------------------------------------


def _row(summary: ArticleSummary, agreement: Agreement | None) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(RECORD_COLUMNS)
    dateline = summary.dateline
    row.update(
        article_title=summary.title,
        article_place=dateline.place if dateline else None,
        article_date=dateline.date.isoformat() if dateline and dateline.date else None,
        article_source=summary.source,
    )
    if agreement is not None:
        row.update(
            agreement_id=agreement.id,
            agreement_name=agreement.name,
            agreement_kind=agreement.kind,
            agreement_status=agreement.status,
            agreement_date=agreement.date.isoformat() if agreement.date else None,
            agreement_date_phrase=agreement.date_phrase,
        )
    return row


def to_records(summary: ArticleSummary) -> list[dict[str, Any]]:
    """One flat row per statement, then one per clause; keys are :data:`RECORD_COLUMNS`.

    Values are plain ``str``/``int``/``bool``/``None`` (dates as ISO strings), so rows
    go straight into CSV, JSON or a DataFrame. ``start``/``end`` are the statement's
    span, or a clause's first evidence span.
    """
    agreements = {a.id: a for a in summary.agreements}
    rows = []
    for statement in summary.statements:
        agreement = agreements.get(statement.agreement_id) if statement.agreement_id else None
        row = _row(summary, agreement)
        span = statement.span
        row.update(
            row_type="statement",
            statement_id=statement.id,
            speaker=statement.speaker,
            speaker_id=statement.speaker_id,
            kind=statement.kind,
            cue=statement.cue,
            text=statement.text,
            start=span.start if span else None,
            end=span.end if span else None,
            evidence_count=1 if span else 0,
            grounded=not is_apart(statement),
            flags=",".join(statement.flags),
        )
        rows.append(row)
    for agreement in summary.agreements:
        for clause in agreement.clauses:
            row = _row(summary, agreement)
            first = clause.evidence[0] if clause.evidence else None
            row.update(
                row_type="clause",
                topic=clause.topic,
                text=clause.summary,
                obligations="; ".join(obligation_text(summary, o) for o in clause.obligations),
                condition=clause.condition,
                start=first.start if first else None,
                end=first.end if first else None,
                evidence_count=len(clause.evidence),
                grounded=bool(clause.evidence),
                flags="",
            )
            rows.append(row)
    return rows


def to_dataframe(summary: ArticleSummary) -> Any:
    """:func:`to_records` as a ``pandas.DataFrame`` (pandas is an optional dependency)."""
    try:
        pandas = importlib.import_module("pandas")
    except ImportError as e:
        raise ConfigError("to_dataframe() needs pandas: pip install pandas") from e
    return pandas.DataFrame.from_records(to_records(summary), columns=list(RECORD_COLUMNS))


def write_json(summary: ArticleSummary, fp: TextIO) -> None:
    """Write one summary as indented JSON (the schema in ``schemas/``)."""
    fp.write(summary.model_dump_json(indent=2))
    fp.write("\n")


def write_jsonl(summaries: Iterable[ArticleSummary], fp: TextIO) -> int:
    """Write summaries as JSON Lines, one per line; returns how many were written."""
    count = 0
    for summary in summaries:
        fp.write(summary.model_dump_json())
        fp.write("\n")
        count += 1
    return count
