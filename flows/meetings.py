"""Meeting flows: the monthly direktörsberedning, Stora samverkansrådet's forums, and the
admin actions reschedule and cancel.

Which meeting a run is about, and what a move does to it and its chain, are pure
functions in ``cycle.meetings``; the flows read, call them, store and publish.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from prefect import flow

from cycle import swedish_calendar
from cycle.busy import NO_BUSY_TIME
from cycle.definitions import SeriesKind, with_series
from cycle.meetings import (
    cancellation_note,
    forum_guests,
    forum_number,
    next_meeting,
    no_meeting_reason,
    plan_move,
    refuse_if_held,
    registration_deadline,
    years_to_search,
)
from cycle.published import PublishedMeeting, PublishedTask
from cycle.swedish import format_date, format_time
from cycle.times import STOCKHOLM, check_year, local_date, parse_local, parse_month
from services.plan import changed_rows, plan_years

from .runtime.context import audited, run_moment, run_name, run_settings
from .runtime.prefect_tasks import (
    publish,
    read_context,
    read_cycles,
    read_double_bookings,
    read_meeting,
    read_meetings,
    read_process_tasks,
    read_tasks,
    save_plans,
    store_cancel,
    store_guests,
    store_move,
)


def describe_meeting(m: PublishedMeeting) -> str:
    """One Swedish line: title, date, time and place."""
    local = m.start.astimezone(STOCKHOLM)
    return f"{m.title} {format_date(local.date())} kl. {format_time(local)}, {m.location}"


def describe_task(t: PublishedTask) -> str:
    """One Swedish line: due date, title and who (person keys)."""
    return f"{format_date(t.due)}: {t.title} ({', '.join(t.assignees)})"


@dataclass(frozen=True, slots=True)
class Preparation:
    """An organisation's meeting of the month and its preparation tasks, or why there is
    none."""

    organisation: str
    meeting: PublishedMeeting | None
    tasks: tuple[PublishedTask, ...] = ()
    reason: str = ""  # why there is no meeting (cycle.meetings.no_meeting_reason)


@dataclass(frozen=True, slots=True)
class MonthResult:
    month: str | None
    preparations: tuple[Preparation, ...]
    rows_changed: int

    def _headline(self, p: Preparation) -> str:
        if p.meeting is None:
            return f"{p.organisation}: Inget möte {self.month or 'framöver'}: {p.reason}."
        return describe_meeting(p.meeting)

    @property
    def summary(self) -> str:
        return " | ".join(map(self._headline, self.preparations))

    @property
    def details(self) -> tuple[str, ...]:
        """Each organisation's meeting, then its preparation tasks."""
        return tuple(
            line
            for p in self.preparations
            for line in (self._headline(p), *(f"  {describe_task(t)}" for t in p.tasks))
        )


@flow(
    name="direktorsberedning-month",
    flow_run_name=run_name("Direktörsberedning {org} {month}", org="alla", month="nästa"),
)
def direktorsberedning_month_flow(org: str | None = None, month: str | None = None) -> MonthResult:
    """Prepare the next direktörsberedning morning (or the one in ``month``, "ÅÅÅÅ-MM"):
    its call for agenda items, kallelse, handlingar and minutes tasks. A month in the
    summer break has no meeting, and says so."""
    settings = run_settings()
    now = run_moment()
    year, number = parse_month(month) if month else (local_date(now).year, None)
    definitions = with_series(read_cycles(settings, org), SeriesKind.BEREDNING, org)
    years = years_to_search(year, number)
    preparations = []
    with audited("direktorsberedning-month", {"org": org, "month": month}, settings) as record:
        record.rows_changed = changed_rows(
            save_plans(settings, plan_years(definitions, years, read_context(settings, years)), now)
        )
        for d in definitions:
            slug = d.organisation.slug
            meetings = [
                m
                for y in years
                for m in read_meetings(settings, slug, y, now, SeriesKind.BEREDNING)
            ]
            meeting = next_meeting(meetings, now=now, month=number)
            tasks = tuple(read_tasks(settings, meeting, now)) if meeting else ()
            series = [s for s in d.series if s.kind is SeriesKind.BEREDNING]
            reason = "" if meeting else no_meeting_reason(series, meetings, year, number)
            preparations.append(Preparation(slug, meeting, tasks, reason))
        result = MonthResult(month, tuple(preparations), record.rows_changed)
        record.message = result.summary
        record.feed_files = publish(settings, now, org)  # render: the feeds follow
    return result


