"""Load, pure: what the year asks of each person and group, week by week."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from cycle.definitions import Role, SeriesKind
from cycle.load import Load, by_role, coming_weeks, loads, weeks_of
from cycle.published import PublishedMeeting, PublishedTask
from cycle.status import MeetingStatus, TaskStatus
from cycle.times import STOCKHOLM

STAMP = dt.datetime(2026, 11, 1, tzinfo=STOCKHOLM)


def meeting(
    mid: str, day: dt.date, hours: float, *people: str, body: str = "o/rad"
) -> PublishedMeeting:
    start = dt.datetime.combine(day, dt.time(13), tzinfo=STOCKHOLM)
    return PublishedMeeting(
        id=mid,
        organisation="o",
        body=body,
        title="Rådet",
        kind=SeriesKind.MOTE,
        start=start,
        end=start + dt.timedelta(hours=hours),
        location="",
        status=MeetingStatus.PLANNED,
        sequence=0,
        created_at=STAMP,
        updated_at=STAMP,
        original_date=day,
        invitations=tuple((p, Role.LEDAMOT) for p in people),
    )


def task(tid: str, mid: str, due: dt.date, *people: str) -> PublishedTask:
    return PublishedTask(
        id=tid,
        meeting=mid,
        organisation="o",
        title="Skicka kallelse",
        due=due,
        status=TaskStatus.OPEN,
        sequence=0,
        created_at=STAMP,
        updated_at=STAMP,
        assignees=people,
    )


MONDAY = dt.date(2027, 3, 8)  # week 10


def test_meetings_hours_and_deadlines_are_counted_per_person_and_group() -> None:
    meetings = [
        meeting("m1", MONDAY, 2.5, "o/anna", "o/bo"),
        meeting("m2", MONDAY + dt.timedelta(days=3), 1, "o/anna"),
        replace(meeting("m3", MONDAY, 3, "o/anna"), status=MeetingStatus.CANCELLED),
    ]
    tasks = [
        task("t1", "m1", MONDAY - dt.timedelta(days=1), "o/lena"),  # Sunday: week 9
        task("t2", "m1", MONDAY, "o/lena"),
        task("t3", "m2", MONDAY + dt.timedelta(days=4), "o/lena", "o/anna"),
        replace(task("t4", "m2", MONDAY, "o/lena"), status=TaskStatus.CANCELLED),
    ]
    people, groups = loads(meetings, tasks, 2027)
    anna = people["o/anna"].weeks[MONDAY]
    assert (anna.meetings, anna.minutes, anna.deadlines) == (2, 210, 1)  # not the cancelled
    lena = people["o/lena"]
    assert lena.weeks[MONDAY].deadlines == 2
    assert lena.weeks[MONDAY - dt.timedelta(days=7)].deadlines == 1
    assert lena.months[3].deadlines == 3 and lena.total().deadlines == 3
    council = groups["o/rad"].weeks[MONDAY]
    assert (council.meetings, council.minutes, council.deadlines) == (2, 210, 2)
    assert lena.heavy_weeks(1) == [MONDAY] and lena.heavy_weeks(2) == []


def test_the_week_of_new_year_is_in_both_years_with_the_days_of_each() -> None:
    tasks = [
        task("a", "x", dt.date(2026, 12, 30), "o/lena"),
        task("b", "x", dt.date(2027, 1, 1), "o/lena"),
    ]
    week = dt.date(2026, 12, 28)
    assert loads([], tasks, 2026)[0]["o/lena"].weeks[week].deadlines == 1
    assert loads([], tasks, 2027)[0]["o/lena"].weeks[week].deadlines == 1
    assert weeks_of(2027)[0] == week and weeks_of(2026)[-1] == week


def test_a_role_shows_its_heaviest_holder_week_by_week() -> None:
    busy, calm = Load(), Load()
    busy.weeks[MONDAY].deadlines = 5
    calm.weeks[MONDAY].minutes = 120
    calm.weeks[MONDAY + dt.timedelta(days=7)].deadlines = 2
    roles = {"a": [(Role.LEDAMOT, "råd")], "b": [(Role.LEDAMOT, "råd"), (Role.ORDFORANDE, "råd")]}
    found = by_role({"a": busy, "b": calm}, roles)
    assert [(r.role, r.holders) for r in found] == [(Role.ORDFORANDE, 1), (Role.LEDAMOT, 2)]
    ledamot = found[1].load
    assert (ledamot.weeks[MONDAY].deadlines, ledamot.weeks[MONDAY].minutes) == (5, 120)
    assert ledamot.weeks[MONDAY + dt.timedelta(days=7)].deadlines == 2


def test_a_persons_coming_weeks_count_open_work_from_this_week() -> None:
    meetings = [meeting("m1", MONDAY + dt.timedelta(days=8), 2, "o/anna")]
    tasks = [
        task("t1", "m1", MONDAY + dt.timedelta(days=2), "o/anna"),
        replace(task("t2", "m1", MONDAY + dt.timedelta(days=2)), status=TaskStatus.DONE),
        replace(task("t3", "m1", MONDAY - dt.timedelta(days=3)), status=TaskStatus.LATE),
    ]
    weeks = coming_weeks(meetings, tasks, MONDAY + dt.timedelta(days=3), 3)
    assert [w for w, _ in weeks] == [MONDAY + dt.timedelta(days=7 * i) for i in range(3)]
    assert [(t.meetings, t.minutes, t.deadlines) for _, t in weeks] == [
        (0, 0, 1),  # done work is not load; late work from before this week is not shown
        (1, 120, 0),
        (0, 0, 0),
    ]
