"""Rendering: Markdown, the notebook fragment, the review page, records and JSON."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import re
import sys
from html.parser import HTMLParser
from typing import Any

import pytest
from summary_fixture import QUOTE_1, QUOTE_2, seed_summary, span

from pactlens._errors import ConfigError
from pactlens._models import (
    Agreement,
    ArticleSummary,
    Clause,
    GroundingReport,
    Meta,
    Statement,
)
from pactlens.render import (
    RECORD_COLUMNS,
    to_dataframe,
    to_html,
    to_html_fragment,
    to_markdown,
    to_records,
    write_json,
    write_jsonl,
)
from pactlens.render.page import PALETTE, speaker_colours

HOSTILE = 'He said “<script>alert("pwned")</script> & <b>bold</b>” today.'


class Page(HTMLParser):
    """Collects the marks (attributes and text), every attribute, and the script tags."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[dict[str, Any]] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self._in_mark = False
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {name: value or "" for name, value in attrs}
        self.attributes += [(tag, name, value) for name, value in values.items()]
        if tag == "mark":
            assert not self._in_mark, "marks must not nest"
            self._in_mark = True
            self.marks.append({**values, "text": ""})

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            self.marks[-1]["text"] += data


def small_summary(
    text: str,
    *,
    statements: list[Statement] | None = None,
    agreements: list[Agreement] | None = None,
) -> ArticleSummary:
    return ArticleSummary(
        text=text,
        title="A <small> & test",
        summary="Short.",
        statements=statements or [],
        agreements=agreements or [],
        meta=Meta(model="m", backend="b", prompt_version="1", pactlens_version="0.1.0"),
    )


def hostile_summary() -> ArticleSummary:
    quote = HOSTILE[HOSTILE.index("<script>") : HOSTILE.index("”")]
    statement = Statement(
        id="s<1>", speaker="<i>Eve</i>", kind="direct", text=quote, span=span(HOSTILE, quote)
    )
    return small_summary(HOSTILE, statements=[statement])


def section(page: str, section_id: str) -> str:
    start = page.index(f'<section id="{section_id}">')
    return page[start : page.index("</section>", start)]


# --- Markdown ------------------------------------------------------------------------


def test_markdown_has_the_key_facts() -> None:
    md = to_markdown(seed_summary())
    assert md.startswith("# Russia-North Korea sign strategic partnership pact\n")
    assert "*Islamabad · 2024-06-21 · TDI*" in md
    row = next(line for line in md.splitlines() if line.startswith("| **Comprehensive"))
    assert [c.strip() for c in row.strip("|").split(" | ")] == [
        "**Comprehensive strategic partnership agreement**",
        "pact",
        "signed",
        "2024-06-19 (“on Wednesday”)",
        "Russia, North Korea",
    ]
    assert "| **Potential arms deal** | trade deal | speculative |" in md
    assert "1. **mutual assistance**: Each party helps the other repel external aggression." in md
    assert "obligation: Russia: help repel aggression (to North Korea)" in md
    assert "condition: aggression against one of the parties" in md
    assert "- **Russia** (state); also: Moscow; represented by Vladimir Putin (President)" in md
    assert "- **North Korea** (state); also: Pyongyang; represented by Kim (leader)" in md
    assert f"- **Vladimir Putin** (direct, said): “{QUOTE_1}”" in md
    assert f"“{QUOTE_2}”" in md
    assert "(indirect, drew attention to)" in md
    assert "It is a major enhancement of our relations. *[downgraded]*" in md
    assert "## Grounding notes" in md
    assert "- downgraded to indirect: st5:" in md
    assert "- dropped: a quote attributed to Kim" in md
    assert "model qwen2.5-7b-instruct (openai-compatible) · not cached" in md
    assert "1843 prompt + 712 completion tokens" in md


