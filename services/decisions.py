"""Assignments (uppdrag) as an admin reads and reports them: the organisation's list
with its filters, and a status report with the reporter kept (``models.decisions``)."""

from __future__ import annotations

import datetime as dt

from cycle.decisions import CommissionStatus, CommissionView, is_open
from cycle.times import local_date
from models.decisions import (
    commissions_of,
    filter_commissions,
    member_bodies,
    report_commission,
)

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


def commissions_of_person(
    settings: Settings, person: str, *, now: dt.datetime
) -> list[CommissionView]:
    """The assignments ``person`` (a key) carries on ``now``: their own, and those of the
    bodies they are a member of that day."""
    organisation = person.partition("/")[0]
    with reading(settings) as session:
        views = commissions_of(session, organisation, now=now)
        bodies = member_bodies(session, person, local_date(now))
    mine = {f"person:{person}", *(f"body:{b}" for b in bodies)}
    return [v for v in views if v.owner_key in mine]


def report_as_owner(
    settings: Settings,
    person: str,
    commission: str,
    status: CommissionStatus,
    text: str,
    *,
    now: dt.datetime,
) -> bool:
    """An owner's report from their page; False when it repeats the last one.

    Raises:
        LookupError: the assignment is not one ``person`` carries.
        PlanError: a cancelled assignment.
    """
    if commission not in {v.id for v in commissions_of_person(settings, person, now=now)}:
        raise LookupError(commission)
    return report(settings, commission, status, text, by=person, now=now)
