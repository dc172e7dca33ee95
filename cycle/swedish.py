"""Swedish wording for dates and times, shared by plans, summaries, feeds and e-mails."""

from __future__ import annotations

import datetime as dt

import pendulum

from .times import STOCKHOLM


def format_date(day: dt.date) -> str:
    """Long Swedish date, as officials write it in a kallelse.

    Example:
        >>> format_date(dt.date(2027, 3, 5))
        'fredag 5 mars 2027'
    """
    return pendulum.date(day.year, day.month, day.day).format("dddd D MMMM YYYY", locale="sv")


def format_time(moment: dt.time | dt.datetime) -> str:
    """Swedish clock time with a full stop, e.g. ``08.30``.

    Example:
        >>> format_time(dt.time(8, 30))
        '08.30'
    """
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
