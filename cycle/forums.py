"""Who is invited to a forum, by organisation: the people called to it (the forum body's
own members and, when another body invites, its members) grouped by where they work, and
the invited guest organisations – each with how many have registered. A public page
shows these counts, never names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .published import PublishedMeeting, PublishedPerson, PublishedRegistration

ELSEWHERE = "Övriga"  # people without an affiliation


@dataclass(frozen=True, slots=True)
class InvitedOrganisation:
    """An organisation invited to a meeting: how many of its people are called (0 for a
    guest organisation, which is invited as a whole) and how many have registered."""

    name: str
    called: int
    registered: int
    guest: bool = False


def invited_by_organisation(
    meeting: PublishedMeeting,
    people: Mapping[str, PublishedPerson],
    guests: Sequence[str],
    registrations: Sequence[PublishedRegistration],
) -> tuple[InvitedOrganisation, ...]:
    """The meeting's invitation list by organisation: those people are called from, by
    name, then the guest organisations, by name; a later registration replaces an earlier.

    Example:
        >>> import datetime as dt
        >>> from cycle.definitions import Role, SeriesKind
        >>> from cycle.status import MeetingStatus
        >>> at = dt.datetime(2027, 3, 10, 9, tzinfo=dt.UTC)
        >>> m = PublishedMeeting("m", "o", "o/forum", "Forum", SeriesKind.FORUM, at, at,
        ...     "", MeetingStatus.PLANNED, 0, at, at, at.date(),
        ...     invitations=(("o/a", Role.ORDFORANDE), ("o/b", Role.INBJUDEN)))
        >>> people = {"o/a": PublishedPerson("o/a", "o", "A", affiliation="Regionen"),
        ...           "o/b": PublishedPerson("o/b", "o", "B", affiliation="Kommunen")}
        >>> regs = [PublishedRegistration("m", "o/b", "", 1),
        ...         PublishedRegistration("m", None, "Almi", 2)]
        >>> [(i.name, i.called, i.registered) for i in invited_by_organisation(
        ...     m, people, ["Almi"], regs)]
        [('Kommunen', 1, 1), ('Regionen', 1, 0), ('Almi', 0, 2)]
    """
    latest_person: dict[str, int] = {}
    latest_guest: dict[str, int] = {}
    for r in registrations:
        if r.meeting != meeting.id:
            continue
        if r.person is not None:
            latest_person[r.person] = r.participants
        else:
            latest_guest[r.guest] = r.participants
    called: dict[str, list[str]] = {}
    for person, _ in meeting.invitations:
        found = people.get(person)
        where = (found.affiliation if found else "") or ELSEWHERE
        called.setdefault(where, []).append(person)
    listed = [
        InvitedOrganisation(name, len(keys), sum(1 for k in keys if latest_person.get(k, 0) > 0))
        for name, keys in sorted(called.items())
    ]
    listed += [
        InvitedOrganisation(g, 0, latest_guest.get(g, 0), guest=True) for g in sorted(guests)
    ]
    return tuple(listed)
