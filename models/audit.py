"""The project's own audit trail of flow runs: what ran, with which parameters, who or
what triggered it, when, how it ended and how many rows it changed.

Prefect keeps its own run history, but that lives in Prefect's database and is pruned; an
organisation's record of who moved a meeting belongs with the organisation's data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Text
from sqlmodel import Field, Session, SQLModel, col, func, select

from .tables import new_id, stamp_column
from .types import UTCDateTime


class Outcome(StrEnum):
    RUNNING = "pågår"
    SUCCEEDED = "lyckades"
    FAILED = "misslyckades"


class FlowRunLog(SQLModel, table=True):
    """One run of one flow, written when it starts and completed when it ends."""

    id: str = Field(default_factory=new_id, primary_key=True)
    flow: str = Field(index=True)
    parameters: str = Field(sa_column=Column(Text, nullable=False))  # JSON, keys sorted
    triggered_by: str
    prefect_run: str | None = None
    started_at: dt.datetime = Field(sa_column=stamp_column())
    # the moment the run acted for (its scheduled time, or an admin's --now); a later run
    # knows from it which days are already done
    acted_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    finished_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    outcome: Outcome = Outcome.RUNNING
    rows_changed: int = 0
    message: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


def start_run(
    session: Session,
    *,
    flow: str,
    parameters: Mapping[str, Any],
    triggered_by: str,
    prefect_run: str | None,
    now: dt.datetime,
    acted_at: dt.datetime | None = None,
) -> str:
    """Record that ``flow`` started at ``now``, acting for the moment ``acted_at``;
    returns the log row's id."""
    row = FlowRunLog(
        flow=flow,
        parameters=json.dumps(parameters, sort_keys=True, ensure_ascii=False, default=str),
        triggered_by=triggered_by,
        prefect_run=prefect_run,
        started_at=now,
        acted_at=acted_at or now,
    )
    session.add(row)
    return row.id


def log_act(
    session: Session,
    *,
    flow: str,
    parameters: Mapping[str, Any],
    triggered_by: str,
    rows_changed: int,
    message: str,
    now: dt.datetime,
) -> None:
    """Record a short act that succeeded at ``now`` (a click on the web), started and
    finished in one row: it has no running state anyone could watch."""
    session.add(
        FlowRunLog(
            flow=flow,
            parameters=json.dumps(parameters, sort_keys=True, ensure_ascii=False, default=str),
            triggered_by=triggered_by,
            prefect_run=None,
            started_at=now,
            acted_at=now,
            finished_at=now,
            outcome=Outcome.SUCCEEDED,
            rows_changed=rows_changed,
            message=message,
        )
    )


def finish_run(
    session: Session,
    run_id: str,
    *,
    outcome: Outcome,
    rows_changed: int,
    message: str,
    now: dt.datetime,
) -> None:
    """Record how the run ended."""
    row = session.get(FlowRunLog, run_id)
    if row is None:  # the start was never committed; keep the record anyway
        raise LookupError(run_id)
    row.finished_at, row.outcome, row.rows_changed, row.message = (
        now,
        outcome,
        rows_changed,
        message,
    )
    session.add(row)


def recent_runs(session: Session, *, limit: int = 20, flow: str | None = None) -> list[FlowRunLog]:
    """The latest runs first."""
    query = select(FlowRunLog).order_by(col(FlowRunLog.started_at).desc()).limit(limit)
    if flow is not None:
        query = query.where(FlowRunLog.flow == flow)
    return list(session.exec(query))


def last_success(session: Session, flow: str) -> dt.datetime | None:
    """The latest moment a successful run of ``flow`` acted for, or None if none ran."""
    return session.exec(
        select(func.max(FlowRunLog.acted_at)).where(
            FlowRunLog.flow == flow, FlowRunLog.outcome == Outcome.SUCCEEDED
        )
    ).one()


def rows_changed_by(session: Session, prefect_runs: list[str]) -> int:
    """Rows changed by the given Prefect flow runs, summed from their audit rows."""
    rows = session.exec(
        select(FlowRunLog.rows_changed).where(col(FlowRunLog.prefect_run).in_(prefect_runs))
    )
    return sum(rows)
