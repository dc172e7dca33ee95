"""Forums as an admin handles their invitations: who is invited by organisation, and
registrations recorded for the people called and the invited organisations
(``models.registrations``; personal pages may take them later)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cycle.errors import PlanError
from cycle.forums import InvitedOrganisation, invited_by_organisation
from cycle.published import PublishedMeeting
from cycle.times import local_date
from models.audit import log_act
from models.published import load_published, meeting_by_id
from models.registrations import register
from models.tables import Person

from .settings import Settings
from .storage import reading, writing


@dataclass(frozen=True, slots=True)
class Invited:
    """A meeting's invitation list: by organisation, and who is called, with their
    registration (people: name, organisation, registered)."""

    meeting: PublishedMeeting
    organisations: tuple[InvitedOrganisation, ...]
    people: tuple[tuple[str, str, bool], ...]


def invitations(settings: Settings, meeting: str, *, now: dt.datetime) -> Invited:
    """Who is invited to ``meeting`` and who has registered.

    Raises:
        PlanError: an unknown meeting.
    """
    with reading(settings) as session:
        found = meeting_by_id(session, meeting, now=now)
        if found is None:
            raise PlanError(
                "okänt möte; se `arshjul meetings` för id:n", field="möte", value=meeting
            )
        day = local_date(found.start)
        published = load_published(session, day, day, now=now, organisations=[found.organisation])
    (m,) = [x for x in published.meetings if x.id == meeting]
    people = {p.key: p for p in published.people}
    guests = [g for mid, g in published.guests if mid == meeting]
    regs = [r for r in published.registrations if r.meeting == meeting]
    registered = {r.person for r in regs if r.person and r.participants > 0}
    listed = tuple(
        sorted(
            (
                (people[k].name, people[k].affiliation, k in registered)
                for k, _ in m.invitations
                if k in people
            ),
            key=lambda row: (row[1], row[0]),
        )
    )
    return Invited(m, invited_by_organisation(m, people, guests, regs), listed)


def record_registration(
    settings: Settings,
    meeting: str,
    *,
    person: str | None,
    guest: str | None,
    participants: int,
    by: str,
    now: dt.datetime,
    triggered_by: str | None = None,
) -> bool:
    """Record a registration and log the act, in one transaction; False when nothing
    changed (nothing is logged then). ``by`` is kept with the registration;
    ``triggered_by`` is who did it as ``arshjul history`` shows it (default: ``by``).

    Raises:
        PlanError: see :func:`models.registrations.register`.
    """
    with writing(settings) as session:
        changed = register(
            session,
            meeting,
            person=person,
            guest=guest,
            participants=participants,
            by=by,
            now=now,
        )
        if changed:
            row = session.get(Person, person) if person else None
            who = row.name if row is not None else person or guest  # by name, as people read it
            log_act(
                session,
                flow="registration",
                parameters={"meeting": meeting, "person": person, "guest": guest},
                triggered_by=triggered_by or by,
                rows_changed=1,
                message=f"Anmälan: {who}, {participants} deltagare",
                now=now,
            )
        return changed
