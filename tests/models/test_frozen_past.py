"""The past is frozen: a re-plan, an edited rule or a dropped series never creates,
changes, moves or cancels a meeting that has begun or a task whose due date has passed.

Checked on a real database (SQLite and PostgreSQL) by comparing whole rows – every
column, the invitations and the assignees – before and after a save, and as a property
over random edits saved on random days of the year.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import select

from cycle import CycleDefinition, parse_cycle, plan_year, swedish_calendar
from cycle.errors import HistoryError
from cycle.plan import YearPlan
from cycle.status import MeetingStatus, TaskStatus
from cycle.times import STOCKHOLM
from models.database import make_engine, read_session, write_session
from models.plan import DROPPED_NOTE, SaveResult
from models.published import load_published
from models.schema import upgrade_schema
from models.tables import Invitation, Meeting, Task, TaskAssignee
from models.tables import Series as SeriesRow
from services.plan import store_plans
from tests.conftest import PLANNED, mini_text

YEAR = 2027
CALENDAR = swedish_calendar(range(YEAR - 2, YEAR + 3))
# A Tuesday between the council's 3 June and 5 August meetings, 12.00 in Stockholm.
MIDYEAR = dt.datetime(2027, 6, 15, 10, 0, tzinfo=dt.UTC)
TODAY = MIDYEAR.astimezone(STOCKHOLM).date()

# A second series of the council, for a series that is added late or dropped.
EXTRA = """
[[series]]
id = "extra"
body = "radet"
title = "Extra rådsmöte"
rrule = "FREQ=MONTHLY;BYDAY=3TU"
start = "10:00"
duration_minutes = 60
chain = "standard"
"""

Rows = dict[str, dict[str, dict[str, Any]]]


def _change(day: str, body: str) -> str:
    """Mini's text with one ``[[series.change]]`` of its (last, only) series."""
    return mini_text() + f"\n[[series.change]]\nfrom = {day}\n{body}\n"


def _plan(text: str) -> tuple[CycleDefinition, YearPlan]:
    definition = parse_cycle(text, "mini.toml")
    return definition, plan_year(definition, YEAR, CALENDAR)


def _store(engine: Engine, text: str, now: dt.datetime) -> SaveResult:
    """Save the cycle's definitions and its plan for the year, as ``arshjul plan`` does."""
    (outcome,) = store_plans(engine, [_plan(text)], now=now)
    return outcome.result


def _rows(engine: Engine) -> Rows:
    """Every meeting and task, whole: all columns, plus who is invited and assigned;
    and the stored series, whose rules a refused save must not store either."""
    with read_session(engine) as s:
        invited: dict[str, list[tuple[str, str]]] = {}
        for i in s.exec(select(Invitation)):
            invited.setdefault(i.meeting, []).append((i.person, i.role))
        assigned: dict[str, list[str]] = {}
        for a in s.exec(select(TaskAssignee)):
            assigned.setdefault(a.task, []).append(a.person)
        return {
            "meeting": {
                m.id: m.model_dump() | {"invitations": sorted(invited.get(m.id, []))}
                for m in s.exec(select(Meeting))
            },
            "task": {
                t.id: t.model_dump() | {"assignees": sorted(assigned.get(t.id, []))}
                for t in s.exec(select(Task))
            },
            "series": {r.key: r.model_dump() for r in s.exec(select(SeriesRow))},
        }


def _held(rows: Rows, now: dt.datetime) -> set[str]:
    """Meetings that have begun by ``now``."""
    return {k for k, m in rows["meeting"].items() if m["start"] <= now}


def _past_tasks(rows: Rows, now: dt.datetime) -> set[str]:
    """Tasks whose due date is before ``now``'s date in Stockholm."""
    today = now.astimezone(STOCKHOLM).date()
    return {k for k, t in rows["task"].items() if t["due"] < today}


