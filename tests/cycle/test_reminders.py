"""The reminder schedule (pure): when notices, updates and cancellations go out."""

from __future__ import annotations

import dataclasses
import datetime as dt

from cycle import WorkCalendar
from cycle.definitions import Role, SeriesKind
from cycle.published import Published, PublishedMeeting
from cycle.reminders import Kind, Reminder, schedule_reminders
from cycle.status import MeetingStatus
from cycle.times import STOCKHOLM

CREATED = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def _meeting(
    start: dt.date,
    *,
    original: dt.date,
    status: MeetingStatus = MeetingStatus.PLANNED,
    sequence: int = 0,
    changed: dt.datetime = CREATED,
) -> PublishedMeeting:
    begin = dt.datetime.combine(start, dt.time(9), tzinfo=STOCKHOLM)
    return PublishedMeeting(
        "m",
        "x",
        "x/rad",
        "Rådet",
        SeriesKind.MOTE,
        begin,
        begin + dt.timedelta(hours=2),
        "",
        status,
        sequence,
        CREATED,
        changed,
        original,
        invitations=(("x/anna", Role.LEDAMOT),),
    )


def _schedule(m: PublishedMeeting, calendar: WorkCalendar) -> list[tuple[Kind, dt.date]]:
    published = Published(dt.date(2026, 1, 1), dt.date(2028, 12, 31), CREATED, meetings=(m,))
    found = schedule_reminders(
        published, {}, calendar, first=dt.date(2026, 11, 1), last=dt.date(2027, 12, 31)
    )
    return [(r.kind, r.send_on) for r in found if r.kind is not Kind.DIGEST]


def test_a_notice_goes_out_ten_working_days_before(calendar: WorkCalendar) -> None:
    m = _meeting(dt.date(2027, 3, 10), original=dt.date(2027, 3, 10))
    assert _schedule(m, calendar) == [(Kind.NOTICE, dt.date(2027, 2, 24))]


def test_a_meeting_moved_far_ahead_after_its_notice_is_updated_at_once(
    calendar: WorkCalendar,
) -> None:
    moved = dt.datetime(2027, 3, 3, 10, tzinfo=dt.UTC)
    m = _meeting(
        dt.date(2027, 6, 10),
        original=dt.date(2027, 3, 10),
        status=MeetingStatus.MOVED,
        sequence=1,
        changed=moved,
    )
    assert _schedule(m, calendar) == [(Kind.UPDATE, dt.date(2027, 3, 3))]
    cancelled = dataclasses.replace(
        m,
        status=MeetingStatus.CANCELLED,
        sequence=2,
        updated_at=dt.datetime(2027, 3, 5, 10, tzinfo=dt.UTC),
    )
    assert _schedule(cancelled, calendar) == [(Kind.CANCEL, dt.date(2027, 3, 5))]


def test_a_meeting_cancelled_before_anyone_was_told_sends_nothing(
    calendar: WorkCalendar,
) -> None:
    m = _meeting(
        dt.date(2027, 3, 10),
        original=dt.date(2027, 3, 10),
        status=MeetingStatus.CANCELLED,
        sequence=1,
        changed=dt.datetime(2027, 1, 10, tzinfo=dt.UTC),
    )
    assert _schedule(m, calendar) == []