def test_markdown_escapes_table_cells_and_html() -> None:
    text = "They signed the A|B <pact> today."
    agreement = Agreement(id="a", name="A|B <pact>", status="signed", date_phrase="today")
    md = to_markdown(small_summary(text, agreements=[agreement]))
    row = next(line for line in md.splitlines() if line.startswith("| **A"))
    assert row.count(" | ") == 4  # five cells: the pipe in the name is escaped
    assert "A\\|B &lt;pact&gt;" in row
    assert "<pact>" not in md


def test_model_methods_delegate_to_render() -> None:
    summary = seed_summary()
    assert summary._repr_markdown_() == summary.to_markdown() == to_markdown(summary)
    assert summary._repr_html_() == to_html_fragment(summary)
    assert summary.to_html() == to_html(summary)
    assert summary.to_records() == to_records(summary)


# --- the notebook fragment -----------------------------------------------------------


def test_fragment_shows_agreements_parties_and_quotes() -> None:
    fragment = to_html_fragment(seed_summary())
    assert "Comprehensive strategic partnership agreement" in fragment
    assert "2024-06-19 (“on Wednesday”)" in fragment
    assert ">signed</span>" in fragment and ">speculative</span>" in fragment
    assert "Moscow" in fragment and "Pyongyang" in fragment
    assert "mutual assistance" in fragment
    assert f"<mark style='background:#fff1a8'>“{QUOTE_1}”</mark>" in fragment
    Page(fragment)  # well-formed enough to parse, marks not nested


def test_fragment_escapes_everything() -> None:
    fragment = to_html_fragment(hostile_summary())
    assert "<script" not in fragment
    assert "<b>bold" not in fragment and "<i>Eve" not in fragment
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in fragment
    assert "A &lt;small&gt; &amp; test" in fragment
    assert "script" not in Page(fragment).tags


# --- the review page -----------------------------------------------------------------


def test_page_is_self_contained() -> None:
    page = to_html(seed_summary())
    assert "http://" not in page and "https://" not in page
    assert "@import" not in page and "url(" not in page
    parsed = Page(page)
    for tag, name, value in parsed.attributes:
        assert name != "src", f"<{tag} src={value!r}> loads something"
        if name == "href":
            assert value.startswith("#"), f"<{tag} href={value!r}> leaves the page"
    assert parsed.tags.count("script") == 1 and "link" not in parsed.tags
    assert "default-src 'none'" in page


def test_page_policy_lets_only_its_own_style_and_script_run() -> None:
    page = to_html(seed_summary())
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    assert "unsafe-inline" not in policy[1]
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        (block,) = re.findall(rf"<{tag}>(.*?)</{tag}>", page, flags=re.DOTALL)
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy[1]


def test_markdown_cannot_be_turned_into_headings_or_lists() -> None:
    summary = seed_summary().model_copy(update={"summary": "# Pwned\n- 1. item"})
    lines = to_markdown(summary).splitlines()
    assert [line for line in lines if line.startswith("# ")] == [lines[0]]
    assert "\\# Pwned - 1. item" in lines


def test_page_escapes_the_article_and_the_cards() -> None:
    summary = hostile_summary()
    page = to_html(summary)
    parsed = Page(page)
    assert parsed.tags.count("script") == 1  # only the page's own
    assert "b" not in parsed.tags and "i" not in parsed.tags
    assert 'alert("pwned")' not in page
    (mark,) = [m for m in parsed.marks if "data-statement-id" in m]
    assert mark["text"] == summary.statements[0].text
    assert mark["data-statement-id"] == "s<1>"


def test_every_mark_is_the_text_it_claims() -> None:
    summary = seed_summary()
    marks = Page(to_html(summary)).marks
    assert len(marks) > 20
    previous_end = 0
    for mark in marks:
        start, end = int(mark["data-span-start"]), int(mark["data-span-end"])
        assert previous_end <= start < end, "segments are ordered and never overlap"
        assert mark["text"] == summary.text[start:end]
        previous_end = end
    assert len({m["id"] for m in marks}) == len(marks)


