"""The yearly processes as pure functions: the January prioritisation's agenda, the
year-end follow-up's status tasks, and next year's assignments.

January prioritisation reads last year's follow-up and the assignments drafted for this
year; the year-end follow-up reads this year's priorities and initiatives, and drafts the
assignments that the next prioritisation reads – the wheel closes here. Nothing here
touches the database: ``models.yearly`` turns rows into these values and back, and
``calendars.reports`` writes the Markdown reports from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .decisions import CLOSED, CommissionView, Publicity
from .definitions import CycleDefinition
from .ids import stable_id, task_id
from .plan import PlannedTask, resolve_assignees
from .published import PublishedMeeting
from .swedish import format_date
from .times import local_date
from .workdays import WorkCalendar


class ItemKind(StrEnum):
    """What a follow-up is about."""

    PRIORITERING = "prioriterat område"
    SATSNING = "gemensam satsning"


class ItemStatus(StrEnum):
    """The year-end status of a priority or initiative, as reported by its owner; the
    value is the Swedish word users see and what is stored."""

    EJ_RAPPORTERAD = "ej rapporterad"
    ENLIGT_PLAN = "enligt plan"
    FORSENAD = "försenad"
    AVSLUTAD = "avslutad"
    AVBRUTEN = "avbruten"


# Work with these statuses is over; anything else carries on into next year.
FINISHED = frozenset({ItemStatus.AVSLUTAD, ItemStatus.AVBRUTEN})
# What an admin may report at year end ("ej rapporterad" is only the absence of a report).
REPORTABLE = tuple(s for s in ItemStatus if s is not ItemStatus.EJ_RAPPORTERAD)


class AssignmentStatus(StrEnum):
    """Where an assignment (uppdrag) for the coming year stands; the value is the Swedish
    word, stored as is. Only drafts are the year-end follow-up's to redraft."""

    DRAFT = "utkast"
    CLOSED = "avslutat"


@dataclass(frozen=True, slots=True)
class YearItem:
    """A priority area or joint initiative of one year, with its reported status."""

    id: str
    kind: ItemKind
    title: str
    description: str = ""
    parent: str | None = None  # the priority an initiative belongs to (its title)
    owner: str = ""
    status: ItemStatus = ItemStatus.EJ_RAPPORTERAD
    comment: str = ""


@dataclass(frozen=True, slots=True)
class AssignmentDraft:
    """An uppdrag for next year, keyed by the item it continues so re-drafting is stable."""

    id: str
    for_year: int
    title: str
    description: str
    origin: str  # the YearItem id


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


# ItemStatus reports are due this many working days before the follow-up meeting.
STATUS_OFFSET = -10


def plan_status_tasks(
    definition: CycleDefinition,
    meeting: PublishedMeeting,
    items: Sequence[YearItem],
    calendar: WorkCalendar,
) -> tuple[PlannedTask, ...]:
    """One "report the status" task per item, due before the follow-up ``meeting``, for
    those who prepare it.

    They go to whoever holds the first step of the meeting series' chain on the due date
    (the beredningsgrupp in the shipped files), so no extra configuration is needed.
    """
    series = definition.series_by_key(meeting.series)
    if series is None or series.chain is None or not items:
        return ()
    first = definition.chain(series.chain).steps[0]
    due = calendar.add_working_days(
        local_date(meeting.start),
        STATUS_OFFSET,
        avoid_klamdagar=definition.organisation.avoid_klamdagar,
    )
    people = resolve_assignees(definition, series, first, due)
    return tuple(
        PlannedTask(
            id=task_id(meeting.id, f"status-{item.id}"),
            meeting=meeting.id,
            step=f"status-{item.id}",
            title=f"Rapportera status: {item.title}",
            due=due,
            offset=STATUS_OFFSET,
            assignee=str(first.assignee),
            assignees=people,
        )
        for item in items
    )


def prioritisation_year(today: dt.date) -> int:
    """The year a January prioritisation run on ``today`` prepares: December's run is for
    next year; from January on, for this year.

    Example:
        >>> prioritisation_year(dt.date(2026, 12, 1)), prioritisation_year(dt.date(2027, 1, 4))
        (2027, 2027)
    """
    return today.year + 1 if today.month >= 7 else today.year


def draft_assignments(
    organisation: str,
    year: int,
    items: Sequence[YearItem],
    commissions: Sequence[CommissionView] = (),
) -> tuple[AssignmentDraft, ...]:
    """Assignments for ``year + 1``: continue what is unfinished, chase what is unreported,
    and finish the assignments decisions gave that are still open.

    Example:
        >>> item = YearItem("p1", ItemKind.PRIORITERING, "Kompetensförsörjning",
        ...                  status=ItemStatus.FORSENAD, comment="Upphandlingen drog ut på tiden")
        >>> draft_assignments("z", 2026, [item])[0].title
        'Fortsätt arbetet med Kompetensförsörjning'
    """
    drafts = []
    for item in items:
        if item.status in FINISHED:
            continue
        if item.status is ItemStatus.EJ_RAPPORTERAD:
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
    for c in commissions:
        if c.status in CLOSED:
            continue
        if c.publicity is Publicity.BEGRANSAD:  # drafts become agenda items: no details
            title = f"Slutför uppdrag {c.id[:8]} (begränsad offentlighet)"
            text = f"Uppdraget var {c.status.value} vid uppföljningen {year}."
        else:
            title = f"Slutför uppdraget: {c.title}"
            text = (
                f"Uppdraget från {c.body} {format_date(c.decided_on)} ({c.decision}) var "
                f"{c.status.value} vid uppföljningen {year}; tidsramen var {format_date(c.due)}."
            )
            if c.last_report:
                text += f" Senaste rapport: {c.last_report}"
        drafts.append(
            AssignmentDraft(stable_id(organisation, year + 1, c.id), year + 1, title, text, c.id)
        )
    return tuple(drafts)


def draft_prioritisation_agenda(
    year: int, followed_up: Sequence[YearItem], assignments: Sequence[OpenAssignment]
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
