"""The reminder schedule: which e-mail goes to whom on which day, derived from the plan.

For each open task: a prompt when it becomes actionable and a reminder shortly before it
is due – never after its due date – and, if the date passes with the task still open,
one late notice, to its holders and the lead of its group. For each meeting that has not
begun: a notice to everyone invited (an update when the meeting has changed since, a
cancellation when it is cancelled). While a meeting's call for items is open: an
invitation to send items, to everyone invited; when an item sent in is decided on: the
answer, to its sender. For each open assignment (uppdrag) from a decision: a prompt to
report on it two weeks before its time frame ends, to its owner – a person, or the lead
of the body that owns it. Each Monday: a digest per person. Every message
carries the moment after which it would be stale (a deadline passed, a meeting begun), so
it is never sent after that.
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

from .agenda import call_window
from .decisions import CLOSED
from .definitions import ReminderPolicy, Role
from .published import Published, PublishedMeeting, PublishedTask
from .status import ItemStatus, TaskStatus
from .subscriptions import Fetch, must_mail_change
from .times import STOCKHOLM
from .workdays import WorkCalendar


class Kind(StrEnum):
    PROMPT = "uppgift"
    REMINDER = "påminnelse"
    NOTICE = "kallelse"
    UPDATE = "ändrad kallelse"
    CANCEL = "inställt möte"
    DIGEST = "veckobrev"
    LATE = "försenad uppgift"
    CALL = "inbjudan till ärenden"
    ANSWER = "besked om ärende"
    WELCOME = "din sida"
    ASSIGNMENT = "uppdrag"  # an assignment's time frame draws near


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
    item: str | None = None  # an answer's agenda item
    commission: str | None = None  # an assignment's id
    sequence: int = 0
    stale_at: dt.datetime | None = None  # never sent from this moment on (None: no limit)


def reminder_key(kind: Kind, subject: str, recipient: str, sequence: int) -> str:
    """The idempotency key: subject (task, meeting or week) + kind + recipient + sequence."""
    return f"{reminder_key_prefix(kind, subject)}{recipient}:{sequence}"


def reminder_key_prefix(kind: Kind, subject: str) -> str:
    """What every key of ``kind`` about ``subject`` starts with, whoever it went to.

    Example:
        >>> reminder_key(Kind.NOTICE, "m1", "mini/anna", 0).startswith(
        ...     reminder_key_prefix(Kind.NOTICE, "m1")
        ... )
        True
    """
    return f"{kind.name.lower()}:{subject}:"


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(STOCKHOLM).date()


def catch_up_days(today: dt.date, last_run: dt.date | None, window: int) -> int:
    """How many days before ``today`` a reminder run still owes messages for: back to the
    day of the last run, at most ``window``; none for the very first run, so a fresh
    database never mails history.

    Example:
        >>> today = dt.date(2027, 3, 2)
        >>> catch_up_days(today, None, 7), catch_up_days(today, dt.date(2027, 2, 27), 7)
        (0, 3)
        >>> catch_up_days(today, dt.date(2027, 1, 1), 7), catch_up_days(today, today, 7)
        (7, 0)
    """
    if last_run is None:
        return 0
    return max(0, min(window, (today - last_run).days))


def notice_day(
    day: dt.date, original: dt.date, policy: ReminderPolicy, calendar: WorkCalendar
) -> dt.date:
    """The day people are told of a meeting: its notice, counted from the earliest date it
    had (the rule's date, or an earlier moved-to date) – from then on, an update or a
    cancellation goes out at once, whatever the new date is."""
    return calendar.add_working_days(min(day, original), -policy.notice, avoid_klamdagar=False)


def _midnight_after(day: dt.date) -> dt.datetime:
    """The end of ``day`` in Stockholm: a deadline holds all of its day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=STOCKHOLM)


