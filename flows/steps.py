"""Prefect tasks: each one I/O step, shared by the flows. Only I/O retries.

Tasks open their own short transactions on the engine for the settings' database URL;
values passed between them are the core's frozen values or plain data.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cycle import CycleDefinition, YearPlan
from cycle.plan import PlannedTask
from cycle.wheel import AgendaDraft, AssignmentDraft, OpenAssignment, WheelItem
from models.audit import rows_changed_by
from models.database import read_session, write_session
from models.processes import (
    ensure_follow_ups,
    items_for_year,
    meetings_of,
    open_assignments,
    save_agenda,
    save_assignment_drafts,
    save_process_tasks,
)
from models.tables import Meeting, TaskOrigin

from .planning import YearOutcome, store_plans
from .publishing import publish_feeds
from .runtime import engine_for, io_task, local_today, once_task
from .settings import Settings
from .sources import load_cycles


@once_task("läs-cykelfiler")
def read_cycles(cycles_dir: str, org: str | None) -> tuple[CycleDefinition, ...]:
    """Read and check the cycle files (bad input fails at once, without retries)."""
    return load_cycles(Path(cycles_dir), org)


@io_task("spara-årsplan")
def save_plans(
    database_url: str, plans: Sequence[tuple[CycleDefinition, YearPlan]], now: dt.datetime
) -> list[YearOutcome]:
    """Upsert the plans in one transaction."""
    return store_plans(engine_for(database_url), plans, now=now)


@io_task("läs-möten")
def read_meetings(
    database_url: str, org: str, year: int, kind: str | None = None, month: int | None = None
) -> list[Meeting]:
    """The stored meetings of an organisation-year (optionally one kind or month)."""
    with read_session(engine_for(database_url)) as session:
        return meetings_of(session, org, year, kind=kind, month=month)


@io_task("läs-årshjul")
def read_wheel(
    database_url: str, org: str, year: int
) -> tuple[list[WheelItem], list[OpenAssignment]]:
    """The year's priorities and initiatives (with statuses) and its open assignments."""
    with read_session(engine_for(database_url)) as session:
        return items_for_year(session, org, year), open_assignments(session, org, year)


@io_task("spara-dagordning")
def store_agenda(
    database_url: str, org: str, meeting: str, drafts: Sequence[AgendaDraft], now: dt.datetime
) -> int:
    """Upsert a process's agenda items on a meeting."""
    with write_session(engine_for(database_url), locks=[org]) as session:
        return save_agenda(session, meeting=meeting, drafts=drafts, now=now)


@io_task("spara-uppföljning")
def store_follow_up(
    database_url: str,
    org: str,
    year: int,
    items: Sequence[WheelItem],
    tasks: Sequence[PlannedTask],
    drafts: Sequence[AssignmentDraft],
    now: dt.datetime,
) -> int:
    """Follow-up rows, status tasks and assignment drafts, in one transaction."""
    with write_session(engine_for(database_url), locks=[org]) as session:
        written = ensure_follow_ups(session, organisation=org, year=year, items=items, now=now)
        written += save_process_tasks(
            session, organisation=org, tasks=tasks, origin=TaskOrigin.FOLLOW_UP, now=now
        )
        written += save_assignment_drafts(session, organisation=org, drafts=drafts, now=now)
        return written


@io_task("skriv-rapport")
def write_report(path: str, text: str) -> bool:
    """Write ``text`` to ``path`` atomically, and only if it differs; True when written.

    Write-then-rename means a reader never sees half a report; leaving an unchanged file
    alone keeps a re-run from touching anything.
    """
    target = Path(path)
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


@io_task("publicera-flöden")
def publish(settings: Settings, now: dt.datetime) -> int:
    """Re-export the feeds after a change; returns how many files were written or removed
    (none when nothing a subscriber sees has changed)."""
    result = publish_feeds(
        engine_for(settings.database_url), settings, today=local_today(now), now=now
    )
    return result.export.written + result.export.removed


@io_task("läs-delkörningar")
def read_rows_changed(database_url: str, prefect_runs: list[str]) -> int:
    """What the given (child) flow runs changed, from their audit rows."""
    with read_session(engine_for(database_url)) as session:
        return rows_changed_by(session, prefect_runs)
