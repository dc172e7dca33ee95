"""Stockholm wall-clock time: the zone, the years the engine plans, and admin input.

Every meeting time is Europe/Stockholm wall-clock time; an admin types times and months
the way the CLI's help shows them, and this module turns that text into aware values or
one Swedish error. Nothing here reads the clock: callers pass ``now`` in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from zoneinfo import ZoneInfo

from .errors import PlanError

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The holiday calendar and the planner are meant for these years; nothing outside is
# a plausible plan, and a typo such as 20277 should be refused, not planned.
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_RANGE = f"året måste ligga mellan {FIRST_YEAR} och {LAST_YEAR}"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# the shape of a local time as the help shows it, to tell a mistyped one from a date or
# clock time that does not exist (30 February, 25.00)
_MOMENT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-].*)?"
)


def check_year(year: int, *, field: str = "year") -> int:
    """Return ``year`` when the engine plans it, else raise a Swedish error.

    Example:
        >>> check_year(2027)
        2027
        >>> check_year(1850)
        Traceback (most recent call last):
        ...
        cycle.errors.PlanError: fält year: året måste ligga mellan 2000 och 2100 (värde: 1850)
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PlanError(YEAR_RANGE, field=field, value=year)
    return year


def parse_month(text: str, *, field: str = "month") -> tuple[int, int]:
    """``"2027-03"`` -> ``(2027, 3)``, or a Swedish error.

    Example:
        >>> parse_month("2027-03")
        (2027, 3)
    """
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PlanError("månaden ska skrivas ÅÅÅÅ-MM, t.ex. 2027-03", field=field, value=text)
    return check_year(int(match.group(1)), field=field), int(match.group(2))


def parse_local(text: str, *, field: str = "start") -> dt.datetime:
    """``"2027-03-05T09:00"`` in Stockholm wall time -> an aware datetime, or a Swedish error.

    A time with an explicit offset is converted to Stockholm time.

    Example:
        >>> parse_local("2027-03-05T09:00").isoformat()
        '2027-03-05T09:00:00+01:00'
    """
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise PlanError(_why_not(text), field=field, value=text) from None
    moment = moment.astimezone(STOCKHOLM) if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)
    check_year(moment.year, field=field)
    return moment


def _why_not(text: str) -> str:
    """Why ``text`` is no local time: written in another form, or written right but
    naming a day or a clock time that does not exist.

    Example:
        >>> _why_not("2027-02-30T09:30")
        'det datumet finns inte: februari 2027 har 28 dagar'
        >>> _why_not("2027-03-05T25:00")
        'den tiden finns inte: timmen ska vara 00–23 och minuten 00–59'
        >>> _why_not("5 mars")
        'tiden ska skrivas ÅÅÅÅ-MM-DDTTT:MM, t.ex. 2027-03-05T09:00'
    """
    shape = _MOMENT.fullmatch(text.strip())
    if shape is None:
        return "tiden ska skrivas ÅÅÅÅ-MM-DDTTT:MM, t.ex. 2027-03-05T09:00"
    year, month, day, hour, minute = (int(g) for g in shape.groups())
    impossible = missing_date(year, month, day)
    if impossible is not None:
        return impossible
    if hour > 23 or minute > 59:
        return "den tiden finns inte: timmen ska vara 00–23 och minuten 00–59"
    return "tiden ska skrivas ÅÅÅÅ-MM-DDTTT:MM, t.ex. 2027-03-05T09:00"


def missing_date(year: int, month: int, day: int) -> str | None:
    """Why year-month-day is no date, in Swedish, or None when it is one – for a date
    typed in the right form that the calendar does not have (30 February).

    Example:
        >>> missing_date(2027, 2, 30)
        'det datumet finns inte: februari 2027 har 28 dagar'
        >>> missing_date(2027, 13, 1)
        'det datumet finns inte: månaden ska vara 01–12'
        >>> missing_date(2028, 2, 29) is None
        True
    """
    if not 1 <= month <= 12:
        return "det datumet finns inte: månaden ska vara 01–12"
    days = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31
    if not 1 <= day <= days:
        return f"det datumet finns inte: {MONTHS[month - 1]} {year} har {days} dagar"
    return None


MONTHS = (  # the Swedish month names, January first (the wheel and the poster too)
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def local_date(moment: dt.datetime) -> dt.date:
    """The Stockholm calendar date of an aware moment.

    Example:
        >>> local_date(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC))
        datetime.date(2027, 1, 1)
    """
    return moment.astimezone(STOCKHOLM).date()
