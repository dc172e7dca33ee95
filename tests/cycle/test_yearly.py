"""The yearly processes, pure: next year's assignments, the January agenda, the
follow-up's status tasks, and which year a prioritisation run prepares."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from cycle import CycleDefinition, WorkCalendar, plan_year
from cycle.yearly import (
    ItemKind,
    ItemStatus,
    OpenAssignment,
    YearItem,
    draft_assignments,
    draft_prioritisation_agenda,
    plan_status_tasks,
    prioritisation_year,
)
from tests.cycle.test_meetings import stored

PRIO = YearItem("p1", ItemKind.PRIORITERING, "Kompetensförsörjning")
INIT = YearItem("i1", ItemKind.SATSNING, "Kompetensplattform", parent="Kompetensförsörjning")


@pytest.mark.parametrize(
    ("status", "comment", "title", "text"),
    [
        (
            ItemStatus.EJ_RAPPORTERAD,
            "",
            "Följ upp status för Kompetensförsörjning",
            "Ingen status rapporterades för prioriterat område 'Kompetensförsörjning' "
            "vid uppföljningen 2026.",
        ),
        (
            ItemStatus.FORSENAD,
            "Upphandlingen drog ut",
            "Fortsätt arbetet med Kompetensförsörjning",
            "Status vid uppföljningen 2026: försenad. Upphandlingen drog ut",
        ),
        (
            ItemStatus.ENLIGT_PLAN,
            "",
            "Fortsätt arbetet med Kompetensförsörjning",
            "Status vid uppföljningen 2026: enligt plan.",
        ),
    ],
)
def test_unfinished_work_becomes_next_years_assignment(
    status: ItemStatus, comment: str, title: str, text: str
) -> None:
    item = YearItem(PRIO.id, PRIO.kind, PRIO.title, status=status, comment=comment)
    (draft,) = draft_assignments("jh", 2026, [item])
    assert (draft.for_year, draft.title, draft.description, draft.origin) == (
        2027,
        title,
        text,
        "p1",
    )


def test_finished_work_gives_no_assignment_and_ids_are_stable() -> None:
    done = [
        YearItem("a", ItemKind.PRIORITERING, "A", status=ItemStatus.AVSLUTAD),
        YearItem("b", ItemKind.SATSNING, "B", status=ItemStatus.AVBRUTEN),
    ]
    assert draft_assignments("jh", 2026, done) == ()
    first = draft_assignments("jh", 2026, [PRIO, INIT])
    assert first == draft_assignments("jh", 2026, [PRIO, INIT])
    assert len({d.id for d in first}) == 2
    assert first[0].id != draft_assignments("jh", 2027, [PRIO])[0].id


def test_the_january_agenda_reads_last_years_follow_up_then_decides() -> None:
    followed = [
        YearItem("p", ItemKind.PRIORITERING, "Vård", status=ItemStatus.FORSENAD, comment="Brist"),
        INIT,
    ]
    agenda = draft_prioritisation_agenda(
        2027, followed, [OpenAssignment("Fortsätt med Vård", "Från 2026")]
    )
    assert [(a.position, a.title, a.source) for a in agenda] == [
        (1, "Uppföljning av 2026", "uppföljning 2026"),
        (2, "Uppdrag inför 2027: Fortsätt med Vård", "uppdrag 2027"),
        (3, "Beslut om prioriterade områden 2027", "prioritering 2027"),
        (4, "Beslut om gemensamma satsningar 2027", "prioritering 2027"),
    ]
    assert agenda[0].description == (
        "- Vård (prioriterat område): försenad – Brist\n"
        "- Kompetensplattform (gemensam satsning): ej rapporterad"
    )
    assert agenda[1].description == "Från 2026"
    assert len({a.key for a in agenda}) == len(agenda)  # keys stay apart: stable rows
    empty = draft_prioritisation_agenda(2027, [], [])
    assert empty[0].description == "Ingen uppföljning registrerad för 2026."
    assert len(empty) == 3


def test_status_tasks_go_to_the_first_step_ten_working_days_before(
    mini: Callable[..., CycleDefinition], calendar: WorkCalendar
) -> None:
    definition = mini()
    meeting = stored(plan_year(definition, 2027, calendar).meetings[-1])  # 2 December 2027
    tasks = plan_status_tasks(definition, meeting, [PRIO, INIT], calendar)
    due = calendar.add_working_days(meeting.start.date(), -10, avoid_klamdagar=True)
    assert [(t.title, t.due, t.assignee, t.assignees) for t in tasks] == [
        ("Rapportera status: Kompetensförsörjning", due, "body:beredningsgrupp", ("lena-sjo",)),
        ("Rapportera status: Kompetensplattform", due, "body:beredningsgrupp", ("lena-sjo",)),
    ]
    assert {t.meeting for t in tasks} == {meeting.id} and len({t.id for t in tasks}) == 2
    assert tasks == plan_status_tasks(definition, meeting, [PRIO, INIT], calendar)
    assert plan_status_tasks(definition, meeting, [], calendar) == ()
    other_org = dataclasses.replace(meeting, series="annan/radsmoten")
    assert plan_status_tasks(definition, other_org, [PRIO], calendar) == ()


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (dt.date(2026, 12, 1), 2027),  # the scheduled December run prepares January
        (dt.date(2026, 7, 1), 2027),
        (dt.date(2027, 1, 4), 2027),
        (dt.date(2027, 6, 30), 2027),
    ],
)
def test_a_prioritisation_run_prepares_the_coming_january(today: dt.date, year: int) -> None:
    assert prioritisation_year(today) == year
