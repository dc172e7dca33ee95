"""The pure year plan: holiday moves, DST, chains, mandates, and its invariants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cycle import CycleDefinition, PlanError, WorkCalendar, parse_cycle, plan_year
from cycle.times import STOCKHOLM
from tests.conftest import mini_text

Mini = Callable[..., CycleDefinition]
D = dt.date


def _only(mini: Mini, calendar: WorkCalendar, year: int, rule: str, **fields: str):  # type: ignore[no-untyped-def]
    plan = plan_year(mini(rrule=f'"{rule}"', **fields), year, calendar)
    return plan.meetings


@pytest.mark.parametrize(
    ("year", "rule", "policy", "start", "minutes", "expected", "reason"),
    [
        # last Sunday of March: the DST switch day is a Sunday, so the meeting moves
        (2026, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "nästa", "08:30", 120, D(2026, 3, 30), "söndag"),
        (
            2026,
            "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            "föregående",
            "08:30",
            120,
            D(2026, 10, 23),
            "söndag",
        ),
        # Easter 2027: Good Friday, then the weekend, then Easter Monday
        (
            2027,
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=26",
            "nästa",
            "13:00",
            180,
            D(2027, 3, 30),
            "Långfredagen",
        ),
        # ... and backwards over Maundy Thursday's early closing for an afternoon meeting
        (
            2027,
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=26",
            "föregående",
            "13:00",
            180,
            D(2027, 3, 24),
            "Långfredagen",
        ),
        # a morning meeting fits before 14.00 on Maundy Thursday
        (
            2027,
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=26",
            "föregående",
            "09:00",
            120,
            D(2027, 3, 25),
            "Långfredagen",
        ),
        # Ascension Day 2026 and its klämdag
        (
            2026,
            "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=14",
            "nästa",
            "09:00",
            120,
            D(2026, 5, 18),
            "Kristi himmelsfärdsdag",
        ),
        (
            2026,
            "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=15",
            "föregående",
            "09:00",
            120,
            D(2026, 5, 13),
            "Klämdag",
        ),
        # midsommarafton 2027
        (
            2027,
            "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=25",
            "nästa",
            "09:00",
            120,
            D(2027, 6, 28),
            "Midsommarafton",
        ),
        (
            2027,
            "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=25",
            "föregående",
            "13:00",
            120,
            D(2027, 6, 23),
            "Midsommarafton",
        ),
        # Christmas 2026
        (
            2026,
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24",
            "nästa",
            "09:00",
            120,
            D(2026, 12, 28),
            "Julafton",
        ),
        # New Year's Eve: "next" would leave the year, so it moves back instead
        (
            2026,
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
            "nästa",
            "09:00",
            120,
            D(2026, 12, 30),
            "Nyårsafton",
        ),
        # a leap day that is a working day stays put
        (2028, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "nästa", "09:00", 120, D(2028, 2, 29), None),
    ],
)
def test_rule_dates_on_days_off_move_by_policy(
    mini: Mini,
    calendar: WorkCalendar,
    year: int,
    rule: str,
    policy: str,
    start: str,
    minutes: int,
    expected: dt.date,
    reason: str | None,
) -> None:
    (meeting,) = _only(
        mini,
        calendar,
        year,
        rule,
        holiday_policy=f'"{policy}"',
        start=f'"{start}"',
        duration_minutes=str(minutes),
    )
    assert meeting.start.date() == expected
    assert meeting.start.timetz().replace(tzinfo=None) == dt.time.fromisoformat(start)
    if reason is None:
        assert meeting.moved_because is None
    else:
        assert meeting.moved_because is not None and f"({reason})" in meeting.moved_because


def test_moved_reason_names_the_original_day_in_swedish(mini: Mini, calendar: WorkCalendar) -> None:
    (meeting,) = _only(mini, calendar, 2026, "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=14")
    assert meeting.moved_because == "flyttat från torsdag 14 maj 2026 (Kristi himmelsfärdsdag)"
    assert meeting.original_date == D(2026, 5, 14)


def test_local_time_is_kept_across_both_dst_switches(mini: Mini, calendar: WorkCalendar) -> None:
    meetings = _only(
        mini,
        calendar,
        2026,
        "FREQ=YEARLY;BYMONTH=3,10;BYMONTHDAY=27,30",
        start='"08:30"',
        duration_minutes="120",
    )
    local = [(m.start.date(), m.start.astimezone(STOCKHOLM).strftime("%H:%M")) for m in meetings]
    utc = [m.start.astimezone(dt.UTC).strftime("%H:%M") for m in meetings]
    assert local == [
        (D(2026, 3, 27), "08:30"),
        (D(2026, 3, 30), "08:30"),
        (D(2026, 10, 27), "08:30"),
        (D(2026, 10, 30), "08:30"),
    ]
    assert utc == ["07:30", "06:30", "07:30", "07:30"]


def test_summer_break_drops_july(mini: Mini, calendar: WorkCalendar) -> None:
    plan = plan_year(mini(), 2027, calendar)
    assert [m.start.month for m in plan.meetings] == [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]


def test_chain_due_dates_skip_days_off_and_follow_the_meeting(
    mini: Mini, calendar: WorkCalendar
) -> None:
    plan = plan_year(mini(), 2027, calendar)
    first = plan.meetings[0]
    assert first.start.date() == D(2027, 1, 7)
    due = {t.step: t.due for t in plan.tasks if t.meeting == first.id}
    assert due == {
        "arenden": D(2026, 12, 10),
        "kallelse": D(2026, 12, 17),
        "handlingar": D(2026, 12, 28),
        "minnesanteckningar": D(2027, 1, 14),
    }
    # Ascension week 2027: 1TH of May is 6 May (a holiday), moved to Monday 10 May
    may = next(m for m in plan.meetings if m.start.month == 5)
    assert may.start.date() == D(2027, 5, 10)
    may_due = {t.step: t.due for t in plan.tasks if t.meeting == may.id}
    assert may_due["handlingar"] == D(2027, 4, 29)  # 5 working days back, over 6–7 May


def _handover(text: str) -> str:
    """Lena leaves the beredningsgrupp at New Year; Olof takes over as sammankallande."""
    text = text.replace(
        'person = "lena-sjo"\nbody = "beredningsgrupp"\nrole = "sammankallande"\n',
        'person = "lena-sjo"\nbody = "beredningsgrupp"\nrole = "sammankallande"\nto = 2026-12-31\n',
    )
    return text.replace(
        "[[chain]]",
        '[[membership]]\nperson = "olof-lund"\nbody = "beredningsgrupp"\n'
        'role = "sammankallande"\nfrom = 2027-01-01\n\n[[chain]]',
        1,
    )


def test_mandate_changes_take_effect_on_the_day(mini: Mini, calendar: WorkCalendar) -> None:
    d = mini(org_text=_handover)
    late_2026 = plan_year(d, 2026, calendar).meetings[-1]
    early_2027 = plan_year(d, 2027, calendar).meetings[0]
    assert {i.person for i in late_2026.invitations} == {"anna-berg", "olof-lund"}
    assert {i.person for i in early_2027.invitations} == {"anna-berg", "karin-ek"}
    tasks_2027 = plan_year(d, 2027, calendar).tasks
    # the January meeting's kallelse is due in December: still Lena's job
    jan = {t.step: t for t in tasks_2027 if t.meeting == early_2027.id}
    assert jan["kallelse"].due.year == 2026 and jan["kallelse"].assignees == ("lena-sjo",)
    feb = next(m for m in plan_year(d, 2027, calendar).meetings if m.start.month == 2)
    feb_kallelse = next(t for t in tasks_2027 if t.meeting == feb.id and t.step == "kallelse")
    assert feb_kallelse.assignees == ("olof-lund",)


def test_someone_holding_two_roles_is_called_once_in_the_leading_one(
    mini: Mini, calendar: WorkCalendar
) -> None:
    def chair_too(text: str) -> str:  # Karin, a member since 2027, is also chair from June
        return text.replace(
            "[[chain]]",
            '[[membership]]\nperson = "karin-ek"\nbody = "radet"\nrole = "ordförande"\n'
            "from = 2027-06-01\n\n[[chain]]",
            1,
        )

    meetings = plan_year(mini(org_text=chair_too), 2027, calendar).meetings
    roles = [
        (m.start.month, [(i.person, i.role.value) for i in m.invitations if i.person == "karin-ek"])
        for m in meetings
    ]
    assert all(found == [("karin-ek", "ledamot")] for month, found in roles if month < 6)
    assert all(found == [("karin-ek", "ordförande")] for month, found in roles if month >= 6)


def test_a_step_nobody_holds_on_its_due_date_is_a_plan_error(
    mini: Mini, calendar: WorkCalendar
) -> None:
    def lena_leaves(text: str) -> str:
        return text.replace(
            'role = "sammankallande"\n', 'role = "sammankallande"\nto = 2027-03-31\n'
        )

    d = mini(org_text=lena_leaves)
    plan_year(d, 2026, calendar)  # fine while she is there
    with pytest.raises(PlanError) as caught:
        plan_year(d, 2027, calendar)
    message = str(caught.value)
    assert "'arenden'" in message and "ingen ansvarig den torsdag 15 april 2027" in message
    assert caught.value.source == "mini.toml"


def test_replanning_gives_equal_values_and_ids(mini: Mini, calendar: WorkCalendar) -> None:
    d = mini()
    assert plan_year(d, 2027, calendar) == plan_year(d, 2027, calendar)
    again = plan_year(parse_cycle(mini_text(), "other-name.toml"), 2027, calendar)
    assert [m.id for m in again.meetings] == [m.id for m in plan_year(d, 2027, calendar).meetings]


def test_a_moved_meeting_keeps_the_id_of_its_rule_date(mini: Mini, calendar: WorkCalendar) -> None:
    morning = plan_year(mini(start='"09:00"'), 2027, calendar)
    later = plan_year(mini(start='"13:00"', holiday_policy='"föregående"'), 2027, calendar)
    assert [m.id for m in morning.meetings] == [m.id for m in later.meetings]
    assert [m.start for m in morning.meetings] != [m.start for m in later.meetings]


_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
rules = st.one_of(
    st.builds(
        lambda n, d: f"FREQ=MONTHLY;BYDAY={n}{d}",
        st.sampled_from([1, 2, 3, 4, -1]),
        st.sampled_from(_DAYS),
    ),
    st.builds(
        lambda d, i: f"FREQ=WEEKLY;INTERVAL={i};BYDAY={d}",
        st.sampled_from(_DAYS),
        st.integers(1, 4),
    ),
    st.builds(
        lambda m, d: f"FREQ=YEARLY;BYMONTH={m};BYMONTHDAY={d}",
        st.integers(1, 12),
        st.integers(1, 28),
    ),
    st.builds(lambda d: f"FREQ=MONTHLY;BYMONTHDAY={d}", st.sampled_from([1, 15, 28, 29, 31, -1])),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rule=rules,
    year=st.integers(2025, 2029),
    policy=st.sampled_from(["nästa", "föregående"]),
    start=st.sampled_from(["08:30", "13:00", "15:30"]),
)
def test_plan_properties(
    mini: Mini, calendar: WorkCalendar, rule: str, year: int, policy: str, start: str
) -> None:
    d = mini(rrule=f'"{rule}"', holiday_policy=f'"{policy}"', start=f'"{start}"')
    plan = plan_year(d, year, calendar)
    starts = [m.start for m in plan.meetings]
    assert starts == sorted(starts)
    assert all(s.year == year for s in starts)
    assert all(calendar.is_working_day(s.date(), avoid_klamdagar=True) for s in starts)
    assert all(m.end - m.start == dt.timedelta(minutes=180) for m in plan.meetings)
    assert len({m.id for m in plan.meetings}) == len(plan.meetings)
    assert [t.due for t in plan.tasks] == sorted(t.due for t in plan.tasks)
    assert plan_year(d, year, calendar) == plan
