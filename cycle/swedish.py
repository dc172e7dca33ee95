"""Swedish wording for dates and times, shared by plans, summaries, feeds and e-mails."""

from __future__ import annotations

import datetime as dt

import pendulum


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
