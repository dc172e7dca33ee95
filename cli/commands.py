"""Every command of ``arshjul``, in the order ``--help`` lists them."""

from __future__ import annotations

from . import database, feeds, meetings, plan, reminders, runs, tasks, yearly
from .arguments import Command

DESCRIPTION = (
    "Årshjul – årscykeln för regionala samverkansorgan: planera året, "
    "kör årshjulets flöden, publicera kalenderflöden och skicka påminnelser."
)

COMMANDS: tuple[Command, ...] = (
    *plan.COMMANDS[:2],  # plan, check
    *runs.COMMANDS,
    *meetings.COMMANDS,
    *yearly.COMMANDS,
    *database.COMMANDS,
    *reminders.COMMANDS,
    *tasks.COMMANDS,
    *feeds.COMMANDS,
    *plan.COMMANDS[2:],  # demo
)
