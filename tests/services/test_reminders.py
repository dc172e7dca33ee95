"""E-mail reminders against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import icalendar
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import select

from calendars.messages import Sender
from cycle import CycleDefinition, WorkCalendar, plan_year
from cycle.meetings import Move
from cycle.times import STOCKHOLM
from models.database import read_session, write_session
from models.definitions import save_definition
from models.meetings import cancel_meeting, move_meeting
from models.outbox import OutboxMessage, OutboxStatus
from models.plan import save_plan
from models.tables import Meeting, Person, Task
from models.tasks import complete_task
from services.reminders import queue_reminders, send_due
from services.settings import SmtpSettings
from tests.conftest import PLANNED

Mini = Callable[..., CycleDefinition]
FROM = "arshjul@region.example.se"


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


@dataclass
class Sink:
    """An SMTP server that keeps what it accepts and can refuse chosen recipients."""

    port: int
    refuse: set[str] = field(default_factory=set)
    received: list[tuple[str, EmailMessage]] = field(default_factory=list)
    controller: Controller | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 Mottagaren finns inte"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        for rcpt in envelope.rcpt_tos:
            self.received.append((rcpt, message))  # type: ignore[arg-type]
        return "250 Meddelandet mottaget"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def ids(self) -> list[str]:
        return [str(m["Message-ID"]) for _, m in self.received]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink(_free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(sink: Sink) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=sink.port, sender=FROM, password="hemligt")


@pytest.fixture
def planned(engine: Engine, mini: Mini, calendar: WorkCalendar) -> CycleDefinition:
    d = mini()
    with write_session(engine) as s:
        save_definition(s, d, now=PLANNED)
        for year in (2026, 2027):
            save_plan(s, plan_year(d, year, calendar), now=PLANNED)
    return d


def cycle_run(engine: Engine, d: CycleDefinition, smtp: SmtpSettings, when: dt.datetime):  # type: ignore[no-untyped-def]
    queued = queue_reminders(
        engine,
        [d],
        today=when.date(),
        sender=Sender(FROM),
        base_url="https://kalender.example.se",
        now=when,
    )
    return queued, send_due(engine, smtp, now=when)


def outbox(engine: Engine) -> dict[str, OutboxMessage]:
    with read_session(engine) as s:
        return {m.key: m for m in s.exec(select(OutboxMessage))}


def test_a_notice_is_swedish_text_html_and_an_itip_request(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    # 17 December 2026: ten working days before the meeting on Thursday 7 January 2027
    _, sent = cycle_run(engine, planned, smtp, local("2026-12-17T07:00"))
    notices = [m for rcpt, m in sink.received if str(m["Subject"]).startswith("Kallelse")]
    assert sent.sent == len(sink.received) and notices
    msg = notices[0]
    assert str(msg["Subject"]) == "Kallelse: Samverkansrådet torsdag 7 januari 2027"
    assert msg["To"].addresses[0].addr_spec == "anna.berg@example.se"
    assert msg["To"].addresses[0].display_name == "Anna Berg"
    assert msg["From"].addresses[0].addr_spec == FROM
    assert msg["Message-ID"].endswith("@arshjul>") and msg["Date"] and msg["Auto-Submitted"]
    assert b"=?utf-8?" in msg.as_bytes().split(b"\n\n")[0]  # å/ä/ö encoded in the header
    text = msg.get_body(("plain",)).get_content()
    assert (
        "Du kallas som ordförande till Samverkansrådet torsdag 7 januari 2027 kl. 13.00–16.00"
        in text
    )
    assert "https://kalender.example.se/p/" in text  # the person's own feed
    html = msg.get_body(("html",)).get_content()
    assert '<html lang="sv">' in html and "Samverkansrådet" in html
    calendar_part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    itip = icalendar.Calendar.from_ical(calendar_part.get_content())
    event = itip.walk("VEVENT")[0]
    assert itip["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
    assert str(event["ORGANIZER"]) == f"mailto:{FROM}"
    assert str(event["ATTENDEE"]) == "mailto:anna.berg@example.se"
    assert event["ATTENDEE"].params["ROLE"] == "CHAIR"
    with read_session(engine) as s:
        first = s.exec(select(Meeting).order_by(Meeting.start)).all()[11]
    assert str(event["UID"]) == f"{first.id}@arshjul"  # the feed's UID
    assert event.start == first.start
    assert "hemligt" not in repr(smtp)


def test_tasks_prompt_and_remind_and_nothing_is_sent_twice(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    # Lena's "Begär in ärenden" for 7 January is due 10 December: prompt 3 Dec, reminder 9 Dec
    cycle_run(engine, planned, smtp, local("2026-12-03T07:00"))
    cycle_run(engine, planned, smtp, local("2026-12-03T07:30"))
    cycle_run(engine, planned, smtp, local("2026-12-09T07:00"))
    subjects = [str(m["Subject"]) for rcpt, m in sink.received if rcpt == "lena.sjo@example.se"]
    assert (
        subjects.count(
            "Uppgift: Begär in ärenden till dagordningen senast torsdag 10 december 2026"
        )
        == 1
    )
    assert (
        subjects.count(
            "Påminnelse: Begär in ärenden till dagordningen senast torsdag 10 december 2026"
        )
        == 1
    )
    assert len(sink.ids()) == len(set(sink.ids()))


def test_a_done_task_gets_no_more_reminders(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    cycle_run(engine, planned, smtp, local("2026-12-03T07:00"))
    with write_session(engine) as s:
        task = s.exec(select(Task).where(Task.step == "arenden").order_by(Task.due)).all()
        target = next(t for t in task if t.due == dt.date(2026, 12, 10))
        complete_task(s, target.id, now=local("2026-12-04T10:00"))
    before = len(sink.received)
    cycle_run(engine, planned, smtp, local("2026-12-09T07:00"))
    assert not [m for _, m in sink.received[before:] if "Begär in ärenden" in str(m["Subject"])]
    withdrawn = [m for m in outbox(engine).values() if m.status == OutboxStatus.WITHDRAWN]
    assert all(target.id in m.key for m in withdrawn)


def test_server_down_then_up_loses_nothing_and_duplicates_nothing(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    sink.stop()
    when = local("2026-12-17T07:00")
    queued, sent = cycle_run(engine, planned, smtp, when)
    assert sent.sent == 0 and sent.temporary == 1 and queued.queued > 1
    rows = outbox(engine).values()
    assert {r.status for r in rows} == {OutboxStatus.PENDING}
    failed = [r for r in rows if r.last_error]
    assert len(failed) == 1 and "SMTP-servern svarar inte" in (failed[0].last_error or "")
    assert failed[0].next_attempt_at > when
    sink.start()
    assert send_due(engine, smtp, now=when).sent == queued.queued - 1  # the rest, now
    later = send_due(engine, smtp, now=when + dt.timedelta(minutes=5))
    assert later.sent == 1  # the one that failed, after its backoff
    assert len(sink.received) == queued.queued == len(set(sink.ids()))
    assert {r.status for r in outbox(engine).values()} == {OutboxStatus.SENT}


def test_a_permanent_rejection_is_reported_and_not_retried(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    sink.refuse.add("lena.sjo@example.se")
    when = local("2026-12-17T07:00")
    _, sent = cycle_run(engine, planned, smtp, when)
    assert sent.permanent >= 1 and all("550" in e for e in sent.errors)
    assert all(rcpt != "lena.sjo@example.se" for rcpt, _ in sink.received)
    failed = [r for r in outbox(engine).values() if r.status == OutboxStatus.FAILED]
    assert failed and all("550" in (r.last_error or "") for r in failed)
    again = send_due(engine, smtp, now=when + dt.timedelta(days=1))
    assert again.sent == again.permanent == 0


def test_two_runs_at_the_same_time_send_each_message_once(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    when = local("2026-12-17T07:00")
    queued = queue_reminders(
        engine, [planned], today=when.date(), sender=Sender(FROM), base_url="", now=when
    )
    barrier = threading.Barrier(2)
    results = []

    def run() -> None:
        barrier.wait()
        results.append(send_due(engine, smtp, now=when))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(r.sent for r in results) == queued.queued == len(sink.received)
    assert len(set(sink.ids())) == len(sink.ids())


def test_a_moved_meeting_sends_an_update_with_a_higher_sequence(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    cycle_run(engine, planned, smtp, local("2026-12-17T07:00"))
    with write_session(engine) as s:
        row = s.exec(select(Meeting).order_by(Meeting.start)).all()[11]
        move_meeting(
            s,
            Move(
                row.id,
                row.start + dt.timedelta(days=1),
                row.end + dt.timedelta(days=1),
                (),
                "Flyttat: krock med fullmäktige",
            ),
            now=local("2026-12-18T10:00"),
        )
    before = len(sink.received)
    cycle_run(engine, planned, smtp, local("2026-12-21T07:00"))
    updates = [
        m for _, m in sink.received[before:] if str(m["Subject"]).startswith("Ändrad kallelse")
    ]
    assert updates
    part = next(p for p in updates[0].walk() if p.get_content_type() == "text/calendar")
    event = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1 and event.start.date() == dt.date(2027, 1, 8)
    assert "krock med fullmäktige" in updates[0].get_body(("plain",)).get_content()


def test_a_cancelled_meeting_sends_method_cancel(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    cycle_run(engine, planned, smtp, local("2026-12-17T07:00"))
    with write_session(engine) as s:
        row = s.exec(select(Meeting).order_by(Meeting.start)).all()[11]
        uid = f"{row.id}@arshjul"
        cancel_meeting(s, row.id, note="Inställt: extra val", now=local("2026-12-18T10:00"))
    before = len(sink.received)
    cycle_run(engine, planned, smtp, local("2026-12-21T07:00"))
    cancels = [m for _, m in sink.received[before:] if str(m["Subject"]).startswith("Inställt")]
    assert cancels
    part = next(p for p in cancels[0].walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "CANCEL"
    ical = icalendar.Calendar.from_ical(part.get_content())
    event = ical.walk("VEVENT")[0]
    assert ical["METHOD"] == "CANCEL" and str(event["UID"]) == uid
    assert event["SEQUENCE"] == 1 and event["STATUS"] == "CANCELLED"
    # and no task reminders for the cancelled meeting are left pending
    assert not [
        m
        for m in outbox(engine).values()
        if m.status == OutboxStatus.PENDING and "Begär in" in m.subject
    ]


def test_a_monday_digest_lists_the_week(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    cycle_run(engine, planned, smtp, local("2026-12-07T07:00"))  # Monday of week 50
    digests = [
        m
        for rcpt, m in sink.received
        if rcpt == "lena.sjo@example.se" and str(m["Subject"]).startswith("Att göra vecka 50")
    ]
    assert digests and "torsdag 10 december 2026: Begär in ärenden" in (
        digests[0].get_body(("plain",)).get_content()
    )


CRASH = """
import datetime as dt, os, sys
import services.reminders as r
from services.settings import SmtpSettings
from models.database import make_engine
engine = make_engine(sys.argv[1])
smtp = SmtpSettings(host="127.0.0.1", port=int(sys.argv[2]), sender="x@example.se")
when = dt.datetime.fromisoformat(sys.argv[3])
if sys.argv[4] == "after-accept":
    r.mark_sent = lambda *a, **k: os._exit(137)  # the server said 250; we die before the commit
