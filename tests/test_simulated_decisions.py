"""Decisions over a simulated year (``bench.year`` with a follow-up meeting added): the
January council's chair records a decision with three assignments on the meeting's page
(real HTTP to the web app), the owner reports on her page in headless Chromium, one
assignment is never reported and goes late, the real ``year-end-follow-up`` flow writes
the report twice (in October and December) – and the December report lists exactly the
right assignments, next year's drafts holding the unfinished one."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest
import uvicorn
from sqlmodel import col, select

from bench.year import SENDER, simulate
from cycle import swedish_calendar
from cycle.reminders import ASSIGNMENT_PROMPT
from cycle.times import STOCKHOLM
from models.database import read_session
from models.decisions import Commission, CommissionReport, Decision
from models.outbox import OutboxMessage
from models.tables import AgendaItem, Meeting, Task
from models.tokens import live_token
from models.yearly import Assignment
from services.settings import Settings, SmtpSettings
from services.storage import engine_for, reading
from tests.calendars.test_wheel_browser import chromium
from tests.conftest import MINI
from tests.services.test_reminders import Sink, _free_port
from tests.web.test_answers_browser import report_in_browser
from web.app import create_app

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# a follow-up meeting in November, before the council's series (whose edits the year
# applies to the file's last table)
FOLLOW_UP = """[[series]]
id = "uppfoljning"
body = "radet"
title = "Uppföljningsmöte"
kind = "uppföljning"
rrule = "FREQ=YEARLY;BYMONTH=11;BYDAY=3TH"
start = "13:00"
duration_minutes = 120
location = "Regionens hus, Sal A"

