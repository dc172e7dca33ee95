"""The flow objects behind the catalogue's names (importing this loads Prefect)."""

from __future__ import annotations

from typing import Any

from prefect import Flow

from .meetings import (
    cancel_meeting_flow,
    direktorsberedning_month_flow,
    forum_flow,
    reschedule_meeting_flow,
)
from .publication import export_feeds_flow
from .reminders import send_reminders_flow
from .yearly import (
    january_prioritisation_flow,
    plan_organisation_flow,
    plan_year_flow,
    year_end_follow_up_flow,
)

FLOWS: dict[str, Flow[..., Any]] = {
    str(f.name): f
    for f in (
        plan_year_flow,
        january_prioritisation_flow,
        year_end_follow_up_flow,
        direktorsberedning_month_flow,
        forum_flow,
        reschedule_meeting_flow,
        cancel_meeting_flow,
        send_reminders_flow,
        plan_organisation_flow,
        export_feeds_flow,
    )
}
