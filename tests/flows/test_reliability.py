"""Failures: transient I/O retries with backoff, a failed write step rolls back whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import select

import flows.runtime.prefect_tasks as prefect_tasks
import models.yearly
from cycle import DefinitionError
from cycle.decisionfile import DecidedPriority, Decisions
from flows.plan import plan_year_flow
from flows.runtime.context import run_settings
from flows.runtime.prefect_tasks import IO_RETRIES, is_transient, save_plans, store_follow_up
from flows.yearly import year_end_follow_up_flow
from models.audit import FlowRunLog, Outcome
from models.database import StorageError, make_engine, read_session
from models.tables import Task
from models.yearly import FollowUp
from services.yearly import store_decisions
from tests.conftest import NOW


class _State:
    def __init__(self, data: object) -> None:
        self.data = data


@pytest.mark.parametrize(
    ("error", "retry"),
    [
        (OperationalError("INSERT", {}, Exception("database is locked")), True),
        (StorageError("kan inte ansluta"), True),
        (OSError("disk full"), True),
        (IntegrityError("INSERT", {}, Exception("UNIQUE")), False),
        (DefinitionError("okänt fält"), False),
        (ValueError("bug"), False),
    ],
)
def test_only_transient_errors_are_retried(error: Exception, retry: bool) -> None:
    assert is_transient(None, None, _State(error)) is retry


def test_io_tasks_retry_with_backoff() -> None:
    for task in (save_plans, store_follow_up):
        assert task.retries == IO_RETRIES
        delays = task.retry_delay_seconds
        assert isinstance(delays, list) and delays == sorted(delays) and delays[0] > 0


@pytest.mark.usefixtures("prefect_backend")
def test_a_locked_database_is_retried_and_the_flow_completes(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = prefect_tasks.store_plans
    calls: list[int] = []

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(prefect_tasks, "store_plans", flaky)
    monkeypatch.setattr(save_plans, "retry_delay_seconds", [0.1])  # keep the test quick
    assert plan_year_flow(org="mini", year=2027).rows_changed > 0
    assert len(calls) == 2


@pytest.mark.usefixtures("prefect_backend")
def test_a_write_step_failing_half_way_leaves_the_database_as_before(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = "jamtland-harjedalen"
    store_decisions(
        run_settings(), Decisions(org, 2026, (DecidedPriority("Infrastruktur"),), (), ()), now=NOW
    )
    plan_year_flow(org=org, year=2026)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("simulerat fel efter halva skrivningen")

    # follow-up rows and status tasks are written first, then the drafts fail
    monkeypatch.setattr(prefect_tasks, "save_assignment_drafts", broken)
    engine = make_engine(run_settings().database_url)

    def counts() -> tuple[int, int]:
        with read_session(engine) as s:
            return (
                s.exec(select(func.count()).select_from(FollowUp)).one(),
                s.exec(select(func.count()).select_from(Task)).one(),
            )

    before = counts()
    with pytest.raises(ValueError, match="simulerat fel"):
        year_end_follow_up_flow(org=org, year=2026)
    assert counts() == before
    with read_session(engine) as s:
        last = s.exec(select(FlowRunLog).order_by(FlowRunLog.started_at.desc())).first()  # type: ignore[attr-defined]
    assert last is not None and last.outcome == Outcome.FAILED
    assert "simulerat fel" in last.message
    assert models.yearly.save_assignment_drafts is not broken  # only the step was patched
