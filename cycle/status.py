"""Where a meeting or a task stands, with the Swedish word users see – in one place.

The values are what the database stores; ``label`` is what feeds, pages, e-mails and the
CLI show. Comparing against these members (never against text) keeps a renamed label
from silently changing behaviour.
"""

from __future__ import annotations

from enum import StrEnum


class MeetingStatus(StrEnum):
    """A meeting is planned on the rule's day, moved from it, or cancelled."""

    PLANNED = "planned"
    MOVED = "moved"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """The Swedish word, e.g. ``flyttat``.

        Example:
            >>> MeetingStatus.CANCELLED.label
            'inställt'
        """
        return _MEETING_LABELS[self]


class TaskStatus(StrEnum):
    """A preparation task is open until someone marks it done, or its meeting is cancelled."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """The Swedish word, e.g. ``klar``.

        Example:
            >>> TaskStatus.DONE.label
            'klar'
        """
        return _TASK_LABELS[self]


_MEETING_LABELS = {
    MeetingStatus.PLANNED: "planerat",
    MeetingStatus.MOVED: "flyttat",
    MeetingStatus.CANCELLED: "inställt",
}
_TASK_LABELS = {
    TaskStatus.OPEN: "öppen",
    TaskStatus.DONE: "klar",
    TaskStatus.CANCELLED: "inställd",
}
