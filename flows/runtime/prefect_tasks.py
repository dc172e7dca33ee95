"""Every Prefect task of the flows, in one home: each task is one I/O step over a plain
service or a short transaction, and only I/O retries.

Tasks take the run's ``Settings`` and open their own short transactions; what passes
between them is the core's frozen values (``PublishedMeeting``, ``PlannedTask``, …),
never database rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from prefect import Task, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff
from sqlalchemy.exc import DBAPIError, OperationalError

from calendars.followup import FollowUp
from calendars.messages import Sender
from cycle import CycleDefinition, PlanError, YearPlan
from cycle.decisions import CommissionView
from cycle.definitions import SeriesKind
from cycle.meetings import Move
from cycle.plan import PlannedTask
from cycle.published import PublishedMeeting, PublishedTask
from cycle.times import local_date
from cycle.yearly import AgendaDraft, AssignmentDraft, OpenAssignment, YearItem
from flows.runtime.context import step_done
from models.audit import last_success, rows_changed_by
from models.database import StorageError
from models.meetings import cancel_meeting, invite_guests, move_meeting, save_agenda
from models.published import meeting_by_id, meetings_of, tasks_of
from models.tables import TaskOrigin
from models.tasks import process_tasks, save_process_tasks
from models.yearly import (
    ensure_follow_ups,
    items_for_year,
    open_assignments,
    save_assignment_drafts,
)
from services.conflicts import stored_double_bookings
from services.cyclefiles import load_cycles
from services.decisions import commissions_to_follow_up
from services.feeds import publish_feeds
from services.followup import follow_up_of
from services.plan import PlanContext, YearOutcome, plan_context, store_plans
from services.reminders import Preview, Queued, Sent, preview_reminders, queue_reminders, send_due
from services.reports import write_report
from services.secret import link_key
from services.settings import Settings, SmtpSettings
from services.storage import engine_for, reading, writing
from services.subscribers import person_fetches

P = ParamSpec("P")
R = TypeVar("R")
IO_RETRIES = 3


def is_transient(_task: Any, _run: Any, state: Any) -> bool:
    """Retry only what may pass: a lost or locked database, a failed file write.

    Bad input (a ``CycleError``) fails at once: retrying cannot fix a broken file.
    """
    error = getattr(state, "data", None)
    if isinstance(error, DBAPIError) and not isinstance(error, OperationalError):
        return bool(error.connection_invalidated)
    return isinstance(error, OperationalError | StorageError | OSError)


def io_task(name: str) -> Callable[[Callable[P, R]], Task[P, R]]:
    """A task that does I/O: retried on transient errors with backoff (2, 4, 8 s, jittered).

    Idempotency comes from the database (stable ids, upserts), not Prefect's cache.
    """
    return task(
        name=name,
        cache_policy=NO_CACHE,
        on_completion=[_said_done],
        on_failure=[_said_failed],
        retries=IO_RETRIES,
        retry_delay_seconds=exponential_backoff(backoff_factor=2),
        retry_jitter_factor=0.5,
        retry_condition_fn=is_transient,
    )


def once_task(name: str) -> Callable[[Callable[P, R]], Task[P, R]]:
    """A task run once: reading input files, or sending mail (the outbox retries)."""
    return task(
        name=name, cache_policy=NO_CACHE, on_completion=[_said_done], on_failure=[_said_failed]
    )


def _said_done(task: Any, _run: Any, _state: Any) -> None:
    step_done(task.name)


def _said_failed(task: Any, _run: Any, _state: Any) -> None:
    step_done(task.name, failed=True)


# -- reading -----------------------------------------------------------------------------


@once_task("läs-cykelfiler")
def read_cycles(settings: Settings, org: str | None) -> tuple[CycleDefinition, ...]:
    """Read and check the cycle files (bad input fails at once, without retries)."""
    return load_cycles(settings.cycles_dir, org)


@once_task("läs-kalendrar")
def read_context(settings: Settings, years: Sequence[int]) -> PlanContext:
    """Every cycle file and the calendars they avoid; a calendar that cannot be read is
    a warning in the run's log (the plan is made without it), not a failure."""
    context = plan_context(settings, years)
    for line in context.busy.unread:
        get_run_logger().warning("Kalender: %s", line)
    return context


