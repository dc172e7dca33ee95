"""An admin ticking a task off from the command line: done once, and in history once."""

from __future__ import annotations

import datetime as dt

from cycle import DefinitionError
from cycle.status import TaskStatus
from models.audit import log_act
from models.tables import Task
from models.tasks import complete_task

from .settings import Settings
from .storage import writing


def tick_off(settings: Settings, task: str, *, by: str, now: dt.datetime) -> tuple[str, bool]:
    """Mark ``task`` done; returns its title and whether that changed anything (a task
    already done stays as it was, and no second act is written).

    Raises:
        DefinitionError: no task has that id.
    """
    with writing(settings) as session:
        row = session.get(Task, task)
        if row is None:
            raise DefinitionError("okänd uppgift", field="ID", value=task)
        changed = row.status != TaskStatus.DONE
        title = complete_task(session, task, now=now) or row.title
        if changed:  # the act is in history, whoever ticks it off
            log_act(
                session,
                flow="task-done",
                parameters={"task": task},
                triggered_by=f"CLI ({by})",
                rows_changed=1,
                message=f"Klar: {title}",
                now=now,
            )
        return title, changed
