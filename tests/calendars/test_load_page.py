"""The load page /o/<org>/<år>/belastning: exported from a stored year in which the
beredningsgrupp's sammankallande has more deadlines than one person should in a week;
read as HTML (roles, never names) and in headless Chromium (screenshots, axe)."""

from __future__ import annotations

import html
import re
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from calendars.pages import render_pages
from cycle import CycleDefinition, WorkCalendar, plan_year
from models.database import make_engine, write_session
from models.definitions import save_definition
from models.plan import save_plan
from models.schema import upgrade_schema
from tests.calendars.conftest import BASE, TODAY, pages_served, publish
from tests.calendars.test_wheel_browser import (  # noqa: F401
    ARTIFACTS,
    browser,
    console_errors,
    serious,
)
from tests.conftest import PLANNED, fresh_database_url

BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"


@pytest.fixture
def twice_a_week(
    tmp_path: Path, mini: Callable[..., CycleDefinition], calendar: WorkCalendar
) -> tuple[Engine, CycleDefinition]:
    """The mini council meeting every Tuesday and Thursday of 2027: Lena Sjö, alone in
    the beredningsgrupp, has about six deadlines a week."""
    engine = make_engine(fresh_database_url(tmp_path))
    upgrade_schema(engine)
    d = mini(rrule='"FREQ=WEEKLY;BYDAY=TU,TH"')
    with write_session(engine) as s:
        save_definition(s, d, now=PLANNED)
        save_plan(s, plan_year(d, 2027, calendar), now=PLANNED)
    return engine, d


def load_page(engine: Engine) -> str:
    pages = render_pages(publish(engine), today=TODAY, base_url=BASE)
    page = pages["o/mini/2027/belastning.html"]
    assert isinstance(page, bytes)
    return page.decode()


def test_the_page_shows_groups_and_roles_with_the_heavy_weeks_and_no_names(
    twice_a_week: tuple[Engine, CycleDefinition],
) -> None:
    engine, definition = twice_a_week
    text = load_page(engine)
    rows = [html.unescape(r) for r in re.findall(r'<th scope="row">(.*?)</th>', text)]
    labels = [re.sub(r"<[^>]+>", "", r).strip() for r in rows]
    assert "Samverkansrådet" in labels  # the public body
    assert "Sammankallande i beredningsgrupp (en person)" in labels[: len(labels) // 2]
    assert "Beredningsgruppen" not in text  # not a public body: its name is not shown
    for person in definition.people:
        assert person.name not in text, person.name
    # Lena's weeks: more than three deadlines, marked for the eye and in words
    heavy = re.findall(r'<td class="l\d heavy" title="(v\. \d+): (\d+) uppgifter', text)
    assert len(heavy) > 30 and all(int(n) > 3 for _, n in heavy)
    assert "fler än 3 uppgifter med sista dag" in text


@pytest.fixture
def served(twice_a_week: tuple[Engine, CycleDefinition], tmp_path: Path) -> Iterator[int]:
    with pages_served(twice_a_week[0], tmp_path / "publicerat") as port:
        yield port


@pytest.mark.browser
def test_the_load_page_in_a_browser(served: int, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from selenium.webdriver.common.by import By

    url = f"http://127.0.0.1:{served}/o/mini/2027/belastning"
    with urllib.request.urlopen(url) as response:  # the address without .html
        assert response.status == 200
    browser.get(url)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Belastning 2027 – Testregionen"
    heavy = browser.find_elements(By.CSS_SELECTOR, "table.heat td.heavy")
    assert heavy and heavy[0].text.endswith("!")
    outline = heavy[0].value_of_css_property("outline-color")
    assert outline in ("rgb(176, 0, 32)", "rgba(176, 0, 32, 1)")  # the red frame shows
    # the wide table scrolls inside its own region, reachable by keyboard; the page not
    region = browser.find_element(By.CSS_SELECTOR, "div.scroll[role=region]")
    assert region.get_attribute("tabindex") == "0"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1400, 390):
        browser.set_window_size(width, 1600)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        assert browser.save_screenshot(str(ARTIFACTS / f"load-mini-2027-{width}.png"))
    assert serious(browser) == []
    assert console_errors(browser) == []  # nothing blocked, nothing failed
