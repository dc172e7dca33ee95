"""Example data says so and is never mailed: the shipped cycles are examples, so their
meetings are tentative and say "Exempel", their pages and calendars are marked, and no
invented person is ever in the outbox – while a confirmed cycle (the tests' mini) is
published and mailed as before."""

from __future__ import annotations

import datetime as dt

import icalendar
from sqlmodel import select

from calendars.messages import Sender
from models.database import read_session
from models.outbox import OutboxMessage
from models.tables import Person
from services.cyclefiles import load_cycles
from services.feeds import publish_feeds
from services.plan import plan_and_store
from services.reminders import queue_reminders
from services.settings import Settings
from services.storage import engine_for
from tests.conftest import PLANNED

START = dt.date(2027, 1, 1)


def test_example_cycles_are_marked_everywhere_and_never_mailed(settings: Settings) -> None:
    engine = engine_for(settings.database_url)
    definitions = load_cycles(settings.cycles_dir)
    plan_and_store(engine, definitions, [2027], now=PLANNED)
    # two months of morning runs, each with the day before caught up
    day = START
    while day < dt.date(2027, 3, 1):
        now = dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC)
        queued = queue_reminders(
            engine,
            definitions,
            today=day,
            sender=Sender("arshjul@region.example"),
            base_url="https://kalender.example",
            now=now,
        )
        day += dt.timedelta(days=1)
    with read_session(engine) as s:
        invented = {p.key for p in s.exec(select(Person)) if p.example}
        recipients = {m.recipient for m in s.exec(select(OutboxMessage))}
    assert invented and not invented & recipients  # no example person in the outbox
    assert any(r.startswith("mini/") for r in recipients)  # the confirmed cycle is mailed
    assert any(name.endswith("(exempelperson)") for name in queued.without_address)
    # the export: every shipped organisation's calendars and pages say "exempel"
    publish_feeds(settings, today=START, now=dt.datetime(2027, 1, 1, 7, tzinfo=dt.UTC))
    out = settings.publish_dir
    for slug in ("jamtland-harjedalen", "varmland", "vasternorrland"):
        feed = icalendar.Calendar.from_ical((out / "feeds" / f"{slug}.ics").read_bytes())
        assert str(feed["X-WR-CALNAME"]).endswith("(exempel)")
        assert str(feed["X-WR-CALDESC"]).startswith("Exempeldata:")
        events = feed.walk("VEVENT")
        assert events and {str(e["STATUS"]) for e in events} <= {"TENTATIVE", "CANCELLED"}
        assert all(str(e["DESCRIPTION"]).startswith("Exempel: ") for e in events)
        page = (out / "o" / slug / "2027.html").read_text(encoding="utf-8")
        assert "Exempeldata." in page and "(exempel)" in page
    mini = icalendar.Calendar.from_ical((out / "feeds" / "mini.ics").read_bytes())
    assert {str(e["STATUS"]) for e in mini.walk("VEVENT")} == {"CONFIRMED"}
    assert "Exempeldata." not in (out / "o" / "mini" / "2027.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Region Värmland (exempel)" in index and "Testregionen (exempel)" not in index
