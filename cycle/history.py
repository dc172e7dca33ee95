"""The past is frozen: what has happened stays as it happened.

A meeting is history once it has begun; a task once its due date has passed (Stockholm
time). No re-plan, rule change or flow creates, moves, cancels or renumbers history; a
late task may still be marked done (or cancelled with its meeting), and an admin may
correct history explicitly
(``arshjul meetings correct``), with a reason the audit log keeps. ``now`` is passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import HistoryError, PlanError
from .published import PublishedMeeting
from .status import MeetingStatus
from .swedish import format_date, format_time
from .times import STOCKHOLM, local_date


def meeting_has_begun(start: dt.datetime, now: dt.datetime) -> bool:
    """True once the meeting has begun: from then on it is history.

    Example:
        >>> start = dt.datetime(2027, 1, 7, 12, tzinfo=dt.UTC)
        >>> meeting_has_begun(start, start), meeting_has_begun(start, start - dt.timedelta(1))
        (True, False)
    """
    return start <= now


def task_is_past(due: dt.date, now: dt.datetime) -> bool:
    """True once the task's due date has passed in Stockholm: from then on it is history.

    Example:
        >>> task_is_past(dt.date(2027, 3, 1), dt.datetime(2027, 3, 1, 22, 30, tzinfo=dt.UTC))
        False
        >>> task_is_past(dt.date(2027, 3, 1), dt.datetime(2027, 3, 1, 23, 30, tzinfo=dt.UTC))
        True
    """
    return due < local_date(now)


UNDO_WINDOW = dt.timedelta(hours=24)  # how long a person may take back "klar"


def may_undo_done(done_at: dt.datetime | None, now: dt.datetime) -> bool:
    """A person who marked a task done may take it back for a while, even when its due
    date has passed: the mistake is theirs to correct, and it is still fresh.

    Example:
        >>> at = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)
        >>> may_undo_done(at, at + dt.timedelta(hours=23)), may_undo_done(at, at + UNDO_WINDOW)
        (True, False)
    """
    return done_at is not None and now < done_at + UNDO_WINDOW


def held_meeting_error(meeting: str, title: str, start: dt.datetime) -> HistoryError:
    """The one Swedish line that refuses a change to a meeting that has begun, and says
    how to correct history instead."""
    local = start.astimezone(STOCKHOLM)
    return HistoryError(
        f"{title} {format_date(local.date())} kl. {format_time(local)} ligger i det förflutna "
        "och ändras inte; rätta historiken med "
        f"`arshjul meetings correct {meeting} --reason …`",
        field="meeting",
        value=meeting,
    )


def past_task_error(task: str, title: str, due: dt.date) -> HistoryError:
    """The Swedish line that refuses a change to a task whose due date has passed."""
    return HistoryError(
        f"{title} skulle vara klar senast {format_date(due)} och ändras inte i efterhand "
        "(den kan bara markeras klar)",
        field="task",
        value=task,
    )


def dated_change_error(
    change_day: dt.date, meeting: str, title: str, start: dt.datetime, today: dt.date
) -> HistoryError:
    """The one Swedish line that refuses a rule dated in the past which would rewrite a
    meeting that has been held, naming both and the two ways forward."""
    local = start.astimezone(STOCKHOLM)
    return HistoryError(
        f"ändringen från {change_day.isoformat()} skulle skriva om {title} "
        f"{format_date(local.date())} kl. {format_time(local)}, som redan har hållits; "
        f"låt ändringen gälla från i dag ({today.isoformat()}) eller senare, eller rätta "
        f"historiken med `arshjul meetings correct {meeting} --reason …`",
        field="from",
        value=change_day.isoformat(),
    )


@dataclass(frozen=True, slots=True)
class Correction:
    """What an admin's correction of history writes to a meeting, and the note it keeps."""

    meeting: str
    values: dict[str, object]
    note: str


def plan_correction(
    meeting: PublishedMeeting,
    *,
    reason: str,
    now: dt.datetime,
    start: dt.datetime | None = None,
    location: str | None = None,
    cancelled: bool = False,
) -> Correction:
    """Correct a meeting that has been held: when it really began, where, or that it
    never took place. The meeting keeps its length; the note says it was corrected.

    Raises:
        PlanError: no reason, nothing to correct, or a meeting that has not begun (that
            is a move or a cancellation, not a correction).
    """
    why = reason.strip()
    if not why:
        raise PlanError("ange ett skäl till rättelsen", field="--reason")
    if not meeting_has_begun(meeting.start, now):
        raise PlanError(
            "mötet har inte hållits än; flytta det med `arshjul run reschedule-meeting` "
            "eller ställ in det med `arshjul run cancel-meeting`",
            field="meeting",
            value=meeting.id,
        )
    values: dict[str, object] = {}
    if start is not None:
        if start > now:
            raise PlanError("en rättelse gäller det som har hänt", field="--start")
        values |= {"start": start, "end": start + (meeting.end - meeting.start)}
    if location is not None:
        values["location"] = location
    if cancelled:
        values["status"] = MeetingStatus.CANCELLED
    if not values:
        raise PlanError("ange vad som ska rättas: --start, --location eller --cancelled")
    local = meeting.start.astimezone(STOCKHOLM)
    note = f"Rättat i efterhand (mötet {format_date(local.date())}): {why}"
    return Correction(meeting.id, values | {"note": note, "manual": True}, note)
