"""Every time a person reads is Stockholm wall-clock time, in winter and in summer.

The database stores UTC; a page or message that formats a stored moment without turning
it into Stockholm time shows 07.30 (CET, UTC+1) or 06.30 (CEST, UTC+2) for a meeting at
08.30. Here the mini cycle's council meets at 08.30 (until 11.30) – on Thursday 7 January
2027 in winter time and on Thursday 3 June 2027 in summer time – and every output that
shows a meeting's time is read back from the real parts: the web pages behind a token
(served by uvicorn), the exported meeting pages and wheel, the e-mails the reminder run
would send (with their iCalendar invitations), and ``arshjul meetings``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import col, select

from calendars.messages import Sender
from cli.main import main
from cycle import CycleDefinition, WorkCalendar, plan_year
from cycle.reminders import Kind
from cycle.swedish import format_date
from models.definitions import save_definition
from models.plan import save_plan
from models.tables import Meeting
from models.tokens import live_token
from services.minutes import record_decision_on_page
from services.reminders import draft_reminders
from services.secret import link_key
from services.settings import Settings
from services.storage import engine_for, reading, writing
from tests.conftest import PLANNED
from tests.services.test_reminders import FROM, local
from tests.web.test_answers import ANNA, BASE, LENA, Site

pytestmark = pytest.mark.slow
WINTER, SUMMER = dt.date(2027, 1, 7), dt.date(2027, 6, 3)  # first Thursdays, CET and CEST
# what a UTC moment would show: the start and the end (11.30) one or two hours early
STEP = 4  # the morning runs looked at: every fourth day in the six weeks before a meeting
EVERY = range(1, 43, STEP)
UTC_SHOWN = re.compile(r"\b(?:07|06|10|09)\.30\b")


@pytest.fixture
def planned(settings: Settings, mini: Callable[..., CycleDefinition], calendar: WorkCalendar):  # type: ignore[no-untyped-def]
    """The mini cycle with the council at 08.30 (the web fixtures' ``site`` uses it)."""
    d = mini(start='"08:30"')
    with writing(settings) as s:
        save_definition(s, d, now=PLANNED)
        for year in (2026, 2027):
            save_plan(s, plan_year(d, year, calendar), now=PLANNED)
    return d


def council_on(settings: Settings, day: dt.date) -> Meeting:
    with reading(settings) as s:
        start = local(f"{day.isoformat()}T00:00")
        return s.exec(
            select(Meeting).where(
                Meeting.series == "mini/radsmoten",
                col(Meeting.start) >= start,
                col(Meeting.start) < start + dt.timedelta(days=1),
            )
        ).one()


def shows_local(text: str, *days: dt.date, where: str) -> None:
    """``text`` gives each day's meeting at 08.30 and no time as UTC would give it."""
    for day in days:
        assert f"{format_date(day)} kl. 08.30" in text, f"{where}: {day} inte kl. 08.30"
    assert not UTC_SHOWN.search(text), f"{where}: {UTC_SHOWN.search(text)}"


def test_the_pages_behind_a_token_show_stockholm_time_in_winter_and_summer(
    site: Site, planned: CycleDefinition
) -> None:
    winter, summer = council_on(site.settings, WINTER), council_on(site.settings, SUMMER)
    december = council_on(site.settings, dt.date(2026, 12, 3))
    with reading(site.settings) as s:
        anna, lena = live_token(s, ANNA), live_token(s, LENA)
    site.clock[0] = local("2026-12-11T10:00")  # the call for January's items is open
    # a decision of December's council, to which an assignment may be added
    record_decision_on_page(
        site.settings, LENA, december.id, {"titel": "Handlingsplan"}, now=site.clock[0]
    )
    with site.client() as c:
        # the personal page lists the coming year's meetings, both seasons
        shows_local(c.get(f"/p/{anna}/").text, WINTER, SUMMER, where="personlig sida")
        # the record page of December's council offers later meetings to report back to
        record = c.get(f"/p/{lena}/moten/{december.id}/beslut")
        assert record.status_code == 200 and "<option" in record.text
        options = re.findall(r"<option[^>]*>([^<]*)</option>", record.text)
        offered = [o for o in options if " kl. " in o]
        assert f"Samverkansrådet {format_date(WINTER)} kl. 08.30" in offered
        assert f"Samverkansrådet {format_date(SUMMER)} kl. 08.30" in offered
        shows_local(record.text, WINTER, SUMMER, where="protokollssidan")
        for m, day in ((winter, WINTER), (summer, SUMMER)):
            item = c.get(f"/p/{anna}/moten/{m.id}/arende")
            assert item.status_code == 200
            shows_local(item.text, day, where=f"ärendeformulär {day}")
        agenda = c.get(f"/p/{lena}/moten/{winter.id}/dagordning")
        assert agenda.status_code == 200
        shows_local(agenda.text, WINTER, where="dagordningssidan")
        # the page a "Markera som klar" link in an e-mail opens names the meeting's time
        drafts, _ = draft_reminders(
            engine_for(site.settings.database_url),
            [planned],
            today=site.clock[0].date(),
            sender=Sender(FROM),
            base_url=BASE,
            now=site.clock[0],
            link_key=link_key(site.settings),
        )
        links = [u for d in drafts for u in re.findall(rf"{BASE}(/klar/\S+)", d.text)]
        assert links
        done = c.get(links[0])
        assert done.status_code == 200 and "Markera som klar" in done.text
        assert " kl. 08.30" in done.text and not UTC_SHOWN.search(done.text)
    site.clock[0] = local("2027-05-20T10:00")  # June's call is open
    with site.client() as c:
        agenda = c.get(f"/p/{lena}/moten/{summer.id}/dagordning")
        assert agenda.status_code == 200
        shows_local(agenda.text, SUMMER, where="dagordningssidan i juni")


def test_the_export_shows_stockholm_time_in_winter_and_summer(
    site: Site, planned: CycleDefinition
) -> None:
    folder = Path(site.settings.publish_dir)
    for day in (WINTER, SUMMER):
        m = council_on(site.settings, day)
        pages = [p for p in folder.rglob("*.html") if m.id in p.as_posix()]
        assert pages, f"ingen mötessida för {m.id}"
        for page in pages:
            text = page.read_text(encoding="utf-8")
            assert f"{format_date(day)} kl. 08.30–11.30" in text, page
            assert not UTC_SHOWN.search(text), page
    wheels = [p for p in folder.rglob("*.svg") if "2027" in p.as_posix()]
    assert wheels
    for wheel in wheels:
        text = wheel.read_text(encoding="utf-8")
        if "Samverkansrådet" in text:
            shows_local(text, WINTER, SUMMER, where=wheel.name)


def test_the_messages_show_stockholm_time_in_winter_and_summer(
    settings: Settings, planned: CycleDefinition
) -> None:
    engine = engine_for(settings.database_url)
    kinds: set[Kind] = set()
    for day, run in [(d, d - dt.timedelta(days=n)) for d in (WINTER, SUMMER) for n in EVERY]:
        drafts, _ = draft_reminders(  # what a morning's run would send, as things stand
            engine,
            [planned],
            today=run,
            sender=Sender(FROM),
            base_url=BASE,
            now=local(f"{run.isoformat()}T06:00"),
            catch_up=dt.timedelta(days=STEP - 1),
        )
        for d in drafts:
            for body in (d.text, d.html):
                assert not UTC_SHOWN.search(body), f"{d.kind.value}: {d.subject}"
            if f"{format_date(day)} kl." in d.text:  # a digest gives days, not times
                for body in (d.text, d.html):
                    shows_local(body, day, where=f"{d.kind.value}: {d.subject}")
                kinds.add(d.kind)
            if d.ical is not None:
                # an invitation carries the wall-clock time with its zone, whichever meeting
                assert re.search(r"DTSTART;TZID=Europe/Stockholm:\d{8}T083000", d.ical.decode())
    # the chain's tasks, the call for items and the kallelse name the meeting's time
    assert {Kind.PROMPT, Kind.NOTICE, Kind.CALL} <= kinds, kinds


def test_arshjul_meetings_lists_stockholm_time_in_winter_and_summer(
    settings: Settings, planned: CycleDefinition, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in settings.environment().items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["meetings", "--org", "mini", "--year", "2027"],
        now=local("2026-12-11T10:00"),
        out=out,
        err=err,
    )
    assert code == 0, err.getvalue()
    shows_local(out.getvalue(), WINTER, SUMMER, where="arshjul meetings")
