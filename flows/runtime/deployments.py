"""The flows behind the catalogue's names, their deployments and schedules, and the
fan-out of one flow run into child runs on the work pool.

Flows are loaded from their catalogue entrypoints (``module:function``), the strings a
served deployment and a worker load them by, so this plumbing needs no import of the
flow bodies, which import it. Schedules are in Europe/Stockholm so "07.00" stays 07.00
across daylight saving. ``pause_on_shutdown=False``: stopping ``arshjul serve`` (a
restart, an upgrade) must not silently pause the yearly schedules.
"""

from __future__ import annotations

import importlib
import time
from typing import Any, cast

from prefect import Flow, serve
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Schedule
from prefect.types.entrypoint import EntrypointType

from .catalogue import CATALOGUE, DEPLOYMENT, FlowInfo, FlowResult, flow_info

TIMEZONE = "Europe/Stockholm"


def load_flow(name: str) -> Flow[..., FlowResult]:
    """The flow object behind a catalogue name (imports its module on first use).

    Raises:
        PlanError: an unknown name, in Swedish.
    """
    module, _, attribute = flow_info(name).entrypoint.partition(":")
    found = getattr(importlib.import_module(module), attribute)
    if not isinstance(found, Flow):
        raise TypeError(f"{flow_info(name).entrypoint} is not a Prefect flow")
    return cast(Flow[..., FlowResult], found)


def schedules_for(info: FlowInfo) -> list[Schedule]:
    """The flow's schedule in Stockholm time, or none for admin-only flows."""
    return [] if info.schedule is None else [Cron(info.schedule.cron, timezone=TIMEZONE)]


def build_deployments() -> list[RunnerDeployment]:
    """One deployment per flow, named ``<flow>/arshjul``, loaded by module path."""
    return [
        cast(
            RunnerDeployment,
            load_flow(name).to_deployment(
                name=DEPLOYMENT,
                schedules=schedules_for(info),
                description=f"{info.summary}. "
                + (info.schedule.text if info.schedule else "Startas av admin."),
                tags=["årshjul"],
                entrypoint_type=EntrypointType.MODULE_PATH,
            ),
        )
        for name, info in CATALOGUE.items()
    ]


def deploy_to_pool(pool: str) -> list[str]:
    """Register every deployment on a process work pool (created if missing), so workers
    on any machine with this package and its settings can run the flows."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
    names = []
    for d in build_deployments():
        d.apply(work_pool_name=pool)
        names.append(f"{d.flow_name}/{d.name}")
    return names


def serve_deployments(limit: int = 4) -> None:
    """Register the deployments with the Prefect server and run their flows until stopped."""
    serve(*build_deployments(), pause_on_shutdown=False, limit=limit)


def online_workers() -> int:
    """How many workers of the current flow run's work pool are online (0 when the run
    is not on a work pool: run directly, or by ``arshjul serve``)."""
    from prefect.client.schemas.objects import WorkerStatus
    from prefect.runtime import flow_run

    if flow_run.id is None:
        return 0
    with get_client(sync_client=True) as client:
        pool = client.read_flow_run(flow_run.id).work_pool_name
        if pool is None:
            return 0
        workers = client.read_workers_for_work_pool(pool)
    return sum(1 for w in workers if w.status == WorkerStatus.ONLINE)


def run_children(flow: str, parameter_sets: list[dict[str, Any]]) -> list[str]:
    """Start the deployment of ``flow`` once per parameter set, all at once, as child runs
    of the current run; wait for every one; return their run ids.

    Raises:
        RuntimeError: a child run did not complete (named in the message).
    """
    runs = [
        cast(
            FlowRun,
            run_deployment(f"{flow}/{DEPLOYMENT}", parameters=params, timeout=0, as_subflow=True),
        )
        for params in parameter_sets
    ]
    with get_client(sync_client=True) as client:
        for run in runs:
            while True:
                state = client.read_flow_run(run.id).state
                if state is not None and state.is_final():
                    break
                time.sleep(1)  # polling the server for a child run's end
            if not state.is_completed():
                raise RuntimeError(f"delkörningen {run.name} slutade {state.name}")
    return [str(run.id) for run in runs]
