"""The organisation's page of open assignments, /o/<org>/uppdrag: from a stored year
with decisions; read as HTML (open ones only, restricted ones and names never shown)
and in headless Chromium (the filters, a screenshot, axe)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from calendars.pages import render_pages
from cycle.decisionfile import parse_decisions
from cycle.decisions import CommissionStatus
from models.database import write_session
from models.decisions import record_decision, report_commission
from tests.calendars.conftest import BASE, TODAY, pages_served, publish
from tests.calendars.test_wheel_browser import (  # noqa: F401
    ARTIFACTS,
    browser,
    console_errors,
    serious,
)
from tests.conftest import HELD
from tests.cycle.test_decisionfile import DECIDED

BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"
MORE = """
[[decision.assignment]]
title = "Bjud in regionerna"
owner = "person:anna-berg"
due = 2027-02-26

[[decision.assignment]]
title = "Stäng projektet"
owner = "body:radet"
due = 2027-03-31
"""


@pytest.fixture
def decided(stored: Engine) -> Engine:
    text = DECIDED.replace("report_to = 2027-05-06", "report_to = 2027-05-10") + MORE
    (spec,) = parse_decisions(text, "beslut.toml").decisions
    with write_session(stored) as s:
        record_decision(s, "mini", spec, now=HELD)
        s.flush()
        from sqlmodel import select

        from models.decisions import Commission

        done = s.exec(select(Commission).where(Commission.title == "Stäng projektet")).one()
        report_commission(s, done.id, CommissionStatus.KLART, "", by="admin:t", now=HELD)
    return stored


def page_of(engine: Engine) -> str:
    page = render_pages(publish(engine), today=TODAY, base_url=BASE)["o/mini/uppdrag.html"]
    assert isinstance(page, bytes)
    return page.decode()


def test_open_public_assignments_are_listed_without_names(decided: Engine) -> None:
    text = page_of(decided)
    assert "Ta fram underlag" in text and "Bjud in regionerna" in text
    assert "Stäng projektet" not in text  # done
    assert "Samordna remissvaren" not in text  # restricted
    for name in ("Lena Sjö", "Anna Berg"):
        assert name not in text
    assert "regionutvecklare" in text and "regionstyrelsens ordförande" in text  # titles
    assert "2 pågående uppdrag" in text


@pytest.fixture
def served(decided: Engine, tmp_path: Path) -> Iterator[int]:
    with pages_served(decided, tmp_path / "publicerat") as port:
        yield port


@pytest.mark.browser
def test_the_filters_in_a_browser(served: int, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(f"http://127.0.0.1:{served}/o/mini/uppdrag")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Uppdrag från besluten – Testregionen"
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr[data-status]")
    assert len(rows) == 2
    Select(browser.find_element(By.ID, "f-agare")).select_by_visible_text("regionutvecklare")
    visible = [r for r in rows if r.is_displayed()]
    assert len(visible) == 1 and "Ta fram underlag" in visible[0].text
    assert browser.find_element(By.ID, "shown").text == "1 av 2 uppdrag visas."
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1400, 390):
        browser.set_window_size(width, 1200)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= max(
            width, 500
        )
        assert browser.save_screenshot(str(ARTIFACTS / f"uppdrag-mini-{width}.png"))
        # the filter holds in the phone's stacked layout too
        assert [r for r in rows if r.is_displayed()] == visible
    assert serious(browser) == []
    assert console_errors(browser) == []  # nothing blocked, nothing failed
