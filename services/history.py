"""Correct history: the one explicit way to change a meeting that has been held, with a
reason that the meeting keeps and the audit log records."""

from __future__ import annotations

import datetime as dt

from cycle import PlanError
from cycle.history import plan_correction
from models.audit import Outcome, finish_run, start_run
from models.published import meeting_by_id
from models.revisions import revise
from models.tables import Meeting

from .settings import Settings
from .storage import writing


def correct_meeting(
    settings: Settings,
    meeting: str,
    *,
    reason: str,
    now: dt.datetime,
    by: str,
    start: dt.datetime | None = None,
    location: str | None = None,
    cancelled: bool = False,
) -> str:
    """Correct a held meeting and log it, in one transaction; returns the note.

    Raises:
        PlanError: an unknown meeting, no reason, nothing to correct, or a meeting that
            has not been held.
    """
    with writing(settings) as session:
        found = meeting_by_id(session, meeting, now=now)
        row = session.get(Meeting, meeting)
        if found is None or row is None:
            raise PlanError(
                "okänt möte; se `arshjul meetings` för id:n", field="meeting", value=meeting
            )
        correction = plan_correction(
            found, reason=reason, now=now, start=start, location=location, cancelled=cancelled
        )
        revise(session, row, correction.values, now=now, correction=True)
        params = {
            "meeting": meeting,
            "reason": reason,
            "start": start.isoformat() if start else None,
            "location": location,
            "cancelled": cancelled,
        }
        run = start_run(
            session,
            flow="correct-meeting",
            parameters=params,
            triggered_by=f"CLI ({by})",
            prefect_run=None,
            now=now,
        )
        session.flush()
        finish_run(
            session,
            run,
            outcome=Outcome.SUCCEEDED,
            rows_changed=1,
            message=correction.note,
            now=now,
        )
    return correction.note
