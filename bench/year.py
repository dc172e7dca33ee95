"""A simulated year: a clock walks day by day through plan, store, the real reminder run
(SMTP on 127.0.0.1) and the feed export, with cycle-file edits on chosen dates.

The test ``tests/test_simulated_year.py`` runs it and checks what must hold; run as a
script it prints the figures (days, runs, messages, seconds):
``.venv/bin/python -m bench.year``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from calendars.messages import Sender
from cycle.reminders import catch_up_days
from cycle.status import TaskStatus
from cycle.times import STOCKHOLM, local_date
from models.database import read_session, write_session
from models.tables import Meeting, Task
from models.tasks import complete_task
from services.cyclefiles import load_cycles
from services.feeds import publish_feeds
from services.plan import plan_years, store_plans
from services.reminders import queue_reminders, send_due
from services.settings import Settings, SmtpSettings
from services.storage import engine_for

FIRST, LAST = dt.date(2026, 12, 1), dt.date(2028, 1, 31)
# the small example cycle the tests use: one council, a beredningsgrupp, four people
MINI = Path(__file__).resolve().parent.parent / "tests" / "data" / "cycles" / "mini.toml"
SENDER = "arshjul@region.example.se"
NO_RUNS = (dt.date(2027, 7, 12), dt.date(2027, 7, 16))  # a week the morning run was down

# On these days the admin edits the cycle file, each edit taking effect from a date.
NEW_SERIES = """
[[chain]]
id = "arbete"
name = "Underlag till arbetsmöte"

[[chain.step]]
id = "underlag"
title = "Skicka underlag till arbetsmötet"
offset = -3
assign = "body:beredningsgrupp"

[[series]]
id = "arbetsmoten"
body = "beredningsgrupp"
title = "Arbetsmöte"
kind = "samverkansgrupp"
rrule = "FREQ=MONTHLY;BYDAY=2TU"
start = "10:00"
duration_minutes = 90
location = "Regionens hus, rum 3"
chain = "arbete"
from = 2027-05-01
"""
TIME_CHANGE = """
[[series.change]]
from = 2027-03-01
start = "09:00"
"""
NEW_CHAIR_OLD = """person = "anna-berg"
body = "radet"
role = "ordförande"
side = "majoritet"
"""
NEW_CHAIR_NEW = """person = "anna-berg"
body = "radet"
role = "ordförande"
side = "majoritet"
to = 2027-12-31

[[membership]]
person = "karin-ek"
body = "radet"
role = "ordförande"
side = "majoritet"
from = 2028-01-01
"""
KARIN_OLD = """person = "karin-ek"
body = "radet"
role = "ledamot"
side = "opposition"
from = 2027-01-01
"""
KARIN_NEW = KARIN_OLD + "to = 2027-12-31\n"  # her seat as a member ends as she becomes chair


def _time_change(text: str) -> str:
    """A new start time from 1 March (the Samverkansråd's series is the file's last table
    until the new series arrives, so its change follows it)."""
    return text.rstrip("\n") + "\n" + TIME_CHANGE


def _new_series(text: str) -> str:
    """A working group that starts meeting in May."""
    return text.rstrip("\n") + "\n" + NEW_SERIES


def _stop_series(text: str) -> str:
    """The working group stops after September."""
    return text.replace("from = 2027-05-01\n", "from = 2027-05-01\nto = 2027-09-30\n")


def _new_chair(text: str) -> str:
    """After the election: a new chair from 1 January."""
    assert NEW_CHAIR_OLD in text and KARIN_OLD in text
    return text.replace(KARIN_OLD, KARIN_NEW).replace(NEW_CHAIR_OLD, NEW_CHAIR_NEW)


EDITS: dict[dt.date, tuple[str, Callable[[str], str]]] = {
    dt.date(2027, 2, 15): ("ny tid från 1 mars", _time_change),
    dt.date(2027, 4, 20): ("ny mötesserie från 1 maj", _new_series),
    dt.date(2027, 9, 10): ("serien slutar 30 september", _stop_series),
    dt.date(2027, 11, 15): ("ny ordförande från 1 januari", _new_chair),
}


def left_late(step: str, meeting_start: dt.datetime) -> bool:
    """The tasks the simulated officials never finish: the papers for April's and May's
    councils, and the working group's material in June."""
    month = meeting_start.astimezone(STOCKHOLM).month
    return (step == "handlingar" and month in (4, 5)) or (step == "underlag" and month == 6)


@dataclass
class YearRun:
    """What the simulated year did and saw."""

    days: int = 0
    reminder_runs: int = 0
    exports: int = 0
    saves: int = 0
    messages_sent: int = 0
    expired: int = 0
    tasks_done: int = 0
    seconds: float = 0.0
    edits: list[str] = field(default_factory=list)
    history_checks: int = 0  # saves after which the past was compared, row by row
    unfinished: set[str] = field(default_factory=set)  # ids of tasks left late on purpose