@io_task("läs-dubbelbokningar")
def read_double_bookings(
    settings: Settings, meeting: str, year: int, now: dt.datetime
) -> tuple[str, ...]:
    """The stored double bookings of ``meeting`` in its year, as Swedish warnings."""
    found = stored_double_bookings(settings, load_cycles(settings.cycles_dir), [year], now=now)
    return tuple(
        f"Varning, dubbelbokning: {c.message}."
        for c in found or ()
        if meeting in (c.first.id, c.second.id)
    )


@io_task("läs-uppdrag")
def read_commissions(
    settings: Settings, org: str, year: int, now: dt.datetime
) -> list[CommissionView]:
    """The assignments the year-end follow-up of ``year`` reports on, as at ``now``."""
    return commissions_to_follow_up(settings, org, year, now=now)


@io_task("läs-uppföljning")
def read_follow_up(settings: Settings, org: str, year: int, now: dt.datetime) -> FollowUp:
    """The year-end follow-up report's content from what is stored, as at ``now``."""
    return follow_up_of(settings, org, year, now=now)


@io_task("läs-möten")
def read_meetings(
    settings: Settings, org: str, year: int, now: dt.datetime, kind: SeriesKind | None = None
) -> list[PublishedMeeting]:
    """The stored meetings of an organisation-year (optionally of one kind), by start, as
    they stand at ``now``."""
    with reading(settings) as session:
        return meetings_of(session, org, year, now=now, kind=kind)


@io_task("läs-möte")
def read_meeting(settings: Settings, meeting: str, now: dt.datetime) -> PublishedMeeting:
    """One stored meeting as it stands at ``now``, or a Swedish error naming the id."""
    with reading(settings) as session:
        found = meeting_by_id(session, meeting, now=now)
    if found is None:
        raise PlanError(
            "okänt möte; se `arshjul meetings` för id:n", field="meeting", value=meeting
        )
    return found


@io_task("läs-uppgifter")
def read_tasks(
    settings: Settings, meeting: PublishedMeeting, now: dt.datetime
) -> list[PublishedTask]:
    """A meeting's tasks as they stand at ``now``, by due date."""
    with reading(settings) as session:
        return tasks_of(session, meeting, now=now)


@io_task("läs-processuppgifter")
def read_process_tasks(settings: Settings, meeting: str) -> list[PlannedTask]:
    """The meeting's tasks that a process made (not its chain), as core values."""
    with reading(settings) as session:
        return process_tasks(session, meeting)


@io_task("läs-årets-beslut")
def read_year(
    settings: Settings, org: str, year: int
) -> tuple[list[YearItem], list[OpenAssignment]]:
    """The year's priorities and initiatives (with statuses) and its open assignments."""
    with reading(settings) as session:
        return items_for_year(session, org, year), open_assignments(session, org, year)


@io_task("läs-senaste-körning")
def read_last_run(settings: Settings, flow: str) -> dt.datetime | None:
    """When ``flow`` last ran to completion (None: never)."""
    with reading(settings) as session:
        return last_success(session, flow)


@io_task("läs-delkörningar")
def read_rows_changed(settings: Settings, prefect_runs: list[str]) -> int:
    """What the given (child) flow runs changed, from their audit rows."""
    with reading(settings) as session:
        return rows_changed_by(session, prefect_runs)


# -- writing -----------------------------------------------------------------------------


@io_task("spara-årsplan")
def save_plans(
    settings: Settings, plans: Sequence[tuple[CycleDefinition, YearPlan]], now: dt.datetime
) -> list[YearOutcome]:
    """Upsert the plans in one transaction."""
    return store_plans(engine_for(settings.database_url), plans, now=now)


@io_task("spara-dagordning")
def store_agenda(
    settings: Settings, org: str, meeting: str, drafts: Sequence[AgendaDraft], now: dt.datetime
) -> int:
    """Upsert a process's agenda items on a meeting."""
    with writing(settings, locks=[org]) as session:
        return save_agenda(session, meeting=meeting, drafts=drafts, now=now)


