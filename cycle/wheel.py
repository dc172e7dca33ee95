"""The wheel's yearly processes as pure functions: prioritisation agenda, follow-up
status tasks and report, next year's assignments, the published priorities.

January prioritisation reads last year's follow-up and the assignments drafted for this
year; the year-end follow-up reads this year's priorities and initiatives, and drafts the
assignments that the next prioritisation reads. Nothing here touches the database: the
flows turn rows into these values and back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .definitions import CycleDefinition, Series
from .ids import NAMESPACE, task_id
from .plan import PlannedTask, resolve_assignees
from .swedish import format_date
from .workdays import WorkCalendar


class ItemKind(StrEnum):
    """What a follow-up is about."""

    PRIORITERING = "prioriterat område"
    SATSNING = "gemensam satsning"


class Status(StrEnum):
    """The year-end status of a priority or initiative, as reported by its owner."""

    EJ_RAPPORTERAD = "ej rapporterad"
    ENLIGT_PLAN = "enligt plan"
    FORSENAD = "försenad"
    AVSLUTAD = "avslutad"
    AVBRUTEN = "avbruten"


# Work with these statuses is over; anything else carries on into next year.
FINISHED = frozenset({Status.AVSLUTAD, Status.AVBRUTEN})


@dataclass(frozen=True, slots=True)
class WheelItem:
    """A priority area or joint initiative of one year, with its reported status."""

    id: str
    kind: ItemKind
    title: str
    description: str = ""
    parent: str | None = None  # the priority an initiative belongs to (its title)
    owner: str = ""
    status: Status = Status.EJ_RAPPORTERAD
    comment: str = ""


@dataclass(frozen=True, slots=True)
class AssignmentDraft:
    """An uppdrag for next year, keyed by the item it continues so re-drafting is stable."""

    id: str
    for_year: int
    title: str
    description: str
    origin: str  # the WheelItem id


@dataclass(frozen=True, slots=True)
class OpenAssignment:
    """An assignment the coming prioritisation must consider."""

    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class AgendaDraft:
    """An agenda item the prioritisation flow places on the January meeting."""

    key: str
    position: int
    title: str
    description: str
    source: str


def stable_id(*parts: object) -> str:
    """A uuid5 over ``parts``, so re-running a process finds the rows it made before."""
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


# Status reports are due this many working days before the follow-up meeting.
STATUS_OFFSET = -10


def plan_status_tasks(
    definition: CycleDefinition,
    series: Series,
    meeting: str,
    meeting_day: dt.date,
    items: Sequence[WheelItem],
    calendar: WorkCalendar,
) -> tuple[PlannedTask, ...]:
    """One "report the status" task per item, for those who prepare the follow-up meeting.

    They go to whoever holds the first step of the series' chain on the due date (the
    beredningsgrupp in the shipped files), so no extra configuration is needed.
    """
    if series.chain is None or not items:
        return ()
    first = definition.chain(series.chain).steps[0]
    due = calendar.add_working_days(
        meeting_day, STATUS_OFFSET, avoid_klamdagar=definition.organisation.avoid_klamdagar
    )
    people = resolve_assignees(definition, series, first, due)
    return tuple(
        PlannedTask(
            id=task_id(meeting, f"status-{item.id}"),
            meeting=meeting,
            step=f"status-{item.id}",
            title=f"Rapportera status: {item.title}",
            due=due,
            offset=STATUS_OFFSET,
            assignee=str(first.assignee),
            assignees=people,
        )
        for item in items
    )


def draft_assignments(
    organisation: str, year: int, items: Sequence[WheelItem]
) -> tuple[AssignmentDraft, ...]:
    """Assignments for ``year + 1``: continue what is unfinished, chase what is unreported.

    Example:
        >>> item = WheelItem("p1", ItemKind.PRIORITERING, "Kompetensförsörjning",
        ...                  status=Status.FORSENAD, comment="Upphandlingen drog ut på tiden")
        >>> draft_assignments("z", 2026, [item])[0].title
        'Fortsätt arbetet med Kompetensförsörjning'
    """
    drafts = []
    for item in items:
        if item.status in FINISHED:
            continue
        if item.status is Status.EJ_RAPPORTERAD:
            title = f"Följ upp status för {item.title}"
            text = (
                f"Ingen status rapporterades för {item.kind} {item.title!r} "
                f"vid uppföljningen {year}."
            )
        else:
            title = f"Fortsätt arbetet med {item.title}"
            text = f"Status vid uppföljningen {year}: {item.status}."
            if item.comment:
                text += f" {item.comment}"
        drafts.append(
            AssignmentDraft(
                stable_id(organisation, year + 1, item.id), year + 1, title, text, item.id
            )
        )
    return tuple(drafts)


def draft_prioritisation_agenda(
    year: int, followed_up: Sequence[WheelItem], assignments: Sequence[OpenAssignment]
) -> tuple[AgendaDraft, ...]:
    """The January meeting's agenda: last year's follow-up, open assignments, decisions.

    Example:
        >>> [a.title for a in draft_prioritisation_agenda(2027, [], [OpenAssignment("X")])]
        ['Uppföljning av 2026', 'Uppdrag inför 2027: X', 'Beslut om prioriterade områden 2027', \
'Beslut om gemensamma satsningar 2027']
    """
    previous = year - 1
    lines = [
        f"- {i.title} ({i.kind}): {i.status}" + (f" – {i.comment}" if i.comment else "")
        for i in followed_up
    ]
    summary = "\n".join(lines) if lines else f"Ingen uppföljning registrerad för {previous}."
    agenda = [
        AgendaDraft(
            "uppfoljning", 1, f"Uppföljning av {previous}", summary, f"uppföljning {previous}"
        )
    ]
    for n, a in enumerate(assignments, start=1):
        agenda.append(
            AgendaDraft(
                f"uppdrag-{n}-{a.title}",
                len(agenda) + 1,
                f"Uppdrag inför {year}: {a.title}",
                a.description,
                f"uppdrag {year}",
            )
        )
    for key, title in (
        ("beslut-prioriteringar", f"Beslut om prioriterade områden {year}"),
        ("beslut-satsningar", f"Beslut om gemensamma satsningar {year}"),
    ):
        agenda.append(AgendaDraft(key, len(agenda) + 1, title, "", f"prioritering {year}"))
    return tuple(agenda)


def render_follow_up_report(
    organisation: str,
    year: int,
    items: Sequence[WheelItem],
    drafts: Sequence[AssignmentDraft],
    meeting_day: dt.date | None,
) -> str:
    """The Swedish follow-up report (Markdown) that closes the year."""
    counts = {s: sum(1 for i in items if i.status is s) for s in Status}
    out = [f"# Uppföljning {year} – {organisation}", ""]
    if meeting_day is not None:
        out += [f"Behandlas på uppföljningsmötet {format_date(meeting_day)}.", ""]
    out += ["## Sammanfattning", ""]
    out += [f"- {s.capitalize()}: {n}" for s, n in counts.items() if n] or [
        "- Inget att följa upp."
    ]
    for kind, heading in (
        (ItemKind.PRIORITERING, "Prioriterade områden"),
        (ItemKind.SATSNING, "Gemensamma satsningar"),
    ):
        rows = [i for i in items if i.kind is kind]
        out += ["", f"## {heading}", ""]
        if not rows:
            out.append(f"Inga {heading.lower()} beslutades för {year}.")
            continue
        out += ["| Rubrik | Status | Kommentar |", "| --- | --- | --- |"]
        out += [f"| {_cell(i.title)} | {i.status} | {_cell(i.comment)} |" for i in rows]
    out += ["", f"## Uppdrag inför {year + 1}", ""]
    out += [f"- **{d.title}** – {d.description}" for d in drafts] or ["Inga nya uppdrag."]
    return "\n".join(out) + "\n"


def render_priorities(organisation: str, year: int, items: Sequence[WheelItem]) -> str:
    """The published list of decided priority areas and joint initiatives (Markdown)."""
    out = [f"# Prioriteringar {year} – {organisation}", ""]
    priorities = [i for i in items if i.kind is ItemKind.PRIORITERING]
    initiatives = [i for i in items if i.kind is ItemKind.SATSNING]
    out += ["## Prioriterade områden", ""]
    out += [
        f"{n}. **{p.title}**" + (f" – {p.description}" if p.description else "")
        for n, p in enumerate(priorities, start=1)
    ] or ["Inga beslutade ännu."]
    out += ["", "## Gemensamma satsningar", ""]
    for i in initiatives:
        extra = "; ".join(
            x
            for x in (
                f"inom {i.parent}" if i.parent else "",
                f"ansvarig: {i.owner}" if i.owner else "",
            )
            if x
        )
        out.append(
            f"- **{i.title}**"
            + (f" ({extra})" if extra else "")
            + (f" – {i.description}" if i.description else "")
        )
    if not initiatives:
        out.append("Inga beslutade ännu.")
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
