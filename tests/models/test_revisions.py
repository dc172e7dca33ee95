"""The one write path: SEQUENCE and ``updated_at`` move exactly when a subscriber sees a
change – checked directly, and as a property over any sequence of re-plans, moves,
cancellations, completions and agenda writes on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import select

from cycle import PlanError, parse_cycle, plan_year, swedish_calendar
from cycle.meetings import cancellation_note, plan_move
from cycle.status import MeetingStatus, TaskStatus
from cycle.yearly import AgendaDraft
from models.database import make_engine, read_session, write_session
from models.definitions import save_definition
from models.meetings import cancel_meeting, move_meeting, save_agenda
from models.plan import save_plan
from models.published import load_published, meetings_of
from models.revisions import revise, save_changes
from models.schema import upgrade_schema
from models.tables import Body, Meeting, Task
from models.tasks import complete_task
from tests.conftest import NOW, mini_text

CALENDAR = swedish_calendar(range(2025, 2030))


def test_revise_bumps_only_for_what_a_calendar_shows(engine: Engine) -> None:
    later = NOW + dt.timedelta(hours=1)
    with write_session(engine) as s:
        save_definition(s, parse_cycle(mini_text(), "mini.toml"), now=NOW)
        save_plan(s, plan_year(parse_cycle(mini_text(), "mini.toml"), 2027, CALENDAR), now=NOW)
    with write_session(engine) as s:
        task = s.exec(select(Task).order_by(Task.due)).first()
        assert task is not None
        assert revise(s, task, {"offset": task.offset - 1}, now=later)  # written, not shown
        assert (task.sequence, task.updated_at) == (0, NOW)
        assert revise(s, task, {"title": task.title}, now=later) is False  # the same
        assert revise(s, task, {"status": TaskStatus.DONE, "done_at": later}, now=later)
        assert (task.sequence, task.updated_at, task.done_at) == (1, later, later)
        meeting = s.get(Meeting, task.meeting)
        assert meeting is not None
        assert revise(s, meeting, {"manual": True}, now=later)
        assert (meeting.sequence, meeting.updated_at, meeting.manual) == (0, NOW, True)
        assert revise(s, meeting, {"location": "Sal B", "manual": True}, now=later)
        assert (meeting.sequence, meeting.updated_at) == (1, later)


def test_rows_without_a_sequence_are_stamped_and_refused_for_meetings(engine: Engine) -> None:
    later = NOW + dt.timedelta(hours=1)
    with write_session(engine) as s:
        save_definition(s, parse_cycle(mini_text(), "mini.toml"), now=NOW)
    with write_session(engine) as s:
        body = s.get(Body, "mini/radet")
        assert body is not None
        assert save_changes(s, body, {"name": body.name}, now=later) is False
        assert body.updated_at == NOW
        assert save_changes(s, body, {"name": "Rådet"}, now=later)
        assert (body.name, body.updated_at) == ("Rådet", later)
        meeting = Meeting(id="m", sequence=0)
        with pytest.raises(TypeError, match="revise"):
            save_changes(s, meeting, {"title": "x"}, now=later)


# -- the property --------------------------------------------------------------------------

# Variants of the mini cycle an admin might save over the year (raw TOML per series key).
VARIANTS: list[dict[str, str]] = [
    {},
    {"start": '"09:00"'},
    {"location": '"Länshuset, Sal B"'},
    {"rrule": '"FREQ=MONTHLY;BYDAY=2TH"'},
    {"duration_minutes": "120", "title": '"Rådsmöte"'},
    {"summer_break": '{ from = "06-15", to = "08-15" }'},
]


@dataclass(frozen=True)
class Replan:
    variant: int


@dataclass(frozen=True)
class Move:
    meeting: int
    days: int


@dataclass(frozen=True)
class Cancel:
    meeting: int


@dataclass(frozen=True)
class Complete:
    task: int


@dataclass(frozen=True)
class Agenda:
    meeting: int
    title: str


OPERATIONS = st.one_of(
    st.builds(Replan, st.integers(0, len(VARIANTS) - 1)),
    st.builds(Move, st.integers(0, 12), st.integers(-9, 9)),
    st.builds(Cancel, st.integers(0, 12)),
    st.builds(Complete, st.integers(0, 60)),
    st.builds(Agenda, st.integers(0, 12), st.sampled_from(["Budget", "Uppföljning"])),
)

# What a calendar shows of a meeting and a task, read the way the feeds read them
# (``models.published``) and listed here from what ``calendars.ical`` renders – not taken
# from the code under test. The agenda shows only in a meeting's description.
MEETING_SHOWN = ("title", "body", "kind", "start", "end", "location", "status", "note")
MEETING_SHOWN += ("moved_because",)
TASK_SHOWN = ("title", "due", "status", "target_body")

Snapshot = dict[tuple[str, str], tuple[int, dt.datetime, tuple[Any, ...], tuple[str, ...]]]


def _snapshot(engine: Engine) -> Snapshot:
    """Every meeting and task: sequence, last change, what a calendar shows, and (for a
    meeting) its agenda."""
    with read_session(engine) as s:
        published = load_published(s, dt.date(2026, 1, 1), dt.date(2028, 12, 31), now=NOW)
    shown: Snapshot = {}
    for m in published.meetings:
        fields = tuple(getattr(m, f) for f in MEETING_SHOWN)
        shown[("meeting", m.id)] = (m.sequence, m.updated_at, fields, m.agenda)
    for t in published.tasks:
        fields = tuple(getattr(t, f) for f in TASK_SHOWN)
        shown[("task", t.id)] = (t.sequence, t.updated_at, fields, ())
    return shown


def _apply(engine: Engine, op: object, now: dt.datetime) -> None:
    with write_session(engine) as s:
        meetings = meetings_of(s, "mini", 2027, now=now)
        if isinstance(op, Replan):
            definition = parse_cycle(mini_text(**VARIANTS[op.variant]), "mini.toml")
            save_definition(s, definition, now=now)
            save_plan(s, plan_year(definition, 2027, CALENDAR), now=now)
        elif isinstance(op, Move) and meetings:
            m = meetings[op.meeting % len(meetings)]
            try:
                move = plan_move(
                    parse_cycle(mini_text(), "mini.toml"),
                    m,
                    m.start + dt.timedelta(days=op.days),
                    [],
                    CALENDAR,
                    reason="Krock",
                    now=now,
                )
            except PlanError:
                return  # not a working day, or no series: nothing is written
            move_meeting(s, move, now=now)
        elif isinstance(op, Cancel) and meetings:
            m = meetings[op.meeting % len(meetings)]
            cancel_meeting(s, m.id, note=cancellation_note("Extra val"), now=now)
        elif isinstance(op, Complete):
            tasks = list(s.exec(select(Task).order_by(Task.due, Task.id)))
            if tasks:
                complete_task(s, tasks[op.task % len(tasks)].id, now=now)
        elif isinstance(op, Agenda) and meetings:
            m = meetings[op.meeting % len(meetings)]
            draft = AgendaDraft("punkt", 1, op.title, "", "test")
            save_agenda(s, meeting=m.id, drafts=[draft], now=now)


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    """One migrated, planned SQLite file; each example starts from a copy of it."""
    folder = Path(tempfile.mkdtemp(prefix="arshjul-revisions-"))
    path = folder / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    _apply(engine, Replan(0), NOW)
    engine.dispose()
    yield path
    shutil.rmtree(folder, ignore_errors=True)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=st.lists(OPERATIONS, min_size=1, max_size=8))
def test_sequence_rises_by_one_exactly_when_a_calendar_would_show_a_change(
    template: Path, tmp_path: Path, operations: list[object]
) -> None:
    copy = Path(tempfile.mkdtemp(dir=tmp_path)) / "a.db"
    shutil.copy(template, copy)
    engine = make_engine(f"sqlite:///{copy}")
    try:
        before = _snapshot(engine)
        for step, op in enumerate(operations, start=1):
            now = NOW + dt.timedelta(hours=step)
            _apply(engine, op, now)
            after = _snapshot(engine)
            assert set(before) <= set(after), "rows are never deleted"
            for key, (sequence, changed, shown, agenda) in after.items():
                if key not in before:
                    assert (sequence, changed) == (0, now), (op, key)
                    continue
                old_sequence, old_changed, old_shown, old_agenda = before[key]
                if shown != old_shown:  # a new time, place, title or status: SEQUENCE
                    assert (sequence, changed) == (old_sequence + 1, now), (op, key)
                elif agenda != old_agenda:  # a new description only: LAST-MODIFIED
                    assert (sequence, changed) == (old_sequence, now), (op, key)
                else:
                    assert (sequence, changed) == (old_sequence, old_changed), (op, key)
            before = after
    finally:
        engine.dispose()


def test_the_property_sees_changes_of_every_kind(template: Path, tmp_path: Path) -> None:
    """The operations above do reach every visible field the invariant speaks of."""
    shutil.copy(template, tmp_path / "a.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    before = _snapshot(engine)
    for step, op in enumerate(
        [Replan(1), Replan(2), Move(3, 7), Cancel(5), Complete(0), Agenda(4, "Budget"), Replan(3)],
        start=1,
    ):
        _apply(engine, op, NOW + dt.timedelta(hours=step))
    after = _snapshot(engine)
    engine.dispose()
    changed_meetings = {k for k in before if k[0] == "meeting" and before[k] != after[k]}
    changed_tasks = {k for k in before if k[0] == "task" and before[k] != after[k]}
    assert changed_meetings and changed_tasks
    statuses = {v[2][MEETING_SHOWN.index("status")] for k, v in after.items() if k[0] == "meeting"}
    assert {MeetingStatus.CANCELLED, MeetingStatus.MOVED} <= statuses
    assert max(v[0] for v in after.values()) >= 2  # some row changed more than once
    assert any(v[3] for v in after.values())  # an agenda was written


def test_what_a_calendar_shows_names_real_columns() -> None:
    """A renamed column must not fall silently out of the rule."""
    from models.revisions import MEETING_VISIBLE, TASK_VISIBLE

    assert set(MEETING_VISIBLE) <= set(Meeting.model_fields)
    assert set(TASK_VISIBLE) <= set(Task.model_fields)
