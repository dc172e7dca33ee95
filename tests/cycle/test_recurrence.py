"""RRULE checks and expansion within one year."""

from __future__ import annotations

import datetime as dt

import pytest

from cycle.recurrence import check_rrule, expand_rrule


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("", "tom"),
        ("FREQ=MONTHY;BYDAY=1FR", "MONTHY stöds inte"),
        ("BYDAY=1FR", "FREQ saknas"),
        ("FREQ=MONTHLY;BYDAY", "NAMN=VÄRDE"),
        ("FREQ=MONTHLY;BYDAY=9XX", "är ingen veckodag"),
        ("FREQ=MONTHLY;BYDAY=3TI", "BYDAY: '3TI' är ingen veckodag; skriv MO, TU"),
        ("FREQ=MONTHLY;BYDAYS=1FR", "okänd del 'BYDAYS'; menade du BYDAY?"),
        ("FREQ=YEARLY;BYMONTH=13;BYDAY=1FR", "BYMONTH: '13' ska vara ett heltal från 1 till 12"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "från -31 till 31 (inte 0)"),
        ("FREQ=MONTHLY;COUNT=3", "COUNT"),
        ("FREQ=WEEKLY;BYHOUR=9", "BYHOUR"),
    ],
)
def test_bad_rules_are_explained(rule: str, fragment: str) -> None:
    problem = check_rrule(rule)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize(
    "rule", ["FREQ=MONTHLY;BYDAY=1FR", "FREQ=YEARLY;BYMONTH=1;BYDAY=3TH", "RRULE:FREQ=WEEKLY"]
)
def test_good_rules_pass(rule: str) -> None:
    assert check_rrule(rule) is None


def test_monthly_first_friday_of_2027() -> None:
    dates = expand_rrule("FREQ=MONTHLY;BYDAY=1FR", 2027)
    assert len(dates) == 12
    assert dates[0] == dt.date(2027, 1, 1) and dates[-1] == dt.date(2027, 12, 3)
    assert all(d.weekday() == 4 and d.day <= 7 for d in dates)


def test_leap_day_rule_only_fires_in_leap_years() -> None:
    assert expand_rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", 2028) == (dt.date(2028, 2, 29),)
    assert expand_rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", 2027) == ()
