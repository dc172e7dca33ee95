"""Double bookings in the cycle files and in the stored plan: who is called to two
meetings that collide, across bodies and organisations (``cycle.conflicts``) – and
which of them a change would add, so a what-if (``arshjul plan --dry-run``) can say so
before anything is saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from cycle import CycleDefinition, YearPlan
from cycle.conflicts import Conflict, double_bookings, person_identities
from cycle.plan import Invitation, PlannedMeeting
from cycle.published import PublishedMeeting
from models.published import load_published

from .settings import Settings
from .storage import reading


def double_bookings_in(
    plans: Sequence[tuple[CycleDefinition, YearPlan]], *, involving: str | None = None
) -> list[Conflict]:
    """Every double booking left in ``plans`` (of every organisation a person may sit in,
    made by ``services.plan.plan_years``: the meetings that may move have moved), or only
    those with a meeting of ``involving``."""
    definitions = list({d.organisation.slug: d for d, _ in plans}.values())
    meetings = [m for _, plan in plans for m in plan.meetings]
    return _involving(_collisions(definitions, meetings), involving)


def stored_double_bookings(
    settings: Settings,
    definitions: Sequence[CycleDefinition],
    years: Sequence[int],
    *,
    now: dt.datetime,
    involving: str | None = None,
) -> list[Conflict] | None:
    """The double bookings of the stored meetings of ``years`` (as admins moved them),
    or None when nothing is stored for those years."""
    with reading(settings) as session:
        published = load_published(
            session, dt.date(min(years), 1, 1), dt.date(max(years), 12, 31), now=now
        )
    if not published.meetings:
        return None
    meetings = [_as_planned(m) for m in published.meetings if not m.cancelled]
    return _involving(_collisions(definitions, meetings), involving)


def added(before: Iterable[Conflict], after: Iterable[Conflict]) -> list[Conflict]:
    """The conflicts of ``after`` that ``before`` does not have: the same person and the
    same two meetings, wherever they now lie, is the same conflict."""
    known = {_key(c) for c in before}
    return [c for c in after if _key(c) not in known]


def _key(c: Conflict) -> tuple[tuple[str, ...], frozenset[str]]:
    return c.keys, frozenset((c.first.id, c.second.id))


def _collisions(
    definitions: Sequence[CycleDefinition], meetings: Sequence[PlannedMeeting]
) -> list[Conflict]:
    names = {f"{d.organisation.slug}/{p.id}": p.name for d in definitions for p in d.people}
    margins = {d.organisation.slug: d.organisation.travel_margin for d in definitions}
    return double_bookings(meetings, person_identities(definitions), names, margins=margins)


def _involving(found: list[Conflict], involving: str | None) -> list[Conflict]:
    if involving is None:
        return found
    return [c for c in found if involving in (c.first.organisation, c.second.organisation)]


def _as_planned(m: PublishedMeeting) -> PlannedMeeting:
    """A stored meeting in the form the sweep reads (invitations by person id)."""
    return PlannedMeeting(
        id=m.id,
        organisation=m.organisation,
        series=m.series.partition("/")[2],
        body=m.body,
        title=m.title,
        kind=m.kind,
        original_date=m.original_date,
        start=m.start,
        end=m.end,
        location=m.location,
        moved_because=m.moved_because,
        invitations=tuple(Invitation(key.partition("/")[2], role) for key, role in m.invitations),
    )