def schedule_reminders(
    published: Published,
    policies: Mapping[str, ReminderPolicy],
    calendar: WorkCalendar,
    *,
    first: dt.date,
    last: dt.date,
    leads: Mapping[tuple[str, Role], tuple[str, ...]] | None = None,
    fetched: Mapping[str, Fetch] | None = None,
) -> tuple[Reminder, ...]:
    """Every reminder whose send day falls in ``first``..``last``, sorted by day and key,
    as things stand at ``published.as_of``: no prompt or reminder for a due date that
    has passed, no notice for a meeting that has begun.

    Args:
        published: the stored wheel (meetings with invitations, tasks with assignees).
        policies: reminder offsets per series key; series not listed use the defaults.
        calendar: working days, for offsets counted in working days.
        first, last: the window of send days to produce.
        leads: who holds a role in a body now, (body key, role) -> person keys: the lead
            of a late task's group gets a copy of its late notice.
        fetched: when each person's feed was last fetched, and by what: a change to a
            meeting that their calendar cannot show before it begins is mailed on the
            day of the change, whatever the notice policy says.
    """
    today = _local_day(published.as_of)
    leads = leads or {}
    fetched = fetched or {}

    def unseen(person: str, m: PublishedMeeting) -> bool:
        """The change has not reached the person's calendar, and will not in time."""
        now = published.as_of
        return m.start > now and must_mail_change(fetched.get(person), m.updated_at, m.start, now)

    meetings = {m.id: m for m in published.meetings}
    out: list[Reminder] = []

    def add(r: Reminder) -> None:
        if first <= r.send_on <= last:
            out.append(r)

    def policy(m: PublishedMeeting) -> ReminderPolicy:
        return policies.get(m.series, ReminderPolicy())

    for t in published.tasks:
        m = meetings[t.meeting]
        if not t.open or m.cancelled:
            continue  # a closed or cancelled task gets no more reminders
        p = policy(m)
        if t.due < today:
            if t.status is TaskStatus.LATE and p.late:
                lead = p.late_copy
                copy = () if lead is None else leads.get((t.target_body or "", lead), ())
                on = calendar.add_working_days(t.due, p.late, avoid_klamdagar=False)
                for person in dict.fromkeys((*t.assignees, *copy)):
                    add(_task_reminder(Kind.LATE, t, person, on, None))
            continue  # a deadline that has passed gets no "senast …" any more
        stale = _midnight_after(t.due)
        prompt = calendar.add_working_days(t.due, -p.prompt, avoid_klamdagar=False)
        remind = calendar.add_working_days(t.due, -p.reminder, avoid_klamdagar=False)
        for person in t.assignees:
            if prompt != remind:
                add(_task_reminder(Kind.PROMPT, t, person, prompt, stale))
            add(_task_reminder(Kind.REMINDER, t, person, remind, stale))
    for m in published.meetings:
        day = _local_day(m.start)
        notice = notice_day(day, m.original_date, policy(m), calendar)
        changed = _local_day(m.updated_at)
        if m.start <= published.as_of and not m.cancelled:
            continue  # begun or held: nothing to announce any more
        if m.cancelled:
            for person, _ in m.invitations:
                # those who may have been told, and subscribers whose calendar still
                # shows it and will not fetch again in time
                told = notice <= changed < max(day, m.original_date)
                if told or (changed < day and unseen(person, m)):
                    add(
                        Reminder(
                            reminder_key(Kind.CANCEL, m.id, person, m.sequence),
                            Kind.CANCEL,
                            person,
                            changed,
                            meeting=m.id,
                            sequence=m.sequence,
                            stale_at=m.start,
                        )
                    )
            continue
        kind = Kind.NOTICE if m.sequence == 0 else Kind.UPDATE
        send_on = notice if m.sequence == 0 else max(notice, changed)
        if send_on >= day:
            continue  # too late to announce: the meeting has begun
        for person, _ in m.invitations:
            early = m.sequence > 0 and changed < send_on and unseen(person, m)
            add(
                Reminder(
                    reminder_key(kind, m.id, person, m.sequence),
                    kind,
                    person,
                    changed if early else send_on,
                    meeting=m.id,
                    sequence=m.sequence,
                    stale_at=m.start,
                )
            )
    for r in _calls_and_answers(published, meetings):
        add(r)
    for r in _assignment_prompts(published, calendar, today, last):
        add(r)
    out.extend(_digests(published, meetings, first, last))
    return tuple(sorted(out, key=lambda r: (r.send_on, r.key)))


