"""iCalendar rendering: published meetings and tasks -> RFC 5545 bytes, repeatably.

Every component is rendered once with the ``icalendar`` package and feeds are composed from
those bytes, because serialising is the slow part and a meeting appears in many feeds. UIDs
come from what a component *is* (the meeting or task id), DTSTAMP and LAST-MODIFIED from
the row's last change, never from the clock, so unchanged data gives identical bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import icalendar
from icalendar import Alarm, Calendar, Event, Todo

from cycle.decisions import CommissionStatus, CommissionView, Publicity
from cycle.published import PublishedMeeting, PublishedTask
from cycle.status import TaskStatus
from cycle.swedish import format_date
from cycle.text import printable
from cycle.times import STOCKHOLM

PRODID = "-//Årshjul//Årshjul 0.1//SV"
TZID = "Europe/Stockholm"
REFRESH = dt.timedelta(hours=4)
UID_DOMAIN = "arshjul"
_END = b"END:VCALENDAR\r\n"


def meeting_uid(meeting_id: str) -> str:
    return f"{meeting_id}@{UID_DOMAIN}"


def task_uid(task_id: str) -> str:
    return f"{task_id}@{UID_DOMAIN}"


def deadline_uid(task_id: str) -> str:
    return f"deadline-{task_id}@{UID_DOMAIN}"


def commission_uid(commission_id: str) -> str:
    return f"uppdrag-{commission_id}@{UID_DOMAIN}"


def commission_deadline_uid(commission_id: str) -> str:
    return f"tidsram-{commission_id}@{UID_DOMAIN}"


@dataclass(frozen=True, slots=True)
class MeetingContext:
    """What a meeting's text needs beyond the meeting: names and the link base."""

    body_name: str
    body_kind: str
    base_url: str = ""
    example: bool = False  # the organisation's cycle is example data: tentative, said so


EXAMPLE_LINE = (
    "Exempel: tid, plats och deltagare är exempeldata i Årshjul – inte ett beslutat möte."
)


def meeting_description(m: PublishedMeeting, ctx: MeetingContext) -> str:
    """Swedish DESCRIPTION: body, place, moves and cancellation, agenda, link – first of
    all, for an example cycle, that it is one."""
    lines = [EXAMPLE_LINE] if ctx.example else []
    lines.append(f"Organ: {ctx.body_name}")
    if m.location:
        lines.append(f"Plats: {m.location}")
    if m.held:
        lines.append("Mötet är genomfört.")
    if m.cancelled and m.note:
        lines.append(m.note)
    elif m.cancelled:
        lines.append("Mötet är inställt.")
    elif m.note:
        lines.append(m.note)
    elif m.moved_because:
        lines.append(f"Mötet är {m.moved_because}.")
    if m.agenda:
        lines += ["", "Dagordning:", *(f"{n}. {item}" for n, item in enumerate(m.agenda, 1))]
    if ctx.base_url:
        lines += ["", f"Mer information: {ctx.base_url}/m/{m.id}"]
    return "\n".join(lines)


def render_meeting(m: PublishedMeeting, ctx: MeetingContext) -> bytes:
    """One VEVENT for a meeting, in Stockholm time (TZID) with its change count."""
    # text stored before the checks cannot break a line, nor leave a property empty
    title = printable(m.title) or "Möte"
    event = Event.new(
        uid=meeting_uid(m.id),
        summary=f"Inställt: {title}" if m.cancelled else title,
        start=m.start.astimezone(STOCKHOLM),
        end=m.end.astimezone(STOCKHOLM),
        location=printable(m.location) or None,
        description=printable(meeting_description(m, ctx), lines=True),
        categories=list(dict.fromkeys([ctx.body_kind, m.kind.value])),  # once each
        sequence=m.sequence,
        stamp=m.last_changed.astimezone(dt.UTC),
        created=m.created_at.astimezone(dt.UTC),
        last_modified=m.last_changed.astimezone(dt.UTC),
        status=icalendar.STATUS.CANCELLED
        if m.cancelled
        else icalendar.STATUS.TENTATIVE
        if ctx.example
        else icalendar.STATUS.CONFIRMED,
        transparency=icalendar.TRANSP.TRANSPARENT if m.cancelled else icalendar.TRANSP.OPAQUE,
        url=f"{ctx.base_url}/m/{m.id}" if ctx.base_url else None,
    )
    return bytes(event.to_ical())


def _reminder(*, related_to_due: bool) -> Alarm:
    # 09.00 the day before the deadline (15 hours before its midnight). Google and Outlook
    # subscriptions drop alarms, so e-mail reminders stay the channel that is relied on.
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", "Påminnelse")
    # a VTODO has no DTSTART here: the trigger must be relative to DUE (RELATED=END)
    if related_to_due:
        alarm.add("trigger", dt.timedelta(hours=-15), parameters={"RELATED": "END"})
    else:
        alarm.add("trigger", dt.timedelta(hours=-15))
    return alarm