@io_task("spara-uppföljning")
def store_follow_up(
    settings: Settings,
    org: str,
    year: int,
    items: Sequence[YearItem],
    tasks: Sequence[PlannedTask],
    drafts: Sequence[AssignmentDraft],
    now: dt.datetime,
) -> int:
    """Follow-up rows, status tasks and assignment drafts, in one transaction."""
    with writing(settings, locks=[org]) as session:
        written = ensure_follow_ups(session, organisation=org, year=year, items=items, now=now)
        written += save_process_tasks(
            session, organisation=org, tasks=tasks, origin=TaskOrigin.FOLLOW_UP, now=now
        )
        written += save_assignment_drafts(
            session, organisation=org, drafts=drafts, now=now, for_year=year + 1
        )
        return written


@io_task("bjud-in-externa")
def store_guests(
    settings: Settings, org: str, meeting: str, guests: Sequence[str], now: dt.datetime
) -> int:
    """Record the external organisations invited to a forum."""
    with writing(settings, locks=[org]) as session:
        return invite_guests(session, meeting=meeting, guests=guests, now=now)


@io_task("flytta-möte")
def store_move(settings: Settings, org: str, move: Move, now: dt.datetime) -> int:
    """Move the meeting and its open tasks, in one transaction."""
    with writing(settings, locks=[org]) as session:
        return int(move_meeting(session, move, now=now))


@io_task("ställ-in-möte")
def store_cancel(settings: Settings, org: str, meeting: str, note: str, now: dt.datetime) -> int:
    """Cancel the meeting and its open tasks in one transaction."""
    with writing(settings, locks=[org]) as session:
        return int(cancel_meeting(session, meeting, note=note, now=now))


# -- rendering and notifying --------------------------------------------------------------


@io_task("skriv-rapport")
def store_report(path: Path, text: str | bytes) -> bool:
    """Write a report atomically, and only if it differs; True when written."""
    return write_report(path, text)


@io_task("publicera-flöden")
def publish(settings: Settings, now: dt.datetime, organisation: str | None = None) -> int:
    """Re-export the feeds after a change – of ``organisation`` only, when the change was
    to it alone (the others' files are carried over); returns how many files were
    written or removed (none when nothing a subscriber sees has changed)."""
    scope = None if organisation is None else {organisation}
    return publish_feeds(
        settings, today=local_date(now), now=now, organisations=scope
    ).files_changed


@io_task("köa-påminnelser")
def queue(
    settings: Settings,
    definitions: Sequence[CycleDefinition],
    sender: Sender,
    now: dt.datetime,
    catch_up: int,
) -> Queued:
    """Bring the outbox in line with the schedule of the day of ``now`` and the
    ``catch_up`` days before it."""
    return queue_reminders(
        engine_for(settings.database_url),
        definitions,
        today=local_date(now),
        sender=sender,
        base_url=settings.public_url,
        now=now,
        catch_up=dt.timedelta(days=catch_up),
        window=dt.timedelta(days=settings.catch_up_days()),
        link_key=link_key(settings),
        fetched=person_fetches(settings),
    )


@once_task("skicka-e-post")
def send(settings: Settings, smtp: SmtpSettings, now: dt.datetime) -> Sent:
    """Send every due message; failures are recorded per message in the outbox."""
    return send_due(engine_for(settings.database_url), smtp, now=now)


@io_task("förhandsgranska-påminnelser")
def preview(
    settings: Settings,
    definitions: Sequence[CycleDefinition],
    sender: Sender,
    now: dt.datetime,
    catch_up: int,
) -> Preview:
    """What a real run at ``now`` would send; nothing is written."""
    return preview_reminders(
        engine_for(settings.database_url),
        definitions,
        today=local_date(now),
        sender=sender,
        base_url=settings.public_url,
        now=now,
        catch_up=dt.timedelta(days=catch_up),
        link_key=link_key(settings),
        fetched=person_fetches(settings),
    )
