"""Other calendars' events as busy periods: iCalendar text in, :class:`BusyPeriod` out.

An all-day event blocks its whole days in Stockholm; a timed one its hours (a floating
time is Stockholm wall time, as the people who wrote it meant). Recurring events are
expanded with ``recurring-ical-events``; cancelled ones are left out.
"""

from __future__ import annotations

import datetime as dt

import icalendar
import recurring_ical_events

from cycle.busy import BusyPeriod
from cycle.errors import PlanError
from cycle.times import STOCKHOLM


def busy_periods(
    text: str | bytes, calendar: str, first: dt.date, last: dt.date, *, source: str
) -> list[BusyPeriod]:
    """The events of iCalendar ``text`` between ``first`` and ``last`` (inclusive) as busy
    periods of ``calendar``.

    Raises:
        PlanError: the text is not iCalendar, naming ``source``.

    Example:
        >>> ics = ("BEGIN:VCALENDAR\\r\\nVERSION:2.0\\r\\nPRODID:x\\r\\nBEGIN:VEVENT\\r\\n"
        ...        "UID:a\\r\\nDTSTAMP:20260101T000000Z\\r\\nSUMMARY:Sportlov\\r\\n"
        ...        "DTSTART;VALUE=DATE:20270301\\r\\nDTEND;VALUE=DATE:20270306\\r\\n"
        ...        "END:VEVENT\\r\\nEND:VCALENDAR\\r\\n")
        >>> [(p.title, p.start.date().isoformat(), p.end.date().isoformat())
        ...  for p in busy_periods(ics, "skollov", dt.date(2027, 1, 1), dt.date(2027, 12, 31),
        ...                        source="skollov.ics")]
        [('Sportlov', '2027-03-01', '2027-03-06')]
    """
    try:
        parsed = icalendar.Calendar.from_ical(text)
        events = recurring_ical_events.of(parsed).between(first, last + dt.timedelta(days=1))
        found = [_period(calendar, e) for e in events if _counts(e)]
    except PlanError:
        raise
    except Exception:  # icalendar and its expander raise many kinds
        raise PlanError("kalendern går inte att läsa som iCalendar", source=source) from None
    return sorted(found, key=lambda p: (p.start, p.end, p.title))


def _counts(event: icalendar.cal.Component) -> bool:
    return event.name == "VEVENT" and str(event.get("STATUS", "")).upper() != "CANCELLED"


def _period(calendar: str, event: icalendar.cal.Component) -> BusyPeriod:
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND") if "DTEND" in event else None
    if end is None and "DURATION" in event:
        end = start + event.decoded("DURATION")
    if not isinstance(start, dt.datetime):  # an all-day event: whole days, end exclusive
        end = end if end is not None and end > start else start + dt.timedelta(days=1)
        return BusyPeriod(
            calendar,
            _title(event),
            _midnight(start),
            _midnight(end),
        )
    start = _aware(start)
    stop = _aware(end) if isinstance(end, dt.datetime) else start
    return BusyPeriod(calendar, _title(event), start, max(stop, start))


def _title(event: icalendar.cal.Component) -> str:
    return str(event.get("SUMMARY", "")).strip() or "upptaget"


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=STOCKHOLM)


def _aware(moment: dt.datetime) -> dt.datetime:
    """Floating times are Stockholm wall time, as the people who wrote them meant."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)).astimezone(STOCKHOLM)