def render_task(t: PublishedTask, meeting: PublishedMeeting, *, alarm: bool) -> bytes:
    """A task as a VTODO with DUE *and* an all-day "Sista dag:" VEVENT, since Google and
    iOS ignore VTODO. ``alarm`` adds a VALARM (personal feeds only). A task due before
    Årshjul knew of it (*före Årshjul*) is history: its day stays in the calendar, but no
    to-do, which every client would show as overdue work."""
    local = meeting.start.astimezone(STOCKHOLM)
    context = f"{printable(meeting.title) or 'Möte'} {format_date(local.date())}"
    title = printable(t.title) or "Uppgift"
    cancelled = t.status is TaskStatus.CANCELLED or meeting.cancelled
    late = t.status is TaskStatus.LATE and not cancelled
    state = {
        TaskStatus.DONE: "\nKlar.",
        TaskStatus.LATE: "\nFörsenad: inte markerad som klar.",
        TaskStatus.UNKNOWN: "\nFöre Årshjul: sista dagen passerade innan uppgiften fanns i "
        "Årshjul, så om den blev gjord vet Årshjul inte.",
    }.get(t.status, "")
    common: dict[str, Any] = {
        "sequence": t.sequence,
        "stamp": t.last_changed.astimezone(dt.UTC),
        "created": t.created_at.astimezone(dt.UTC),
        "last_modified": t.last_changed.astimezone(dt.UTC),
        "categories": ["uppgift"],
        "description": f"Förberedelse inför {context}.\nSista dag: {format_date(t.due)}.{state}",
    }
    todo = Todo.new(
        uid=task_uid(t.id),
        summary=f"{'Försenad: ' if late else ''}{title} ({context})",
        status=(
            icalendar.STATUS.CANCELLED
            if cancelled
            else icalendar.STATUS.COMPLETED
            if t.status is TaskStatus.DONE
            else icalendar.STATUS.NEEDS_ACTION
        ),
        related_to=[meeting_uid(t.meeting)],
        **common,
    )
    todo.add("due", t.due)
    if t.status is TaskStatus.DONE:  # what clients show as ticked off, and when
        todo.add("percent-complete", 100)
        if t.done_at is not None:
            todo.add("completed", t.done_at.astimezone(dt.UTC))
    deadline = Event.new(
        uid=deadline_uid(t.id),
        summary=f"{'Inställt: ' if cancelled else 'Försenad: ' if late else ''}"
        f"Sista dag: {title} ({context})",
        start=t.due,
        end=t.due + dt.timedelta(days=1),
        status=icalendar.STATUS.CANCELLED if cancelled else icalendar.STATUS.CONFIRMED,
        transparency=icalendar.TRANSP.TRANSPARENT,
        **common,
    )
    before = t.status is TaskStatus.UNKNOWN
    rendered = (b"" if before else bytes(todo.to_ical())) + bytes(deadline.to_ical())
    return add_alarms(rendered) if alarm and wants_alarm(t, meeting) else rendered


def render_commission(c: CommissionView) -> bytes:
    """An assignment (uppdrag) as a VTODO due on its time frame, and – since Google and
    iOS ignore VTODO – an all-day "Tidsram:" event that day; its SEQUENCE counts the
    status reports, its stamps are when it last changed.

    A restricted assignment reaches its owner's (private) feed with its time frame and
    status only – no title or text that a calendar service would store – and
    CLASS:CONFIDENTIAL; the details are on the owner's page."""
    restricted = c.publicity is Publicity.BEGRANSAD
    if restricted:
        name = "Uppdrag med begränsad offentlighet"
        frame = "Tidsram för uppdrag med begränsad offentlighet"
    else:
        title = printable(c.title) or "Uppdrag"
        name, frame = f"Uppdrag: {title}", f"Tidsram: {title}"
    late = c.status is CommissionStatus.FORSENAT
    done, cancelled = c.status is CommissionStatus.KLART, c.status is CommissionStatus.AVBRUTET
    changed = c.updated_at or dt.datetime.combine(c.decided_on, dt.time(0), tzinfo=STOCKHOLM)
    report = (
        f"\nSenaste rapport: {printable(c.last_report)}" if c.last_report and not restricted else ""
    )
    what = (
        "Uppdraget har begränsad offentlighet; detaljerna finns på din personliga sida"
        if restricted
        else printable(c.decision)
    )
    common: dict[str, Any] = {
        "sequence": c.reports,
        "stamp": changed.astimezone(dt.UTC),
        "last_modified": changed.astimezone(dt.UTC),
        "categories": ["uppdrag"],
        "description": (
            f"Uppdrag från {printable(c.body)} {format_date(c.decided_on)}: "
            f"{what}.\nÄgare: {printable(c.owner)}.\n"
            f"Tidsram: {format_date(c.due)}.\nStatus: {c.status.value}.{report}"
        ),
    }
    if restricted:
        common["classification"] = icalendar.CLASS.CONFIDENTIAL
    todo = Todo.new(
        uid=commission_uid(c.id),
        summary=f"{'Försenat: ' if late else ''}{name}",
        status=(
            icalendar.STATUS.CANCELLED
            if cancelled
            else icalendar.STATUS.COMPLETED
            if done
            else icalendar.STATUS.IN_PROCESS
            if c.status is CommissionStatus.PAGAR
            else icalendar.STATUS.NEEDS_ACTION
        ),
        **common,
    )
    todo.add("due", c.due)
    if done:
        todo.add("percent-complete", 100)
    deadline = Event.new(
        uid=commission_deadline_uid(c.id),
        summary=f"{'Avbrutet: ' if cancelled else 'Försenat: ' if late else ''}{frame}",
        start=c.due,
        end=c.due + dt.timedelta(days=1),
        status=icalendar.STATUS.CANCELLED if cancelled else icalendar.STATUS.CONFIRMED,
        transparency=icalendar.TRANSP.TRANSPARENT,
        **common,
    )
    return bytes(todo.to_ical()) + bytes(deadline.to_ical())


