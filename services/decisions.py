"""Assignments (uppdrag) as an admin reads and reports them: the organisation's list
with its filters, and a status report with the reporter kept (``models.decisions``)."""

from __future__ import annotations

import datetime as dt

from cycle.decisions import CommissionStatus, CommissionView
from models.decisions import commissions_of, filter_commissions, is_open, report_commission

from .cyclefiles import load_cycles
from .settings import Settings
from .storage import reading, writing


def list_commissions(
    settings: Settings,
    organisation: str,
    *,
    now: dt.datetime,
    year: int | None = None,
    status: CommissionStatus | None = None,
    owner: str | None = None,
    body: str | None = None,
) -> list[CommissionView]:
    """The organisation's assignments as they stand at ``now``, filtered.

    Raises:
        DefinitionError: an unknown organisation.
    """
    load_cycles(settings.cycles_dir, organisation)  # an unknown organisation: a Swedish error
    with reading(settings) as session:
        views = commissions_of(session, organisation, now=now, year=year)
    return filter_commissions(views, status=status, owner=owner, body=body)


def report(
    settings: Settings,
    commission: str,
    status: CommissionStatus,
    text: str,
    *,
    by: str,
    now: dt.datetime,
) -> bool:
    """Record a status report in one transaction; False when it repeats the last one.

    Raises:
        PlanError: an unknown or cancelled assignment.
    """
    with writing(settings) as session:
        return report_commission(session, commission, status, text, by=by, now=now)


def commissions_to_follow_up(
    settings: Settings, organisation: str, year: int, *, now: dt.datetime
) -> list[CommissionView]:
    """What the year-end follow-up of ``year`` reports on: the assignments given that
    year, and those given earlier that are still open."""
    with reading(settings) as session:
        views = commissions_of(session, organisation, now=now)
    return [
        v for v in views if v.decided_on.year == year or (v.decided_on.year < year and is_open(v))
    ]
