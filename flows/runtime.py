"""What every flow shares at the edge: settings, engines, the clock, the audit record,
and the retry policy of I/O tasks.

Flows read the clock here (from the run's scheduled start, so a late run plans the same
year as an on-time one) and pass ``now`` inward; nothing below ``flows`` reads it.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.runtime import flow_run
from prefect.tasks import exponential_backoff
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from cycle.plan import STOCKHOLM
from models.audit import Outcome, finish_run, start_run
from models.database import StorageError, create_schema, make_engine, write_session

from .settings import Settings

CLI_TAG_PREFIX = "arshjul-cli:"
P = ParamSpec("P")
R = TypeVar("R")
IO_RETRIES = 3


@functools.cache
def engine_for(url: str) -> Engine:
    """One engine per database URL and process, schema created on first use."""
    engine = make_engine(url)
    create_schema(engine)
    return engine


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
        retries=IO_RETRIES,
        retry_delay_seconds=exponential_backoff(backoff_factor=2),
        retry_jitter_factor=0.5,
        retry_condition_fn=is_transient,
    )


def once_task(name: str) -> Callable[[Callable[P, R]], Task[P, R]]:
    """A task run once: reading input files, where a retry cannot fix bad input."""
    return task(name=name, cache_policy=NO_CACHE)


def run_moment() -> dt.datetime:
    """The run's scheduled start (aware UTC), or the wall clock for a direct call."""
    ctx = FlowRunContext.get()
    scheduled = ctx.flow_run.expected_start_time if ctx and ctx.flow_run else None
    moment = scheduled or dt.datetime.now(dt.UTC)
    return dt.datetime.fromtimestamp(moment.timestamp(), tz=dt.UTC)


def local_today(moment: dt.datetime) -> dt.date:
    """The Stockholm date of an aware moment."""
    return moment.astimezone(STOCKHOLM).date()


def describe_trigger() -> str:
    """Who or what started this run, in Swedish, for the audit log."""
    ctx = FlowRunContext.get()
    run = ctx.flow_run if ctx else None
    if run is None:
        return "direktanrop"
    for tag in run.tags:
        if tag.startswith(CLI_TAG_PREFIX):
            return f"CLI ({tag.removeprefix(CLI_TAG_PREFIX)})"
    if run.auto_scheduled:
        return "schema"
    if run.parent_task_run_id is not None:
        return "delkörning"
    if run.deployment_id is not None:
        return "Prefect UI/API"
    return f"lokalt ({getpass.getuser()})"


def run_name(template: str, **defaults: str) -> Callable[[], str]:
    """A Swedish run name from the run's parameters, with words for the ones left out.

    Example: ``run_name("Planera {org} {year}", org="alla", year="nästa år")``.
    """

    def name() -> str:
        params = dict(flow_run.parameters or {})
        values = {k: params.get(k) if params.get(k) is not None else v for k, v in defaults.items()}
        return template.format(**values)

    return name


@dataclass
class RunRecord:
    """Filled in by a flow body; written to the audit log when the run ends."""

    rows_changed: int = 0
    message: str = ""
    feed_files: int = 0  # feed files written or removed by the run's publish step


@contextmanager
def audited(flow: str, parameters: Mapping[str, Any], settings: Settings) -> Iterator[RunRecord]:
    """Log the run's start, then its outcome, each in a transaction of its own.

    The outcome is written even when the body fails, with the Swedish error message.
    Start and finish are wall-clock times (not the scheduled time the flow plans from),
    so the log shows how long the work itself took.
    """
    engine = engine_for(settings.database_url)
    ctx = FlowRunContext.get()
    prefect_run = str(ctx.flow_run.id) if ctx and ctx.flow_run else None
    with write_session(engine) as session:
        run_id = start_run(
            session,
            flow=flow,
            parameters=dict(parameters),
            triggered_by=describe_trigger(),
            prefect_run=prefect_run,
            now=dt.datetime.now(dt.UTC),
        )
    record = RunRecord()
    try:
        yield record
    except Exception as error:
        with write_session(engine) as session:
            finish_run(
                session,
                run_id,
                outcome=Outcome.FAILED,
                rows_changed=record.rows_changed,
                message=str(error),
                now=dt.datetime.now(dt.UTC),
            )
        raise
    with write_session(engine) as session:
        finish_run(
            session,
            run_id,
            outcome=Outcome.SUCCEEDED,
            rows_changed=record.rows_changed,
            message=record.message
            + (f" ({record.feed_files} flödesfiler uppdaterade)" if record.feed_files else ""),
            now=dt.datetime.now(dt.UTC),
        )