def _calls_and_answers(
    published: Published, meetings: Mapping[str, PublishedMeeting]
) -> list[Reminder]:
    """Invitations to send items while a call is open, and answers to items decided on."""
    out = []
    tasks_of: dict[str, list[PublishedTask]] = defaultdict(list)
    for t in published.tasks:
        tasks_of[t.meeting].append(t)
    for m in published.meetings:
        window = call_window(m, tasks_of[m.id])
        if window is None or window.closes <= published.as_of:
            continue
        for person, _ in m.invitations:
            out.append(
                Reminder(
                    reminder_key(Kind.CALL, m.id, person, 0),
                    Kind.CALL,
                    person,
                    _local_day(window.opens),
                    meeting=m.id,
                    stale_at=window.closes,
                )
            )
    decided = (ItemStatus.ACCEPTED, ItemStatus.REJECTED)
    for item in published.items:
        meeting = meetings.get(item.meeting)
        if item.decided_at is None or item.status not in decided or meeting is None:
            continue
        out.append(
            Reminder(
                # a decision turned around is a new answer
                reminder_key(Kind.ANSWER, item.id, item.submitted_by, decided.index(item.status)),
                Kind.ANSWER,
                item.submitted_by,
                _local_day(item.decided_at),
                meeting=meeting.id,
                item=item.id,
                stale_at=meeting.start,
            )
        )
    return out


ASSIGNMENT_PROMPT = 10  # working days before an assignment's time frame ends
PROMPT_HORIZON = dt.timedelta(days=62)  # ten working days back never reach further
# who of an owning body is asked to report: its lead, else every member
BODY_LEADS = (Role.SAMMANKALLANDE, Role.ORDFORANDE)


def _assignment_prompts(
    published: Published, calendar: WorkCalendar, today: dt.date, last: dt.date
) -> list[Reminder]:
    """A prompt per open assignment, ``ASSIGNMENT_PROMPT`` working days before its time
    frame ends (stale once the day has passed); a changed time frame is a new prompt."""
    members = published.members_on(today)
    out = []
    for c in published.commissions:
        # a time frame that has passed, or one so far ahead that its prompt falls after the
        # window (and maybe outside the working-day calendar the run has)
        if c.status in CLOSED or not today <= c.due <= last + PROMPT_HORIZON:
            continue
        kind, _, key = c.owner_key.partition(":")
        if kind == "person":
            owners: tuple[str, ...] = (key,)
        else:
            held = members.get(key, [])
            led = [m.person for role in BODY_LEADS for m in held if m.role is role]
            owners = tuple(dict.fromkeys(led or [m.person for m in held]))
        send_on = calendar.add_working_days(c.due, -ASSIGNMENT_PROMPT, avoid_klamdagar=False)
        for person in owners:
            out.append(
                Reminder(
                    reminder_key(Kind.ASSIGNMENT, f"{c.id}@{c.due.isoformat()}", person, 0),
                    Kind.ASSIGNMENT,
                    person,
                    send_on,
                    commission=c.id,
                    stale_at=_midnight_after(c.due),
                )
            )
    return out


def _task_reminder(
    kind: Kind, t: PublishedTask, person: str, day: dt.date, stale_at: dt.datetime | None
) -> Reminder:
    return Reminder(
        reminder_key(kind, t.id, person, t.sequence),
        kind,
        person,
        day,
        meeting=t.meeting,
        task=t.id,
        sequence=t.sequence,
        stale_at=stale_at,
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
            if t.open and not meetings[t.meeting].cancelled and (backlog <= t.due <= sunday):
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
                    stale_at=_midnight_after(sunday),  # a week's list is stale the next week
                )
            )
        monday += dt.timedelta(days=7)
    return out


def welcome_reminders(
    published: Published, *, today: dt.date, organisation: str | None = None
) -> tuple[Reminder, ...]:
    """A message with the link to their own page for everyone who has one and takes part
    (invited to a meeting or holding a task) – sent when an admin asks, not on a
    schedule. Keyed by the page's token, so asking again sends nothing new, and a person
    who got a new link gets a new message.
    """
    taking_part = {p for m in published.meetings for p, _ in m.invitations}
    taking_part |= {p for t in published.tasks for p in t.assignees}
    return tuple(
        Reminder(
            reminder_key(Kind.WELCOME, p.token[:8], p.key, 0),
            Kind.WELCOME,
            p.key,
            today,
        )
        for p in published.people
        if p.token and p.key in taking_part and organisation in (None, p.organisation)
    )
