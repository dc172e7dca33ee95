"""A simulated year (``bench.year``): the clock walks day by day from 1 December 2026 to
31 January 2028 through plan, store, the real reminder run against an SMTP server on
127.0.0.1 and the feed export, with cycle-file edits on chosen dates. What happened stays
as it happened, every message goes out once and never after its moment, late work is
said to be late, once, and the feeds show it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import icalendar
import pytest
from sqlmodel import select

from bench.year import EDITS, LAST, SENDER, YearRun, simulate
from cycle.reminders import Kind
from cycle.status import MeetingStatus, TaskStatus
from cycle.times import STOCKHOLM
from models.database import read_session
from models.outbox import OutboxMessage, OutboxStatus
from models.published import load_published
from models.tables import Invitation, Meeting, Task
from services.settings import SmtpSettings
from services.storage import engine_for
from tests.conftest import MINI
from tests.services.test_reminders import Sink, _free_port

pytestmark = pytest.mark.slow
END = dt.datetime.combine(LAST, dt.time(7), tzinfo=STOCKHOLM)


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[YearRun, Path, Sink]:
    sink = Sink(_free_port())
    sink.start()
    try:
        work = tmp_path_factory.mktemp("year")
        smtp = SmtpSettings(host="127.0.0.1", port=sink.port, sender=SENDER)
        run = simulate(work, MINI.read_text(encoding="utf-8"), smtp)
    finally:
        sink.stop()
    return run, work, sink


def _url(work: Path) -> str:
    return f"sqlite:///{work / 'arshjul.db'}"


def test_the_year_ran_every_day_and_never_changed_the_past(
    year: tuple[YearRun, Path, Sink],
) -> None:
    run, _, _ = year
    assert run.days == 427 and run.reminder_runs == 427 - 5  # one week without runs
    assert len(run.edits) == len(EDITS) == 4
    # every save compared the past before and after, column by column (in simulate)
    assert run.history_checks == run.saves == 1 + len(EDITS) + 1


def test_every_message_is_sent_once_and_never_after_its_moment(
    year: tuple[YearRun, Path, Sink],
) -> None:
    run, work, sink = year
    ids = [str(message["Message-ID"]) for _, message in sink.received]
    assert len(ids) == run.messages_sent > 100
    assert len(set(ids)) == len(ids)  # once each
    with read_session(engine_for(_url(work))) as s:
        rows = s.exec(select(OutboxMessage)).all()
        due = {t.id: t.due for t in s.exec(select(Task))}
    sent = [r for r in rows if r.status == OutboxStatus.SENT]
    assert len(sent) == run.messages_sent
    for row in sent:
        assert row.sent_at is not None
        assert row.stale_at is None or row.sent_at < row.stale_at, row.subject
    for row in rows:  # a task's prompt or reminder is stale from the end of its due day
        if row.kind in (Kind.PROMPT.value, Kind.REMINDER.value):
            task = row.key.split(":")[1]
            midnight = dt.datetime.combine(due[task] + dt.timedelta(days=1), dt.time(0))
            assert row.stale_at == midnight.replace(tzinfo=STOCKHOLM)


def test_late_work_is_late_and_said_so_once(year: tuple[YearRun, Path, Sink]) -> None:
    run, work, sink = year
    assert len(run.unfinished) == 3
    with read_session(engine_for(_url(work))) as s:
        late_rows = s.exec(select(OutboxMessage).where(OutboxMessage.kind == Kind.LATE.value)).all()
        published = load_published(s, dt.date(2026, 1, 1), dt.date(2028, 12, 31), now=END)
    notices = Counter(row.key.split(":")[1] for row in late_rows)
    # one late notice per unfinished task: its holder is also the group's lead (no copy)
    assert notices == dict.fromkeys(run.unfinished, 1)
    assert all(row.status == OutboxStatus.SENT for row in late_rows)
    late_mail = [m for _, m in sink.received if str(m["Subject"]).startswith("Försenad: ")]
    assert len(late_mail) == 3
    late = {t.id for t in published.tasks if t.status is TaskStatus.LATE}
    assert late == run.unfinished
    done = sum(1 for t in published.tasks if t.status is TaskStatus.DONE)
    assert done == run.tasks_done
    for m in published.meetings:  # on 31 January 2028 all of 2027 lies behind
        if m.start.year == 2027:
            assert m.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED), m


def test_edits_took_effect_from_their_dates(year: tuple[YearRun, Path, Sink]) -> None:
    _, work, _ = year
    with read_session(engine_for(_url(work))) as s:
        meetings = s.exec(select(Meeting).order_by(Meeting.start)).all()
        invited = {(i.meeting, i.person): i.role for i in s.exec(select(Invitation))}
    radet = [m for m in meetings if m.series == "mini/radsmoten" and m.start.year == 2027]
    hours = {m.start.astimezone(STOCKHOLM).month: m.start.astimezone(STOCKHOLM).hour for m in radet}
    assert hours[1] == hours[2] == 13 and all(hours[n] == 9 for n in hours if n >= 3)
    group = [m for m in meetings if m.series == "mini/arbetsmoten"]
    held = [m for m in group if m.status != MeetingStatus.CANCELLED]
    assert {m.start.astimezone(STOCKHOLM).month for m in held} == {5, 6, 7, 8, 9}
    assert all(m.start.astimezone(STOCKHOLM).month >= 10 for m in group if m not in held)
    assert all(m.start.date() >= dt.date(2027, 5, 1) for m in group)
    december = next(m for m in radet if m.start.astimezone(STOCKHOLM).month == 12)
    january = next(m for m in meetings if m.series == "mini/radsmoten" and m.year == 2028)
    assert invited[(december.id, "mini/anna-berg")] == "ordförande"
    assert invited[(january.id, "mini/karin-ek")] == "ordförande"
    assert (january.id, "mini/anna-berg") not in invited


def test_the_feeds_show_held_meetings_and_late_tasks(year: tuple[YearRun, Path, Sink]) -> None:
    run, work, _ = year
    radet = icalendar.Calendar.from_ical(
        (work / "publicerat" / "feeds" / "mini" / "radet.ics").read_bytes()
    )
    past = [e for e in radet.walk("VEVENT") if e.start < END and e["STATUS"] != "CANCELLED"]
    assert past and all("Mötet är genomfört." in str(e["DESCRIPTION"]) for e in past)
    with read_session(engine_for(_url(work))) as s:
        published = load_published(s, dt.date(2027, 1, 1), dt.date(2029, 12, 31), now=END)
    lena = next(p for p in published.people if p.key == "mini/lena-sjo")
    personal = icalendar.Calendar.from_ical(
        (work / "publicerat" / "p" / f"{lena.token}.ics").read_bytes()
    )
    late = [t for t in personal.walk("VTODO") if str(t["SUMMARY"]).startswith("Försenad: ")]
    done = [t for t in personal.walk("VTODO") if str(t["STATUS"]) == "COMPLETED"]
    assert len(late) == len(run.unfinished)
    assert done and all(t["PERCENT-COMPLETE"] == 100 and "COMPLETED" in t for t in done)