def _assert_past_untouched(before: Rows, after: Rows, now: dt.datetime) -> None:
    """No row of the past changed in any column, none was deleted, and no new row lies
    in the past."""
    today = now.astimezone(STOCKHOLM).date()
    assert set(before["meeting"]) <= set(after["meeting"]), "meetings are never deleted"
    assert set(before["task"]) <= set(after["task"]), "tasks are never deleted"
    for key in _held(before, now):
        assert after["meeting"][key] == before["meeting"][key], key
    for key in _past_tasks(before, now):
        assert after["task"][key] == before["task"][key], key
    for key in set(after["meeting"]) - set(before["meeting"]):
        assert after["meeting"][key]["start"] > now, ("created in the past", key)
    for key in set(after["task"]) - set(before["task"]):
        assert after["task"][key]["due"] >= today, ("created in the past", key)


def _local_time(row: dict[str, Any]) -> dt.time:
    return row["start"].astimezone(STOCKHOLM).time()


# -- a re-plan in the middle of the year ----------------------------------------------------


def test_a_new_start_time_saved_mid_year_moves_only_meetings_still_to_come(
    engine: Engine,
) -> None:
    """An edit without a date holds from the moment it is saved: the minutes of a held
    meeting record when it was held, so its row must not follow the new rule."""
    _store(engine, mini_text(), PLANNED)
    before = _rows(engine)
    result = _store(engine, mini_text(start='"10:00"'), MIDYEAR)
    after = _rows(engine)

    held = _held(before, MIDYEAR)
    coming = set(before["meeting"]) - held
    assert len(held) == 6 and len(coming) == 5  # January–June held, August–December not
    _assert_past_untouched(before, after, MIDYEAR)
    for key in held:
        assert _local_time(after["meeting"][key]) == dt.time(13, 0)
    for key in coming:
        row, old = after["meeting"][key], before["meeting"][key]
        assert _local_time(row) == dt.time(10, 0), key
        assert (row["sequence"], row["updated_at"]) == (old["sequence"] + 1, MIDYEAR), key
    # every held meeting is one the new rule would have changed, and was left
    assert result.history_kept == len(held)
    assert (result.meetings_changed, result.meetings_added, result.meetings_cancelled) == (
        len(coming),
        0,
        0,
    )


def test_a_renamed_step_renames_only_tasks_not_yet_due(engine: Engine) -> None:
    _store(engine, mini_text(), PLANNED)
    before = _rows(engine)
    renamed = mini_text().replace('title = "Skicka handlingar"', 'title = "Skicka handlingarna"')
    _store(engine, renamed, MIDYEAR)
    after = _rows(engine)

    _assert_past_untouched(before, after, MIDYEAR)
    past = _past_tasks(before, MIDYEAR)
    step = {k for k, t in before["task"].items() if t["step"] == "handlingar"}
    assert step & past and step - past  # the step has tasks on both sides of today
    for key in step - past:
        assert after["task"][key]["title"] == "Skicka handlingarna", key
    for key in step & past:
        assert after["task"][key]["title"] == "Skicka handlingar", key


def test_history_kept_counts_past_tasks_a_renamed_step_would_have_changed(
    engine: Engine,
) -> None:
    """``arshjul plan`` reports history_kept as "N ändringar av möten som har hållits och
    uppgifter vars sista dag har passerat lämnades som de var": a renamed step leaves
    every one of its past tasks with the old title, and those are what it must count."""
    _store(engine, mini_text(), PLANNED)
    before = _rows(engine)
    renamed = mini_text().replace('title = "Skicka handlingar"', 'title = "Skicka handlingarna"')
    result = _store(engine, renamed, MIDYEAR)
    left = {
        k
        for k in _past_tasks(before, MIDYEAR)
        if before["task"][k]["step"] == "handlingar"  # the only step whose title changed
    }
    assert len(left) == 6  # one per held meeting, January–June
    assert result.history_kept == len(left)


# -- a first plan records the year so far; later plans create nothing in the past ------------


