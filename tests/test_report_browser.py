"""The review page in a real headless Chromium (Debian's chromium + chromium-driver).

Nothing is downloaded: the driver and the browser are given by path, so Selenium
Manager never runs, and the page itself forbids loading anything. A screenshot is left
in ``test-artifacts/review-page.png`` for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import MISSING, chrome
from summary_fixture import seed_summary

from pactlens._models import ArticleSummary
from pactlens.render import to_html

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
if MISSING is not None:
    pytest.skip(MISSING, allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium: pip install selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402

#: Viewport rectangle of an element, of the article pane and of the window, in one call.
RECTS = """
const r = arguments[0].getBoundingClientRect();
const p = document.getElementById('article').getBoundingClientRect();
return {top: r.top, bottom: r.bottom, paneTop: p.top, paneBottom: p.bottom,
        height: window.innerHeight};
"""


def in_view(rect: dict[str, float]) -> bool:
    top = max(rect["paneTop"], 0)
    bottom = min(rect["paneBottom"], rect["height"])
    return rect["top"] >= top and rect["bottom"] <= bottom


@pytest.fixture
def summary() -> ArticleSummary:
    return seed_summary()


@pytest.fixture
def page_url(summary: ArticleSummary, tmp_path: Path) -> str:
    page = tmp_path / "review.html"
    page.write_text(to_html(summary), encoding="utf-8")
    return page.as_uri()


@pytest.fixture
def driver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    monkeypatch.setenv("SE_OFFLINE", "true")  # belt and braces: no Selenium Manager downloads
    with chrome(tmp_path / "profile") as browser:
        yield browser


def test_marks_hold_exactly_the_grounded_text(
    driver: WebDriver, page_url: str, summary: ArticleSummary
) -> None:
    driver.get(page_url)
    marks: list[dict[str, Any]] = driver.execute_script(
        "return Array.from(document.querySelectorAll('mark')).map(m => ({"
        "ids: m.dataset.statementId || '', start: +m.dataset.spanStart,"
        "end: +m.dataset.spanEnd, text: m.textContent}));"
    )
    assert len(marks) > 20
    for mark in marks:
        assert mark["text"] == summary.text[mark["start"] : mark["end"]]
    quoted = [s for s in summary.statements if s.span is not None]
    assert len(quoted) == 4
    for statement in quoted:
        assert statement.span is not None
        own = [m for m in marks if statement.id in m["ids"].split()]
        assert "".join(m["text"] for m in own) == statement.span.text
        assert (own[0]["start"], own[-1]["end"]) == (statement.span.start, statement.span.end)
        if statement.kind == "direct":
            assert "".join(m["text"] for m in own) == statement.text


@pytest.mark.parametrize(("statement_id", "scroll"), [("st4", "top"), ("st1", "bottom")])
def test_clicking_a_card_scrolls_its_span_into_view(
    driver: WebDriver, page_url: str, statement_id: str, scroll: str
) -> None:
    driver.get(page_url)
    driver.execute_script(
        "const a = document.getElementById('article'); a.scrollTop = arguments[0];",
        0 if scroll == "top" else 10**6,
    )
    first = driver.find_element(By.CSS_SELECTOR, f'mark[data-statement-id~="{statement_id}"]')
    before = driver.execute_script(RECTS, first)
    assert not in_view(before), f"the test needs {statement_id}'s quote off-screen: {before}"

    card = driver.find_element(By.CSS_SELECTOR, f'.card[data-statement-id="{statement_id}"]')
    card.find_element(By.CSS_SELECTOR, "blockquote").click()

    after = driver.execute_script(RECTS, first)
    assert in_view(after), after
    assert "flash" in (first.get_attribute("class") or "")
    assert "active" in (card.get_attribute("class") or "")


def test_clicking_a_mark_finds_its_card(driver: WebDriver, page_url: str) -> None:
    driver.get(page_url)
    driver.execute_script("document.getElementById('cards').scrollTop = 0;")
    card = driver.find_element(By.CSS_SELECTOR, '.card[data-statement-id="st4"]')
    driver.find_element(By.CSS_SELECTOR, 'mark[data-statement-id~="st4"]').click()
    assert "flash" in (card.get_attribute("class") or "")
    visible = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.top >= 0 && r.top < window.innerHeight;",
        card,
    )
    assert visible


def test_screenshot_for_people(driver: WebDriver, page_url: str) -> None:
    driver.set_window_size(1400, 900)
    driver.get(page_url)
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "review-page.png"
    assert driver.save_screenshot(str(target))
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the lower half of the findings: the speculative deal, statements, shown apart
    driver.execute_script("document.getElementById('cards').scrollTop = 10**6;")
    assert driver.save_screenshot(str(ARTIFACTS / "review-page-apart.png"))


def test_a_status_links_to_the_words_that_set_it(driver: WebDriver, tmp_path: Path) -> None:
    from pactlens import clean
    from pactlens._extraction import Extraction
    from pactlens._models import Meta
    from pactlens.grounding import assemble, prepare

    article = clean((ROOT / "examples" / "articles" / "russia-north-korea-pact.txt").read_text())
    built = assemble(prepare(article), Extraction.empty())  # the rules' half, real spans
    meta = Meta(model="none", backend="rules", prompt_version="-", pactlens_version="-")
    page = tmp_path / "rules.html"
    page.write_text(to_html(built.to_summary(article, meta)), encoding="utf-8")
    driver.get(page.as_uri())
    for card, word in (("a0", "signed"), ("a1", "potential")):
        driver.execute_script("document.getElementById('article').scrollTop = 10**6;")
        mark = driver.find_element(By.CSS_SELECTOR, f'mark[data-ids~="{card}-st"]')
        if card == "a0":  # the pact's "signed" is in the first sentence: off-screen now
            assert not in_view(driver.execute_script(RECTS, mark))
        driver.find_element(By.CSS_SELECTOR, f'a.fact[data-targets="{card}-st"]').click()
        assert in_view(driver.execute_script(RECTS, mark))
        assert "flash" in (mark.get_attribute("class") or "")
        assert mark.text == word
