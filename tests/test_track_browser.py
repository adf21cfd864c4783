"""The book's page in a real headless Chromium (Debian's chromium + chromium-driver).

The book is built from real summaries of the gold tracking articles with the rules alone
(no model). Nothing is downloaded: the driver and the browser are given by path, so
Selenium Manager never runs, and the page itself forbids loading anything. A screenshot
is left in ``test-artifacts/book-page.png`` for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import MISSING, chrome
from tracking_passages import page_book

from pactlens.tracking import AgreementBook

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
if MISSING is not None:
    pytest.skip(MISSING, allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium: pip install selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402

IN_VIEW = """
const r = arguments[0].getBoundingClientRect();
return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
"""


@pytest.fixture(scope="module")
def book() -> AgreementBook:
    return page_book()


@pytest.fixture
def page_url(book: AgreementBook, tmp_path: Path) -> str:
    page = tmp_path / "book.html"
    page.write_text(book.to_html(), encoding="utf-8")
    return page.as_uri()


@pytest.fixture
def driver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    monkeypatch.setenv("SE_OFFLINE", "true")  # belt and braces: no Selenium Manager downloads
    with chrome(tmp_path / "profile", console_log=True) as browser:
        yield browser


def console_errors(driver: WebDriver) -> list[str]:
    try:
        entries = driver.get_log("browser")
    except Exception:  # not every driver keeps the log
        return []
    return [e["message"] for e in entries if e.get("level") == "SEVERE"]


def test_every_record_has_its_section(
    driver: WebDriver, page_url: str, book: AgreementBook
) -> None:
    driver.get(page_url)
    sections = driver.find_elements(By.CSS_SELECTOR, "section.record")
    assert [s.get_attribute("id") for s in sections] == [f"rec-{r.id}" for r in book.records]
    for record in book.records:
        section = driver.find_element(By.ID, f"rec-{record.id}")
        assert record.name in section.find_element(By.TAG_NAME, "h2").text
        events = section.find_elements(By.CSS_SELECTOR, "ol.timeline > li")
        assert len(events) == len(record.timeline)
        contested = section.find_elements(By.CSS_SELECTOR, ".badge.contested")
        assert bool(contested) == record.contested
    assert driver.find_element(By.ID, "n-agreements").text == str(len(book))
    assert any(r.contested for r in book.records)  # the set gives the page a conflict to show
    assert console_errors(driver) == []


def test_a_quote_link_scrolls_to_its_quote_and_flashes_it(
    driver: WebDriver, page_url: str, book: AgreementBook
) -> None:
    record = next(r for r in book.records if len(r.timeline) >= 2 and r.timeline[0].quote)
    event = record.timeline[0]
    assert event.evidence is not None
    driver.get(page_url)
    quote = driver.find_element(By.ID, f"q-{record.id}-1")
    # the quote starts off-screen: at the top of the page, or else at its bottom
    driver.execute_script("window.scrollTo(0, 0);")
    if driver.execute_script(IN_VIEW, quote):
        driver.execute_script("window.scrollTo(0, document.body.scrollHeight);")
    assert not driver.execute_script(IN_VIEW, quote), "the test needs the quote off-screen"

    link = driver.find_element(By.CSS_SELECTOR, f'a.quote-link[href="#q-{record.id}-1"]')
    link.click()

    assert driver.execute_script(IN_VIEW, quote)
    assert "flash" in (quote.get_attribute("class") or "").split()
    (mark,) = quote.find_elements(By.TAG_NAME, "mark")
    assert mark.text == event.evidence.text
    assert quote.text == event.quote
    assert console_errors(driver) == []


def test_back_to_the_timeline_flashes_the_event(
    driver: WebDriver, page_url: str, book: AgreementBook
) -> None:
    record = next(r for r in book.records if len(r.timeline) >= 2 and r.timeline[0].quote)
    driver.get(page_url)
    driver.find_element(By.CSS_SELECTOR, f'a.quote-link[href="#q-{record.id}-1"]').click()
    back = driver.find_element(By.CSS_SELECTOR, f"#q-{record.id}-1 + figcaption a.event-link")
    back.click()
    event = driver.find_element(By.ID, f"ev-{record.id}-1")
    assert driver.execute_script(IN_VIEW, event)
    assert "flash" in (event.get_attribute("class") or "").split()


def test_screenshot_for_people(driver: WebDriver, page_url: str, book: AgreementBook) -> None:
    driver.set_window_size(1300, 1000)
    driver.get(page_url)
    contested = next(r for r in book.records if r.contested)
    driver.execute_script(
        "document.getElementById(arguments[0]).scrollIntoView({block: 'start'});",
        f"rec-{contested.id}",
    )
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "book-page.png"
    assert driver.save_screenshot(str(target))
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert console_errors(driver) == []
