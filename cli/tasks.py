"""``arshjul tasks``: a person's preparation tasks, and marking one done."""

from __future__ import annotations

import getpass

from cycle import DefinitionError
from cycle.status import TaskGroup, task_group
from cycle.swedish import format_date
from cycle.times import local_date
from models.published import person_tasks
from services.people import known_person
from services.storage import reading
from services.tasks import tick_off

from .arguments import PUBLISHING, STORED, Command, Invocation, option
from .feeds import export_feeds


def tasks(call: Invocation) -> int:
    """``arshjul tasks --person ORG/ID`` and ``arshjul tasks done ID``."""
    a = call.args
    if a.done:
        if not a.task:
            raise DefinitionError("ange uppgiftens id: arshjul tasks done ID", field="ID")
        title, changed = tick_off(call.settings, a.task, by=getpass.getuser(), now=call.now)
        if not changed:
            call.say(f"{title} var redan klar; inget ändrades.")
            return 0
        call.say(f"Klar: {title}. Inga fler påminnelser om den.")
        return export_feeds(call)  # the feeds show it done at once
    if not a.person:
        raise DefinitionError("ange --person ORG/ID eller `done ID`", field="--person")
    with reading(call.settings) as session:
        known_person(session, a.person)
        rows = person_tasks(session, a.person, now=call.now, include_done=a.all)
    if not rows:
        call.say("Inga öppna uppgifter.")
    today = local_date(call.now)
    grouped: dict[TaskGroup, list[str]] = {}
    for task, meeting in rows:
        group = task_group(task.status, task.due, today)
        if group is not None:
            grouped.setdefault(group, []).append(
                f"  {task.id}  senast {format_date(task.due)}: {task.title} – "
                f"{meeting.title} {format_date(local_date(meeting.start))}"
            )
    for group in TaskGroup:  # late first, done and what came before Årshjul last
        if group not in grouped:
            continue
        if group is TaskGroup.BEFORE and not a.all:
            call.say(
                f"{group.label} ({len(grouped[group])}): sista dagen passerade innan "
                "Årshjul användes; om de blev gjorda är okänt (visa dem med --all)."
            )
            continue
        call.say(f"{group.label} ({len(grouped[group])}):")
        for line in grouped[group]:
            call.say(line)
    return 0


COMMANDS = (
    Command(
        "tasks",
        "visa eller klarmarkera förberedelseuppgifter",
        "`arshjul tasks --person ORG/ID` visar personens "
        "öppna uppgifter; `arshjul tasks done ID` markerar en uppgift klar, "
        "så att den inte påminns om mer.",
        (
            option("done", nargs="?", choices=["done"], help="markera en uppgift klar"),
            option("task", nargs="?", metavar="ID", help="uppgiftens id"),
            option("--person", metavar="ORG/ID", help="personen, t.ex. varmland/karin-axelsson"),
            option(
                "--all",
                action="store_true",
                help="visa även klara uppgifter och dem från före Årshjul",
            ),
            *STORED,
            *PUBLISHING,
        ),
        tasks,
    ),
)
