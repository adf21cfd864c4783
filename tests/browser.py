"""Headless Chromium for the page tests: Debian's chromium and chromium-driver, given by
path, so Selenium Manager never runs and nothing is downloaded."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", "/usr/lib/chromium/chromium") if Path(p).is_file()), None
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)
#: Why the browser tests cannot run here, or None when they can.
MISSING = (
    "needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver"
    if CHROMIUM is None or not Path(CHROMEDRIVER).is_file()
    else None
)


@contextlib.contextmanager
def chrome(profile: Path, *, console_log: bool = False) -> Iterator[WebDriver]:
    """A 900x520 headless Chromium with its own profile folder; ``console_log`` keeps
    the page's console messages for ``driver.get_log("browser")``. Set SE_OFFLINE first."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    assert CHROMIUM is not None
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=900,520")
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=subprocess.DEVNULL)
    browser = webdriver.Chrome(service=service, options=options)
    try:
        yield browser
    finally:
        browser.quit()
