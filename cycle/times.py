"""Stockholm wall-clock time: the zone, the years the engine plans, and admin input.

Every meeting time is Europe/Stockholm wall-clock time; an admin types times and months
the way the CLI's help shows them, and this module turns that text into aware values or
one Swedish error. Nothing here reads the clock: callers pass ``now`` in.
"""

from __future__ import annotations

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
        raise PlanError(
            "tiden ska skrivas ÅÅÅÅ-MM-DDTTT:MM, t.ex. 2027-03-05T09:00", field=field, value=text
        ) from None
    moment = moment.astimezone(STOCKHOLM) if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)
    check_year(moment.year, field=field)
    return moment


def local_date(moment: dt.datetime) -> dt.date:
    """The Stockholm calendar date of an aware moment.

    Example:
        >>> local_date(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC))
        datetime.date(2027, 1, 1)
    """
    return moment.astimezone(STOCKHOLM).date()
