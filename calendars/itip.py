"""iTIP invitations (RFC 5546) for meeting notices: REQUEST, and CANCEL when called off.

The UID is the meeting's feed UID and SEQUENCE its change count, so Outlook and others
match an update or a cancellation to the event already in the calendar.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from icalendar import Calendar, Event, vCalAddress

from cycle.definitions import Role
from cycle.published import PublishedMeeting
from cycle.text import printable
from cycle.times import STOCKHOLM

from .ical import (
    PRODID,
    STOCKHOLM_VTIMEZONE,
    MeetingContext,
    meeting_description,
    meeting_uid,
)

# How a role is asked to take part (RFC 5545 ROLE): members must, others may.
PARTICIPATION = {
    Role.ORDFORANDE: "CHAIR",
    Role.ERSATTARE: "OPT-PARTICIPANT",
    Role.ADJUNGERAD: "OPT-PARTICIPANT",
    Role.INBJUDEN: "OPT-PARTICIPANT",
}


def render_itip(
    meeting: PublishedMeeting,
    ctx: MeetingContext,
    *,
    method: str,
    organizer: tuple[str, str],
    attendee: tuple[str, str],
    role: Role,
) -> bytes:
    """A one-event calendar with METHOD ``REQUEST`` or ``CANCEL`` for one attendee.

    Args:
        organizer: (e-mail, name) of the sender.
        attendee: (e-mail, name) of the recipient.
        role: the recipient's role in the body (decides ROLE).
    """
    cancel = method == "CANCEL"
    org = vCalAddress(f"mailto:{organizer[0]}")
    org.params["CN"] = printable(organizer[1])  # a parameter cannot carry a line break
    who = vCalAddress(f"mailto:{attendee[0]}")
    who.params.update(
        {
            "CN": printable(attendee[1]),
            "ROLE": PARTICIPATION.get(role, "REQ-PARTICIPANT"),
            "PARTSTAT": "NEEDS-ACTION",
            "RSVP": "FALSE" if cancel else "TRUE",
            "CUTYPE": "INDIVIDUAL",
        }
    )
    event = Event.new(
        uid=meeting_uid(meeting.id),
        summary=meeting.title,
        start=meeting.start.astimezone(STOCKHOLM),
        end=meeting.end.astimezone(STOCKHOLM),
        location=meeting.location or None,
        description=meeting_description(meeting, ctx),
        sequence=meeting.sequence,
        stamp=meeting.last_changed.astimezone(dt.UTC),
        status=icalendar.STATUS.CANCELLED
        if cancel
        else icalendar.STATUS.TENTATIVE
        if ctx.example
        else icalendar.STATUS.CONFIRMED,
        organizer=org,
        attendees=[who],
    )
    calendar = Calendar.new(prodid=PRODID, method=method)
    calendar.pop("UID", None)  # the event's UID is the only identity a client should see
    calendar.add_component(event)
    text = bytes(calendar.to_ical())
    end = b"END:VCALENDAR\r\n"
    # the VTIMEZONE goes first, as Outlook expects it before the event that uses it
    head, _, rest = text.partition(b"BEGIN:VEVENT\r\n")
    assert rest.endswith(end)
    return head + STOCKHOLM_VTIMEZONE + b"BEGIN:VEVENT\r\n" + rest
