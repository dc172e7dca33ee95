"""Registrations for a meeting a body invites to (a forum): a person it called, or an
invited guest organisation with how many of its people come. Kept with who registered
and when; registering again with the same number changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Field, Session, SQLModel, col, select

from cycle.definitions import REGISTRATION_STEP
from cycle.errors import PlanError
from cycle.history import meeting_has_begun
from cycle.ids import stable_id
from cycle.status import MeetingStatus
from cycle.swedish import format_date
from cycle.times import local_date

from .tables import Guest, Invitation, Meeting, Task, stamp_column


class Registration(SQLModel, table=True):
    """One invitee's registration; ``participants`` 0 is a withdrawal (kept)."""

    id: str = Field(primary_key=True)
    meeting: str = Field(foreign_key="meeting.id", index=True)
    person: str | None = Field(default=None, foreign_key="person.key")
    guest: str = ""  # an invited organisation's name
    participants: int = 1
    registered_at: dt.datetime = Field(sa_column=stamp_column())
    by: str = ""


def register(
    session: Session,
    meeting: str,
    *,
    person: str | None = None,
    guest: str | None = None,
    participants: int = 1,
    by: str,
    now: dt.datetime,
) -> bool:
    """Record a registration; False when it says what was recorded already.

    Raises:
        PlanError: an unknown meeting, one that has begun, a day after its last day to
            register, someone not invited, or a number outside 0–50.
    """
    row = session.get(Meeting, meeting)
    if row is None:
        raise PlanError("okänt möte", field="möte", value=meeting)
    if meeting_has_begun(row.start, now):
        raise PlanError("mötet har börjat; anmälan är stängd", field="möte", value=meeting)
    if row.status == MeetingStatus.CANCELLED:
        raise PlanError("mötet är inställt", field="möte", value=meeting)
    deadline = session.exec(
        select(Task).where(Task.meeting == meeting, Task.step == REGISTRATION_STEP)
    ).first()
    if deadline is not None and local_date(now) > deadline.due:
        raise PlanError(f"sista anmälningsdag var {format_date(deadline.due)}", field="möte")
    if not 0 <= participants <= 50:
        raise PlanError("antalet deltagare ska vara 0–50", field="antal", value=participants)
    if (person is None) == (guest is None):
        raise PlanError("ange antingen en person eller en inbjuden organisation", field="vem")
    if person is not None:
        if participants > 1:
            raise PlanError("en person anmäler sig själv: antal 1 (eller 0)", field="antal")
        if session.get(Invitation, (meeting, person)) is None:
            raise PlanError("personen är inte kallad till mötet", field="person", value=person)
        key = stable_id(meeting, "anmälan", person)
    else:
        assert guest is not None
        if session.get(Guest, (meeting, guest)) is None:
            raise PlanError(
                "organisationen är inte inbjuden till mötet", field="organisation", value=guest
            )
        key = stable_id(meeting, "anmälan", "gäst", guest)
    found = session.get(Registration, key)
    if found is not None and found.participants == participants:
        return False
    if found is None:
        found = Registration(
            id=key, meeting=meeting, person=person, guest=guest or "", registered_at=now
        )
    found.participants, found.registered_at, found.by = participants, now, by
    session.add(found)
    return True


def registrations_of(session: Session, meetings: Sequence[str]) -> list[Registration]:
    """The registrations for these meetings, by meeting and time."""
    if not meetings:
        return []
    return list(
        session.exec(
            select(Registration)
            .where(col(Registration.meeting).in_(list(meetings)))
            .order_by(col(Registration.meeting), col(Registration.registered_at))
        )
    )
