"""Double bookings, pure: who is called to two meetings that collide."""

from __future__ import annotations

import dataclasses
import datetime as dt

from cycle import CycleDefinition, YearPlan, parse_cycle, plan_year, swedish_calendar
from cycle.busy import NO_BUSY_TIME, BusyPeriod, BusyTime
from cycle.conflicts import (
    double_bookings,
    move_double_bookings,
    next_free_day,
    person_identities,
)
from cycle.definitions import Role, SeriesKind
from cycle.plan import Invitation, PlannedMeeting
from cycle.times import STOCKHOLM
from tests.conftest import mini_text

NAMES = {"a/anna": "Anna Berg", "b/anna-b": "Anna Berg"}


def meeting(mid: str, org: str, day: dt.date, start: str, end: str, *people: str) -> PlannedMeeting:
    def at(text: str) -> dt.datetime:
        hour, minute = map(int, text.split("."))
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STOCKHOLM)

    return PlannedMeeting(
        id=mid,
        organisation=org,
        series="rad",
        body="radet",
        title=f"Möte {mid}",
        kind=SeriesKind.MOTE,
        original_date=day,
        start=at(start),
        end=at(end),
        location="",
        moved_because=None,
        invitations=tuple(Invitation(p, Role.LEDAMOT) for p in people),
    )


DAY = dt.date(2027, 2, 9)


def test_overlap_on_the_same_day_is_found_and_said_in_swedish() -> None:
    first = meeting("1", "a", DAY, "09.30", "12.30", "anna")
    second = meeting("2", "a", DAY, "10.00", "11.00", "anna", "bo")
    (conflict,) = double_bookings([second, first], {}, NAMES)
    assert (conflict.first.id, conflict.second.id) == ("1", "2")
    assert conflict.message == (
        "Anna Berg är kallad till både Möte 1 (a) tisdag 9 februari 2027 kl. 09.30–12.30 "
        "och Möte 2 (a) tisdag 9 februari 2027 kl. 10.00–11.00"
    )


def test_touching_meetings_collide_only_with_a_travel_margin() -> None:
    first = meeting("1", "a", DAY, "09.00", "12.00", "anna")
    second = meeting("2", "a", DAY, "12.00", "13.00", "anna")
    assert double_bookings([first, second], {}, NAMES) == []
    margin = {"a": dt.timedelta(minutes=30)}
    (conflict,) = double_bookings([first, second], {}, NAMES, margins=margin)
    assert conflict.margin == dt.timedelta(minutes=30)
    assert conflict.message.endswith("(med 30 minuters restid)")
    later = meeting("3", "a", DAY, "12.30", "13.00", "anna")
    assert double_bookings([first, later], {}, NAMES, margins=margin) == []


def test_the_larger_margin_of_the_two_organisations_applies() -> None:
    first = meeting("1", "a", DAY, "09.00", "12.00", "anna")
    second = meeting("2", "b", DAY, "12.45", "14.00", "anna-b")
    same = {"a/anna": "anna@region.se", "b/anna-b": "anna@region.se"}
    small, large = dt.timedelta(minutes=30), dt.timedelta(hours=1)
    assert double_bookings([first, second], same, NAMES, margins={"a": small}) == []
    found = double_bookings([first, second], same, NAMES, margins={"a": small, "b": large})
    assert [c.keys for c in found] == [("a/anna", "b/anna-b")]


def test_a_day_when_the_clocks_change_compares_real_time() -> None:
    day = dt.date(2027, 3, 28)  # 02.00 becomes 03.00
    night = meeting("1", "a", day, "01.00", "03.30", "anna")  # 1.5 real hours
    morning = meeting("2", "a", day, "03.15", "04.00", "anna")
    assert len(double_bookings([night, morning], {}, NAMES)) == 1
    autumn = dt.date(2027, 10, 31)  # 03.00 becomes 02.00
    first = meeting("3", "a", autumn, "01.00", "02.30", "anna")
    second = meeting("4", "a", autumn, "02.30", "03.00", "anna")
    assert double_bookings([first, second], {}, NAMES) == []


def test_people_are_the_same_across_files_by_email_and_not_by_id() -> None:
    a = parse_cycle(mini_text(), "a.toml")
    b = parse_cycle(mini_text().replace('slug = "mini"', 'slug = "mini2"', 1), "b.toml")
    identities = person_identities([a, b])
    someone = next(p for p in a.people if p.email)
    assert identities[f"mini/{someone.id}"] == identities[f"mini2/{someone.id}"]
    first = meeting("1", "mini", DAY, "09.00", "12.00", someone.id)
    second = meeting("2", "mini2", DAY, "11.00", "13.00", someone.id)
    assert len(double_bookings([first, second], identities, {})) == 1
    # the same id in two files without a shared address is two people
    assert double_bookings([first, second], {}, {}) == []


def test_many_meetings_in_a_row_are_each_paired_once() -> None:
    rows = [meeting(str(i), "a", DAY, f"{9 + i}.00", f"{10 + i}.30", "anna") for i in range(5)]
    found = double_bookings(rows, {}, NAMES)
    assert [(c.first.id, c.second.id) for c in found] == [
        ("0", "1"),
        ("1", "2"),
        ("2", "3"),
        ("3", "4"),
    ]


