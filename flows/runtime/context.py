"""What every flow run shares: its settings, its moment, who triggered it, its Swedish
name and its audit record.

Settings reach a flow through one context: the CLI enters :func:`using` with the
settings it built from its options, and every flow body asks :func:`run_settings`.
A deployed run (served, or on a worker) has no command line: its process's environment
is its edge, read here (the feed server's worker processes are the only other edge
below the CLI). A flow called directly without settings is refused, not guessed.

Flows read the clock here too (the run's scheduled start, so a late run plans the same
year as an on-time one) and pass ``now`` inward; nothing below ``flows`` reads it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from prefect.context import FlowRunContext
from prefect.runtime import deployment, flow_run

from cycle import DefinitionError
from models.audit import Outcome, finish_run, start_run
from services.settings import Settings
from services.storage import writing

CLI_TAG_PREFIX = "arshjul-cli:"
_SETTINGS: ContextVar[Settings | None] = ContextVar("arshjul_settings", default=None)
_CLOCK: ContextVar[dt.datetime | None] = ContextVar("arshjul_clock", default=None)
_STEPS: ContextVar[Callable[[str], None] | None] = ContextVar("arshjul_steps", default=None)


@contextmanager
def using(settings: Settings, *, now: dt.datetime | None = None) -> Iterator[Settings]:
    """Run the flows called inside with ``settings`` (the CLI's edge) and, for a
    simulation or a test, at the fixed moment ``now`` instead of the run's own."""
    tokens = (_SETTINGS.set(settings), _CLOCK.set(now))
    try:
        yield settings
    finally:
        _CLOCK.reset(tokens[1])
        _SETTINGS.reset(tokens[0])


@contextmanager
def reporting(step: Callable[[str], None]) -> Iterator[None]:
    """Tell ``step`` (one Swedish line each) when a task of the flows called inside ends:
    an admin's ``arshjul run`` shows the run's steps as they happen."""
    token = _STEPS.set(step)
    try:
        yield
    finally:
        _STEPS.reset(token)


def step_done(name: str, *, failed: bool = False) -> None:
    """A task named ``name`` (``läs-cykelfiler``) ended; said to whoever listens."""
    step = _STEPS.get()
    if step is not None:
        step(f"  {'✗' if failed else '✓'} {name.replace('-', ' ')}")


def run_settings() -> Settings:
    """The settings of this run: those the caller handed in with :func:`using`, or – in
    a deployed run, whose process has no command line – the process's environment.

    Raises:
        DefinitionError: a flow called directly, outside ``using`` and any deployment.
    """
    handed = _SETTINGS.get()
    if handed is not None:
        return handed
    if deployment.id is not None:
        return Settings.load(os.environ)
    raise DefinitionError(
        "flödet har inga inställningar: starta det med `arshjul run` eller som deployment"
    )


def run_moment() -> dt.datetime:
    """The moment the run acts at (aware UTC): the one handed in with :func:`using`, else
    the run's scheduled start, else the wall clock."""
    fixed = _CLOCK.get()
    if fixed is not None:
        return fixed.astimezone(dt.UTC)
    ctx = FlowRunContext.get()
    scheduled = ctx.flow_run.expected_start_time if ctx and ctx.flow_run else None
    moment = scheduled or dt.datetime.now(dt.UTC)
    return dt.datetime.fromtimestamp(moment.timestamp(), tz=dt.UTC)


def wall_clock() -> dt.datetime:
    """Now (aware UTC): for what must happen by the real time, e.g. sending mail; the
    fixed moment of :func:`using`, when one is given."""
    return _CLOCK.get() or dt.datetime.now(dt.UTC)


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
def audited(
    flow: str,
    parameters: Mapping[str, Any],
    settings: Settings,
    *,
    moment: dt.datetime | None = None,
) -> Iterator[RunRecord]:
    """Log the run's start, then its outcome, each in a transaction of its own.

    The outcome is written even when the body fails, with the Swedish error message.
    Start and finish are wall-clock times (not the scheduled time the flow plans from),
    so the log shows how long the work itself took; ``moment`` (default: the run's) is
    the time the run acted for.
    """
    ctx = FlowRunContext.get()
    prefect_run = str(ctx.flow_run.id) if ctx and ctx.flow_run else None
    with writing(settings) as session:
        run_id = start_run(
            session,
            flow=flow,
            parameters=dict(parameters),
            triggered_by=describe_trigger(),
            prefect_run=prefect_run,
            now=dt.datetime.now(dt.UTC),  # the log keeps real times, also in a simulation
            acted_at=moment or run_moment(),
        )
    record = RunRecord()
    try:
        yield record
    except Exception as error:
        _finish(settings, run_id, Outcome.FAILED, record.rows_changed, str(error))
        raise
    files = f" ({record.feed_files} flödesfiler uppdaterade)" if record.feed_files else ""
    _finish(settings, run_id, Outcome.SUCCEEDED, record.rows_changed, record.message + files)


def _finish(settings: Settings, run_id: str, outcome: Outcome, rows: int, message: str) -> None:
    with writing(settings) as session:
        finish_run(
            session,
            run_id,
            outcome=outcome,
            rows_changed=rows,
            message=message,
            now=dt.datetime.now(dt.UTC),
        )