else:
    r.deliver = lambda *a, **k: os._exit(137)  # we die before talking to the server
r.send_due(engine, smtp, now=when)
"""


@pytest.mark.parametrize("moment", ["before-send", "after-accept"])
def test_a_crash_resends_at_most_the_one_smtp_cannot_prevent(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink, moment: str
) -> None:
    when = local("2026-12-17T07:00")
    queued = queue_reminders(
        engine, [planned], today=when.date(), sender=Sender(FROM), base_url="", now=when
    )
    url = engine.url.render_as_string(hide_password=False)
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH, url, str(sink.port), when.isoformat(), moment],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert crashed.returncode == 137, crashed.stderr
    assert len(sink.received) == (1 if moment == "after-accept" else 0)
    # the crashed run had claimed its batch (every due row here)
    assert sum(r.status == OutboxStatus.SENDING for r in outbox(engine).values()) == (queued.queued)
    # the same moment: the crashed run's lease still holds, so nothing goes out twice
    assert send_due(engine, smtp, now=when).sent == 0
    # after the lease every claimed message goes out, once
    assert send_due(engine, smtp, now=when + dt.timedelta(minutes=11)).sent == queued.queued
    ids = sink.ids()
    duplicates = len(ids) - len(set(ids))
    assert duplicates == (1 if moment == "after-accept" else 0)  # same Message-ID, if any
    assert {r.status for r in outbox(engine).values()} == {OutboxStatus.SENT}


def test_a_withdrawn_message_wanted_again_is_queued_again(engine: Engine) -> None:
    from models.outbox import sync_outbox

    when = local("2026-12-07T07:00")
    row = {
        "key": "veckobrev:2026-V50:x/anna:0",
        "kind": "veckobrev",
        "recipient": "x/anna",
        "address": "anna@example.se",
        "name": "Anna",
        "send_on": when.date(),
        "send_at": when,
        "subject": "Att göra vecka 50",
        "text": "t",
        "html": "h",
        "ical": None,
        "method": None,
        "stale_at": when + dt.timedelta(days=7),
    }
    first, last = when.date() - dt.timedelta(days=7), when.date()
    with write_session(engine) as s:
        assert sync_outbox(s, [row], first=first, last=last, now=when) == (1, 0, 0)
    with write_session(engine) as s:
        assert sync_outbox(s, [], first=first, last=last, now=when) == (0, 0, 1)
    with write_session(engine) as s:
        sync_outbox(s, [row], first=first, last=last, now=when)
    assert outbox(engine)[row["key"]].status == OutboxStatus.PENDING


def test_a_name_or_address_stored_with_a_line_break_fails_alone(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    """Rows stored before the cycle-file check refused line breaks: a name loses its
    break on the way into the header; an address that cannot be a header fails alone,
    with its reason in the outbox, and everyone else is mailed."""
    with write_session(engine) as s:
        anna, karin = s.get(Person, "mini/anna-berg"), s.get(Person, "mini/karin-ek")
        assert anna is not None and karin is not None
        anna.name = "Anna\r\nBerg"
        karin.email = "karin.ek@example.se\r\nBcc: alla@example.se"
        s.add(anna)
        s.add(karin)
    _, sent = cycle_run(engine, planned, smtp, local("2026-12-17T07:00"))
    rows = outbox(engine).values()
    broken = [m for m in rows if m.recipient == "mini/karin-ek"]
    assert broken and all(m.status == OutboxStatus.FAILED for m in broken)
    assert all("kunde inte byggas" in (m.last_error or "") for m in broken)
    others = [m for m in rows if m.recipient != "mini/karin-ek"]
    assert others and all(m.status == OutboxStatus.SENT for m in others)
    assert sent.sent == len(others) == len(sink.received)
    to_anna = [m for rcpt, m in sink.received if rcpt == "anna.berg@example.se"]
    assert to_anna and all(m["To"].addresses[0].display_name == "Anna Berg" for m in to_anna)
    assert all("alla@example.se" not in rcpt for rcpt, _ in sink.received)
