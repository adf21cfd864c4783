"""The self-contained review page: the article on the left, the findings on the right.

Every grounded span (quotes, speaker mentions, agreement and clause evidence, party
mentions) becomes a ``<mark>`` in the article. Spans may overlap, so the text is cut at
every span boundary into non-overlapping segments; each segment is one ``<mark>`` whose
``data-ids`` lists every item covering it and whose ``data-span-start``/``data-span-end``
are its offsets in ``summary.text``. Cards on the right point at those items; a click
scrolls the first segment into view and flashes them all. CSS and JS are inline and a
Content-Security-Policy forbids loading anything, so the file works offline, as is.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from pactlens._render import (
    date_text,
    dateline_text,
    is_apart,
    meta_text,
    obligation_text,
    party_names,
    quoted,
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
_ROLE_ORDER = ("quote", "report", "speaker", "evidence", "mention")
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
    ):
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
        facts = [
            ("Kind", status_label(agreement.kind)),
            ("Date", date_text(agreement)),
            ("Parties", ", ".join(party_names(self.summary, agreement.party_ids))),
            ("Signatories", ", ".join(agreement.signatories)),
            ("Place", agreement.place or ""),
            ("Scope", ", ".join(agreement.scope)),
            ("Caveats", "; ".join(agreement.caveats)),
        ]
        dl = "".join(f"<dt>{name}</dt><dd>{_E(value)}</dd>" for name, value in facts if value)
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
        text = quoted(st.text) if st.kind == "direct" else st.text
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
            f'<blockquote class="{st.kind}">{_E(text)}</blockquote>{about}{jump}</article>'
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
style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
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

_CSS = (
    """
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{display:flex;flex-direction:column;height:100vh;color:#1d2330;background:#eef0f4;
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header.top{padding:.7rem 1.4rem;background:#1d2330;color:#fff}
header.top h1{margin:0;font-size:1.3rem}
.dateline{color:#c9d1e0}.meta{color:#8d97aa;font-size:.78rem}
main{flex:1;min-height:0;display:grid;grid-template-columns:minmax(0,1.15fr) minmax(0,1fr)}
.pane{overflow:auto;padding:1.2rem 1.5rem}
#article{background:#fbfaf6;border-right:1px solid #d8dce4}
#article .text{white-space:pre-wrap;max-width:42em;margin:0 auto;
font:17px/1.75 Georgia,"Times New Roman",serif}
mark{background:none;color:inherit;border-radius:2px;cursor:pointer}
mark.m-mention{text-decoration:underline dotted #8a94a6;text-underline-offset:3px}
mark.m-evidence{background:#e9ebf0;text-decoration:underline solid #8a94a6 2px;
text-underline-offset:4px}
mark.m-quote{background:var(--bg)}
mark.m-report{border-bottom:2px dashed var(--fg)}
mark.m-speaker{color:var(--fg);font-weight:700}
mark.flash{animation:flash 1.6s ease-out}
@keyframes flash{0%,45%{background:#ffd54a;outline:3px solid #ff9800}
100%{outline:3px solid transparent}}
h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.08em;color:#5b6474;
margin:1.4rem 0 .5rem}
.card{background:#fff;border:1px solid #d8dce4;border-radius:8px;padding:.6rem .85rem;
margin:.55rem 0;cursor:pointer}
.card:hover,.card:focus{border-color:#7b8598;outline:none}
.card.active{box-shadow:0 0 0 2px #ff9800}
.card.flash{animation:cardflash 1.6s ease-out}
@keyframes cardflash{0%,45%{box-shadow:0 0 0 3px #ff9800}}
.card h3{margin:0 0 .3rem;font-size:1.05rem}.card h4{margin:0 0 .2rem;font-size:.95rem}
.card p{margin:.2rem 0}
.clause{background:#f7f8fa;margin-left:.4rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0;
font-size:.9rem}
dt{color:#5b6474}dd{margin:0}
.badge{display:inline-block;vertical-align:middle;padding:.05em .55em;border-radius:999px;
font-size:.7rem;font-weight:700;text-transform:uppercase;letter-spacing:.04em}
.st-signed,.st-ratified,.st-in_force{background:#1b7a3a;color:#fff}
.st-agreed{background:#1f5fa8;color:#fff}
.st-proposed,.st-under_negotiation{background:#fff3c4;color:#6b5200;border:1px solid #d9b800}
.st-suspended,.st-collapsed{background:#fde2e2;color:#9b1c1c;border:1px solid #e59a9a}
.st-speculative{background:repeating-linear-gradient(135deg,#f3f3f3 0 5px,#e2e2e2 5px 10px);
color:#444;border:1px dashed #777;font-style:italic}
.agreement.status-speculative{border-style:dashed;background:#fcfcfc}
.evidence{margin:.3rem 0;padding-left:1.1rem;font-size:.85rem}
.evidence a,.jump{color:#3b5bdb;text-decoration:none}.jump:hover{text-decoration:underline}
.statement{border-left:5px solid var(--fg)}
.who{font-size:.9rem}.speaker{color:var(--fg);font-weight:700}
.cue,.about,.of{color:#5b6474;font-size:.85rem}
.kind{font-size:.7rem;text-transform:uppercase;color:#5b6474;border:1px solid #c5cad4;
border-radius:3px;padding:0 .3em;margin-left:.3em}
.flag{font-size:.7rem;text-transform:uppercase;background:#fde2e2;color:#9b1c1c;
border-radius:3px;padding:0 .3em;margin-left:.3em}
blockquote{margin:.35rem 0;padding:.1rem .5rem;border-radius:4px}
blockquote.direct{background:var(--bg);font-family:Georgia,serif}
blockquote.indirect{color:#3d4556;font-style:italic}
#apart .card{opacity:.9;border-style:dashed}
.nospan{font-size:.8rem;color:#9b1c1c}
.notes{font-size:.85rem;color:#3d4556;padding-left:1.1rem}
.legend{margin-top:.4rem}
.chip{display:inline-block;font-size:.75rem;padding:0 .45em;margin:0 .3em .2em 0;
border-radius:3px;background:var(--bg);color:var(--fg);font-weight:600}
.chip.ev{background:#e9ebf0;color:#3d4556;text-decoration:underline solid #8a94a6 2px}
.chip.key{background:none;color:#3d4556;font-weight:400}
.chip.key .sw{display:inline-block;width:1.6em;height:.9em;vertical-align:-.1em;margin-right:.3em}
.chip.key .q{background:#d7dbe3}.chip.key .r{border-bottom:2px dashed #5b6474}
.summary p{margin:.2rem 0 0}
@media (max-width:760px){body{display:block;height:auto}main{display:block}
.pane{overflow:visible}}
"""
    + _COLOURS_CSS
)

_JS = """
(function(){
  function sel(keys, tag){
    return keys.split(/\\s+/).filter(Boolean).map(function(k){
      return tag + '[' + (tag === 'mark' ? 'data-ids' : 'data-targets') + '~="' + k + '"]';
    }).join(',');
  }
  function all(q){ return q ? Array.prototype.slice.call(document.querySelectorAll(q)) : []; }
  function flash(els){
    els.forEach(function(el){
      el.classList.remove('flash'); void el.offsetWidth; el.classList.add('flash');
    });
    setTimeout(function(){ els.forEach(function(el){ el.classList.remove('flash'); }); }, 1700);
  }
  function showMarks(card, source){
    var marks = all(sel((source || card).getAttribute('data-targets') || '', 'mark'));
    all('.card.active').forEach(function(c){ c.classList.remove('active'); });
    card.classList.add('active');
    if (!marks.length) return false;
    marks[0].scrollIntoView({block: 'center', inline: 'nearest'});
    flash(marks);
    return true;
  }
  document.addEventListener('click', function(ev){
    var mark = ev.target.closest('mark[data-ids]');
    if (mark){
      var cards = all(sel(mark.getAttribute('data-ids'), '.card'));
      if (cards.length){ cards[0].scrollIntoView({block: 'nearest'}); flash(cards); }
      return;
    }
    var link = ev.target.closest('a.jump');
    var card = ev.target.closest('.card');
    if (!card) return;
    if (showMarks(card, link) && link) ev.preventDefault();
  });
  document.addEventListener('keydown', function(ev){
    var card = ev.target.closest && ev.target.closest('.card');
    if (card && (ev.key === 'Enter' || ev.key === ' ')){ ev.preventDefault(); showMarks(card); }
  });
})();
"""