def test_the_next_free_day_moves_past_a_chain_of_busy_days() -> None:
    busy = {dt.date(2027, 2, 9), dt.date(2027, 2, 10), dt.date(2027, 2, 12)}
    weekday = lambda d: d.weekday() < 5  # noqa: E731
    assert next_free_day(DAY, working=weekday, busy=busy.__contains__) == dt.date(2027, 2, 11)
    busy.add(dt.date(2027, 2, 11))  # then the weekend, then Monday
    assert next_free_day(DAY, working=weekday, busy=busy.__contains__) == dt.date(2027, 2, 15)
    assert next_free_day(DAY, working=weekday, busy=lambda d: True, limit=10) is None


# -- moving off a double booking (on_conflict = "flytta") ---------------------------------

YEAR = 2027


def pair(*, second: str = "flytta", first: str | None = None) -> list[CycleDefinition]:
    """The mini council (1st Thursday 13–16) and a second organisation whose council meets
    the same days 14–16 with Anna Berg in it too (the same address)."""
    council = parse_cycle(
        mini_text(**({"on_conflict": f'"{first}"'} if first else {})), "mini.toml"
    )
    other = parse_cycle(
        mini_text(start='"14:00"', duration_minutes="120", on_conflict=f'"{second}"')
        .replace('slug = "mini"', 'slug = "mini2"', 1)
        .replace('name = "Testregionen"', 'name = "Grannregionen"', 1),
        "mini2.toml",
    )
    return [council, other]


def planned(definitions: list[CycleDefinition]) -> dict[str, YearPlan]:
    calendar = swedish_calendar([YEAR - 1, YEAR, YEAR + 1])
    plans = [(d, plan_year(d, YEAR, calendar)) for d in definitions]
    return {d.organisation.slug: p for d, p in move_double_bookings(plans, calendar)}


def test_a_series_that_may_move_goes_to_the_next_free_day_with_its_chain() -> None:
    plans = planned(pair())
    council, other = plans["mini"], plans["mini2"]
    assert all(
        m.moved_because is None or "dubbelbokning" not in m.moved_because for m in council.meetings
    )
    by_id = {m.id: m for m in other.meetings}
    march = next(m for m in other.meetings if m.original_date == dt.date(YEAR, 3, 4))
    # Thursday 4 March collides with the council 13–16 for Anna: Friday 5 March is free
    assert march.start == dt.datetime(YEAR, 3, 5, 14, 0, tzinfo=STOCKHOLM)
    assert march.moved_because == (
        "flyttat från torsdag 4 mars 2027 (dubbelbokning: kallade även till "
        "Samverkansrådet torsdag 4 mars 2027 kl. 13.00)"
    )
    kallelse = next(t for t in other.tasks if t.meeting == march.id and t.step == "kallelse")
    # ten working days before Friday 5 March, not before Thursday 4 March
    assert kallelse.due == dt.date(YEAR, 2, 19)
    assert len(by_id) == len(other.meetings)  # moved, not added
    # after the moves nobody is called to two meetings at once
    everyone = pair()
    meetings = [m for p in plans.values() for m in p.meetings]
    assert double_bookings(meetings, person_identities(everyone), {}) == []


def test_without_flytta_both_stay_and_the_collision_is_warned_of() -> None:
    plans = planned(pair(second="varna"))
    assert all(
        m.moved_because is None or "dubbelbokning" not in m.moved_because
        for p in plans.values()
        for m in p.meetings
    )
    meetings = [m for p in plans.values() for m in p.meetings]
    assert double_bookings(meetings, person_identities(pair()), {})


def test_when_both_may_move_only_the_later_one_does() -> None:
    plans = planned(pair(first="flytta"))
    moved = [
        (slug, m.original_date)
        for slug, p in plans.items()
        for m in p.meetings
        if m.moved_because and "dubbelbokning" in m.moved_because
    ]
    assert moved and {slug for slug, _ in moved} == {"mini2"}  # 14.00 starts after 13.00


def test_a_move_does_not_depend_on_which_organisations_are_planned() -> None:
    from services.plan import PlanContext, plan_years

    both = pair()
    alone = plan_years([both[1]], [YEAR], PlanContext(tuple(both)))
    together = {d.organisation.slug: p for d, p in plan_years(both, [YEAR])}
    assert alone == [(both[1], together["mini2"])]
    assert any(m.moved_because for m in together["mini2"].meetings)


def test_a_move_stays_off_the_days_the_series_avoids() -> None:
    # the whole week after the collision is busy in a calendar the series avoids
    week = BusyPeriod(
        "skollov",
        "Sportlov",
        dt.datetime(YEAR, 3, 5, tzinfo=STOCKHOLM),
        dt.datetime(YEAR, 3, 13, tzinfo=STOCKHOLM),
    )
    council, other = pair()
    other = dataclasses.replace(
        other, series=tuple(dataclasses.replace(s, avoid=("skollov",)) for s in other.series)
    )
    calendar = swedish_calendar([YEAR - 1, YEAR, YEAR + 1])
    busy = {"mini2": BusyTime({"skollov": "Skollov"}, (week,))}
    plans = [
        (d, plan_year(d, YEAR, calendar, busy.get(d.organisation.slug, NO_BUSY_TIME)))
        for d in (council, other)
    ]
    moved = dict(move_double_bookings(plans, calendar, busy))[other]
    march = next(m for m in moved.meetings if m.original_date == dt.date(YEAR, 3, 4))
    assert march.start.date() == dt.date(YEAR, 3, 15)  # Monday after the sportlov week
