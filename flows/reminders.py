"""The send-reminders flow: which tasks are due soon, for whom.

Until the e-mail component lands (its own issue) this flow only lists the reminders; it
already decides *what* is due, so mail delivery can slot in as one more step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow

from cycle import PlanError, swedish_calendar
from cycle.swedish import format_date
from models.database import read_session
from models.processes import open_tasks_due_by

from .catalogue import parse_local
from .runtime import audited, engine_for, io_task, local_today, run_moment, run_name
from .settings import Settings

# Remind this many working days ahead; overdue tasks are always included.
DEFAULT_LOOKAHEAD = 3


@io_task("läs-förfallna-uppgifter")
def read_due(database_url: str, until: dt.date) -> list[dict[str, Any]]:
    """Open tasks due by ``until`` with their assignees, as plain rows."""
    with read_session(engine_for(database_url)) as session:
        return [
            {
                "task": t.id,
                "title": t.title,
                "due": t.due.isoformat(),
                "meeting": m.title,
                "people": [p.name for p in people],
            }
            for t, m, people in open_tasks_due_by(session, until)
        ]


@flow(name="send-reminders", flow_run_name=run_name("Påminnelser {now}", now="nu"))
def send_reminders_flow(
    now: str | None = None, lookahead: int = DEFAULT_LOOKAHEAD
) -> dict[str, Any]:
    """List the open tasks due within ``lookahead`` working days (and overdue ones)."""
    settings = Settings.load()
    moment = parse_local(now, "now") if now else run_moment()
    if not 0 <= lookahead <= 60:
        raise PlanError("lookahead ska vara 0–60 arbetsdagar", field="lookahead", value=lookahead)
    today = local_today(moment)
    calendar = swedish_calendar(range(today.year - 1, today.year + 2))
    until = calendar.add_working_days(today, lookahead, avoid_klamdagar=False)
    with audited("send-reminders", {"now": now, "lookahead": lookahead}, settings) as record:
        due = read_due(settings.database_url, until)
        record.message = f"{len(due)} påminnelser t.o.m. {format_date(until)} (endast listade)"
    return {"until": until.isoformat(), "reminders": due}
