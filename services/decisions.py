"""Assignments (uppdrag) as an admin reads and reports them: the organisation's list
with its filters, and a status report with the reporter kept (``models.decisions``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from cycle import CycleDefinition
from cycle.decisions import CommissionStatus, CommissionView, is_open
from cycle.definitions import Role
from cycle.times import local_date
from models.audit import log_act
from models.decisions import (
    Commission,
    Decision,
    commissions_of,
    filter_commissions,
    member_bodies,
    report_commission,
    take_back,
)
from models.tables import Body, Meeting

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
    triggered_by: str | None = None,
) -> bool:
    """Record a status report and log the act, in one transaction; False when it
    repeats the last one (nothing is written, nothing logged).

    Args:
        by: the reporter the report keeps (a person key, or ``admin:NAME``).
        triggered_by: who did it, as ``arshjul history`` shows it (default: ``by``).

    Raises:
        PlanError: an unknown or cancelled assignment.
    """
    with writing(settings) as session:
        if not report_commission(session, commission, status, text, by=by, now=now):
            return False
        row = session.get(Commission, commission)
        title = row.title if row is not None else commission
        log_act(
            session,
            flow="assignment-reported",
            parameters={"commission": commission, "status": status.value},
            triggered_by=triggered_by or by,
            rows_changed=1,
            message=f"Rapport om uppdraget {title}: {status.value}"
            + (f" – {text.strip()}" if text.strip() else ""),
            now=now,
        )
        return True


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
    return report(
        settings,
        commission,
        status,
        text,
        by=person,
        now=now,
        triggered_by=f"via webben ({person})",
    )


@dataclass(frozen=True, slots=True)
class RecordedLine:
    """A decision as an admin lists it: its id, where it was taken, what it gave."""

    id: str
    day: dt.date
    body: str
    title: str
    commissions: int


def list_decisions(
    settings: Settings, organisation: str, *, year: int | None = None
) -> list[RecordedLine]:
    """The organisation's recorded decisions (of ``year``), by meeting day.

    Raises:
        DefinitionError: an unknown organisation.
    """
    load_cycles(settings.cycles_dir, organisation)
    with reading(settings) as session:
        rows = session.exec(
            select(Decision, Meeting, Body)
            .join(Meeting, col(Meeting.id) == col(Decision.meeting))
            .join(Body, col(Body.key) == col(Meeting.body))
            .where(Decision.organisation == organisation)
            .order_by(col(Meeting.start), col(Decision.title))
        ).all()
        given: dict[str, int] = {}
        for c in session.exec(select(Commission.decision)):
            given[c] = given.get(c, 0) + 1
    return [
        RecordedLine(d.id, local_date(m.start), b.name, d.title, given.get(d.id, 0))
        for d, m, b in rows
        if year is None or local_date(m.start).year == year
    ]


def remove_recorded(settings: Settings, what: str, *, by: str, now: dt.datetime) -> str:
    """Take back a decision (with its assignments) or an assignment recorded by mistake
    – a renamed title in a decisions file, say; returns its title.

    Raises:
        LookupError: no decision or assignment has that id.
        PlanError: an assignment with status reports (history: cancel it instead).
    """
    with writing(settings) as session:
        title = take_back(session, what, now=now)
        if title is None:
            raise LookupError(what)
        log_act(
            session,
            flow="record-corrected",
            parameters={"removed": what},
            triggered_by=by,
            rows_changed=1,
            message=f"Borttaget ur besluten: {title}",
            now=now,
        )
        return title


def record_example_decisions(settings: Settings, today: dt.date, *, now: dt.datetime) -> int:
    """For the demo: in each organisation, an example decision at the first meeting this
    year that has been held, with two assignments – one past its time frame (late, with
    a report), one still running and reporting back to a later meeting. Titled and
    described as example data; returns the rows written."""
    from cycle.decisionfile import Decisions
    from cycle.decisions import CommissionSpec, DecisionSpec, Owner

    from .yearly import store_decisions

    written = 0
    for d in load_cycles(settings.cycles_dir):
        slug = d.organisation.slug
        with reading(settings) as session:
            meetings = [
                m
                for m in session.exec(
                    select(Meeting).where(
                        Meeting.organisation == slug,
                        col(Meeting.year).in_([today.year, today.year + 1]),
                    )
                ).all()
                if m.status != "cancelled"
            ]
        meetings.sort(key=lambda m: m.start)
        held = [m for m in meetings if local_date(m.start) < today and m.start.year == today.year]
        if not held or not d.people:
            continue
        first = held[0]
        chosen = _example_owner(d)
        day = local_date(first.start)
        running = _weekday(max(today + dt.timedelta(days=30), day + dt.timedelta(days=60)))
        later = [m for m in meetings if m.series == first.series and local_date(m.start) > running]
        spec = DecisionSpec(
            day,
            "Exempel: gemensam kartläggning av kompetensbehoven",
            text="Exempeldata i demon – inget verkligt beslut.",
            series=first.series.partition("/")[2],
            commissions=(
                CommissionSpec(
                    "Exempel: kartlägg kommunernas behov",
                    Owner("person", chosen),
                    _weekday(day + dt.timedelta(days=45)),
                    description="Exempeldata i demon.",
                ),
                CommissionSpec(
                    "Exempel: föreslå gemensamma insatser",
                    Owner("body", first.body.partition("/")[2]),
                    running,
                    description="Exempeldata i demon.",
                    report_to=local_date(later[0].start) if later else None,
                ),
            ),
        )
        written += store_decisions(
            settings, Decisions(slug, today.year, (), (), (), (spec,)), now=now
        )
        with reading(settings) as session:
            late = commissions_of(session, slug, now=now)
        for v in late:
            if v.title == "Exempel: kartlägg kommunernas behov" and not v.last_report:
                written += report(
                    settings,
                    v.id,
                    CommissionStatus.PAGAR,
                    "Exempel: enkäten är ute, svaren dröjer.",
                    by=f"{slug}/{chosen}",
                    now=now,
                    triggered_by="demo (exempeldata)",
                )
    return written


def _weekday(day: dt.date) -> dt.date:
    """The day itself, or the Friday before when it falls on a weekend."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _example_owner(definition: CycleDefinition) -> str:
    """A person to own the example: a sammankallande if there is one, else the first."""
    for m in definition.memberships:
        if m.role is Role.SAMMANKALLANDE:
            return m.person
    return definition.people[0].id
