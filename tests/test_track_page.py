"""The book's page and notebook table, without a browser: escaping, structure, policy.

Books are built from real summaries with the rules alone (no model): the gold tracking
articles and a hostile one written here.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest
from tracking_passages import CONTRADICTION, PAGE_FILES, page_book

from pactlens._eval.baseline import RulesOnly
from pactlens.tracking import AgreementBook
from pactlens.tracking.page import render_book, render_fragment

HOSTILE_TITLE = 'Tariff cut 5 < 7 & "quotes" <img src=x onerror=alert(1)> agreed'
HOSTILE = f"""{HOSTILE_TITLE}

Castrel, 12 April 2025 (CPA): Valdoria and Orsa on Saturday signed the Harbour Accord in \
Castrel, "a <deal> for 5 < 7 & more", said the minister.
"""
#: No headline: the article's id is what names it on the page.
UNTITLED = """Castrel, 14 April 2025 (CPA): Valdoria and Orsa on Monday ratified the Harbour \
Accord, officials said.
"""
HOSTILE_ID = '<script>alert("id")</script>&.txt'


class Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]

    def ids(self) -> list[str | None]:
        return [value for _, name, value in self.attributes if name == "id"]


@pytest.fixture(scope="module")
def book() -> AgreementBook:
    return page_book()


@pytest.fixture(scope="module")
def hostile_book() -> AgreementBook:
    rules = RulesOnly()
    built = AgreementBook()
    built.add(rules(HOSTILE), article_id="hostile.txt")
    built.add(rules(UNTITLED), article_id=HOSTILE_ID)
    return built


def test_page_escapes_what_the_articles_say(hostile_book: AgreementBook) -> None:
    page = render_book(hostile_book)
    parsed = Page(page)
    assert parsed.tags.count("script") == 1  # only the page's own
    assert "img" not in parsed.tags and "deal" not in parsed.tags
    assert 'alert("id")' not in page and "<deal>" not in page
    assert "Tariff cut 5 &lt; 7 &amp; &quot;quotes&quot; &lt;img src=x" in page
    assert "&quot;a &lt;deal&gt; for 5 &lt; 7 &amp; more&quot;" in page
    assert "&lt;script&gt;alert(&quot;id&quot;)&lt;/script&gt;&amp;.txt" in page
    assert not any(name.startswith("on") for _, name, _ in parsed.attributes)


def test_page_is_self_contained_and_its_policy_names_its_own_blocks(book: AgreementBook) -> None:
    page = book.to_html()
    assert "http://" not in page and "https://" not in page and "url(" not in page
    parsed = Page(page)
    for tag, name, value in parsed.attributes:
        assert name != "src", f"<{tag} src={value!r}> loads something"
        if name == "href":
            assert value is not None and value.startswith("#"), f"<{tag} href={value!r}>"
    assert "link" not in parsed.tags
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None and "default-src 'none'" in policy[1]
    assert "unsafe-inline" not in policy[1]
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        (block,) = re.findall(rf"<{tag}>(.*?)</{tag}>", page, flags=re.DOTALL)
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy[1]


def test_page_has_a_section_per_record_and_an_item_per_event(book: AgreementBook) -> None:
    page = book.to_html()
    parsed = Page(page)
    ids = parsed.ids()
    assert len(ids) == len(set(ids)), "ids are unique"
    records = book.records
    assert [i for i in ids if i and i.startswith("rec-")] == [f"rec-{r.id}" for r in records]
    for record in records:
        for n, event in enumerate(record.timeline, start=1):
            assert f"ev-{record.id}-{n}" in ids
            if event.quote:
                assert f'href="#q-{record.id}-{n}"' in page
                assert f"q-{record.id}-{n}" in ids
        current = record.timeline.index(record.event(record.current)) + 1
        assert re.search(rf'<li id="ev-{record.id}-{current}" class="[^"]*\bcurrent\b', page)
    assert f'<b id="n-agreements">{len(book)}</b>' in page
    assert f'<b id="n-articles">{len(PAGE_FILES) + len(CONTRADICTION)}</b>' in page


def test_conflicts_are_listed_and_their_events_marked(book: AgreementBook) -> None:
    (record,) = [r for r in book.records if "psr-postponed.txt" in r.articles]
    assert record.conflicts and record.contested
    page = book.to_html()
    section = page[page.index(f'id="rec-{record.id}"') :]
    section = section[: section.index("</section>")]
    assert '<span class="badge contested">contested</span>' in section
    assert '<span class="unresolved">unresolved</span>' in section
    conflict = record.conflicts[0]
    for key in (conflict.earlier, conflict.later):
        n = record.timeline.index(record.event(key)) + 1
        assert re.search(rf'<li id="ev-{record.id}-{n}" class="[^"]*\bconflict\b', section)
    for status in conflict.statuses:
        assert f'<span class="badge st-{status}">' in section


def test_the_quote_marks_the_evidence_words(book: AgreementBook) -> None:
    page = book.to_html()
    marked = 0
    for record in book.records:
        for n, event in enumerate(record.timeline, start=1):
            if not (event.quote and event.evidence and event.evidence.text in event.quote):
                continue
            block = re.search(
                rf'<blockquote id="q-{record.id}-{n}" class="quote">(.*?)</blockquote>', page
            )
            assert block is not None
            assert re.findall(r"<mark>(.*?)</mark>", block[1]) == [event.evidence.text]
            marked += 1
    assert marked >= 5


def test_fragment_is_a_table_with_a_row_per_record(book: AgreementBook) -> None:
    fragment = render_fragment(book)
    assert fragment == book._repr_html_()
    parsed = Page(fragment)
    assert "script" not in parsed.tags and "style" not in parsed.tags
    assert parsed.tags.count("table") == 1
    body = fragment[fragment.index("<tbody>") : fragment.index("</tbody>")]
    assert body.count("<tr>") == len(book.records) == len(book)
    for record in book.records:
        assert record.name in fragment
    assert fragment.count(">contested</b>") == sum(r.contested for r in book.records)


def test_fragment_escapes(hostile_book: AgreementBook) -> None:
    fragment = render_fragment(hostile_book)
    parsed = Page(fragment)
    assert {"img", "script", "deal"}.isdisjoint(parsed.tags)


def test_an_empty_book_renders() -> None:
    empty = AgreementBook()
    assert "No agreements yet." in render_book(empty)
    assert "<tbody></tbody>" in render_fragment(empty)
