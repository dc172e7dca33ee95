"""The Swedish work calendar: holidays, de facto holidays, half days and klämdagar."""

from __future__ import annotations

import datetime as dt

import pytest

from cycle import PlanError, WorkCalendar
from cycle.workdays import HalfDay

D = dt.date


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (D(2026, 1, 1), "Nyårsdagen"),
        (D(2026, 1, 6), "Trettondedag jul"),
        (D(2027, 3, 26), "Långfredagen"),
        (D(2027, 3, 29), "Annandag påsk"),
        (D(2026, 5, 14), "Kristi himmelsfärdsdag"),
        (D(2027, 6, 25), "Midsommarafton"),
        (D(2026, 12, 24), "Julafton"),
        (D(2026, 12, 31), "Nyårsafton"),
        (D(2026, 3, 29), "söndag"),  # the spring DST switch
        (D(2026, 10, 24), "lördag"),
        (D(2026, 5, 15), "Klämdag"),  # Friday after Ascension, from the holidays package
        (D(2028, 6, 5), "Klämdag"),  # Monday before Tuesday's national day, derived
        (D(2026, 1, 2), "Klämdag"),  # Friday after New Year's Day, derived
    ],
)
def test_days_off_are_named_in_swedish(calendar: WorkCalendar, day: dt.date, reason: str) -> None:
    assert calendar.day_off_reason(day, avoid_klamdagar=True) == reason


@pytest.mark.parametrize(
    "day", [D(2026, 3, 30), D(2026, 10, 26), D(2027, 12, 28), D(2028, 2, 29), D(2027, 6, 24)]
)
def test_ordinary_and_half_days_are_working_days(calendar: WorkCalendar, day: dt.date) -> None:
    assert calendar.is_working_day(day, avoid_klamdagar=True)


def test_klamdag_is_a_working_day_when_the_organisation_works_it(calendar: WorkCalendar) -> None:
    assert calendar.is_working_day(D(2026, 5, 15), avoid_klamdagar=False)
    assert not calendar.is_working_day(D(2026, 5, 15), avoid_klamdagar=True)


def test_half_days_carry_their_closing_time(calendar: WorkCalendar) -> None:
    assert calendar.half_days[D(2027, 6, 24)] == HalfDay(
        "Dag före Midsommarafton (från kl. 14.00)", dt.time(14, 0)
    )
    assert calendar.half_days[D(2027, 4, 30)].name.startswith("Valborgsmässoafton")


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2027, 1, 7), -15, D(2026, 12, 10)),  # over Christmas, New Year and Epiphany
        (D(2027, 5, 10), -3, D(2027, 5, 3)),  # over Ascension and its klämdag
        (D(2027, 3, 25), 1, D(2027, 3, 30)),  # over Easter
        (D(2027, 3, 1), 0, D(2027, 3, 1)),
        (D(2028, 2, 28), 1, D(2028, 2, 29)),  # leap day is a working Tuesday
    ],
)
def test_add_working_days_skips_days_off(
    calendar: WorkCalendar, start: dt.date, count: int, expected: dt.date
) -> None:
    assert calendar.add_working_days(start, count, avoid_klamdagar=True) == expected


def test_uncovered_year_is_an_error_not_a_guess(calendar: WorkCalendar) -> None:
    with pytest.raises(PlanError, match="täcker inte år 2040"):
        calendar.is_working_day(D(2040, 1, 2), avoid_klamdagar=True)


def test_from_entries_prefers_a_full_holiday_over_a_half_day_note() -> None:
    cal = WorkCalendar.from_entries(
        [(D(2027, 4, 30), "Valborgsmässoafton (från kl. 14.00)"), (D(2027, 4, 30), "Fest")],
        [2027],
    )
    assert cal.days_off[D(2027, 4, 30)] == "Fest"
    assert D(2027, 4, 30) not in cal.half_days
