"""An organisation-year's load as stored (admin moves and cancellations included): each
person's and each group's meetings, hours and deadlines (``cycle.load``), with names –
for the admin's ``arshjul load``; the public page shows roles only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cycle.load import Load, loads
from models.published import load_published

from .settings import Settings
from .storage import reading


@dataclass(frozen=True)
class OrganisationLoad:
    """The year's load by name: people and groups, each with their :class:`Load`."""

    name: str
    year: int
    people: tuple[tuple[str, Load], ...]
    groups: tuple[tuple[str, Load], ...]


def organisation_load(
    settings: Settings, org: str, year: int, *, now: dt.datetime
) -> OrganisationLoad:
    """Read ``org``'s ``year`` as it stands at ``now`` and count what it asks of whom."""
    with reading(settings) as session:
        published = load_published(
            session, dt.date(year, 1, 1), dt.date(year, 12, 31), now=now, organisations=[org]
        )
    people, groups = loads(published.meetings, published.tasks, year)
    names = {p.key: p.name for p in published.people}
    bodies = {b.key: b.name for b in published.bodies}
    return OrganisationLoad(
        published.organisations.get(org, org),
        year,
        tuple(sorted(((names.get(k, k), v) for k, v in people.items()), key=_heaviest)),
        tuple(sorted(((bodies.get(k, k), v) for k, v in groups.items()), key=_heaviest)),
    )


def _heaviest(entry: tuple[str, Load]) -> tuple[int, int, str]:
    total = entry[1].total()
    return (-total.deadlines, -total.minutes, entry[0])
