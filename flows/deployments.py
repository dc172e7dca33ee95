"""Deployments and schedules of the wheel, served by one long-running process.

Schedules are in Europe/Stockholm so "07.00" stays 07.00 across daylight saving.
``pause_on_shutdown=False``: stopping ``arshjul serve`` (a restart, an upgrade) must not
silently pause the yearly schedules.
"""

from __future__ import annotations

from typing import cast

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Schedule
from prefect.types.entrypoint import EntrypointType

from .catalogue import CATALOGUE
from .registry import FLOWS

TIMEZONE = "Europe/Stockholm"
DEPLOYMENT = "arshjul"

# flow name -> (cron, Swedish description); flows not listed are triggered by admins only
SCHEDULES: dict[str, tuple[str, str]] = {
    "plan-year": ("0 6 1 10 *", "1 oktober kl. 06.00: planera nästa år"),
    "january-prioritisation": ("0 7 1 12 *", "1 december kl. 07.00: förbered januarimötet"),
    "year-end-follow-up": ("0 7 2 11 *", "2 november kl. 07.00: starta årsuppföljningen"),
    "direktorsberedning-month": ("0 6 1 * *", "den 1:a varje månad kl. 06.00"),
    "send-reminders": ("0 7 * * *", "varje morgon kl. 07.00"),
    "export-feeds": ("5 * * * *", "fem över varje hel timme"),
}


def schedules_for(flow_name: str) -> list[Schedule]:
    """The flow's schedule in Stockholm time, or none for admin-only flows."""
    if flow_name not in SCHEDULES:
        return []
    cron, _ = SCHEDULES[flow_name]
    return [Cron(cron, timezone=TIMEZONE)]


def build_deployments() -> list[RunnerDeployment]:
    """One deployment per flow, named ``<flow>/arshjul``, loaded by module path."""
    return [
        cast(
            RunnerDeployment,
            flow.to_deployment(
                name=DEPLOYMENT,
                schedules=schedules_for(name),
                description=f"{CATALOGUE[name].summary}. "
                f"{SCHEDULES.get(name, ('', 'Startas av admin.'))[1]}",
                tags=["årshjul"],
                entrypoint_type=EntrypointType.MODULE_PATH,
            ),
        )
        for name, flow in FLOWS.items()
    ]


def deploy_to_pool(pool: str) -> list[str]:
    """Register every deployment on a process work pool (created if missing), so workers
    on any machine with this package and its settings can run the flows."""
    from prefect.client.orchestration import get_client
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
