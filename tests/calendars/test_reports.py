"""The yearly reports as Markdown: the follow-up report and the published priorities."""

from __future__ import annotations

import datetime as dt

import pytest

from calendars.followup import follow_up
from calendars.reports import render_follow_up_report, render_priorities
from cycle.yearly import ItemKind, ItemStatus, YearItem, draft_assignments
from tests.calendars.test_wheel_browser import browser  # noqa: F401

ITEMS = [
    YearItem(
        "p1",
        ItemKind.PRIORITERING,
        "Vård | omsorg",
        "Kortare köer",
        status=ItemStatus.FORSENAD,
        comment="Brist på\nsjuksköterskor",
    ),
    YearItem("p2", ItemKind.PRIORITERING, "Infrastruktur", status=ItemStatus.AVSLUTAD),
    YearItem("i1", ItemKind.SATSNING, "Tågtrafik", parent="Infrastruktur", owner="Regionen"),
]


def test_the_follow_up_report_counts_lists_and_drafts() -> None:
    drafts = draft_assignments("x", 2026, ITEMS)
    text = render_follow_up_report(follow_up("Regionen", 2026, ITEMS, drafts, dt.date(2026, 12, 3)))
    assert text.startswith("# Uppföljning 2026 – Regionen\n\n")
    assert "Behandlas på uppföljningsmötet torsdag 3 december 2026." in text
    assert "- Ej rapporterad: 1\n- Försenad: 1\n- Avslutad: 1\n" in text
    # a table cell keeps its row: pipes escaped, line breaks flattened
    assert "| Vård \\| omsorg | försenad | Brist på sjuksköterskor |" in text
    assert "| Tågtrafik | ej rapporterad |  |" in text
    assert "- **Fortsätt arbetet med Vård | omsorg** – Status vid uppföljningen" in text
    assert "Infrastruktur" not in text.split("## Uppdrag inför 2027")[1]


def test_an_empty_year_says_so() -> None:
    text = render_follow_up_report(follow_up("Regionen", 2026, [], [], None))
    assert "uppföljningsmötet" not in text
    assert "- Inget att följa upp." in text
    assert "Inga prioriterade områden beslutades för 2026." in text
    assert text.endswith("## Uppdrag inför 2027\n\nInga nya uppdrag.\n")


def test_published_priorities_number_the_areas_and_place_initiatives() -> None:
    text = render_priorities("Regionen", 2027, ITEMS)
    assert "1. **Vård | omsorg** – Kortare köer\n2. **Infrastruktur**\n" in text
    assert "- **Tågtrafik** (inom Infrastruktur; ansvarig: Regionen)" in text
    assert render_priorities("Regionen", 2027, []).count("Inga beslutade ännu.") == 2


@pytest.mark.browser
def test_the_follow_up_page_in_a_browser(tmp_path, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The report's page read by a person: Swedish, headings and header cells, and no
    serious or critical axe finding."""
    from selenium.webdriver.common.by import By

    from calendars.followup import render_follow_up_html
    from tests.calendars.test_wheel_browser import ARTIFACTS, serious

    drafts = draft_assignments("x", 2026, ITEMS)
    page = tmp_path / "uppfoljning-2026.html"
    page.write_bytes(
        render_follow_up_html(follow_up("Regionen", 2026, ITEMS, drafts, dt.date(2026, 12, 3)))
    )
    browser.get(page.as_uri())
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Uppföljning 2026 – Regionen"
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "th[scope=col]")]
    assert headers[:3] == ["Rubrik", "Status", "Kommentar"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "uppfoljning-2026.png"))
    assert serious(browser) == []