def wants_alarm(t: PublishedTask, meeting: PublishedMeeting) -> bool:
    """Whether a personal feed gives the task its alarms: open ones only (not late, done
    or cancelled ones, nor those of a cancelled meeting)."""
    return t.status is TaskStatus.OPEN and not meeting.cancelled


_END_TODO, _END_EVENT = b"END:VTODO\r\n", b"END:VEVENT\r\n"
_ALARM_DUE = bytes(_reminder(related_to_due=True).to_ical())
_ALARM_START = bytes(_reminder(related_to_due=False).to_ical())


def add_alarms(rendered: bytes) -> bytes:
    """A rendered task (its VTODO, then its deadline VEVENT) with the VALARM of each put
    in before its END line – the bytes icalendar writes for the components with the
    alarm added, without rendering the task a second time for the personal feeds."""
    if not rendered:
        return rendered  # a task that could not be rendered stays out
    todo = rendered.index(_END_TODO)
    event = rendered.rindex(_END_EVENT)
    return rendered[:todo] + _ALARM_DUE + rendered[todo:event] + _ALARM_START + rendered[event:]


def calendar_frame(name: str, description: str) -> tuple[bytes, bytes]:
    """The VCALENDAR around a feed's components: properties and the VTIMEZONE, as
    (head, tail) bytes to put the rendered components between.

    No UID at the calendar level (RFC 7986 allows one): vdirsyncer, and khal and
    Evolution-style stores after it, take the first UID line of a feed for every item
    in it and kept one item of each feed."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    # Names and descriptions are TEXT (RFC 5545 3.3.11; an X- property's default type
    # is TEXT too), so their commas and semicolons must be escaped: icalendar escapes
    # a vText, but Calendar.new wrote X-WR-CALNAME, X-WR-CALDESC and NAME as they came.
    # ical.js knows neither NAME (RFC 7986) nor the X- names and hands their text back
    # still escaped ("tider\, platser") unless the line says VALUE=TEXT.
    title = printable(name) or "Årshjul"
    about = printable(description)
    texts = [("name", title), ("x-wr-calname", title)]
    if about:
        texts += [("description", about), ("x-wr-caldesc", about)]
    for key, value in texts:
        typed = {} if key == "description" else {"VALUE": "TEXT"}
        calendar.add(key, icalendar.vText(value), parameters=typed)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT4H")  # MS-OXCICAL: a duration, as REFRESH-INTERVAL
    calendar.add("x-wr-timezone", TZID)
    text = bytes(calendar.to_ical())
    assert text.endswith(_END)
    return text[: -len(_END)] + STOCKHOLM_VTIMEZONE, _END


def calendar_frame_tail() -> bytes:
    """The end of every frame (what :func:`calendar_frame` gives second)."""
    return _END


# Europe/Stockholm as the EU has kept it since 1996 (summer time from the last Sunday of
# March, 02.00, to the last Sunday of October, 03.00), written as yearly rules – the
# form Outlook, Google and Apple write themselves. icalendar's own zone lists each change
# as an RDATE; ical.js (Thunderbird) read those wrongly and put late-October meetings an
# hour off, and the range COMMENT it adds on the VTIMEZONE failed libical's check.
STOCKHOLM_VTIMEZONE = (
    b"BEGIN:VTIMEZONE\r\n"
    b"TZID:Europe/Stockholm\r\n"
    b"X-LIC-LOCATION:Europe/Stockholm\r\n"
    b"BEGIN:DAYLIGHT\r\n"
    b"TZOFFSETFROM:+0100\r\n"
    b"TZOFFSETTO:+0200\r\n"
    b"TZNAME:CEST\r\n"
    b"DTSTART:19700329T020000\r\n"
    b"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    b"END:DAYLIGHT\r\n"
    b"BEGIN:STANDARD\r\n"
    b"TZOFFSETFROM:+0200\r\n"
    b"TZOFFSETTO:+0100\r\n"
    b"TZNAME:CET\r\n"
    b"DTSTART:19701025T030000\r\n"
    b"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    b"END:STANDARD\r\n"
    b"END:VTIMEZONE\r\n"
)


def compose(frame: tuple[bytes, bytes], components: Iterable[bytes]) -> bytes:
    """A whole feed: the frame with the (already rendered) components inside."""
    head, tail = frame
    return head + b"".join(components) + tail