def test_every_span_of_the_summary_is_highlighted() -> None:
    summary = seed_summary()
    marks = Page(to_html(summary)).marks
    covered = {i for m in marks for i in range(int(m["data-span-start"]), int(m["data-span-end"]))}
    for s in summary.spans():
        assert set(range(s.start, s.end)) <= covered, s


def test_each_quote_is_marked_whole() -> None:
    summary = seed_summary()
    marks = Page(to_html(summary)).marks
    for statement in summary.statements:
        if statement.span is None:
            continue
        own = [m for m in marks if statement.id in m.get("data-statement-id", "").split()]
        assert own[0]["data-span-start"] == str(statement.span.start)
        assert own[-1]["data-span-end"] == str(statement.span.end)
        for left, right in itertools.pairwise(own):
            assert left["data-span-end"] == right["data-span-start"], "no gap inside a quote"
        assert "".join(m["text"] for m in own) == statement.span.text


def test_overlapping_spans_are_split_into_segments() -> None:
    text = "Alpha said the treaty binds both sides forever, officials added."
    quote = "the treaty binds both sides"
    evidence = "binds both sides forever"
    statement = Statement(
        id="q",
        speaker="Alpha",
        speaker_span=span(text, "Alpha"),
        kind="direct",
        text=quote,
        span=span(text, quote),
    )
    clause = Clause(topic="duration", summary="Forever.", evidence=[span(text, evidence)])
    agreement = Agreement(id="t", name="Treaty", status="signed", clauses=[clause])
    marks = Page(to_html(small_summary(text, statements=[statement], agreements=[agreement])))
    got = [(m["text"], m["data-ids"], m.get("data-statement-id"), m["class"]) for m in marks.marks]
    assert got == [
        ("Alpha", "s0-sp", None, "m-speaker c" + got[0][3][-1]),
        ("the treaty ", "s0-q", "q", "m-quote " + got[0][3].split()[-1]),
        ("binds both sides", "a0-c0-e0 s0-q", "q", "m-quote m-evidence " + got[0][3].split()[-1]),
        (" forever", "a0-c0-e0", None, "m-evidence"),
    ]


def test_nested_and_identical_spans() -> None:
    text = "Beta warned: never again."
    outer = Statement(
        id="o", speaker="Beta", kind="direct", text="never again", span=span(text, "never again")
    )
    same = Statement(
        id="i", speaker="Gamma", kind="direct", text="never again", span=span(text, "never again")
    )
    inner = Statement(id="n", speaker="Beta", kind="direct", text="again", span=span(text, "again"))
    marks = Page(to_html(small_summary(text, statements=[outer, same, inner]))).marks
    assert [(m["text"], m["data-statement-id"]) for m in marks] == [
        ("never ", "o i"),
        ("again", "o i n"),
    ]


def test_cards_link_to_marks_that_exist() -> None:
    page = to_html(seed_summary())
    parsed = Page(page)
    ids = {m["id"] for m in parsed.marks}
    hrefs = [v for _, name, v in parsed.attributes if name == "href"]
    assert hrefs and all(h[1:] in ids for h in hrefs)
    mark_keys = {k for m in parsed.marks for k in m["data-ids"].split()}
    targets = [v for _, name, v in parsed.attributes if name == "data-targets"]
    assert all(key in mark_keys for value in targets for key in value.split())


def test_speakers_keep_one_colour() -> None:
    summary = seed_summary()
    page = to_html(summary)
    colours = speaker_colours(summary.statements)
    assert colours == speaker_colours(list(reversed(summary.statements)))  # order-free
    assert len(set(colours.values())) == len(colours)  # no clash while the palette lasts
    putin = f"c{colours['vladimir putin']}"
    for n, statement in enumerate(summary.statements[:4]):
        assert f'class="card statement kind-{statement.kind} {putin}"' in page
        assert statement.speaker_span is not None
        speaker_marks = [m for m in Page(page).marks if m["data-ids"].split() == [f"s{n}-sp"]]
        assert speaker_marks and all(m["class"].endswith(putin) for m in speaker_marks)
    assert len(PALETTE) >= 8