def test_a_first_save_late_in_the_year_records_the_year_so_far_as_history(
    engine: Engine,
) -> None:
    """At the end of July, the first plan of a year Årshjul knew nothing of stores the
    whole year as the rules give it: the held meetings with their invitations, and
    every task – those already past due of unknown outcome ("före Årshjul"), not late,
    the August meeting's coming ones open. A second save changes nothing."""
    now = dt.datetime(2027, 7, 29, 12, 0, tzinfo=dt.UTC)
    today = now.astimezone(STOCKHOLM).date()
    _, plan = _plan(mini_text())
    result = _store(engine, mini_text(), now)
    stored = _rows(engine)

    assert stored["meeting"].keys() == {m.id for m in plan.meetings}
    assert stored["task"].keys() == {t.id for t in plan.tasks}
    past_meetings = [m for m in plan.meetings if m.start <= now]
    past_tasks = [t for t in plan.tasks if t.due < today]
    assert past_meetings and past_tasks and len(past_meetings) < len(plan.meetings)
    assert (result.history_meetings, result.history_tasks, result.history_kept) == (
        len(past_meetings),
        len(past_tasks),
        0,
    )
    with read_session(engine) as s:
        invited = {i.meeting for i in s.exec(select(Invitation))}
        published = load_published(s, dt.date(2027, 1, 1), dt.date(2027, 12, 31), now=now)
    assert {m.id for m in past_meetings} <= invited
    status = {t.id: t.status for t in published.tasks}
    assert {status[t.id] for t in past_tasks} == {TaskStatus.UNKNOWN}
    assert {status[t.id] for t in plan.tasks if t.due >= today} == {TaskStatus.OPEN}
    assert not any(t.open for t in published.tasks if t.due < today)  # no reminders, no "klar"
    assert _store(engine, mini_text(), now).changed == 0
    # a month later the tasks that came due meanwhile are late as usual: Årshjul knew them
    later = load_published_on(engine, now + dt.timedelta(days=30))
    august = [t for t in plan.tasks if today <= t.due < today + dt.timedelta(days=29)]
    assert august and {later[t.id] for t in august} == {TaskStatus.LATE}


def load_published_on(engine: Engine, now: dt.datetime) -> dict[str, TaskStatus]:
    with read_session(engine) as s:
        published = load_published(s, dt.date(2027, 1, 1), dt.date(2027, 12, 31), now=now)
    return {t.id: t.status for t in published.tasks}


def test_a_series_added_late_creates_nothing_before_the_save(engine: Engine) -> None:
    now = dt.datetime(2027, 6, 10, 12, 0, tzinfo=dt.UTC)  # before the 15 June meeting
    today = now.astimezone(STOCKHOLM).date()
    _store(engine, mini_text(), PLANNED)
    before = _rows(engine)
    _, plan = _plan(mini_text() + EXTRA)
    result = _store(engine, mini_text() + EXTRA, now)
    after = _rows(engine)

    assert {k: after["meeting"][k] for k in before["meeting"]} == before["meeting"]
    assert {k: after["task"][k] for k in before["task"]} == before["task"]
    extra = [m for m in plan.meetings if m.series == "extra"]
    coming = {m.id for m in extra if m.start > now}
    assert set(after["meeting"]) - set(before["meeting"]) == coming
    assert coming and len(coming) < len(extra)  # January to early June are not created
    due = {t.id for t in plan.tasks if t.meeting in coming and t.due >= today}
    assert set(after["task"]) - set(before["task"]) == due
    assert any(t.meeting in coming and t.due < today for t in plan.tasks)  # 15 June's
    assert (result.meetings_added, result.tasks_added) == (len(coming), len(due))


def test_a_dropped_series_cancels_only_its_meetings_still_to_come(engine: Engine) -> None:
    """Subscribers hear that the coming meetings are off; the held ones took place."""
    _store(engine, mini_text() + EXTRA, PLANNED)
    before = _rows(engine)
    result = _store(engine, mini_text(), MIDYEAR)
    after = _rows(engine)

    _assert_past_untouched(before, after, MIDYEAR)
    extra = {k for k, m in before["meeting"].items() if m["series"] == "mini/extra"}
    held = extra & _held(before, MIDYEAR)
    assert held and extra - held
    for key in extra - held:
        row = after["meeting"][key]
        assert (row["status"], row["note"]) == (MeetingStatus.CANCELLED, DROPPED_NOTE), key
        assert row["sequence"] == before["meeting"][key]["sequence"] + 1
    for key in held:  # held, though the rules no longer give it – and its chain with it
        assert after["meeting"][key] == before["meeting"][key]
    for key, task in before["task"].items():
        if task["meeting"] in extra - held and task["due"] >= TODAY:
            assert after["task"][key]["status"] == TaskStatus.CANCELLED, key
        elif task["meeting"] in held:
            assert after["task"][key] == task, key  # minutes of a held meeting still due
    council = set(before["meeting"]) - extra
    assert {k: after["meeting"][k] for k in council} == {k: before["meeting"][k] for k in council}
    assert result.meetings_cancelled == len(extra - held)