@dataclass(frozen=True, slots=True)
class ForumResult:
    meeting: PublishedMeeting
    guests: tuple[str, ...]
    registration_deadline: dt.date | None
    tasks: tuple[PublishedTask, ...]
    rows_changed: int

    @property
    def summary(self) -> str:
        deadline = (
            f"; sista anmälningsdag {format_date(self.registration_deadline)}"
            if self.registration_deadline
            else ""
        )
        return (
            f"{self.meeting.title} {format_date(local_date(self.meeting.start))}: "
            f"{len(self.guests)} externa{deadline}"
        )

    @property
    def details(self) -> tuple[str, ...]:
        """The invited organisations, then the preparation tasks."""
        return (
            *(f"inbjuden: {guest}" for guest in self.guests),
            *(describe_task(t) for t in self.tasks),
        )


@flow(
    name="stora-samverkansradet-forum",
    flow_run_name=run_name(
        "Stora samverkansrådet {org} {year} forum {forum}", year="", org="", forum="1"
    ),
)
def forum_flow(org: str, year: int, forum: int = 1) -> ForumResult:
    """Prepare forum number ``forum`` (1–3) of ``year``: its long-lead chain (invitation,
    programme, registration deadline, papers) and the invitation of external actors."""
    settings = run_settings()
    now = run_moment()
    year = check_year(year)
    (definition,) = with_series(read_cycles(settings, org), SeriesKind.FORUM, org)
    guests = forum_guests(definition)
    with audited(
        "stora-samverkansradet-forum", {"org": org, "year": year, "forum": forum}, settings
    ) as record:
        record.rows_changed = changed_rows(
            save_plans(
                settings, plan_years([definition], [year], read_context(settings, [year])), now
            )
        )
        meeting = forum_number(
            read_meetings(settings, org, year, now, SeriesKind.FORUM), year, forum
        )
        record.rows_changed += store_guests(settings, org, meeting.id, guests, now)
        tasks = tuple(read_tasks(settings, meeting, now))
        deadline = registration_deadline(tasks)
        result = ForumResult(meeting, guests, deadline, tasks, record.rows_changed)
        record.message = result.summary
        record.feed_files = publish(settings, now, org)  # render: the feeds follow
    return result


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """What an admin's move or cancellation did to a meeting."""

    meeting: str
    changed: bool
    note: str
    unchanged: str  # what to say when it was already so
    details: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return self.note if self.changed else self.unchanged


@flow(name="reschedule-meeting", flow_run_name=run_name("Flytta möte {meeting}", meeting=""))
def reschedule_meeting_flow(meeting: str, start: str, reason: str) -> ChangeResult:
    """Move a meeting to ``start`` (Stockholm time); its chain moves with it, its sequence
    goes up, and the reason is kept on the meeting and in the audit log."""
    settings = run_settings()
    now = run_moment()
    new_start = parse_local(start)
    stored = read_meeting(settings, meeting, now)
    (definition,) = read_cycles(settings, stored.organisation)
    calendar = swedish_calendar(range(new_start.year - 1, new_start.year + 2))
    # the calendars the series avoids count as for the planner: one rule for both
    busy = read_context(settings, [new_start.year]).busy.by_organisation
    move = plan_move(
        definition,
        stored,
        new_start,
        read_process_tasks(settings, stored.id),
        calendar,
        reason=reason,
        now=now,
        busy=busy.get(stored.organisation, NO_BUSY_TIME),
    )
    with audited(
        "reschedule-meeting", {"meeting": meeting, "start": start, "reason": reason}, settings
    ) as record:
        record.rows_changed = store_move(settings, stored.organisation, move, now)
        # who the new time calls to two meetings at once, said with the result
        warnings = read_double_bookings(settings, stored.id, local_date(move.start).year, now)
        result = ChangeResult(
            stored.id,
            bool(record.rows_changed),
            move.note,
            "redan flyttat dit; inget ändrat",
            warnings,
        )
        record.message = result.summary
        # render: the feeds of the meeting's organisation follow
        record.feed_files = publish(settings, now, stored.organisation)
    return result


@flow(name="cancel-meeting", flow_run_name=run_name("Ställ in möte {meeting}", meeting=""))
def cancel_meeting_flow(meeting: str, reason: str) -> ChangeResult:
    """Cancel a meeting: it stays in the feeds as cancelled (same UID, higher sequence),
    its open tasks are cancelled, and the reason is kept."""
    settings = run_settings()
    now = run_moment()
    note = cancellation_note(reason)
    stored = read_meeting(settings, meeting, now)
    refuse_if_held(stored, now)
    with audited("cancel-meeting", {"meeting": meeting, "reason": reason}, settings) as record:
        record.rows_changed = store_cancel(settings, stored.organisation, stored.id, note, now)
        result = ChangeResult(
            stored.id, bool(record.rows_changed), note, "redan inställt; inget ändrat"
        )
        record.message = result.summary
        # render: the feeds of the meeting's organisation follow
        record.feed_files = publish(settings, now, stored.organisation)
    return result
