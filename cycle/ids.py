"""Stable identifiers derived from what a thing *is*, never from when it was computed.

Re-planning a year yields the same ids, so stored rows, calendar UIDs and reminder keys
all survive a re-plan; a moved meeting keeps its id because the id rests on the date
the rule gave (the original date), not on where the meeting ended up.
"""

from __future__ import annotations

import datetime as dt
import uuid

# Fixed namespace for uuid5; changing it would change every id ever issued.
NAMESPACE = uuid.UUID("5b1f0a52-6f0e-4c59-9a53-2f6c1d7d0a11")


def meeting_id(organisation: str, series: str, original_date: dt.date) -> str:
    """Id of the meeting that ``series`` of ``organisation`` has on ``original_date``.

    Example:
        >>> a = meeting_id("varmland", "direktorsberedningen", dt.date(2027, 3, 3))
        >>> a == meeting_id("varmland", "direktorsberedningen", dt.date(2027, 3, 3))
        True
        >>> a == meeting_id("varmland", "direktorsberedningen", dt.date(2027, 3, 4))
        False
    """
    return stable_id(organisation, series, original_date.isoformat())


def task_id(meeting: str, step: str) -> str:
    """Id of preparation step ``step`` of meeting ``meeting``."""
    return stable_id(meeting, step)


def stable_id(*parts: object) -> str:
    """A uuid5 over ``parts`` joined by "/", so re-running a process finds the rows it
    made before (priorities, follow-ups, agenda items, assignments).

    Example:
        >>> stable_id("varmland", 2027, "prioritering", "Vård") == stable_id(
        ...     "varmland", 2027, "prioritering", "Vård")
        True
    """
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))
