"""Meeting flows: the monthly direktörsberedning, Stora samverkansrådet's forums, and the
admin actions reschedule and cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow

from cycle import DefinitionError, PlanError, swedish_calendar
from cycle.definitions import REGISTRATION_STEP, SeriesKind
from cycle.plan import STOCKHOLM, PlannedTask, plan_chain, shift_tasks
from cycle.swedish import format_date, format_time
from models.database import read_session, write_session
from models.processes import (
    assignees_of,
    cancel_meeting,
    invite_guests,
    move_meeting,
    task_value,
    tasks_of,
)
from models.tables import Meeting, MeetingStatus, TaskOrigin

from .catalogue import check_year, parse_local, parse_month
from .planning import plan_years
from .runtime import audited, engine_for, io_task, local_today, run_moment, run_name
from .settings import Settings
from .steps import publish, read_cycles, read_meetings, save_plans


@io_task("läs-uppgifter")
def read_task_lines(database_url: str, meeting: Meeting) -> list[str]:
    """A meeting's tasks as Swedish lines: due date, title, who."""
    with read_session(engine_for(database_url)) as session:
        return [
            f"{format_date(t.due)}: {t.title} ({', '.join(assignees_of(session, t.id))})"
            for t in tasks_of(session, meeting.id)
        ]


@flow(
    name="direktorsberedning-month",
    flow_run_name=run_name("Direktörsberedning {org} {month}", org="alla", month="nästa"),
)
def direktorsberedning_month_flow(
    org: str | None = None, month: str | None = None
) -> dict[str, Any]:
    """Prepare the next direktörsberedning morning (or the one in ``month``, "ÅÅÅÅ-MM"):
    its call for agenda items, kallelse, handlingar and minutes tasks. A month in the
    summer break has no meeting, and says so."""
    settings = Settings.load()
    now = run_moment()
    today = local_today(now)
    year, number = parse_month(month) if month else (today.year, None)
    definitions = [
        d
        for d in read_cycles(str(settings.cycles_dir), org)
        if any(s.kind is SeriesKind.BEREDNING for s in d.series)
    ]
    if org is not None and not definitions:
        raise DefinitionError(
            'organisationen har ingen direktörsberedning (kind = "beredning")',
            field="org",
            value=org,
        )
    report: dict[str, list[str]] = {}
    with audited("direktorsberedning-month", {"org": org, "month": month}, settings) as record:
        years = [year] if number else [year, year + 1]  # the next meeting may be in January
        outcomes = save_plans(settings.database_url, plan_years(definitions, years), now)
        record.rows_changed = sum(o.result.changed for o in outcomes)
        for d in definitions:
            slug = d.organisation.slug
            found = [
                m
                for y in years
                for m in read_meetings(
                    settings.database_url, slug, y, SeriesKind.BEREDNING.value, number
                )
                if m.status != MeetingStatus.CANCELLED and (number or m.start >= now)
            ]
            if not found:
                when = month or "framöver"
                report[slug] = [f"Inget möte {when}: sommaruppehåll eller inställt."]
                continue
            meeting = found[0]
            local = meeting.start.astimezone(STOCKHOLM)
            report[slug] = [
                f"{meeting.title} {format_date(local.date())} kl. "
                f"{format_time(local)}, {meeting.location}",
                *read_task_lines(settings.database_url, meeting),
            ]
        record.message = " | ".join(lines[0] for lines in report.values())
        record.feed_files = publish(settings, now)  # render: the feeds follow
    return {"month": month, "meetings": report, "rows_changed": record.rows_changed}


@io_task("bjud-in-externa")
def store_guests(
    database_url: str, org: str, meeting: str, guests: list[str], now: dt.datetime
) -> int:
    """Record the external organisations invited to a forum."""
    with write_session(engine_for(database_url), locks=[org]) as session:
        return invite_guests(session, meeting=meeting, guests=guests, now=now)


@flow(
    name="stora-samverkansradet-forum",
    flow_run_name=run_name(
        "Stora samverkansrådet {org} {year} forum {forum}", year="", org="", forum="1"
    ),
)
def forum_flow(org: str, year: int, forum: int = 1) -> dict[str, Any]:
    """Prepare forum number ``forum`` (1–3) of ``year``: its long-lead chain (invitation,
    programme, registration deadline, papers) and the invitation of external actors."""
    settings = Settings.load()
    now = run_moment()
    year = check_year(year)
    (definition,) = read_cycles(str(settings.cycles_dir), org)
    series = [s for s in definition.series if s.kind is SeriesKind.FORUM]
    if not series:
        raise DefinitionError(
            'organisationen har inget forum (kind = "forum")', field="org", value=org
        )
    body = next(b for b in definition.bodies if b.slug == series[0].body)
    with audited(
        "stora-samverkansradet-forum", {"org": org, "year": year, "forum": forum}, settings
    ) as record:
        outcomes = save_plans(settings.database_url, plan_years([definition], [year]), now)
        record.rows_changed = sum(o.result.changed for o in outcomes)
        forums = [
            m
            for m in read_meetings(settings.database_url, org, year, SeriesKind.FORUM.value)
            if m.status != MeetingStatus.CANCELLED
        ]
        if not 1 <= forum <= len(forums):
            raise PlanError(
                f"år {year} har {len(forums)} forum; välj 1–{len(forums)}",
                field="forum",
                value=forum,
            )
        meeting = forums[forum - 1]
        record.rows_changed += store_guests(
            settings.database_url, org, meeting.id, list(body.guests), now
        )
        lines = read_task_lines(settings.database_url, meeting)
        deadline = next(
            (
                line
                for line in lines
                if REGISTRATION_STEP in line or "anmälningsdag" in line.lower()
            ),
            None,
        )
        local = meeting.start.astimezone(STOCKHOLM)
        record.message = f"{meeting.title} {format_date(local.date())}: {len(body.guests)} externa"
        record.feed_files = publish(settings, now)  # render: the feeds follow
    return {
        "meeting": meeting.id,
        "date": local.date().isoformat(),
        "guests": list(body.guests),
        "registration_deadline": deadline,
        "tasks": lines,
        "rows_changed": record.rows_changed,
    }


