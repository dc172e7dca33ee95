"""The wheel in a real browser: headless Chromium (Debian's chromium + chromium-driver,
driven by Selenium with the system driver – never a downloaded browser) against the
export served by `arshjul web` under the site's policy, with no console error and an
axe-core accessibility scan (axe-core from the npm registry)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE = Path(
    os.environ.get(
        "ARSHJUL_AXE_JS", REPO / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
    )
)
ARTIFACTS = Path(os.environ.get("ARSHJUL_TEST_ARTIFACTS", REPO / "test-artifacts"))
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def serious(driver) -> list[str]:  # type: ignore[no-untyped-def]
    """The serious and critical WCAG 2.1 A/AA findings of an axe-core scan of the page
    the browser shows."""
    found = json.loads(
        driver.execute_async_script(
            AXE.read_text(encoding="utf-8") + ";const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
            ".then(r => done(JSON.stringify(r.violations)));"
        )
    )
    return [v["id"] for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture
def browser() -> Iterator[object]:
    with chromium() as driver:
        yield driver


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium driven by the system chromedriver; skips (or, with
    ARSHJUL_REQUIRE_BROWSER=1, fails) the test when the browser or axe-core is missing."""
    missing = [
        name
        for name, found in (
            ("chromium", CHROMIUM),
            ("chromedriver", DRIVER),
            (str(AXE), AXE.exists()),
        )
        if not found
    ]
    if missing:
        if os.environ.get("ARSHJUL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here, but missing: {', '.join(missing)}")
        pytest.skip(
            f"needs {', '.join(missing)} (apt-get install chromium chromium-driver; "
            "make test installs axe-core with npm)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1100,1500",
    ):
        options.add_argument(flag)
    # the console's entries, for the tests that fail on any error in it
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def console_errors(driver, allowed: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    """The browser console's SEVERE entries since the last call (a blocked style or
    script, a failed sub-resource, a JavaScript error); ``allowed`` is a URL whose own
    404 is the page's point (the error page)."""
    return [
        e["message"]
        for e in driver.get_log("browser")
        if e["level"] == "SEVERE"
        and not (allowed and e["message"].startswith(allowed + " ") and " 404 " in e["message"])
    ]


def test_the_wheel_in_a_browser(web_site: tuple[int, Path, dict[str, str]], browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    port = web_site[0]
    browser.get(f"http://127.0.0.1:{port}/o/mini/2027")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"
    marks = browser.find_elements(By.CSS_SELECTOR, "svg.wheel a.meeting")
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    assert len(marks) == len(rows) == 11  # the wheel and the table agree
    assert browser.find_elements(By.CSS_SELECTOR, "svg.wheel path.moved")  # Ascension week

    # keyboard: Tab until a meeting mark has focus; its details appear in the live region
    for _ in range(40):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        active = browser.switch_to.active_element
        if "meeting" in (active.get_attribute("class") or ""):
            break
    else:
        pytest.fail("no meeting mark could be reached with the keyboard")
    info = browser.find_element(By.ID, "wheel-info").text
    assert info == active.get_attribute("data-info") and "2027" in info
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "wheel-mini-2027.png"))
    # wide and on a phone: the wheel fills the width; nothing scrolls sideways; the phone
    # gets the short month names, large enough to read
    for width, name in ((1400, "wheel-mini-2027-1400.png"), (390, "wheel-mini-2027-390.png")):
        browser.set_window_size(width, 1500)
        wheel = browser.find_element(By.CSS_SELECTOR, "svg.wheel")
        assert wheel.size["width"] >= min(width - 60, 850)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        assert browser.save_screenshot(str(ARTIFACTS / name))
    shown = browser.find_elements(By.CSS_SELECTOR, "svg.wheel text.month-short")
    assert shown[0].is_displayed() and shown[0].text == "jan"
    assert shown[0].size["height"] >= 11  # px on the phone's screen
    browser.set_window_size(1100, 1500)

    assert serious(browser) == []  # the wheel page
    assert console_errors(browser) == []

    active.send_keys(Keys.ENTER)  # the mark is a link to the meeting page
    # The key press returns before the new page is there: wait for it, never sleep.
    WebDriverWait(browser, 20).until(expected_conditions.url_contains("/m/"))
    WebDriverWait(browser, 20).until(
        expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Samverkansrådet")
    )
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Samverkansrådet – ")
    assert browser.find_elements(By.LINK_TEXT, "Lägg till i kalendern")
    assert len(browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")) == 4  # the chain
    assert serious(browser) == []
    assert console_errors(browser) == []
    browser.get(f"http://127.0.0.1:{port}/")  # the start page too
    assert browser.find_elements(By.PARTIAL_LINK_TEXT, "Prenumerera")
    assert browser.find_element(By.TAG_NAME, "h2").text == "Så prenumererar du"  # first
    assert serious(browser) == []
    assert console_errors(browser) == []

    # a shared view: a quarter, rings switched off, all from the address
    browser.get(f"http://127.0.0.1:{port}/o/mini/2027?visa=k2&dolda=0")
    wheel = browser.find_element(By.CSS_SELECTOR, "svg.wheel")
    assert wheel.get_attribute("viewBox") != "-450 -410 900 820"  # zoomed to April–June
    assert not any(m.is_displayed() for m in browser.find_elements(By.CSS_SELECTOR, "a.meeting"))
    browser.find_element(By.CSS_SELECTOR, "input[name=ring][value='0']").click()
    assert "dolda" not in browser.current_url and "visa=k2" in browser.current_url
    assert browser.save_screenshot(str(ARTIFACTS / "wheel-mini-2027-kvartal2.png"))
    assert serious(browser) == []
    assert console_errors(browser) == []
    browser.get(f"http://127.0.0.1:{port}/o/mini/2027/inbaddning")  # the embed view
    assert browser.find_elements(By.CSS_SELECTOR, "svg.wheel a.meeting")
    assert serious(browser) == []
    assert console_errors(browser) == []
