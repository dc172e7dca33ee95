"""Reminders and time, against a real SMTP server (aiosmtpd) on 127.0.0.1: nothing says
"due by" once the date has passed, a late task is reported once, a message that waited
past its moment is never sent, a begun meeting is not announced, and a missed run's
messages are caught up only as far back as asked.

Dates (Stockholm): the mini council meets Thursday 7 January 2027 at 13.00; its chain
asks for agenda items by Thursday 10 December 2026 (prompt 3 Dec, reminder 9 Dec) and for
the notice to be sent by Thursday 17 December (prompt 10 Dec, reminder 16 Dec); the
meeting's own notice goes out on 17 December.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine

from calendars.messages import Sender
from cycle import CycleDefinition, WorkCalendar, plan_year
from models.database import write_session
from models.definitions import save_definition
from models.outbox import OutboxStatus
from models.plan import save_plan
from services.reminders import Preview, Queued, Sent, preview_reminders, queue_reminders, send_due
from services.settings import SmtpSettings
from tests.conftest import PLANNED
from tests.services.test_reminders import FROM, Sink, _free_port, local, outbox

Mini = Callable[..., CycleDefinition]
ANNA, LENA = "anna.berg@example.se", "lena.sjo@example.se"
ARENDEN = "Begär in ärenden till dagordningen"
KALLELSE = "Skicka kallelse med dagordning"
ARENDEN_DUE = "torsdag 10 december 2026"
KALLELSE_DUE = "torsdag 17 december 2026"
NOTICE = "Kallelse: Samverkansrådet torsdag 7 januari 2027"


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink(_free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(sink: Sink) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=sink.port, sender=FROM)


def store(engine: Engine, d: CycleDefinition, calendar: WorkCalendar) -> CycleDefinition:
    """Save the definition and plan 2026 and 2027 ahead of time, as an admin does."""
    with write_session(engine) as s:
        save_definition(s, d, now=PLANNED)
        for year in (2026, 2027):
            save_plan(s, plan_year(d, year, calendar), now=PLANNED)
    return d


@pytest.fixture
def planned(engine: Engine, mini: Mini, calendar: WorkCalendar) -> CycleDefinition:
    """The mini cycle as it is: Lena Sjö holds the group's steps and leads the group."""
    return store(engine, mini(), calendar)


def _anna_in_the_group(text: str) -> str:
    """Anna Berg joins the preparation group as a member and alone holds its notice step,
    so the group's lead (Lena Sjö) is then a holder of one late task and not of another."""
    membership = (
        '[[membership]]\nperson = "anna-berg"\nbody = "beredningsgrupp"\nrole = "ledamot"\n\n'
    )
    assert 'assign = "role:sammankallande@beredningsgrupp"' in text
    text = text.replace(
        'assign = "role:sammankallande@beredningsgrupp"', 'assign = "role:ledamot@beredningsgrupp"'
    )
    return text.replace("[[chain]]", membership + "[[chain]]", 1)


@pytest.fixture
def shared(engine: Engine, mini: Mini, calendar: WorkCalendar) -> CycleDefinition:
    """The mini cycle with Anna Berg in the group: agenda items fall to Anna and Lena, the
    notice step to Anna alone; Lena still leads the group."""
    return store(engine, mini(_anna_in_the_group), calendar)


def reminder_run(
    engine: Engine,
    d: CycleDefinition,
    smtp: SmtpSettings,
    when: dt.datetime,
    catch_up: dt.timedelta,
) -> tuple[Queued, Sent]:
    """One reminder run at ``when`` (Stockholm time): queue, then send what is due."""
    queued = queue_reminders(
        engine,
        [d],
        today=when.date(),
        sender=Sender(FROM),
        base_url="https://kalender.example.se",
        now=when,
        catch_up=catch_up,
    )
    return queued, send_due(engine, smtp, now=when)


def received(sink: Sink) -> list[tuple[str, str]]:
    """What the server accepted: (recipient, subject), in order."""
    return [(rcpt, str(m["Subject"])) for rcpt, m in sink.received]