# -- rules dated in the past ------------------------------------------------------------------


def test_a_change_dated_before_held_meetings_is_refused_and_nothing_is_written(
    engine: Engine,
) -> None:
    """A date in the past is a claim about what happened; the admin must see which
    meeting contradicts it and how to correct history, and the save must not half-apply."""
    _store(engine, mini_text(), PLANNED)
    before = _rows(engine)
    february = next(
        k for k, m in before["meeting"].items() if m["original_date"] == dt.date(2027, 2, 4)
    )
    with pytest.raises(HistoryError) as caught:
        _store(engine, _change("2027-02-01", 'start = "10:00"'), MIDYEAR)
    message = str(caught.value)
    assert "Samverkansrådet torsdag 4 februari 2027" in message  # the first it would rewrite
    assert f"arshjul meetings correct {february}" in message
    assert _rows(engine) == before


@pytest.mark.parametrize("day", ["2027-06-15", "2027-09-01"], ids=["today", "later"])
def test_the_same_change_dated_today_or_later_is_accepted(engine: Engine, day: str) -> None:
    _store(engine, mini_text(), PLANNED)
    before = _rows(engine)
    _store(engine, _change(day, 'start = "10:00"'), MIDYEAR)
    after = _rows(engine)

    _assert_past_untouched(before, after, MIDYEAR)
    start = dt.date.fromisoformat(day)
    coming = set(before["meeting"]) - _held(before, MIDYEAR)
    assert coming
    for key in coming:
        changed = before["meeting"][key]["original_date"] >= start
        assert _local_time(after["meeting"][key]) == dt.time(10 if changed else 13, 0), key


def test_a_change_dated_today_is_accepted_after_todays_meeting_has_begun(
    engine: Engine,
) -> None:
    """A rule dated today is not dated in the past (the refusal itself advises "from
    today or later"): it holds from today on, and the meeting held earlier today stays
    as it was held, like any edit saved after a meeting has begun."""
    now = dt.datetime(2027, 6, 3, 12, 0, tzinfo=dt.UTC)  # 14.00: the 13.00 meeting has begun
    _store(engine, mini_text(), PLANNED)
    before = _rows(engine)
    _store(engine, _change("2027-06-03", 'start = "10:00"'), now)
    after = _rows(engine)

    _assert_past_untouched(before, after, now)
    for key in set(before["meeting"]) - _held(before, now):
        assert _local_time(after["meeting"][key]) == dt.time(10, 0), key


def test_an_undated_edit_saved_with_a_future_last_day_is_accepted(engine: Engine) -> None:
    """An edit without a date holds from today, and a last day in October rewrites
    nothing held by mid-June: neither is a rule dated in the past, so the save goes
    through, leaving the held meetings at 13.00."""
    _store(engine, mini_text(), PLANNED)
    before = _rows(engine)
    _store(engine, mini_text(start='"10:00"', to="2027-10-31"), MIDYEAR)
    after = _rows(engine)

    _assert_past_untouched(before, after, MIDYEAR)
    for key in set(before["meeting"]) - _held(before, MIDYEAR):
        row = after["meeting"][key]
        if row["original_date"] <= dt.date(2027, 10, 31):
            assert _local_time(row) == dt.time(10, 0), key
        else:
            assert row["status"] == MeetingStatus.CANCELLED, key


def test_a_last_day_before_a_held_meeting_is_refused_naming_the_meeting_and_a_real_day(
    engine: Engine,
) -> None:
    """The series cannot have stopped in May when it met on 3 June; the refusal says
    which meeting, and dates the rule by a day the file gives, not the year 1."""
    _store(engine, mini_text(), PLANNED)
    before = _rows(engine)
    with pytest.raises(HistoryError) as caught:
        _store(engine, mini_text(to="2027-05-31"), MIDYEAR)
    message = str(caught.value)
    assert "Samverkansrådet torsdag 3 juni 2027" in message
    assert "arshjul meetings correct" in message
    assert _rows(engine) == before
    assert "0001-01-01" not in message, message


