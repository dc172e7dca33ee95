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
