"""HTML pages to article text, for :mod:`pactlens.text.cleaning`.

The body text comes from ``trafilatura`` when it is installed (the ``html`` extra) and
from a small :mod:`html.parser` extractor otherwise. Title, site name and publication
date always come from the stdlib parser, so the metadata does not depend on the extra.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

__all__ = ["Page", "extract_html", "looks_like_html"]

_STRONG_MARKERS = re.compile(r"<(?:!doctype\s+html|html|head|body|article)\b", re.IGNORECASE)
_COMMON_TAG = re.compile(
    r"</?(?:p|div|span|a|br|li|ul|ol|h[1-6]|section|em|strong|b|i|img|meta|script|style"
    r"|table|tr|td|title|link)\b[^<>]{0,1000}>",
    re.IGNORECASE,
)

#: Elements whose whole content is navigation, chrome or code, never article text.
_DROP = frozenset({"script", "style", "nav", "header", "footer", "aside", "form", "noscript",
                   "template", "svg", "iframe", "button", "select", "dialog", "menu", "object",
                   "canvas"})  # fmt: skip
#: Elements that end a paragraph.
_BLOCK = frozenset({"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
                    "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td",
                    "th", "figure", "figcaption", "hr", "address", "details", "summary",
                    "center"})  # fmt: skip
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})  # fmt: skip
#: Containers never dropped for their class or id, however it reads.
_NEVER_DROPPED = frozenset({"html", "body", "article", "main"})
_JUNK_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
#: A class or id token naming page chrome: ``share-buttons``, ``related_posts``, ``ad``.
_JUNK_TOKEN = re.compile(
    r"(?:nav|navbar|menu|breadcrumbs?|share|sharing|social|related|newsletter|subscribe"
    r"|comments?|advert\w*|ads?|promo|sidebar|cookies?|popup|modal)(?:[-_]\w*)?",
    re.IGNORECASE,
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
#: Inline styles that hide an element from every reader.
_INVISIBLE = re.compile(
    r"(?i)(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|pt|em)?"
    r"\s*(?:;|$)|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$))"
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATE_METAS = frozenset(
    {"article:published_time", "og:published_time", "date", "pubdate", "datepublished"}
)


@dataclass(frozen=True)
class Page:
    """What was extracted from an HTML page: paragraphs separated by blank lines."""

    text: str
    title: str | None = None
    source: str | None = None
    date: dt.date | None = None


def looks_like_html(raw: str) -> bool:
    """Whether ``raw`` is an HTML page or fragment rather than plain text.

    A page starts with markup; plain text that merely contains a tag (``</article>`` in a
    hostile article, a quoted ``<html>``) stays plain text unless it holds several common
    tags, so no stray tag can make the parser throw the real text away.
    """
    starts_with_tag = raw.lstrip("\ufeff \t\r\n").startswith("<")
    if starts_with_tag and _STRONG_MARKERS.search(raw):
        return True
    for count, _ in enumerate(_COMMON_TAG.finditer(raw), start=1):
        if count >= 3 or starts_with_tag:
            return True
    return False


def extract_html(html: str) -> Page:
    """The article text and metadata of an HTML page (trafilatura if installed)."""
    page = _parse(html, junk_attributes=True)
    if not page.text:  # the class/id heuristics can be wrong about a whole page
        page = _parse(html, junk_attributes=False)
    text = _trafilatura_text(html)
    if text:
        page = Page(text=text, title=page.title, source=page.source, date=page.date)
    return page


def _trafilatura_text(html: str) -> str | None:
    try:
        trafilatura: Any = importlib.import_module("trafilatura")
    except ImportError:
        return None
    text = trafilatura.extract(html, include_comments=False, include_tables=False)
    if not isinstance(text, str) or not text.strip():
        return None
    # trafilatura puts one paragraph per line; pactlens separates them with a blank line.
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _parse(html: str, *, junk_attributes: bool) -> Page:
    parser = _Extractor(junk_attributes=junk_attributes)
    parser.feed(html)
    parser.close()
    return parser.page()


def _parse_date(value: str | None) -> dt.date | None:
    match = _ISO_DATE.match(value.strip()) if value else None
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


class _Extractor(HTMLParser):
    def __init__(self, *, junk_attributes: bool) -> None:
        super().__init__(convert_charrefs=True)
        self._junk_attributes = junk_attributes
        self._skip: list[list[Any]] = []  # [tag, nesting] of the dropped elements open
        self._in_title = False
        self._in_h1 = False
        self._article_depth = 0
        self._buffer: list[str] = []
        self._blocks: list[tuple[str, bool]] = []  # (paragraph, inside <article>/<main>)
        self._title: list[str] = []
        self._h1: list[str] = []
        self._h1s: list[tuple[str, bool]] = []  # (headline, inside <article>/<main>)
        self._meta: dict[str, str] = {}
        self._time: str | None = None

    # -- parser callbacks -----------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name.lower(): value or "" for name, value in attrs}
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
            if key and "content" in attributes:
                self._meta.setdefault(key.lower(), attributes["content"].strip())
            return
        if tag == "time" and self._time is None and attributes.get("datetime"):
            self._time = attributes["datetime"]
        if tag == "title":
            self._in_title = True
        if tag == "h1":
            self._in_h1 = True
        if self._skip:
            if tag == self._skip[-1][0]:
                self._skip[-1][1] += 1
            return
        if tag not in _VOID and self._is_dropped(tag, attributes):
            self._flush()
            self._skip.append([tag, 1])
            return
        if tag == "br":
            self._buffer.append("\n")
        elif tag in _BLOCK:
            self._flush()
        if tag in ("article", "main"):
            self._article_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag == "h1" and self._in_h1:
            self._in_h1 = False
            if headline := _HTML_SPACE.sub(" ", "".join(self._h1)).strip():
                self._h1s.append((headline, self._article_depth > 0))
            self._h1.clear()
        if self._skip:
            if tag == self._skip[-1][0]:
                self._skip[-1][1] -= 1
                if self._skip[-1][1] == 0:
                    self._skip.pop()
            return
        if tag in _BLOCK:
            self._flush()
        if tag in ("article", "main") and self._article_depth:
            self._article_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        elif self._in_h1:
            self._h1.append(data)  # the headline is the title, not a body paragraph
        elif not self._skip:
            self._buffer.append(data)

    # -- helpers --------------------------------------------------------------------
    def _is_dropped(self, tag: str, attributes: dict[str, str]) -> bool:
        if tag in _DROP:
            return True
        if tag in _NEVER_DROPPED:
            return False
        if "hidden" in attributes or attributes.get("aria-hidden") == "true":
            return True
        if _INVISIBLE.search(attributes.get("style", "")):
            return True  # a reader never sees it; a prompt injection likes to hide there
        if attributes.get("role", "").lower() in _JUNK_ROLES:
            return True
        if not self._junk_attributes:
            return False
        tokens = (attributes.get("class", "") + " " + attributes.get("id", "")).split()
        return any(_JUNK_TOKEN.fullmatch(token) for token in tokens)

    def _flush(self) -> None:
        lines = (_HTML_SPACE.sub(" ", part).strip() for part in "".join(self._buffer).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            self._blocks.append((text, self._article_depth > 0))
        self._buffer.clear()

    def page(self) -> Page:
        self._flush()
        in_article = [text for text, inside in self._blocks if inside]
        paragraphs = in_article or [text for text, _ in self._blocks]
        source = self._meta.get("og:site_name") or None
        # A site's logo is often an <h1> too: prefer the one inside the article.
        h1s = sorted(self._h1s, key=lambda h1: not h1[1])
        title = next((text for text, inside in h1s if inside), None) or self._meta.get("og:title")
        title = title or next((text for text, _ in h1s), None)
        if not title:
            title = _HTML_SPACE.sub(" ", "".join(self._title)).strip()
            if source:  # "Headline | Site" -> "Headline"
                title = re.sub(rf"\s*[|\-\u2013\u2014:]\s*{re.escape(source)}$", "", title)
        dates = (self._meta.get(key) for key in sorted(_DATE_METAS))
        date = next((d for d in map(_parse_date, [*dates, self._time]) if d), None)
        return Page(text="\n\n".join(paragraphs), title=title or None, source=source, date=date)
