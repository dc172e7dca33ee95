"""Swedish wording for dates and times, shared by plans, summaries, feeds and e-mails.

Every moment shown to a person is Stockholm wall-clock time. Stored moments come back
from the database as UTC, so the formatters convert an aware datetime themselves: a
caller that forgets ``astimezone`` still shows 08.30, not the UTC 07.30.
"""

from __future__ import annotations

import datetime as dt

import pendulum

from .times import STOCKHOLM


def _local(moment: dt.datetime) -> dt.datetime:
    """``moment`` on the Stockholm clock; a naive value is taken as Stockholm time already."""
    return moment.astimezone(STOCKHOLM) if moment.tzinfo is not None else moment


def format_date(day: dt.date) -> str:
    """Long Swedish date, as officials write it in a kallelse.

    An aware datetime gives its Stockholm date (23.30 UTC on 31 December is 1 January).

    Example:
        >>> format_date(dt.date(2027, 3, 5))
        'fredag 5 mars 2027'
        >>> format_date(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC))
        'fredag 1 januari 2027'
    """
    if isinstance(day, dt.datetime):
        day = _local(day).date()
    return pendulum.date(day.year, day.month, day.day).format("dddd D MMMM YYYY", locale="sv")


def format_time(moment: dt.time | dt.datetime) -> str:
    """Swedish clock time with a full stop, e.g. ``08.30``; aware moments in Stockholm time.

    Example:
        >>> format_time(dt.time(8, 30))
        '08.30'
        >>> format_time(dt.datetime(2027, 1, 7, 7, 30, tzinfo=dt.UTC))
        '08.30'
        >>> format_time(dt.datetime(2027, 6, 7, 6, 30, tzinfo=dt.UTC))
        '08.30'
    """
    if isinstance(moment, dt.datetime):
        moment = _local(moment)
    return f"{moment.hour:02d}.{moment.minute:02d}"


def format_from(moment: dt.datetime) -> str:
    """When something begins, in Swedish time: a whole day (it begins at midnight) as
    its date alone – "från torsdag 10 december 2026", not "… kl. 00.00" – and any other
    moment as date and clock time.

    Example:
        >>> format_from(dt.datetime(2026, 12, 10, tzinfo=STOCKHOLM))
        'torsdag 10 december 2026'
        >>> format_from(dt.datetime(2026, 12, 9, 23, 0, tzinfo=dt.UTC))  # the same midnight
        'torsdag 10 december 2026'
        >>> format_from(dt.datetime(2026, 12, 10, 9, 30, tzinfo=STOCKHOLM))
        'torsdag 10 december 2026 kl. 09.30'
    """
    local = moment.astimezone(STOCKHOLM)
    if local.time() == dt.time(0):
        return format_date(local.date())
    return f"{format_date(local.date())} kl. {format_time(local)}"


def counted(n: int, one: str, many: str) -> str:
    """``n`` and the word that agrees with it: Swedish nouns and adjectives take their
    singular form for exactly one (*1 försenat uppdrag*, *2 försenade*), and a count
    that is worded by hand in every message gets it wrong somewhere.

    Args:
        n: the count.
        one: the word for exactly one, in the gender of what is counted ("försenat"
            for uppdrag and meddelanden, "försenad" for uppgifter).
        many: the word for zero or several.

    Example:
        >>> counted(1, "försenat", "försenade"), counted(2, "försenat", "försenade")
        ('1 försenat', '2 försenade')
        >>> counted(0, "uppgift", "uppgifter")
        '0 uppgifter'
    """
    return f"{n} {one if n == 1 else many}"


def format_moment(moment: dt.datetime) -> str:
    """Date and time as a kallelse words them, on the Stockholm clock.

    Example:
        >>> format_moment(dt.datetime(2027, 1, 7, 7, 30, tzinfo=dt.UTC))
        'torsdag 7 januari 2027 kl. 08.30'
        >>> format_moment(dt.datetime(2027, 4, 7, 6, 30, tzinfo=dt.UTC))
        'onsdag 7 april 2027 kl. 08.30'
    """
    return f"{format_date(moment)} kl. {format_time(moment)}"
