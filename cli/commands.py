"""Every command of ``arshjul``, in the order ``--help`` lists them."""

from __future__ import annotations

from . import (
    archive,
    completion,
    database,
    decisions,
    feeds,
    forums,
    load,
    meetings,
    plan,
    reminders,
    runs,
    status,
    tasks,
    web,
    yearly,
)
from .arguments import Command

DESCRIPTION = (
    "Årshjul – årscykeln för regionala samverkansorgan: planera året, "
    "kör årshjulets flöden, publicera kalenderflöden och skicka påminnelser."
)
ORDER = (
    "status",
    "plan",
    "check",
    "run",
    "deploy",
    "serve",
    "history",
    "meetings",
    "load",
    "priorities",
    "followups",
    "decisions",
    "assignments",
    "report-assignment",
    "forum-invited",
    "forum-register",
    "archive",
    "archive-check",
    "archive-import",
    "db",
    "remind",
    "outbox",
    "tasks",
    "feeds",
    "web",
    "demo",
    "completion",
)
_BY_NAME = {
    c.name: c
    for group in (
        archive,
        plan,
        runs,
        meetings,
        load,
        yearly,
        decisions,
        forums,
        database,
        reminders,
        tasks,
        feeds,
        web,
        status,
        completion,
    )
    for c in group.COMMANDS
}
COMMANDS: tuple[Command, ...] = tuple(_BY_NAME[name] for name in ORDER)