"""
ANNA, LENA = "mini/anna-berg", "mini/lena-sjo"
A, B, C = "Kartlägg behoven", "Ta fram en plattform", "Utvärdera samverkan"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(STOCKHOLM).date()


@dataclass
class People:
    """What the people of the year do on their days, through the real web app."""

    driver: Any
    clock: list[dt.datetime] = field(default_factory=lambda: [dt.datetime.now(dt.UTC)])
    url: str = ""
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None
    seen: dict[str, str] = field(default_factory=dict)  # what people saw on their pages

    def start(self, settings: Settings) -> None:
        app = create_app(settings, clock=lambda: self.clock[0])
        port = _free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:  # the server sets it once it listens
            time.sleep(0.01)
            assert self.thread.is_alive()
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(10)

    def __call__(self, settings: Settings, now: dt.datetime) -> None:
        self.clock[0] = now
        if not self.url:
            self.start(settings)
        day = _day(now)
        if day == dt.date(2027, 1, 7):  # the council meets; its chair keeps the record
            self.record(settings)
        elif day == dt.date(2027, 3, 19):
            self.report(settings, A, "klart", "Kartläggningen är klar och skickad till rådet.")
        elif day == dt.date(2027, 5, 4):
            self.report(settings, B, "pågår", "Upphandlingen pågår.")
        elif day == dt.date(2027, 6, 28):
            self.report(settings, B, "klart", "Plattformen är i drift.")
        elif day in (dt.date(2027, 10, 1), dt.date(2027, 12, 1)):
            self.follow_up(settings, now)
        elif day == dt.date(2027, 11, 1):
            with httpx.Client(base_url=self.url) as c:
                self.seen["anna-november"] = c.get(f"/p/{self.token(settings, ANNA)}/").text

    def token(self, settings: Settings, person: str) -> str:
        with reading(settings) as s:
            return live_token(s, person)  # type: ignore[return-value]

    def record(self, settings: Settings) -> None:
        with reading(settings) as s:
            january = s.exec(
                select(Meeting).where(
                    Meeting.series == "mini/radsmoten", Meeting.original_date == dt.date(2027, 1, 7)
                )
            ).one()
            april = s.exec(
                select(Meeting)
                .where(
                    Meeting.series == "mini/radsmoten",
                    col(Meeting.start) > dt.datetime(2027, 4, 1, tzinfo=STOCKHOLM),
                )
                .order_by(col(Meeting.start))
            ).first()
        assert april is not None
        page = f"/p/{self.token(settings, ANNA)}/moten/{january.id}/beslut"
        with httpx.Client(base_url=self.url, follow_redirects=True) as c:

            def post(**fields: str) -> None:
                token = CSRF.search(c.get(page).text)
                assert token is not None
                answer = c.post(page, data={"csrf": token.group(1), **fields})
                assert answer.status_code == 200, answer.text

            post(atgard="beslut", titel="Gemensam kompetensförsörjning", typ="beslut")
            with reading(settings) as s:
                decision = s.exec(select(Decision)).one().id
            for title, owner, due, report in (
                (A, "person:lena-sjo", "2027-03-31", april.id),
                (B, "body:beredningsgrupp", "2027-06-30", ""),
                (C, "person:anna-berg", "2027-10-29", ""),
            ):
                post(
                    atgard="uppdrag",
                    beslut=decision,
                    titel=title,
                    agare=owner,
                    tidsram=due,
                    aterrapport=report,
                    offentlighet="offentlig",
                )

    def report(self, settings: Settings, title: str, status: str, text: str) -> None:
        """Lena reports on her page in the browser, as a person does."""
        with reading(settings) as s:
            commission = s.exec(select(Commission).where(Commission.title == title)).one().id
        self.driver.get(f"{self.url}/p/{self.token(settings, LENA)}/#uppdrag")
        report_in_browser(self.driver, commission, status, text)

    def follow_up(self, settings: Settings, now: dt.datetime) -> None:
        from flows.runtime.context import using
        from flows.yearly import year_end_follow_up_flow

        with using(settings, now=now):
            year_end_follow_up_flow(org="mini", year=2027)
        report = settings.reports_dir / "mini" / "uppfoljning-2027.md"
        self.seen[f"report-{_day(now).isoformat()}"] = report.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def year(
    tmp_path_factory: pytest.TempPathFactory, prefect_backend: None
) -> Iterator[tuple[Path, People, Sink]]:
    text = MINI.read_text(encoding="utf-8")
    head, marker, rest = text.partition("[[series]]")
    sink = Sink(_free_port())
    sink.start()
    work = tmp_path_factory.mktemp("decisions")
    with chromium() as driver:
        people = People(driver)
        try:
            smtp = SmtpSettings(host="127.0.0.1", port=sink.port, sender=SENDER)
            simulate(work, head + FOLLOW_UP + marker + rest, smtp, on_day=people)
        finally:
            people.stop()
            sink.stop()
    yield work, people, sink


def _url(work: Path) -> str:
    return f"sqlite:///{work / 'arshjul.db'}"


def test_decisions_at_the_january_council_gave_assignments_that_were_reported(
    year: tuple[Path, People, Sink],
) -> None:
    work, _, _ = year
    with read_session(engine_for(_url(work))) as s:
        (decision,) = s.exec(select(Decision)).all()
        given = {c.title: c for c in s.exec(select(Commission))}
        reports = s.exec(select(CommissionReport).order_by(col(CommissionReport.at))).all()
        minutes = s.exec(
            select(Task).where(Task.meeting == decision.meeting, Task.step == "minnesanteckningar")
        ).one()
        report_back = s.exec(
            select(AgendaItem.title).where(AgendaItem.meeting == given[A].report_meeting)
        ).all()
    assert sorted(given) == sorted([A, B, C])
    # the minutes count as written on the day the decisions were recorded
    assert minutes.status == "done" and minutes.done_at is not None
    assert _day(minutes.done_at) == dt.date(2027, 1, 7)
    assert f"Återrapportering: {A}" in report_back
    # Lena's three reports, from her page in the browser, kept with who and when
    assert [(r.commission, r.status, r.by, _day(r.at)) for r in reports] == [
        (given[A].id, "klart", LENA, dt.date(2027, 3, 19)),
        (given[B].id, "pågår", LENA, dt.date(2027, 5, 4)),
        (given[B].id, "klart", LENA, dt.date(2027, 6, 28)),
    ]


def test_the_unreported_assignment_went_late_and_was_asked_for_before_its_time_frame(
    year: tuple[Path, People, Sink],
) -> None:
    work, people, sink = year
    page = people.seen["anna-november"]
    assert C in page and "Försenat" in page
    with read_session(engine_for(_url(work))) as s:
        prompts = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "uppdrag")).all()
    # each assignment was asked for once, ten working days before its time frame, and
    # none after it: Lena for hers and her group's (she leads it), Anna for hers
    asked = sorted((p.recipient, p.subject.split(" – ")[0], p.send_on) for p in prompts)
    calendar = swedish_calendar(range(2026, 2029))

    def before(due: str) -> dt.date:  # the working days of Swedish holidays (Easter…)
        day = dt.date.fromisoformat(due)
        return calendar.add_working_days(day, -ASSIGNMENT_PROMPT, avoid_klamdagar=False)

    assert asked == [
        (ANNA, f"Uppdrag: {C}", before("2027-10-29")),
        (LENA, f"Uppdrag: {A}", before("2027-03-31")),
        (LENA, f"Uppdrag: {B}", before("2027-06-30")),
    ]
    mailed = [str(m["Subject"]) for _, m in sink.received]
    assert sorted(x for x in mailed if x.startswith("Uppdrag:")) == sorted(
        p.subject for p in prompts
    )
    assert all(p.sent_at is not None and p.stale_at is not None for p in prompts)
    assert all(p.sent_at < p.stale_at for p in prompts)  # type: ignore[operator]
    # at the end of January 2028 Anna's calendar shows her assignment as late
    with read_session(engine_for(_url(work))) as s:
        token = live_token(s, ANNA)
    feed = icalendar.Calendar.from_ical((work / "publicerat" / "p" / f"{token}.ics").read_bytes())
    todos = {str(t["SUMMARY"]): t for t in feed.walk("VTODO") if "Uppdrag" in str(t["SUMMARY"])}
    assert f"Försenat: Uppdrag: {C}" in todos


def test_the_year_end_report_lists_exactly_the_right_assignments_and_drafts(
    year: tuple[Path, People, Sink],
) -> None:
    work, people, _ = year
    october, december = people.seen["report-2027-10-01"], people.seen["report-2027-12-01"]

    def assignments(report: str) -> list[tuple[str, str]]:
        section = report.split("## Uppdrag från besluten", 1)[1].split("\n## ", 1)[0]
        rows = [line.split("|")[1:-1] for line in section.splitlines() if line.startswith("| ")]
        return [(cells[0].strip(), cells[4].strip()) for cells in rows[2:]]  # after the header

    # in October C was still within its time frame; in December it is late, and first
    assert assignments(october) == [(C, "ej påbörjat"), (A, "klart"), (B, "klart")]
    assert assignments(december) == [(C, "försenat"), (A, "klart"), (B, "klart")]
    drafts = december.split("## Uppdrag inför 2028", 1)[1]
    assert f"Slutför uppdraget: {C}" in drafts
    assert A not in drafts and B not in drafts
    with read_session(engine_for(_url(work))) as s:
        titles = [a.title for a in s.exec(select(Assignment).where(Assignment.for_year == 2028))]
    assert f"Slutför uppdraget: {C}" in titles
    assert not any(A in t or B in t for t in titles)
    # the page and the PDF beside it say the same
    html = (work / "rapporter" / "mini" / "uppfoljning-2027.html").read_text(encoding="utf-8")
    assert "försenat" in html and C in html
