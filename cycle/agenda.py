"""Agenda items (ärenden) that people send in: when they may, what is accepted, who decides.

A meeting's chain says when items are asked for: the call-for-items step (``arenden``)
opens the call on its due day – or earlier, if the group marks it done earlier – and the
call closes when the kallelse step's day begins, since the kallelse carries the agenda.
Members and föredragande send items while the call is open; the people who hold those two
steps (the group that owns the chain) accept, reject with a reason, and order them. What
is accepted is the meeting's agenda.

Pure: the values, the window and the checks; ``today``/``now`` are passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import InputError
from .published import PublishedMeeting, PublishedTask
from .swedish import format_from
from .times import STOCKHOLM

CALL_STEP = "arenden"  # the chain step that asks for items
NOTICE_STEP = "kallelse"  # the chain step whose message carries the agenda
MAX_TITLE = 120
MAX_DESCRIPTION = 2000
MAX_LINK = 500
MAX_MINUTES = 240
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class ItemDraft:
    """A checked item as a person sent it."""

    title: str
    description: str
    presenter: str | None  # person key of the föredragande
    minutes: int | None
    link: str


@dataclass(frozen=True, slots=True)
class CallWindow:
    """When items may be sent for a meeting: from ``opens`` up to (not including)
    ``closes``, and who decides on them."""

    meeting: str
    opens: dt.datetime
    closes: dt.datetime
    coordinators: tuple[str, ...]

    def is_open(self, now: dt.datetime) -> bool:
        return self.opens <= now < self.closes

    @property
    def opening(self) -> str:
        """When the call opens, as a page words it: a call that opens with its day is
        "från torsdag 10 december 2026", not "… kl. 00.00"."""
        return format_from(self.opens)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=STOCKHOLM)


def call_window(meeting: PublishedMeeting, tasks: Iterable[PublishedTask]) -> CallWindow | None:
    """The meeting's call for items, or None when its chain asks for none (or it is
    cancelled).

    Example:
        >>> import datetime as dt
        >>> from cycle.status import MeetingStatus, TaskStatus
        >>> from cycle.definitions import SeriesKind
        >>> at = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
        >>> m = PublishedMeeting("m", "o", "o/b", "Råd", SeriesKind.MOTE,
        ...     at.replace(month=3), at.replace(month=3, hour=2), "", MeetingStatus.PLANNED,
        ...     0, at, at, dt.date(2027, 3, 1))
        >>> def task(step, day, who):
        ...     return PublishedTask(step, "m", "o", step, day, TaskStatus.OPEN, 0, at, at,
        ...                          assignees=who, step=step)
        >>> w = call_window(m, [task("arenden", dt.date(2027, 2, 8), ("o/a",)),
        ...                     task("kallelse", dt.date(2027, 2, 15), ("o/c",))])
        >>> w.opens.date(), w.closes.date(), w.coordinators
        (datetime.date(2027, 2, 8), datetime.date(2027, 2, 15), ('o/a', 'o/c'))
    """
    if meeting.cancelled:
        return None
    steps = {t.step: t for t in tasks if t.meeting == meeting.id}
    call = steps.get(CALL_STEP)
    if call is None:
        return None
    opens = _day_start(call.due)
    if call.done_at is not None:
        opens = min(opens, call.done_at)
    notice = steps.get(NOTICE_STEP)
    closes = _day_start(notice.due) if notice is not None else meeting.start
    people = dict.fromkeys((*call.assignees, *(notice.assignees if notice else ())))
    return CallWindow(meeting.id, opens, min(closes, meeting.start), tuple(people))


def may_send(person: str, meeting: PublishedMeeting, window: CallWindow) -> bool:
    """Members (everyone invited) and the coordinators may send items."""
    return person in window.coordinators or any(p == person for p, _ in meeting.invitations)


def _clean(text: str) -> str:
    # control characters have no place in a title or a description (they break e-mail
    # headers and iCalendar lines); newlines are kept in descriptions only
    return "".join(c for c in text if c in "\n\t" or c.isprintable()).strip()


def check_item(
    *,
    title: str,
    description: str,
    presenter: str | None,
    minutes: str,
    link: str,
    presenters: Iterable[str],
) -> ItemDraft:
    """An item as sent through a form, checked.

    Raises:
        InputError: with the Swedish message and the field that is wrong.

    Example:
        >>> check_item(title="  Budget ", description="", presenter=None, minutes="15",
        ...            link="", presenters=()).title
        'Budget'
        >>> check_item(title="", description="", presenter=None, minutes="", link="",
        ...            presenters=())
        Traceback (most recent call last):
        ...
        cycle.errors.InputError: fält titel: ärendet behöver en rubrik
    """
    title = " ".join(_clean(title).split())
    description = _clean(description).replace("\r\n", "\n")
    if not title:
        raise InputError("ärendet behöver en rubrik", field="titel")
    if len(title) > MAX_TITLE:
        raise InputError(f"rubriken får vara högst {MAX_TITLE} tecken", field="titel")
    if len(description) > MAX_DESCRIPTION:
        raise InputError(
            f"beskrivningen får vara högst {MAX_DESCRIPTION} tecken", field="beskrivning"
        )
    minutes_value: int | None = None
    if minutes.strip():
        if not minutes.strip().isdigit() or not 1 <= int(minutes) <= MAX_MINUTES:
            raise InputError(f"ange tiden i hela minuter, 1–{MAX_MINUTES}", field="minuter")
        minutes_value = int(minutes)
    link = link.strip()
    if link:
        parts = urlsplit(link)
        if len(link) > MAX_LINK or parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(
                f"länken ska börja med https:// (eller http://) och vara högst {MAX_LINK} tecken",
                field="länk",
            )
    if presenter and presenter not in set(presenters):
        raise InputError("välj en föredragande ur listan", field="föredragande")
    return ItemDraft(title, description, presenter or None, minutes_value, link)


def check_reason(reason: str) -> str:
    """A rejection's reason, which the sender is told.

    Raises:
        InputError: empty or too long.
    """
    reason = " ".join(_clean(reason).split())
    if not reason:
        raise InputError("skriv varför ärendet avslås; avsändaren får beskedet", field="skäl")
    if len(reason) > MAX_REASON:
        raise InputError(f"skälet får vara högst {MAX_REASON} tecken", field="skäl")
    return reason
