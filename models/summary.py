"""The per-body summary of a planned year, for the table ``arshjul plan`` prints."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from cycle.status import MeetingStatus, TaskStatus

from .tables import Body, Meeting, Task


@dataclass(frozen=True, slots=True)
class BodySummary:
    """One row of the per-body summary of a year."""

    body: str
    meetings: int
    tasks: int
    moved_for_holidays: int
    cancelled: int


def summarise_year(session: Session, organisation: str, year: int) -> tuple[BodySummary, ...]:
    """Per body of ``organisation``: meetings, live tasks, holiday moves, cancellations.

    Bodies without meetings in ``year`` are left out; rows are sorted by body name.
    """
    meetings = session.exec(
        select(Meeting.body, Meeting.status, Meeting.moved_because, func.count())
        .where(Meeting.organisation == organisation, Meeting.year == year)
        .group_by(col(Meeting.body), col(Meeting.status), col(Meeting.moved_because))
    ).all()
    tasks = session.exec(
        select(Meeting.body, func.count())
        .join(Task, col(Task.meeting) == col(Meeting.id))
        .where(
            Meeting.organisation == organisation,
            Meeting.year == year,
            Task.status != TaskStatus.CANCELLED,
        )
        .group_by(Meeting.body)
    ).all()
    names = {
        b.key: b.name for b in session.exec(select(Body).where(Body.organisation == organisation))
    }
    counts: dict[str, list[int]] = {}
    for body, status, moved_because, n in meetings:
        row = counts.setdefault(body, [0, 0, 0, 0])
        if status == MeetingStatus.CANCELLED:
            row[3] += n
        else:
            row[0] += n
            row[2] += n if moved_because else 0
    for body, n in tasks:
        counts.setdefault(body, [0, 0, 0, 0])[1] += n
    return tuple(
        sorted(
            (
                BodySummary(names.get(body, body), m, t, moved, cancelled)
                for body, (m, t, moved, cancelled) in counts.items()
            ),
            key=lambda s: s.body,
        )
    )