def test_downgraded_and_ungrounded_items_are_shown_apart() -> None:
    summary = seed_summary()
    page = to_html(summary)
    apart, grounded = section(page, "apart"), section(page, "statements")
    assert 'data-statement-id="st5"' in apart and 'data-statement-id="st5"' not in grounded
    assert '<span class="flag">downgraded</span>' in apart
    assert "not found in the text" in apart
    assert "a quote attributed to Kim" in apart  # the dropped note
    for statement in summary.statements[:4]:
        assert f'data-statement-id="{statement.id}"' in grounded

    text = "They agreed on trade."
    agreement = Agreement(
        id="x",
        name="Trade pact",
        status="agreed",
        evidence=[span(text, "agreed on trade")],
        clauses=[Clause(topic="tariffs", summary="Lower tariffs.")],
    )
    meta = small_summary(text).meta.model_copy(
        update={"grounding": GroundingReport(ungrounded_clauses=1)}
    )
    page = to_html(small_summary(text, agreements=[agreement]).model_copy(update={"meta": meta}))
    assert "tariffs" in section(page, "apart") and "tariffs" not in section(page, "agreements")
    assert "clause of Trade pact" in section(page, "apart")


def test_status_badges_differ() -> None:
    page = to_html(seed_summary())
    assert '<span class="badge st-signed">signed</span>' in page
    assert '<span class="badge st-speculative">speculative</span>' in page
    assert "agreement status-speculative" in page


# --- records, DataFrame, JSON --------------------------------------------------------


def test_records_one_row_per_statement_and_clause() -> None:
    summary = seed_summary()
    rows = to_records(summary)
    clauses = sum(len(a.clauses) for a in summary.agreements)
    assert len(rows) == len(summary.statements) + clauses == 7
    assert all(tuple(row) == RECORD_COLUMNS for row in rows)
    assert [r["row_type"] for r in rows] == ["statement"] * 5 + ["clause"] * 2
    json.dumps(rows)  # plain values only

    quote = next(r for r in rows if r["statement_id"] == "st2")
    assert quote["kind"] == "direct" and quote["text"] == QUOTE_1
    assert summary.text[quote["start"] : quote["end"]] == QUOTE_1
    assert quote["agreement_name"] == "Comprehensive strategic partnership agreement"
    assert quote["agreement_date"] == "2024-06-19"
    assert quote["article_date"] == "2024-06-21" and quote["article_source"] == "TDI"
    downgraded = next(r for r in rows if r["statement_id"] == "st5")
    assert downgraded["grounded"] is False and downgraded["flags"] == "downgraded"
    assert downgraded["start"] is None

    arms = next(
        r for r in rows if r["row_type"] == "clause" and r["agreement_status"] == "speculative"
    )
    assert arms["topic"] == "munitions for assistance" and arms["evidence_count"] == 1
    assert arms["obligations"].startswith("North Korea: supply munitions (to Russia); Russia:")


def test_dataframe() -> None:
    pandas = pytest.importorskip("pandas")
    frame = to_dataframe(seed_summary())
    assert isinstance(frame, pandas.DataFrame)
    assert frame.shape == (7, len(RECORD_COLUMNS))
    assert list(frame["row_type"].value_counts().sort_index()) == [2, 5]


def test_dataframe_without_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` fail
    with pytest.raises(ConfigError, match="pip install pandas"):
        to_dataframe(seed_summary())


def test_json_writers_round_trip() -> None:
    summary = seed_summary()
    buffer = io.StringIO()
    assert write_jsonl([summary, summary], buffer) == 2
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 2
    assert ArticleSummary.model_validate_json(lines[1]) == summary

    buffer = io.StringIO()
    write_json(summary, buffer)
    assert buffer.getvalue().endswith("}\n")
    assert ArticleSummary.model_validate_json(buffer.getvalue()) == summary
    assert write_jsonl([], io.StringIO()) == 0