# -- the property ---------------------------------------------------------------------------

# Edits an admin might save on day D (raw TOML of mini's series), each to be saved with
# now on D: undated ones hold from then on, dated ones from D.
EDITS: dict[str, Callable[[dt.date], str]] = {
    "start": lambda _day: mini_text(start='"09:00"'),
    "location": lambda _day: mini_text(location='"Länshuset, Sal B"'),
    "rrule day": lambda _day: mini_text(rrule='"FREQ=MONTHLY;BYDAY=2TH"'),
    "holiday policy": lambda _day: mini_text(holiday_policy='"föregående"'),
    "renamed step": lambda _day: mini_text().replace("Skicka handlingar", "Skicka underlag"),
    "last day": lambda day: mini_text(to=day.isoformat()),
    "dated change": lambda day: _change(day.isoformat(), 'start = "09:00"\nduration_minutes = 90'),
}


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    """One migrated SQLite file with mini's year saved well ahead of it."""
    folder = Path(tempfile.mkdtemp(prefix="arshjul-frozen-"))
    path = folder / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    _store(engine, mini_text(), PLANNED)
    engine.dispose()
    yield path
    shutil.rmtree(folder, ignore_errors=True)


def _copy(template: Path, tmp_path: Path) -> Engine:
    copy = Path(tempfile.mkdtemp(dir=tmp_path)) / "a.db"
    shutil.copy(template, copy)
    return make_engine(f"sqlite:///{copy}")


def _moment(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STOCKHOLM).astimezone(dt.UTC)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    day=st.dates(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 30]),
    edit=st.sampled_from(sorted(EDITS)),
)
def test_no_edit_saved_on_any_day_changes_what_happened_before_it(
    template: Path, tmp_path: Path, day: dt.date, hour: int, minute: int, edit: str
) -> None:
    now = _moment(day, hour, minute)
    engine = _copy(template, tmp_path)
    try:
        before = _rows(engine)
        try:
            _store(engine, EDITS[edit](day), now)
        except HistoryError as refused:
            # An edit without a date holds from now on and a last day of D rewrites
            # nothing held, so only the change dated D may be refused: when D's meeting
            # has begun (a refusal itself checked by
            # test_a_change_dated_today_is_accepted_after_todays_meeting_has_begun).
            assert edit == "dated change", refused
            assert _rows(engine) == before, "a refused save writes nothing"
            return
        _assert_past_untouched(before, _rows(engine), now)
    finally:
        engine.dispose()


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_each_edit_of_the_property_changes_the_future(
    template: Path, tmp_path: Path, edit: str
) -> None:
    """The property is only worth something if its edits do change rows after D."""
    now = _moment(dt.date(2027, 4, 15), 12, 0)
    engine = _copy(template, tmp_path)
    try:
        before = _rows(engine)
        _store(engine, EDITS[edit](now.date()), now)
        after = _rows(engine)
    finally:
        engine.dispose()
    changed = {
        (kind, key)
        for kind in ("meeting", "task")
        for key, row in after[kind].items()
        if before[kind].get(key) != row
    }
    assert changed, edit


# -- regressions found in review ------------------------------------------------------------


def _series_to(day: str) -> str:
    """Mini with its council series ending on ``day``."""
    return mini_text() + f"to = {day}\n"


def test_a_stopped_series_can_start_again(engine: Engine) -> None:
    """Cancelled meetings in the past were never held: restarting a series rewrites
    no history, so it must not be refused as if it did."""
    _store(engine, _series_to("2027-02-28"), dt.datetime(2027, 1, 20, 9, tzinfo=dt.UTC))
    before = _rows(engine)
    _store(engine, _series_to("2027-12-31"), dt.datetime(2027, 4, 15, 9, tzinfo=dt.UTC))
    after = _rows(engine)
    _assert_past_untouched(before, after, dt.datetime(2027, 4, 15, 9, tzinfo=dt.UTC))
    coming = [m for m in after["meeting"].values() if m["original_date"] > dt.date(2027, 4, 15)]
    assert coming and all(m["status"] != MeetingStatus.CANCELLED for m in coming)


