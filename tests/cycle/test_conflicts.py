"""Double bookings, pure: who is called to two meetings that collide."""

from __future__ import annotations

import datetime as dt

from cycle import parse_cycle
from cycle.conflicts import double_bookings, next_free_day, person_identities
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
