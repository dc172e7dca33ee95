"""What an admin asks first: where is everything, what ran, what runs next, what waits
in the outbox, how old is the export (``arshjul status``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cronsim import CronSim
from sqlmodel import col, func, select

from cycle.times import STOCKHOLM
from models.audit import FlowRunLog, recent_runs
from models.database import describe_url
from models.outbox import OutboxMessage, OutboxStatus
from models.tables import Meeting, Organisation

from .feeds import STAMP
from .settings import Settings
from .storage import reading

RECENT_RUNS = 5


@dataclass(frozen=True, slots=True)
class NextRun:
    flow: str
    at: dt.datetime  # Stockholm time
    schedule: str  # the schedule in Swedish


@dataclass(frozen=True, slots=True)
class Status:
    home: Path
    database: str  # the URL, password hidden
    cycle_files: tuple[str, ...]
    cycles_dir: Path
    # the cycle file each planned organisation was last saved from, which need not be in
    # cycles_dir (a plan with --cycles elsewhere)
    plan_sources: tuple[tuple[str, Path], ...]
    planned: tuple[tuple[str, int, int], ...]  # organisation, year, meetings
    runs: tuple[FlowRunLog, ...]
    next_runs: tuple[NextRun, ...]
    outbox: dict[OutboxStatus, int]
    export_dir: Path
    exported_at: dt.datetime | None  # when the last export ran (its stamp file)


def next_runs(schedules: dict[str, tuple[str, str]], now: dt.datetime) -> tuple[NextRun, ...]:
    """When each scheduled flow runs next after ``now`` (cron in Stockholm time), soonest
    first.

    Example:
        >>> at = dt.datetime(2026, 11, 29, 14, 0, tzinfo=STOCKHOLM)
        >>> [(r.flow, r.at.isoformat()) for r in next_runs(
        ...     {"send-reminders": ("0 7 * * *", "varje morgon kl. 07.00")}, at)]
        [('send-reminders', '2026-11-30T07:00:00+01:00')]
    """
    local = now.astimezone(STOCKHOLM)
    found = [
        NextRun(flow, next(CronSim(cron, local)), text) for flow, (cron, text) in schedules.items()
    ]
    return tuple(sorted(found, key=lambda r: (r.at, r.flow)))


def elsewhere(status: Status) -> dict[Path, tuple[str, ...]]:
    """The folders, other than the configured cycles folder, that planned organisations
    came from, with the cycle files each gave.

    Example:
        >>> s = Status(Path("/d"), "", (), Path("/c"),
        ...            (("a", Path("/c/a.toml")), ("b", Path("/x/b.toml"))),
        ...            (), (), (), {}, Path("/p"), None)
        >>> {str(k): v for k, v in elsewhere(s).items()}
        {'/x': ('b.toml',)}
    """
    here = status.cycles_dir.resolve()
    found: dict[Path, list[str]] = {}
    for _, source in status.plan_sources:
        if source.parent.resolve() != here:
            found.setdefault(source.parent, []).append(source.name)
    return {folder: tuple(names) for folder, names in found.items()}


def read_status(
    settings: Settings, schedules: dict[str, tuple[str, str]], *, now: dt.datetime
) -> Status:
    """The state of this installation as ``settings`` see it."""
    with reading(settings) as session:
        planned = tuple(
            (org, year, count)
            for org, year, count in session.exec(
                select(Meeting.organisation, Meeting.year, func.count())
                .group_by(col(Meeting.organisation), col(Meeting.year))
                .order_by(col(Meeting.organisation), col(Meeting.year))
            )
        )
        planned_orgs = {org for org, _, _ in planned}
        plan_sources = tuple(
            (slug, Path(source))
            for slug, source in session.exec(
                select(Organisation.slug, Organisation.source).order_by(col(Organisation.slug))
            )
            if slug in planned_orgs and source
        )
        runs = tuple(recent_runs(session, limit=RECENT_RUNS))
        outbox = Counter(
            {
                OutboxStatus(status): count
                for status, count in session.exec(
                    select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
                )
            }
        )
    # index.json carries the data's last change as its mtime (Last-Modified); the stamp
    # is written by every export, changed or not
    stamp = settings.publish_dir / STAMP
    exported = dt.datetime.fromtimestamp(stamp.stat().st_mtime, dt.UTC) if stamp.exists() else None
    return Status(
        home=settings.home,
        database=describe_url(settings.database_url),
        cycle_files=tuple(sorted(p.name for p in settings.cycles_dir.glob("*.toml"))),
        cycles_dir=settings.cycles_dir,
        plan_sources=plan_sources,
        planned=planned,
        runs=runs,
        next_runs=next_runs(schedules, now),
        outbox=dict(outbox),
        export_dir=settings.publish_dir,
        exported_at=exported,
    )
