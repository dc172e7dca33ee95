"""Where a meeting or a task stands, with the Swedish word users see – in one place.

The stored values say what was decided: planned, moved or cancelled; open, done or
cancelled. Time adds states that are never stored, because they follow from the
clock: a meeting whose end has passed is *held* (genomfört), an open task whose due date
has passed is *late* (försenad) – unless it was due before Årshjul knew of it (stored
after its due date, as a first plan stores the year so far): then it is history whose
outcome nobody recorded (*före Årshjul*), never late work. :func:`meeting_status_on`
and :func:`task_status_on` give the state at a moment; ``now`` is always passed in.
``label`` is what feeds, pages, e-mails and the CLI show; comparing against the members
(never against text) keeps a renamed label from changing behaviour.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class MeetingStatus(StrEnum):
    """A meeting is planned on the rule's day, moved from it, or cancelled – and held
    once its end has passed (derived, never stored)."""

    PLANNED = "planned"
    MOVED = "moved"
    CANCELLED = "cancelled"
    HELD = "held"

    @property
    def label(self) -> str:
        """The Swedish word, e.g. ``flyttat``.

        Example:
            >>> MeetingStatus.CANCELLED.label
            'inställt'
        """
        return _MEETING_LABELS[self]


class TaskStatus(StrEnum):
    """A preparation task is open until someone marks it done, or its meeting is
    cancelled – and late while open after its due date, or of unknown outcome when it
    was due before Årshjul stored it (both derived, never stored)."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"
    LATE = "late"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """The Swedish word, e.g. ``klar``.

        Example:
            >>> TaskStatus.DONE.label
            'klar'
        """
        return _TASK_LABELS[self]


_MEETING_LABELS = {
    MeetingStatus.PLANNED: "planerat",
    MeetingStatus.MOVED: "flyttat",
    MeetingStatus.CANCELLED: "inställt",
    MeetingStatus.HELD: "genomfört",
}
_TASK_LABELS = {
    TaskStatus.OPEN: "öppen",
    TaskStatus.DONE: "klar",
    TaskStatus.CANCELLED: "inställd",
    TaskStatus.LATE: "försenad",
    TaskStatus.UNKNOWN: "före Årshjul",
}


def meeting_status_on(stored: MeetingStatus, end: dt.datetime, now: dt.datetime) -> MeetingStatus:
    """The meeting's state at ``now``: held once it has ended, unless it was cancelled.

    Example:
        >>> end = dt.datetime(2027, 1, 7, 16, tzinfo=dt.UTC)
        >>> meeting_status_on(MeetingStatus.MOVED, end, end).label
        'genomfört'
        >>> meeting_status_on(MeetingStatus.CANCELLED, end, end).label
        'inställt'
    """
    if stored is not MeetingStatus.CANCELLED and end <= now:
        return MeetingStatus.HELD
    return stored


def task_status_on(
    stored: TaskStatus, due: dt.date, today: dt.date, stored_on: dt.date | None = None
) -> TaskStatus:
    """The task's state on ``today``: late when it is open and its due date has passed;
    of unknown outcome (*före Årshjul*) when it was already past due on ``stored_on``,
    the day Årshjul first stored it – nobody could mark it done in Årshjul, so it is
    not late work.

    Example:
        >>> task_status_on(TaskStatus.OPEN, dt.date(2027, 3, 1), dt.date(2027, 3, 2)).label
        'försenad'
        >>> task_status_on(TaskStatus.OPEN, dt.date(2027, 3, 2), dt.date(2027, 3, 2)).label
        'öppen'
        >>> first_plan = dt.date(2027, 12, 7)
        >>> task_status_on(TaskStatus.OPEN, dt.date(2027, 3, 1), first_plan, first_plan).label
        'före Årshjul'
    """
    if stored is TaskStatus.OPEN and stored_on is not None and due < stored_on:
        return TaskStatus.UNKNOWN
    if stored is TaskStatus.OPEN and due < today:
        return TaskStatus.LATE
    return stored


class TaskGroup(StrEnum):
    """How a person's list of tasks is read: what is late, what is due this week, what
    comes later, and what is done (cancelled tasks are not on it)."""

    LATE = "late"
    THIS_WEEK = "this-week"
    LATER = "later"
    DONE = "done"
    BEFORE = "before"

    @property
    def label(self) -> str:
        """The Swedish heading, e.g. ``Den här veckan``."""
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    TaskGroup.LATE: "Försenade",
    TaskGroup.THIS_WEEK: "Den här veckan",
    TaskGroup.LATER: "Senare",
    TaskGroup.DONE: "Klara",
    TaskGroup.BEFORE: "Före Årshjul",
}


def task_group(status: TaskStatus, due: dt.date, today: dt.date) -> TaskGroup | None:
    """The group a task with ``status`` (as it stands on ``today``) falls in; None for a
    cancelled one. "This week" runs to Sunday; what was due before Årshjul is kept apart,
    last.

    Example:
        >>> monday = dt.date(2027, 3, 1)
        >>> [task_group(TaskStatus.OPEN, monday + dt.timedelta(days=d), monday).label
        ...  for d in (0, 6, 7)]
        ['Den här veckan', 'Den här veckan', 'Senare']
        >>> task_group(TaskStatus.UNKNOWN, dt.date(2027, 1, 4), monday).label
        'Före Årshjul'
    """
    if status is TaskStatus.CANCELLED:
        return None
    if status is TaskStatus.DONE:
        return TaskGroup.DONE
    if status is TaskStatus.UNKNOWN:
        return TaskGroup.BEFORE
    if task_status_on(status, due, today) is TaskStatus.LATE:
        return TaskGroup.LATE
    sunday = today + dt.timedelta(days=6 - today.weekday())
    return TaskGroup.THIS_WEEK if due <= sunday else TaskGroup.LATER


class ItemStatus(StrEnum):
    """Sent in, then accepted onto the agenda or rejected (with a reason)."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        """The Swedish word.

        Example:
            >>> ItemStatus.REJECTED.label
            'avslaget'
        """
        return {"proposed": "inskickat", "accepted": "accepterat", "rejected": "avslaget"}[
            self.value
        ]
