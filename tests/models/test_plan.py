"""Saving plans: idempotent upserts, sequence bumps, cancellations, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from cycle import CycleDefinition, WorkCalendar, plan_year
from cycle.status import MeetingStatus, TaskStatus
from models.database import read_session, write_session
from models.definitions import save_definition
from models.plan import DROPPED_NOTE, SaveResult, save_plan
from models.tables import Invitation, Meeting, Task, TaskAssignee
from tests.conftest import NOW

Mini = Callable[..., CycleDefinition]
LATER = NOW + dt.timedelta(days=1)


def _save(
    engine: Engine, d: CycleDefinition, year: int, calendar: WorkCalendar, now: dt.datetime = NOW
) -> SaveResult:
    with write_session(engine) as session:
        changed = save_definition(session, d, now=now)
        result = save_plan(session, plan_year(d, year, calendar), now=now)
        result.definitions_changed = changed
    return result


def _snapshot(engine: Engine) -> dict[str, object]:
    with read_session(engine) as s:
        return {
            "meetings": sorted(
                (m.id, m.sequence, m.status, m.start, m.updated_at) for m in s.exec(select(Meeting))
            ),
            "tasks": sorted(
                (t.id, t.sequence, t.status, t.due, t.updated_at) for t in s.exec(select(Task))
            ),
            "invitations": sorted(
                (i.meeting, i.person, i.role) for i in s.exec(select(Invitation))
            ),
            "assignees": sorted((a.task, a.person) for a in s.exec(select(TaskAssignee))),
        }


def test_saving_the_same_plan_twice_changes_nothing(
    engine: Engine, mini: Mini, calendar: WorkCalendar
) -> None:
    first = _save(engine, mini(), 2027, calendar)
    assert (first.meetings_added, first.tasks_added) == (11, 44)
    before = _snapshot(engine)
    second = _save(engine, mini(), 2027, calendar, now=LATER)
    assert second.changed == 0
    assert _snapshot(engine) == before


def test_stored_times_are_aware_and_equal_to_the_plan(
    engine: Engine, mini: Mini, calendar: WorkCalendar
) -> None:
    plan = plan_year(mini(), 2027, calendar)
    _save(engine, mini(), 2027, calendar)
    with read_session(engine) as s:
        stored = {m.id: m for m in s.exec(select(Meeting))}
    for planned in plan.meetings:
        row = stored[planned.id]
        assert row.start.tzinfo is not None and row.start == planned.start
        assert row.original_date == planned.original_date


def test_a_changed_rule_updates_rows_and_bumps_their_sequence(
    engine: Engine, mini: Mini, calendar: WorkCalendar
) -> None:
    _save(engine, mini(), 2027, calendar)
    result = _save(engine, mini(start='"10:00"'), 2027, calendar, now=LATER)
    assert (result.meetings_changed, result.meetings_added, result.meetings_cancelled) == (11, 0, 0)
    with read_session(engine) as s:
        meetings = s.exec(select(Meeting)).all()
    assert {m.sequence for m in meetings} == {1}
    assert {m.updated_at for m in meetings} == {LATER}
    assert {m.start.astimezone(dt.UTC).hour for m in meetings} == {8, 9}  # 10.00 CEST / CET


def test_only_the_changed_meeting_is_bumped(
    engine: Engine, mini: Mini, calendar: WorkCalendar
) -> None:
    # 25 March 2027 is an ordinary Thursday morning; 25 September 2027 is a Saturday, so
    # only September depends on the holiday policy.
    rule = '"FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=25"'
    _save(engine, mini(rrule=rule, start='"09:00"', holiday_policy='"nästa"'), 2027, calendar)
    result = _save(
        engine,
        mini(rrule=rule, start='"09:00"', holiday_policy='"föregående"'),
        2027,
        calendar,
        now=LATER,
    )
    assert (result.meetings_changed, result.meetings_added, result.meetings_cancelled) == (1, 0, 0)
    with read_session(engine) as s:
        march, september = sorted(s.exec(select(Meeting)).all(), key=lambda m: m.original_date)
    assert march.start.date() == dt.date(2027, 3, 25)
    assert (march.sequence, march.status, march.updated_at) == (0, MeetingStatus.PLANNED, NOW)
    assert september.start.date() == dt.date(2027, 9, 24)
    assert (september.sequence, september.status, september.updated_at) == (
        1,
        MeetingStatus.MOVED,
        LATER,
    )


def test_a_meeting_dropped_from_the_rules_is_cancelled_not_deleted(
    engine: Engine, mini: Mini, calendar: WorkCalendar
) -> None:
    _save(engine, mini(), 2027, calendar)
    fewer = mini(summer_break='{ from = "06-01", to = "08-31" }')
    result = _save(engine, fewer, 2027, calendar, now=LATER)
    assert (result.meetings_cancelled, result.tasks_cancelled) == (2, 8)
    with read_session(engine) as s:
        cancelled = s.exec(select(Meeting).where(Meeting.status == MeetingStatus.CANCELLED)).all()
        assert sorted(m.original_date.month for m in cancelled) == [6, 8]
        assert all(m.sequence == 1 and m.note == DROPPED_NOTE for m in cancelled)
        assert s.exec(select(func.count()).select_from(Meeting)).one() == 11
        dead = s.exec(select(Task).where(Task.status == TaskStatus.CANCELLED)).all()
        assert {t.meeting for t in dead} == {m.id for m in cancelled}
    # saving the reduced plan again changes nothing more
    assert _save(engine, fewer, 2027, calendar, now=LATER).changed == 0
    # restoring the rule brings the meetings back with a higher sequence
    back = _save(engine, mini(), 2027, calendar, now=LATER + dt.timedelta(days=1))
    # and the September council's three preparation steps, which the long break had put
    # before it (in May), are due in August again
    assert back.meetings_changed == 2 and back.tasks_changed == 8 + 3
    with read_session(engine) as s:
        restored = [s.get(Meeting, m.id) for m in cancelled]
    assert all(
        m is not None and m.status != MeetingStatus.CANCELLED and m.sequence == 2 and m.note is None
        for m in restored
    )


def test_an_admins_manual_move_survives_a_replan(
    engine: Engine, mini: Mini, calendar: WorkCalendar
) -> None:
    _save(engine, mini(), 2027, calendar)
    with write_session(engine) as s:
        row = s.exec(select(Meeting).order_by(Meeting.start)).first()
        assert row is not None
        row.start += dt.timedelta(days=1)
        row.manual = True
        moved_to, meeting_id = row.start, row.id
        s.add(row)
    _save(engine, mini(start='"10:00"'), 2027, calendar, now=LATER)
    with Session(engine) as s:
        kept = s.get(Meeting, meeting_id)
    assert kept is not None and kept.start == moved_to and kept.sequence == 0


def test_invitations_follow_membership_changes(
    engine: Engine, mini: Mini, calendar: WorkCalendar
) -> None:
    _save(engine, mini(), 2027, calendar)

    def olof_stays(text: str) -> str:
        return text.replace("to = 2026-12-31\n", "to = 2027-06-30\n")

    _save(engine, mini(org_text=olof_stays), 2027, calendar, now=LATER)
    with read_session(engine) as s:
        rows = s.exec(
            select(Meeting.start, Invitation.person).join(
                Invitation, Invitation.meeting == Meeting.id
            )
        ).all()
    olof = sorted(start.date() for start, person in rows if person == "mini/olof-lund")
    assert olof and all(day <= dt.date(2027, 6, 30) for day in olof) and len(olof) == 6


def test_an_admins_meeting_keeps_its_chain_when_the_rule_no_longer_gives_its_date(
    engine: Engine, mini: Mini, calendar: WorkCalendar
) -> None:
    _save(engine, mini(), 2027, calendar)
    with write_session(engine) as s:
        june = next(m for m in s.exec(select(Meeting)) if m.original_date.month == 6)
        june.manual, june.note, target = True, "Flyttat av admin", june.id
        s.add(june)
    # June drops out of the rules; the admin's meeting stays, and so does its chain
    _save(engine, mini(summer_break='{ from = "06-01", to = "08-31" }'), 2027, calendar, now=LATER)
    with read_session(engine) as s:
        kept = s.get(Meeting, target)
        chain = s.exec(select(Task).where(Task.meeting == target)).all()
    assert kept is not None and kept.status != MeetingStatus.CANCELLED
    assert chain and {t.status for t in chain} == {TaskStatus.OPEN}
