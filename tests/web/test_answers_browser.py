""" "Markera som klar" in a real browser: the link out of a message the SMTP sink received,
opened in headless Chromium (Debian's chromium + chromium-driver), confirmed with its
button; and an axe-core scan of every page a person meets on the way."""

from __future__ import annotations

import pytest

from cycle import CycleDefinition
from models.tokens import live_token
from services.storage import reading
from tests.calendars.test_wheel_browser import (  # noqa: F401
    ARTIFACTS,
    browser,
    console_errors,
    serious,
)
from tests.services.test_reminders import Sink
from tests.web.test_answers import (  # noqa: F401
    LENA,
    Site,
    done_links,
    planned,
    reminder_run,
    sink,
    site,
    task_row,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_done_from_the_message_in_a_browser(
    site: Site,  # noqa: F811
    planned: CycleDefinition,  # noqa: F811
    sink: Sink,  # noqa: F811
    browser,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    reminder_run(site, planned, sink, site.clock[0].replace(hour=7))
    link = done_links(sink, "lena.sjo@example.se", "Begär in ärenden")[0]
    title = "Begär in ärenden till dagordningen"
    browser.get(site.url + link)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    assert task_row(site, title).status == "open"  # opening the link changed nothing
    assert serious(browser) == []
    assert console_errors(browser) == []
    before = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    # A click submits the form and returns at once; wait until the answer page replaced it.
    WebDriverWait(browser, 20).until(expected_conditions.staleness_of(before))
    status = WebDriverWait(browser, 20).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[role=status]"))
    )
    assert "Klart!" in status.text
    assert task_row(site, title).status == "done"
    assert serious(browser) == []
    assert console_errors(browser) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "klar.png"))
    with reading(site.settings) as s:
        token = live_token(s, LENA)
        meeting = task_row(site, title).meeting
    site.clock[0] = site.clock[0].replace(day=11)  # the call for items is open
    for name, path in (
        ("personlig", f"/p/{token}/"),
        ("arende", f"/p/{token}/moten/{meeting}/arende"),
        ("dagordning", f"/p/{token}/moten/{meeting}/dagordning"),
    ):
        for width in (1100, 420):  # a desktop and a phone, for a person to look at
            browser.set_window_size(width, 1500)
            browser.get(site.url + path)
            assert browser.find_elements(By.TAG_NAME, "h1"), path
            assert serious(browser) == [], (path, width)
            assert console_errors(browser) == []
            # nothing wider than the window: a phone must not scroll sideways
            assert browser.execute_script(
                "return document.documentElement.scrollWidth <= window.innerWidth"
            ), (path, width)
            browser.save_screenshot(str(ARTIFACTS / f"{name}-{width}.png"))


def report_in_browser(driver, commission: str, status: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """On the person page ``driver`` shows: report ``status`` and ``text`` on the
    assignment with its own form, as a person does, and see it saved (axe finds nothing
    serious on the answer)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    form = driver.find_element(By.CSS_SELECTOR, f"form[action$='/uppdrag/{commission}/rapport']")
    Select(form.find_element(By.TAG_NAME, "select")).select_by_visible_text(status)
    form.find_element(By.TAG_NAME, "textarea").send_keys(text)
    before = driver.find_element(By.TAG_NAME, "html")
    form.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(before))
    shown = WebDriverWait(driver, 20).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[role=status]"))
    )
    assert shown.text == "Din rapport om uppdraget är sparad."
    assert serious(driver) == []
    assert console_errors(driver) == []


def test_an_owner_reports_an_assignment_in_a_browser(site: Site, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from models.decisions import Commission
    from tests.web.test_answers import decided

    ids = decided(site)
    with reading(site.settings) as s:
        token = live_token(s, LENA)
    browser.set_window_size(1100, 1500)
    browser.get(f"{site.url}/p/{token}/#uppdrag")
    report_in_browser(browser, ids["Ta fram underlag"], "klart", "Underlaget är lämnat till rådet")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1100, 420):
        browser.set_window_size(width, 1500)
        browser.get(f"{site.url}/p/{token}/#uppdrag")
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
        browser.save_screenshot(str(ARTIFACTS / f"uppdrag-{width}.png"))
    with reading(site.settings) as s:
        row = s.get(Commission, ids["Ta fram underlag"])
        assert row is not None and row.status == "klart"


def test_a_coordinator_records_a_decision_in_a_browser(site: Site, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The record page in Chromium: a decision, then an assignment from its form (opened
    from its summary), with the page scanned by axe-core at desktop and phone width."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait
    from sqlmodel import select

    from models.decisions import Commission, Decision
    from tests.services.test_reminders import local
    from tests.web.test_record import meeting_on

    january = meeting_on(site, "2027-01-07")
    site.clock[0] = local("2027-01-07T15:30")  # the council is meeting
    with reading(site.settings) as s:
        token = live_token(s, LENA)
    page = f"{site.url}/p/{token}/moten/{january.id}/beslut"

    def submit(form) -> None:  # type: ignore[no-untyped-def]
        before = browser.find_element(By.TAG_NAME, "html")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(browser, 20).until(expected_conditions.staleness_of(before))

    browser.set_window_size(1100, 1500)
    browser.get(page)
    form = browser.find_element(By.CSS_SELECTOR, "form input[name=atgard][value=beslut]")
    form = form.find_element(By.XPATH, "./ancestor::form")
    form.find_element(By.ID, "titel").send_keys("Gemensam kartläggning")
    form.find_element(By.CSS_SELECTOR, "input[name=typ][value='ställningstagande']").click()
    form.find_element(By.ID, "text").send_keys("Rådet står bakom en gemensam kartläggning.")
    submit(form)
    assert "Beslutet är registrerat" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
    browser.find_element(By.CSS_SELECTOR, "details summary").click()
    form = browser.find_element(By.CSS_SELECTOR, "details form")
    form.find_element(By.NAME, "titel").send_keys("Kartlägg behoven")
    Select(form.find_element(By.NAME, "agare")).select_by_value("person:lena-sjo")
    # a date field as a person fills it in: the browser's own widget, typed in
    browser.execute_script(
        "arguments[0].value = '2027-04-30'", form.find_element(By.NAME, "tidsram")
    )
    Select(form.find_element(By.NAME, "aterrapport")).select_by_index(4)
    submit(form)
    assert "Uppdraget är registrerat" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
    with reading(site.settings) as s:
        assert s.exec(select(Decision.kind)).one() == "ställningstagande"
        commission = s.exec(select(Commission)).one()
    assert commission.owner_person == LENA and commission.report_meeting is not None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1100, 390):
        browser.set_window_size(width, 1500)
        browser.get(page)
        browser.find_element(By.CSS_SELECTOR, "details summary").click()  # the form open
        assert serious(browser) == [], width
        assert console_errors(browser) == []
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        ), width
        browser.save_screenshot(str(ARTIFACTS / f"beslut-{width}.png"))
