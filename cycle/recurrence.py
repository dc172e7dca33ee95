"""RFC 5545 recurrence rules, restricted to what a meeting series needs.

A series gives its time of day separately (``start``), and the plan is always asked for
one calendar year, so rules may not carry DTSTART, COUNT, UNTIL or sub-day parts.
"""

from __future__ import annotations

import datetime as dt

from dateutil.rrule import rrule, rrulestr

_ALLOWED_FREQ = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}
_FORBIDDEN_PARTS = {"DTSTART", "COUNT", "UNTIL", "BYHOUR", "BYMINUTE", "BYSECOND"}


def check_rrule(text: str) -> str | None:
    """Return a Swedish description of what is wrong with ``text``, or ``None`` if it is usable.

    Example:
        >>> check_rrule("FREQ=MONTHLY;BYDAY=1FR") is None
        True
        >>> check_rrule("FREQ=HOURLY")
        'frekvensen HOURLY stöds inte; använd YEARLY, MONTHLY, WEEKLY eller DAILY'
    """
    if not text.strip():
        return "regeln är tom"
    parts: dict[str, str] = {}
    for chunk in text.strip().removeprefix("RRULE:").split(";"):
        name, sep, value = chunk.partition("=")
        if not sep or not name or not value:
            return f"delen {chunk!r} har inte formen NAMN=VÄRDE"
        parts[name.upper()] = value
    freq = parts.get("FREQ")
    if freq is None:
        return "FREQ saknas"
    if freq.upper() not in _ALLOWED_FREQ:
        return f"frekvensen {freq} stöds inte; använd YEARLY, MONTHLY, WEEKLY eller DAILY"
    if forbidden := sorted(_FORBIDDEN_PARTS & parts.keys()):
        return (
            f"{', '.join(forbidden)} får inte anges: året och klockslaget "
            "kommer från planen och fältet start"
        )
    try:
        _compile(text, dt.datetime(2000, 1, 1))
    except (ValueError, TypeError) as error:
        return f"ogiltig RRULE ({error})"
    return None


def _compile(text: str, dtstart: dt.datetime) -> rrule:
    rule = rrulestr(text.strip().removeprefix("RRULE:"), dtstart=dtstart)
    if not isinstance(rule, rrule):  # rrulestr returns an rruleset for multi-rule text
        raise ValueError("endast en regel per serie")
    return rule


def expand_rrule(text: str, year: int) -> tuple[dt.date, ...]:
    """Dates in ``year`` produced by a rule anchored on 1 January of that year.

    Anchoring every year on 1 January keeps each year's plan independent of the others,
    so re-planning one year never shifts another.

    Example:
        >>> expand_rrule("FREQ=YEARLY;BYMONTH=3,9;BYDAY=2TH", 2027)
        (datetime.date(2027, 3, 11), datetime.date(2027, 9, 9))
    """
    start = dt.datetime(year, 1, 1)
    end = dt.datetime(year, 12, 31, 23, 59)
    return tuple(d.date() for d in _compile(text, start).between(start, end, inc=True))