def test_a_rule_dated_in_the_past_is_refused_whichever_year_is_planned(
    engine: Engine,
) -> None:
    """Planning next year first must not store a back-dated rule that this year's held
    meetings contradict."""
    _store(engine, mini_text(), PLANNED)
    text = _change("2027-03-01", 'start = "10:00"')
    definition = parse_cycle(text, "mini.toml")
    before = _rows(engine)
    with pytest.raises(HistoryError, match="Samverkansrådet torsdag 4 mars 2027"):
        store_plans(engine, [(definition, plan_year(definition, 2028, CALENDAR))], now=MIDYEAR)
    assert _rows(engine) == before


def test_an_admins_coming_meeting_gets_new_members_invited(engine: Engine) -> None:
    """An admin's move keeps the meeting where the admin put it, not out of the
    membership: whoever joins the body is called to it."""
    from cycle.meetings import plan_move
    from models.meetings import move_meeting
    from models.published import meetings_of

    _store(engine, mini_text(), PLANNED)
    with write_session(engine) as s:
        september = next(m for m in meetings_of(s, "mini", YEAR, now=MIDYEAR) if m.start.month == 9)
        move = plan_move(
            parse_cycle(mini_text(), "mini.toml"),
            september,
            september.start + dt.timedelta(days=7),
            [],
            CALENDAR,
            reason="Krock",
            now=MIDYEAR,
        )
        move_meeting(s, move, now=MIDYEAR)
    joins = mini_text().replace(
        "[[chain]]",
        '[[membership]]\nperson = "lena-sjo"\nbody = "radet"\nrole = "föredragande"\n'
        "from = 2027-07-01\n\n[[chain]]",
        1,
    )
    _store(engine, joins, MIDYEAR)
    invited = _rows(engine)["meeting"][september.id]["invitations"]
    assert ("mini/lena-sjo", "föredragande") in invited


def test_a_meeting_moved_earlier_makes_passed_steps_due_today(engine: Engine) -> None:
    """Moving a meeting earlier cannot put its preparation in the past: what can no
    longer be done on time is due now."""
    from cycle.meetings import plan_move
    from models.meetings import move_meeting
    from models.published import meetings_of

    _store(engine, mini_text(), PLANNED)
    with write_session(engine) as s:
        august = next(m for m in meetings_of(s, "mini", YEAR, now=MIDYEAR) if m.start.month == 8)
        move = plan_move(
            parse_cycle(mini_text(), "mini.toml"),
            august,
            dt.datetime(2027, 6, 23, 13, tzinfo=STOCKHOLM),  # 24 June ends at 14.00
            [],
            CALENDAR,
            reason="Tidigarelagt",
            now=MIDYEAR,
        )
        move_meeting(s, move, now=MIDYEAR)
    tasks = [t for t in _rows(engine)["task"].values() if t["meeting"] == august.id]
    assert tasks and min(t["due"] for t in tasks) == TODAY  # not before today
    assert any(t["due"] == TODAY for t in tasks)


def test_a_forum_that_has_begun_takes_no_new_guests(engine: Engine) -> None:
    from models.meetings import invite_guests

    _store(engine, mini_text(), PLANNED)
    held = next(iter(_held(_rows(engine), MIDYEAR)))
    with write_session(engine) as s:
        assert invite_guests(s, meeting=held, guests=["Mittuniversitetet"], now=MIDYEAR) == 0


def test_the_plan_counts_the_cancellations_a_chainless_series_sets_off(engine: Engine) -> None:
    """A series without a preparation chain still had its notice sent (with the default
    timing): dropping it after that sends cancellations, and the plan must say so."""
    chainless = EXTRA.replace('chain = "standard"\n', "")
    (first,) = store_plans(engine, [_plan(mini_text() + chainless)], now=PLANNED)
    assert first.result.meetings_added
    # 13 July 2027: the notice for Tuesday 20 July (ten working days before) has gone out
    told = dt.datetime(2027, 7, 13, 9, tzinfo=dt.UTC)
    (outcome,) = store_plans(engine, [_plan(mini_text())], now=told)
    assert outcome.result.meetings_cancelled
    assert outcome.notices.cancellations >= 1 and outcome.notices.people >= 1