def _past(settings: Settings, now: dt.datetime) -> dict[str, tuple[object, ...]]:
    """Every column of every meeting that has begun and every task whose due date has
    passed at ``now``: what no save may change."""
    today = local_date(now)
    with read_session(engine_for(settings.database_url)) as s:
        meetings = {
            m.id: tuple(m.model_dump().values()) for m in s.exec(select(Meeting)) if m.start <= now
        }
        tasks = {
            t.id: tuple(t.model_dump().values()) for t in s.exec(select(Task)) if t.due < today
        }
    return meetings | tasks


def simulate(
    work: Path,
    cycle_text: str,
    smtp: SmtpSettings,
    on_day: Callable[[Settings, dt.datetime], None] | None = None,
) -> YearRun:
    """Walk the clock from 1 December 2026 to 31 January 2028 (see the module docstring).

    ``on_day`` is called every afternoon, after the officials' ticks, with the settings
    and the moment: what people do on chosen days (a test records decisions, reports on
    assignments in a browser, runs the year-end follow-up).

    Raises:
        AssertionError: a save changed what had already happened.
    """
    started = time.perf_counter()
    cycles = work / "cycles"
    cycles.mkdir(parents=True, exist_ok=True)
    cycle_file = cycles / "mini.toml"
    cycle_file.write_text(cycle_text, encoding="utf-8")
    settings = Settings.load(
        {},
        database_url=f"sqlite:///{work / 'arshjul.db'}",
        cycles_dir=cycles,
        publish_dir=work / "publicerat",
        reports_dir=work / "rapporter",
        public_url="https://kalender.example.se",
        home=work,
        secret_file=work / "nyckel.secret",
    )
    engine = engine_for(settings.database_url)
    run = YearRun()
    last_run: dt.date | None = None

    def save(years: list[int], now: dt.datetime) -> None:
        before = _past(settings, now)
        store_plans(engine, plan_years(load_cycles(cycles), years), now=now)
        after = _past(settings, now)
        assert {k: after[k] for k in before} == before, "a save changed the past"
        run.saves += 1
        run.history_checks += 1

    day = FIRST
    while day <= LAST:
        morning = dt.datetime.combine(day, dt.time(7), tzinfo=STOCKHOLM)
        if day == FIRST:
            save([2026, 2027], morning)
        if day in EDITS:
            name, edit = EDITS[day]
            cycle_file.write_text(edit(cycle_file.read_text(encoding="utf-8")), "utf-8")
            run.edits.append(f"{day.isoformat()}: {name}")
            save([day.year, day.year + 1] if day.month >= 10 else [day.year], morning)
        if day == dt.date(2027, 10, 1):  # the scheduled plan-year for next year
            save([2028], morning)
        if not NO_RUNS[0] <= day <= NO_RUNS[1]:
            window = catch_up_days(day, last_run, settings.catch_up_days())
            queue_reminders(
                engine,
                load_cycles(cycles),
                today=day,
                sender=Sender(SENDER),
                base_url=settings.public_url,
                now=morning,
                catch_up=dt.timedelta(days=window),
            )
            sent = send_due(engine, smtp, now=morning)
            run.messages_sent += sent.sent
            run.expired += sent.expired
            run.reminder_runs += 1
            last_run = day
        afternoon = morning + dt.timedelta(hours=8)
        with write_session(engine) as s:  # the officials tick off what they did today
            for task in s.exec(select(Task).where(Task.due == day)).all():
                meeting = s.get(Meeting, task.meeting)
                if task.status != TaskStatus.OPEN or meeting is None:
                    continue
                if left_late(task.step, meeting.start):
                    run.unfinished.add(task.id)
                else:
                    complete_task(s, task.id, now=afternoon)
                    run.tasks_done += 1
        if on_day is not None:
            on_day(settings, afternoon)
        if day.weekday() == 0 or day in EDITS or day == LAST:
            publish_feeds(settings, today=day, now=morning)
            run.exports += 1
        run.days += 1
        day += dt.timedelta(days=1)
    run.seconds = time.perf_counter() - started
    return run


def main() -> None:
    """Run the year against an SMTP sink in this process and print the figures."""
    from aiosmtpd.controller import Controller

    from .feeds import _free_port

    class Count:
        def __init__(self) -> None:
            self.messages = 0

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            self.messages += 1
            return "250 OK"

    handler = Count()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    work = Path(tempfile.mkdtemp(prefix="arshjul-bench-year-"))
    try:
        smtp = SmtpSettings(host="127.0.0.1", port=port, sender=SENDER)
        run = simulate(work, MINI.read_text(encoding="utf-8"), smtp)
    finally:
        controller.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{run.days} days simulated ({FIRST} – {LAST}): {run.reminder_runs} reminder runs, "
        f"{run.saves} saves, {run.exports} exports, {run.messages_sent} messages sent "
        f"({handler.messages} received), {run.expired} too late to send, "
        f"{run.tasks_done} tasks done, {len(run.unfinished)} left late – {run.seconds:.1f} s"
    )
    for edit in run.edits:
        print(f"  edit {edit}")


if __name__ == "__main__":
    main()