def test_after_the_due_date_only_one_late_notice_goes_to_holders_and_the_lead(
    engine: Engine, shared: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    """A "due by 10 December" after 10 December is wrong and nags; what helps is one
    notice that the task is late, to those who hold it and to whoever leads the group."""
    # the first run is the day after the agenda deadline, with a window back over the
    # days its prompt (3 Dec) and reminder (9 Dec) were due; then a run every working day
    reminder_run(engine, shared, smtp, local("2026-12-11T07:00"), dt.timedelta(days=10))
    for day in ("14", "15", "16", "17", "18", "21", "22"):
        reminder_run(engine, shared, smtp, local(f"2026-12-{day}T07:00"), dt.timedelta(days=7))
    got = received(sink)
    subjects = {subject for _, subject in got}

    assert f"Uppgift: {ARENDEN} senast {ARENDEN_DUE}" not in subjects
    assert f"Påminnelse: {ARENDEN} senast {ARENDEN_DUE}" not in subjects
    # a deadline still ahead is reminded as usual, and then reported late
    assert got.count((ANNA, f"Påminnelse: {KALLELSE} senast {KALLELSE_DUE}")) == 1

    late = Counter(pair for pair in got if pair[1].startswith("Försenad:"))
    assert all(n == 1 for n in late.values()), late
    agenda = f"Försenad: {ARENDEN} (senast {ARENDEN_DUE})"
    notice = f"Försenad: {KALLELSE} (senast {KALLELSE_DUE})"
    # holders Anna and Lena; Lena, the lead, is a holder too and gets it once
    assert {rcpt for rcpt, s in late if s == agenda} == {ANNA, LENA}
    # holder Anna, and a copy to the lead, Lena
    assert {rcpt for rcpt, s in late if s == notice} == {ANNA, LENA}
    copy = next(m for rcpt, m in sink.received if rcpt == LENA and str(m["Subject"]) == notice)
    text = copy.get_body(("plain",))
    assert text is not None and "Uppgiften ligger på: Anna Berg." in text.get_content()


def test_the_lead_who_holds_a_late_task_gets_a_single_notice(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    """Holder and lead are often the same person, who should not get the notice twice."""
    for day in ("11", "14", "15"):
        reminder_run(engine, planned, smtp, local(f"2026-12-{day}T07:00"), dt.timedelta(days=7))
    agenda = f"Försenad: {ARENDEN} (senast {ARENDEN_DUE})"
    assert [rcpt for rcpt, s in received(sink) if s == agenda] == [LENA]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-12-10T23:59", OutboxStatus.SENT),  # a deadline holds all of its day
        ("2026-12-11T00:00", OutboxStatus.EXPIRED),
        ("2026-12-11T07:00", OutboxStatus.EXPIRED),
    ],
)
def test_a_queued_reminder_that_waited_past_its_deadline_expires_unsent(
    engine: Engine,
    planned: CycleDefinition,
    smtp: SmtpSettings,
    sink: Sink,
    moment: str,
    expected: OutboxStatus,
) -> None:
    """A reminder that waited out an outage must not arrive after its deadline – but it
    may still go out on the deadline's own day."""
    sink.stop()  # the mail server is down for the morning run of 9 December
    queued, sent = reminder_run(
        engine, planned, smtp, local("2026-12-09T07:00"), dt.timedelta(days=7)
    )
    assert sent.sent == 0 and queued.queued > 1
    subject = f"Påminnelse: {ARENDEN} senast {ARENDEN_DUE}"
    [reminder] = [r for r in outbox(engine).values() if r.subject == subject]
    assert reminder.status == OutboxStatus.PENDING

    sink.start()
    result = send_due(engine, smtp, now=local(moment))
    rows = outbox(engine)
    assert rows[reminder.key].status == expected
    assert ((LENA, subject) in received(sink)) == (expected == OutboxStatus.SENT)
    expired = [r for r in rows.values() if r.status == OutboxStatus.EXPIRED]
    assert result.expired == len(expired)
    assert all(r.stale_at is not None and r.stale_at <= local(moment) for r in expired)
    # what is still current goes out: the Monday digest of 7 December lasts its week
    assert any(rcpt == LENA and s.startswith("Att göra vecka 50") for rcpt, s in received(sink))


@pytest.mark.parametrize(("clock", "announced"), [("12:59", True), ("13:00", False)])
def test_a_meeting_that_has_begun_is_not_announced(
    engine: Engine,
    planned: CycleDefinition,
    smtp: SmtpSettings,
    sink: Sink,
    clock: str,
    announced: bool,
) -> None:
    """A catch-up run must not send a notice for a meeting that is already under way."""
    # the day of the meeting, with a window back to its notice day, 17 December
    when = local(f"2027-01-07T{clock}")
    queued, _ = reminder_run(engine, planned, smtp, when, dt.timedelta(days=21))
    notices = [d for d in queued.drafts if d.subject == NOTICE]
    assert bool(notices) == announced
    assert any(r.subject == NOTICE for r in outbox(engine).values()) == announced
    assert ((ANNA, NOTICE) in received(sink)) == announced


