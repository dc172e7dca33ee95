"""Double bookings in the cycle files: plan the years (pure) and find who is called to
two meetings that collide, across bodies and organisations (``cycle.conflicts``)."""

from __future__ import annotations

from collections.abc import Sequence

from cycle import CycleDefinition
from cycle.conflicts import Conflict, double_bookings, person_identities

from .plan import NO_CONTEXT, PlanContext, plan_years


def find_double_bookings(
    definitions: Sequence[CycleDefinition],
    years: Sequence[int],
    *,
    involving: str | None = None,
    context: PlanContext = NO_CONTEXT,
) -> list[Conflict]:
    """Every double booking left in ``years`` of the organisations of ``definitions``
    (all of them: a person may sit in two) once the meetings that may move have moved,
    or only those with a meeting of ``involving``."""
    meetings = [m for _, plan in plan_years(definitions, years, context) for m in plan.meetings]
    names = {f"{d.organisation.slug}/{p.id}": p.name for d in definitions for p in d.people}
    margins = {d.organisation.slug: d.organisation.travel_margin for d in definitions}
    found = double_bookings(meetings, person_identities(definitions), names, margins=margins)
    if involving is None:
        return found
    return [c for c in found if involving in (c.first.organisation, c.second.organisation)]
