"""RFC 5545 recurrence rules, restricted to what a meeting series needs.

A series gives its time of day separately (``start``), and the plan is always asked for
one calendar year, so rules may not carry DTSTART, COUNT, UNTIL or sub-day parts.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil.rrule import rrule, rrulestr

from .suggestions import did_you_mean

_ALLOWED_FREQ = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}
# the largest value of each numeric part (RFC 5545 3.3.10); all but INTERVAL may be negative
_NUMBER_PARTS = {
    "INTERVAL": 1000,
    "BYMONTH": 12,
    "BYMONTHDAY": 31,
    "BYYEARDAY": 366,
    "BYWEEKNO": 53,
    "BYSETPOS": 366,
}
_KNOWN_PARTS = {"FREQ", "BYDAY", "WKST", *_NUMBER_PARTS}
_WEEKDAY = re.compile(r"^[+-]?(?:[1-9]|[1-4]\d|5[0-3])?(MO|TU|WE|TH|FR|SA|SU)$")
_NUMBER = re.compile(r"^[+-]?\d+$")
WEEKDAYS_HELP = "MO, TU, WE, TH, FR, SA eller SU, med ordningstal före (3TH = tredje torsdagen)"
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
    if problem := _check_parts(parts):
        return problem
    try:
        _compile(text, dt.datetime(2000, 1, 1))
    except (ValueError, TypeError):  # what the checks above missed; dateutil says it in English
        return "regeln går inte att tolka"
    return None


def _check_parts(parts: dict[str, str]) -> str | None:
    """What dateutil would refuse in English, said in Swedish and naming the part.

    Example:
        >>> print(_check_parts({"FREQ": "MONTHLY", "BYDAY": "3TI"}))  # doctest: +ELLIPSIS
        BYDAY: '3TI' är ingen veckodag; skriv MO, TU, WE, TH, FR, SA eller SU, med ...
        >>> _check_parts({"FREQ": "MONTHLY", "BYDAYS": "1FR"})
        "okänd del 'BYDAYS'; menade du BYDAY?"
        >>> _check_parts({"FREQ": "YEARLY", "BYMONTH": "13"})
        "BYMONTH: '13' ska vara ett heltal från 1 till 12"
    """
    for name, value in parts.items():
        if name not in _KNOWN_PARTS:
            return f"okänd del {name!r}{did_you_mean(name, sorted(_KNOWN_PARTS))}"
        for item in value.split(","):
            if name == "BYDAY" and not _WEEKDAY.match(item.upper()):
                return f"BYDAY: {item!r} är ingen veckodag; skriv {WEEKDAYS_HELP}"
            if name == "WKST" and item.upper() not in {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}:
                return f"WKST: {item!r} är ingen veckodag; skriv MO, TU, WE, TH, FR, SA eller SU"
            if name in _NUMBER_PARTS:
                top = _NUMBER_PARTS[name]
                low = 1 if name in ("INTERVAL", "BYMONTH") else -top
                if not _NUMBER.match(item) or not low <= int(item) <= top or int(item) == 0:
                    not_zero = " (inte 0)" if low < 0 else ""
                    return f"{name}: {item!r} ska vara ett heltal från {low} till {top}{not_zero}"
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