def test_a_first_run_without_catch_up_sends_only_todays_messages(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    """Without a catch-up window (a fresh database's first run) no run mails the past."""
    today = dt.date(2026, 12, 17)
    _, sent = reminder_run(engine, planned, smtp, local("2026-12-17T07:00"), dt.timedelta(0))
    rows = [r for r in outbox(engine).values() if r.status == OutboxStatus.SENT]
    assert sent.sent == len(rows) == len(sink.received) > 0
    assert {r.send_on for r in rows} == {today}
    got = received(sink)
    assert (ANNA, NOTICE) in got
    assert (LENA, f"Påminnelse: {KALLELSE} senast {KALLELSE_DUE}") not in got  # 16 Dec


def test_a_catch_up_window_sends_what_missed_days_owed_once(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    """A run that did not happen still owes its messages, within the window – once."""
    # a run on Monday 14 December, then none until Thursday 17 December
    reminder_run(engine, planned, smtp, local("2026-12-14T07:00"), dt.timedelta(0))
    monday = received(sink)
    assert monday and any(s.startswith("Att göra vecka 51") for _, s in monday)
    reminder_run(engine, planned, smtp, local("2026-12-17T07:00"), dt.timedelta(days=3))
    got = received(sink)
    # the 16 December reminder, which no run sent, goes out with 17 December's messages
    assert got.count((LENA, f"Påminnelse: {KALLELSE} senast {KALLELSE_DUE}")) == 1
    assert (ANNA, NOTICE) in got
    # what Monday's run sent is not sent again, and nothing from before the window
    assert len(got) == len(set(got))
    assert got[: len(monday)] == monday
    assert (LENA, f"Uppgift: {KALLELSE} senast {KALLELSE_DUE}") not in got  # 10 Dec
    sent_days = {r.send_on for r in outbox(engine).values() if r.status == OutboxStatus.SENT}
    assert min(sent_days) == dt.date(2026, 12, 14) and dt.date(2026, 12, 16) in sent_days


def _preview(
    engine: Engine, d: CycleDefinition, catch_up: dt.timedelta, when: str = "2026-12-17T07:00"
) -> Preview:
    """What a run at ``when`` (Stockholm) would send, with ``catch_up`` days of backlog."""
    return preview_reminders(
        engine,
        [d],
        today=local(when).date(),
        sender=Sender(FROM),
        base_url="https://kalender.example.se",
        now=local(when),
        catch_up=catch_up,
    )


def test_a_preview_tells_todays_messages_from_the_catch_up(
    engine: Engine, planned: CycleDefinition
) -> None:
    """An admin must see which messages belong to today and which are a missed run's."""
    preview = _preview(engine, planned, dt.timedelta(days=3))
    today = dt.date(2026, 12, 17)
    todays = [d for d in preview.messages if d.send_on == today]
    late = preview.catching_up
    assert todays and late
    assert {d.send_on for d in late} <= {today - dt.timedelta(days=n) for n in (1, 2, 3)}
    assert len(todays) + len(late) == len(preview.messages)

    lines = preview.details
    header = f"Eftersläpande från dagar utan körning ({len(late)}):"
    assert lines[0] == f"I dag ({len(todays)}):"
    assert lines[1 + len(todays)] == header
    today_part, catch_up_part = lines[1 : 1 + len(todays)], lines[2 + len(todays) :]
    assert any(NOTICE in line for line in today_part)
    assert any(f"Påminnelse: {KALLELSE}" in line for line in catch_up_part)
    assert not any(f"Påminnelse: {KALLELSE}" in line for line in today_part)
    assert outbox(engine) == {}  # a preview queues nothing


def test_a_preview_without_catch_up_has_no_catch_up_part(
    engine: Engine, planned: CycleDefinition
) -> None:
    """Nothing is presented as catch-up when there is none."""
    preview = _preview(engine, planned, dt.timedelta(0))
    assert preview.messages and preview.catching_up == ()
    assert preview.details[0] == f"I dag ({len(preview.messages)}):"
    assert not any(line.startswith("Eftersläpande") for line in preview.details)


def test_a_preview_lists_exactly_what_a_real_run_at_that_moment_sends(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    """A dry run is only useful if it tells what the real run will do."""
    # Monday 21 December after a week without runs: the window reaches back to Monday
    # 14 December, whose weekly digest covered a week that has ended – stale, so a real
    # run does not send it, and the preview must not promise it either
    when, window = "2026-12-21T07:00", dt.timedelta(days=7)
    preview = _preview(engine, planned, window, when)
    promised = Counter((d.address, d.subject) for d in preview.messages)
    _, sent = reminder_run(engine, planned, smtp, local(when), window)
    assert sent.sent > 0
    assert promised == Counter(received(sink))


def test_a_second_run_the_same_day_leaves_waiting_messages_to_be_retried(
    engine: Engine, planned: CycleDefinition, smtp: SmtpSettings, sink: Sink
) -> None:
    """Messages of the last days that could not be sent (the server was down) are still
    owed at noon: a rerun with nothing to catch up must not expire them."""
    reminder_run(engine, planned, smtp, local("2026-12-09T07:00"), dt.timedelta(0))
    sink.stop()  # the server is down on the 10th and the 11th in the morning
    reminder_run(engine, planned, smtp, local("2026-12-10T07:00"), dt.timedelta(days=1))
    reminder_run(engine, planned, smtp, local("2026-12-11T07:00"), dt.timedelta(days=1))
    waiting = {k: r.send_on for k, r in outbox(engine).items() if r.status == OutboxStatus.PENDING}
    assert dt.date(2026, 12, 10) in waiting.values()  # the prompt of a day before the rerun
    sink.start()
    queue_reminders(
        engine,
        [planned],
        today=dt.date(2026, 12, 11),
        sender=Sender(FROM),
        base_url="https://kalender.example.se",
        now=local("2026-12-11T12:00"),
        catch_up=dt.timedelta(0),  # the last run was this morning
        window=dt.timedelta(days=7),
    )
    rows = outbox(engine)
    assert all(rows[k].status == OutboxStatus.PENDING for k in waiting)
    sent = send_due(engine, smtp, now=local("2026-12-11T12:10"))
    assert sent.sent == len(waiting) and sent.expired == 0
