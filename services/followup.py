"""The year-end follow-up report's content, made from what is stored – by the
``year-end-follow-up`` flow after it has stored the year's follow-up rows, and again by an
archive import, which must give the same bytes from the same rows."""

from __future__ import annotations

import datetime as dt

from calendars.followup import FollowUp, follow_up
from cycle.definitions import SeriesKind
from cycle.times import local_date
from cycle.yearly import draft_assignments
from models.published import meetings_of
from models.tables import Organisation
from models.yearly import items_for_year

from .decisions import commissions_to_follow_up
from .settings import Settings
from .storage import reading


def follow_up_of(settings: Settings, organisation: str, year: int, *, now: dt.datetime) -> FollowUp:
    """The follow-up of ``organisation``'s ``year`` as it stands at ``now``: priorities and
    initiatives with their statuses, the assignments to report on, next year's drafts.

    Raises:
        LookupError: no such organisation is stored.
    """
    with reading(settings) as session:
        row = session.get(Organisation, organisation)
        if row is None:
            raise LookupError(organisation)
        items = items_for_year(session, organisation, year)
        meetings = meetings_of(session, organisation, year, now=now, kind=SeriesKind.UPPFOLJNING)
    commissions = commissions_to_follow_up(settings, organisation, year, now=now)
    drafts = draft_assignments(organisation, year, items, commissions)
    day = local_date(meetings[0].start) if meetings else None
    return follow_up(row.name, year, items, drafts, day, commissions)