def test_a_change_that_a_subscribed_calendar_cannot_show_in_time_is_mailed_at_once(
    calendar: WorkCalendar,
) -> None:
    """Moved on Friday 5 March for Wednesday 10 March; the notice policy says two working
    days before (Monday 8 March). A Nextcloud calendar fetches once a week, so its owner
    is told on the Friday; Google's fetches daily, so its owner is told on the Monday, as
    are someone whose calendar already has the change and someone who never subscribed."""
    from cycle.definitions import ReminderPolicy
    from cycle.subscriptions import Fetch

    changed = dt.datetime(2027, 3, 5, 8, 0, tzinfo=dt.UTC)
    before = changed - dt.timedelta(days=1)
    m = dataclasses.replace(
        _meeting(dt.date(2027, 3, 10), original=dt.date(2027, 3, 11), sequence=1, changed=changed),
        invitations=tuple((p, Role.LEDAMOT) for p in ("x/nc", "x/google", "x/fresh", "x/never")),
    )
    published = Published(dt.date(2026, 1, 1), dt.date(2028, 12, 31), changed, meetings=(m,))
    fetched = {
        "x/nc": Fetch(before, "Nextcloud"),
        "x/google": Fetch(before, "Google"),
        "x/fresh": Fetch(changed + dt.timedelta(minutes=5), "Nextcloud"),
    }

    def schedule(**fetch_notes: dict[str, Fetch]) -> tuple[Reminder, ...]:
        return schedule_reminders(
            published,
            {"": ReminderPolicy(notice=2)},
            calendar,
            first=dt.date(2027, 3, 1),
            last=dt.date(2027, 3, 31),
            **fetch_notes,
        )

    found = schedule(fetched=fetched)
    days = {r.recipient: (r.kind, r.send_on) for r in found if r.kind is not Kind.DIGEST}
    assert days == {
        "x/nc": (Kind.UPDATE, dt.date(2027, 3, 5)),
        "x/google": (Kind.UPDATE, dt.date(2027, 3, 8)),
        "x/fresh": (Kind.UPDATE, dt.date(2027, 3, 8)),
        "x/never": (Kind.UPDATE, dt.date(2027, 3, 8)),
    }
    # without fetch notes the schedule is the policy's, for everyone
    plain = schedule()
    assert {r.send_on for r in plain if r.kind is Kind.UPDATE} == {dt.date(2027, 3, 8)}


def _assignment(owner: str, due: dt.date, status: str = "pågår") -> object:
    from cycle.decisions import CommissionStatus, CommissionView, Publicity

    return CommissionView(
        f"c-{owner}",
        "x",
        "Kartlägg behoven",
        "",
        "Gruppen",
        "Gruppen",
        owner,
        due,
        CommissionStatus(status),
        "Beslut",
        dt.date(2027, 1, 7),
        "Rådet",
        None,
        Publicity.OFFENTLIG,
    )


def test_an_assignment_is_prompted_two_weeks_before_its_time_frame_to_its_owner(
    calendar: WorkCalendar,
) -> None:
    from cycle.published import PublishedMembership

    due = dt.date(2027, 4, 30)  # a Friday; ten working days before: Friday 16 April
    members = (
        PublishedMembership("x/lena", "x/grupp", Role.SAMMANKALLANDE),
        PublishedMembership("x/olle", "x/grupp", Role.LEDAMOT),
        PublishedMembership("x/ulla", "x/tyst", Role.LEDAMOT),
    )
    commissions = (
        _assignment("person:x/anna", due),
        _assignment("body:x/grupp", due),  # the group's lead is asked, not every member
        _assignment("body:x/tyst", due),  # a group without a lead: every member
        _assignment("person:x/klar", due, "klart"),  # finished: nothing to ask
    )

    def prompts(as_of: dt.datetime) -> list[tuple[str, dt.date, dt.datetime | None]]:
        published = Published(
            dt.date(2027, 1, 1),
            dt.date(2027, 12, 31),
            as_of,
            memberships=members,
            commissions=commissions,  # type: ignore[arg-type]
        )
        found = schedule_reminders(
            published, {}, calendar, first=dt.date(2027, 1, 1), last=dt.date(2027, 12, 31)
        )
        return sorted(
            (r.recipient, r.send_on, r.stale_at) for r in found if r.kind is Kind.ASSIGNMENT
        )

    end_of_due = dt.datetime(2027, 5, 1, tzinfo=STOCKHOLM)
    assert prompts(dt.datetime(2027, 2, 1, tzinfo=dt.UTC)) == [
        ("x/anna", dt.date(2027, 4, 16), end_of_due),
        ("x/lena", dt.date(2027, 4, 16), end_of_due),
        ("x/ulla", dt.date(2027, 4, 16), end_of_due),
    ]
    # once the time frame has passed, no prompt any more
    assert prompts(dt.datetime(2027, 5, 2, tzinfo=dt.UTC)) == []
    # a time frame years ahead, beyond the working-day calendar: no prompt yet, no error
    commissions = (_assignment("person:x/anna", dt.date(2032, 6, 30)),)
    assert prompts(dt.datetime(2027, 2, 1, tzinfo=dt.UTC)) == []