@io_task("läs-möte")
def read_meeting(database_url: str, meeting: str) -> Meeting:
    """One stored meeting, or a Swedish error naming the id."""
    with read_session(engine_for(database_url)) as session:
        row = session.get(Meeting, meeting)
        if row is None:
            raise PlanError(
                "okänt möte; se `arshjul meetings` för id:n", field="meeting", value=meeting
            )
        return row


@io_task("läs-processuppgifter")
def read_process_tasks(database_url: str, meeting: str) -> list[PlannedTask]:
    """The meeting's tasks that a process made (not its chain), as core values."""
    with read_session(engine_for(database_url)) as session:
        return [
            task_value(session, t)
            for t in tasks_of(session, meeting)
            if t.origin != TaskOrigin.PLAN
        ]


@io_task("flytta-möte")
def store_move(
    database_url: str,
    meeting: str,
    start: dt.datetime,
    end: dt.datetime,
    tasks: list[PlannedTask],
    note: str,
    now: dt.datetime,
) -> int:
    """Move the meeting and its open tasks, in one transaction."""
    with write_session(engine_for(database_url)) as session:
        row = session.get(Meeting, meeting)
        assert row is not None
        return int(
            move_meeting(
                session, meeting=row, start=start, end=end, tasks=tasks, note=note, now=now
            )
        )


@flow(name="reschedule-meeting", flow_run_name=run_name("Flytta möte {meeting}", meeting=""))
def reschedule_meeting_flow(meeting: str, start: str, reason: str) -> dict[str, Any]:
    """Move a meeting to ``start`` (Stockholm time); its chain moves with it, its sequence
    goes up, and the reason is kept on the meeting and in the audit log."""
    settings = Settings.load()
    now = run_moment()
    new_start = parse_local(start)
    if not reason.strip():
        raise PlanError("ange ett skäl till flytten", field="reason")
    row = read_meeting(settings.database_url, meeting)
    org, series_slug = row.organisation, row.series.split("/", 1)[1]
    (definition,) = read_cycles(str(settings.cycles_dir), org)
    series = next((s for s in definition.series if s.id == series_slug), None)
    if series is None:
        raise DefinitionError(
            "mötets serie finns inte längre i cykelfilen", field="series", value=series_slug
        )
    calendar = swedish_calendar(range(new_start.year - 1, new_start.year + 2))
    avoid = definition.organisation.avoid_klamdagar
    if off := calendar.day_off_reason(new_start.date(), avoid_klamdagar=avoid):
        raise PlanError(
            f"{format_date(new_start.date())} är inte en arbetsdag ({off})",
            field="start",
            value=start,
        )
    day = new_start.date()
    tasks = [
        *plan_chain(definition, series, row.id, day, calendar),
        *shift_tasks(
            read_process_tasks(settings.database_url, row.id), day, calendar, avoid_klamdagar=avoid
        ),
    ]
    old = row.start.astimezone(STOCKHOLM)
    note = (
        f"Flyttat från {format_date(old.date())} kl. {format_time(old)} till "
        f"{format_date(new_start.date())} kl. {format_time(new_start)}: {reason.strip()}"
    )
    with audited(
        "reschedule-meeting", {"meeting": meeting, "start": start, "reason": reason}, settings
    ) as record:
        record.rows_changed = store_move(
            settings.database_url,
            row.id,
            new_start,
            new_start + (row.end - row.start),
            tasks,
            note,
            now,
        )
        record.message = note if record.rows_changed else "redan flyttat dit; inget ändrat"
        record.feed_files = publish(settings, now)  # render: the feeds follow
    return {"meeting": row.id, "changed": bool(record.rows_changed), "note": note}


@io_task("ställ-in-möte")
def store_cancel(database_url: str, meeting: str, note: str, now: dt.datetime) -> int:
    """Cancel the meeting and its open tasks in one transaction."""
    with write_session(engine_for(database_url)) as session:
        row = session.get(Meeting, meeting)
        assert row is not None
        return int(cancel_meeting(session, meeting=row, note=note, now=now))


@flow(name="cancel-meeting", flow_run_name=run_name("Ställ in möte {meeting}", meeting=""))
def cancel_meeting_flow(meeting: str, reason: str) -> dict[str, Any]:
    """Cancel a meeting: it stays in the feeds as cancelled (same UID, higher sequence),
    its open tasks are cancelled, and the reason is kept."""
    settings = Settings.load()
    now = run_moment()
    if not reason.strip():
        raise PlanError("ange ett skäl till att mötet ställs in", field="reason")
    row = read_meeting(settings.database_url, meeting)
    note = f"Inställt: {reason.strip()}"
    with audited("cancel-meeting", {"meeting": meeting, "reason": reason}, settings) as record:
        record.rows_changed = store_cancel(settings.database_url, row.id, note, now)
        record.message = note if record.rows_changed else "redan inställt; inget ändrat"
        record.feed_files = publish(settings, now)  # render: the feeds follow
    return {"meeting": row.id, "changed": bool(record.rows_changed)}
