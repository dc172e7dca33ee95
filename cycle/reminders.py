"""The reminder schedule: which e-mail goes to whom on which day, derived from the plan.

For each open task: a prompt when it becomes actionable and a reminder shortly before it
is due. For each meeting: a notice to everyone invited (an update when the meeting has
changed since, a cancellation when it is cancelled). Each Monday: a digest per person.
Every reminder has an idempotency key – what it is about, its kind, the recipient and the
sequence of what it is about – so queueing the same schedule twice queues nothing new,
and a moved meeting or task (higher sequence) yields new messages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .definitions import ReminderPolicy
from .published import Published, PublishedMeeting, PublishedTask
from .status import TaskStatus
from .times import STOCKHOLM
from .workdays import WorkCalendar


class Kind(StrEnum):
    PROMPT = "uppgift"
    REMINDER = "påminnelse"
    NOTICE = "kallelse"
    UPDATE = "ändrad kallelse"
    CANCEL = "inställt möte"
    DIGEST = "veckobrev"


@dataclass(frozen=True, slots=True)
class Reminder:
    """One message to one person on one day (sent from 07.00 that day)."""

    key: str
    kind: Kind
    recipient: str  # person key
    send_on: dt.date
    meeting: str | None = None
    task: str | None = None
    tasks: tuple[str, ...] = ()  # a digest's tasks
    sequence: int = 0


def reminder_key(kind: Kind, subject: str, recipient: str, sequence: int) -> str:
    """The idempotency key: subject (task, meeting or week) + kind + recipient + sequence."""
    return f"{kind.name.lower()}:{subject}:{recipient}:{sequence}"


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(STOCKHOLM).date()


def schedule_reminders(
    published: Published,
    policies: Mapping[str, ReminderPolicy],
    calendar: WorkCalendar,
    *,
    first: dt.date,
    last: dt.date,
) -> tuple[Reminder, ...]:
    """Every reminder whose send day falls in ``first``..``last``, sorted by day and key.

    Args:
        published: the stored wheel (meetings with invitations, tasks with assignees).
        policies: reminder offsets per series key; series not listed use the defaults.
        calendar: working days, for offsets counted in working days.
        first, last: the window of send days to produce.
    """
    meetings = {m.id: m for m in published.meetings}
    out: list[Reminder] = []

    def add(r: Reminder) -> None:
        if first <= r.send_on <= last:
            out.append(r)

    def policy(m: PublishedMeeting) -> ReminderPolicy:
        return policies.get(m.series, ReminderPolicy())

    for t in published.tasks:
        m = meetings[t.meeting]
        if t.status is not TaskStatus.OPEN or m.cancelled:
            continue  # a closed or cancelled task gets no more reminders
        p = policy(m)
        prompt = calendar.add_working_days(t.due, -p.prompt, avoid_klamdagar=False)
        remind = calendar.add_working_days(t.due, -p.reminder, avoid_klamdagar=False)
        for person in t.assignees:
            if prompt != remind:
                add(_task_reminder(Kind.PROMPT, t, person, prompt))
            add(_task_reminder(Kind.REMINDER, t, person, remind))
    for m in published.meetings:
        day = _local_day(m.start)
        # people were told about the meeting from the notice day of the earliest date it
        # had (the rule's date, or an earlier moved-to date), so an update or a
        # cancellation after that goes out at once, whatever the new date is
        first_known = min(day, m.original_date)
        notice = calendar.add_working_days(first_known, -policy(m).notice, avoid_klamdagar=False)
        changed = _local_day(m.updated_at)
        if m.cancelled:
            # only those who may have been told need to hear it is off
            if notice <= changed < max(day, m.original_date):
                for person, _ in m.invitations:
                    add(
                        Reminder(
                            reminder_key(Kind.CANCEL, m.id, person, m.sequence),
                            Kind.CANCEL,
                            person,
                            changed,
                            meeting=m.id,
                            sequence=m.sequence,
                        )
                    )
            continue
        kind = Kind.NOTICE if m.sequence == 0 else Kind.UPDATE
        send_on = notice if m.sequence == 0 else max(notice, changed)
        if send_on >= day:
            continue  # too late to announce: the meeting has begun
        for person, _ in m.invitations:
            add(
                Reminder(
                    reminder_key(kind, m.id, person, m.sequence),
                    kind,
                    person,
                    send_on,
                    meeting=m.id,
                    sequence=m.sequence,
                )
            )
    out.extend(_digests(published, meetings, first, last))
    return tuple(sorted(out, key=lambda r: (r.send_on, r.key)))


def _task_reminder(kind: Kind, t: PublishedTask, person: str, day: dt.date) -> Reminder:
    return Reminder(
        reminder_key(kind, t.id, person, t.sequence),
        kind,
        person,
        day,
        meeting=t.meeting,
        task=t.id,
        sequence=t.sequence,
    )


def _digests(
    published: Published, meetings: Mapping[str, PublishedMeeting], first: dt.date, last: dt.date
) -> list[Reminder]:
    """Each Monday in the window: the week's and overdue open tasks, per person."""
    out = []
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    while monday <= last:
        sunday = monday + dt.timedelta(days=6)
        per_person: dict[str, list[str]] = defaultdict(list)
        for t in published.tasks:
            backlog = monday - dt.timedelta(days=28)  # a month of overdue work at most
            if (
                t.status is TaskStatus.OPEN
                and not meetings[t.meeting].cancelled
                and (backlog <= t.due <= sunday)
            ):
                for person in t.assignees:
                    per_person[person].append(t.id)
        year, week, _ = monday.isocalendar()
        for person, tasks in sorted(per_person.items()):
            out.append(
                Reminder(
                    reminder_key(Kind.DIGEST, f"{year}-V{week:02d}", person, 0),
                    Kind.DIGEST,
                    person,
                    monday,
                    tasks=tuple(tasks),
                )
            )
        monday += dt.timedelta(days=7)
    return out
