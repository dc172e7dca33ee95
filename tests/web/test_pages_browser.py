"""Every kind of page as a new user meets it: what the README's `make demo` starts –
`arshjul demo` planning the example data into a data folder of its own and serving it
with the web application under the site's Content-Security-Policy – opened in headless
Chromium (Debian's chromium + chromium-driver). Each page must load without one console
error (a blocked style or script, a failed sub-resource, a JavaScript error), carry the
site's stylesheet, pass axe-core's WCAG A/AA scan, and not scroll sideways on a phone;
a screenshot of each at 1400 and 390 px goes to test-artifacts/pages/ for a person to
look at. One demo, one server and one browser serve the whole module."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.calendars.test_wheel_browser import ARTIFACTS, chromium, console_errors, serious
from tests.cli.test_demo_loop import tryout_links
from tests.servers import free_port, listening

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BIN = Path(sys.executable).parent
SHOTS = ARTIFACTS / "pages"
WIDTHS = (1400, 390)


@dataclass(frozen=True)
class Demo:
    """The demo as served: its address, data folder and the links it printed."""

    url: str
    home: Path
    links: dict[str, str]  # what -> path, from the demo's "Prova hela kedjan" lines
    output: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`arshjul demo --no-serve` into a new data folder, then `arshjul demo` itself –
    the second run changes nothing and serves, as `make demo` does."""
    home = tmp_path_factory.mktemp("demo")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ARSHJUL_HOME": str(home)}
    argv = [str(BIN / "arshjul"), "demo", "--base-url", base, "--port", str(port)]
    first = subprocess.run(
        [*argv, "--no-serve"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert first.returncode == 0, first.stderr
    with listening(argv, port, env=env):
        yield Demo(base, home, tryout_links(first.stdout, base), first.stdout)


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    with chromium() as d:
        yield d


def look(driver, demo: Demo, name: str, path: str, *, status_page: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Open ``path`` at both widths and check what every page must be; screenshots as
    ``<name>-<width>.png``."""
    url = demo.url + path
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        driver.set_window_size(width, 1500)
        console_errors(driver)  # what came before is another page's
        driver.get(url)
        errors = console_errors(driver, url if status_page else None)
        assert errors == [], (name, width, errors)
        assert driver.save_screenshot(str(SHOTS / f"{name}-{width}.png"))
        if path.endswith(".svg"):
            # the file alone draws itself: full month names wide, never both sets
            shown = driver.execute_script(
                "return [...document.querySelectorAll('text.month-short')]"
                ".filter(t => getComputedStyle(t).display !== 'none').length"
            )
            assert shown == 0, name
            continue
        assert driver.find_element("tag name", "html").get_attribute("lang") == "sv", name
        font = driver.execute_script("return getComputedStyle(document.body).fontFamily")
        assert font.startswith("system-ui"), (name, font)  # the site's stylesheet applied
        assert driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        ), (name, width, "scrolls sideways")
        assert serious(driver) == [], (name, width)
        assert console_errors(driver) == [], (name, width)  # axe itself broke nothing
        # the whole page for the person who looks at it, not just its first screen
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(max(height, 600), 9000))
        assert driver.save_screenshot(str(SHOTS / f"{name}-{width}-hel.png"))


def first_href(driver, demo: Demo, selector: str) -> str:  # type: ignore[no-untyped-def]
    href = driver.execute_script(
        "const a = document.querySelector(arguments[0]);"
        "return a && new URL(a.getAttribute('href'), location.href).href",
        selector,
    )
    assert href and href.startswith(demo.url), href
    return str(href).removeprefix(demo.url)


def test_every_page_kind_from_make_demo_in_a_browser(demo: Demo, driver) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    year = next(
        line.split("/")[-2]
        for line in demo.output.splitlines()
        if line.startswith("Belastning ") and "/varmland/" in line
    )
    org = f"/o/varmland/{year}"
    look(driver, demo, "start", "/")
    look(driver, demo, "arshjul", org)
    meeting = first_href(driver, demo, "svg.wheel a.meeting")
    look(driver, demo, "inbaddning", f"{org}/inbaddning")
    look(driver, demo, "belastning", f"{org}/belastning")
    look(driver, demo, "uppdrag", "/o/varmland/uppdrag")
    look(driver, demo, "mote", meeting)
    forum = next(
        p
        for p in sorted((demo.home / "publicerat" / "m").glob("*.html"))
        if 'id="inbjudna"' in p.read_text(encoding="utf-8")
    )
    look(driver, demo, "forum", f"/m/{forum.stem}")
    look(driver, demo, "arshjul-svg", f"{org}.svg")

    links = demo.links
    (person,) = [k for k in links if k.endswith("s sida")]
    look(driver, demo, "personlig", links[person])
    # the group calendars of the person's bodies, behind their tokens, and they answer
    groups = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "ul.groups code.url")]
    assert groups and all("/g/" in g for g in groups), groups
    for address in groups:
        with urllib.request.urlopen(demo.url + address[address.index("/g/") :]) as answer:
            assert answer.status == 200 and answer.headers["content-type"].startswith(
                "text/calendar"
            )
            assert b"BEGIN:VCALENDAR" in answer.read()
    driver.set_window_size(390, 1500)
    driver.get(demo.url + links[person])
    call = driver.find_element(By.PARTIAL_LINK_TEXT, "Skicka in ett ärende")  # the call is open
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", call)
    assert driver.save_screenshot(str(SHOTS / "personlig-moten-390.png"))  # its meetings
    look(driver, demo, "klar", links["Markera som klar"])
    assert driver.find_element(By.CSS_SELECTOR, "form button").text == "Markera som klar"
    # a heading of a long compound on a phone wraps inside the screen (it ran off)
    driver.set_window_size(390, 1500)
    driver.get(demo.url + links["Markera som klar"])
    heading = driver.find_element(By.TAG_NAME, "h1")
    driver.execute_script(
        "arguments[0].textContent = 'Kompetensförsörjningssamordningsgruppens minnesanteckningar'",
        heading,
    )
    assert driver.execute_script(
        "const h = arguments[0]; return h.scrollWidth <= h.clientWidth"
        " && h.getBoundingClientRect().right <= window.innerWidth"
        " && document.documentElement.scrollWidth <= window.innerWidth",
        heading,
    )
    assert driver.save_screenshot(str(SHOTS / "klar-lang-rubrik-390.png"))
    look(driver, demo, "arende", links["Skicka in ett ärende"])
    assert driver.find_elements(By.ID, "titel")  # the item form, open today
    look(driver, demo, "dagordning", links["Dagordningen (godkänn ärenden)"])
    look(driver, demo, "beslut", links["Beslut och uppdrag"])
    assert driver.find_element(By.ID, "beslut").text.startswith("Registrerade beslut")
    look(driver, demo, "post", "/_/post/")
    message = first_href(driver, demo, "main table a")
    look(driver, demo, "meddelande", message)
    assert driver.find_elements(By.CSS_SELECTOR, "article.mail a")  # the message's links
    look(driver, demo, "fel-404", "/finns-inte", status_page=True)
    look(driver, demo, "fel-lank", "/p/ingen-sadan-nyckel/", status_page=True)
