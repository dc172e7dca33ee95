"""Bad cycle files give one Swedish error naming file, line, field and value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from cycle import DefinitionError, parse_cycle
from cycle.definitions import AssigneeKind, Role
from tests.conftest import MINI, mini_text


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


def test_the_mini_file_parses_into_values() -> None:
    d = parse_cycle(MINI.read_text(encoding="utf-8"), "mini.toml")
    assert d.organisation.slug == "mini" and d.organisation.avoid_klamdagar
    assert [b.slug for b in d.bodies] == ["radet", "beredningsgrupp"]
    assert d.memberships[0].role is Role.ORDFORANDE
    steps = d.chain("standard").steps
    assert [s.offset for s in steps] == [-15, -10, -5, 5]
    assert (
        steps[1].assignee.kind is AssigneeKind.ROLE and steps[1].assignee.body == "beredningsgrupp"
    )
    assert d.series[0].summer_break is not None


Edit = Callable[[str], str]
Needle = str | tuple[str, int]
CASES: list[tuple[str, Edit, Needle, str, str]] = [
    # (case, edit, text on the expected line [and which occurrence], field, message fragment)
    (
        "malformed TOML",
        lambda t: t.replace('name = "Samverkansrådet"', 'name = "Samverkansrådet'),
        'name = "Samverkansrådet',
        "body[0].name",  # the parser's line, with the field it sets
        "inte giltig TOML",
    ),
    (
        "a date the calendar lacks",
        lambda t: t.replace("[[series]]", "[[series]]\nfrom = 2027-02-30", 1),
        "from = 2027-02-30",
        "series[0].from",
        "det datumet finns inte: februari 2027 har 28 dagar",
    ),
    (
        "unknown field",
        lambda t: t.replace(
            'location = "Regionens hus, Sal A"', 'location = "Regionens hus, Sal A"\ncolour = "blå"'
        ),
        'colour = "blå"',
        "series[0].colour",
        "okänt fält",
    ),
    (
        "invalid RRULE",
        lambda t: t.replace("FREQ=MONTHLY;BYDAY=1TH", "FREQ=MONTHY;BYDAY=1TH"),
        "FREQ=MONTHY",
        "series[0].rrule",
        "MONTHY stöds inte",
    ),
    (
        "unknown role",
        lambda t: t.replace('role = "ordförande"', 'role = "kung"'),
        'role = "kung"',
        "membership[0].role",
        "okänt värde",
    ),
    (
        "membership ends before it starts",
        lambda t: t.replace("from = 2027-01-01", "from = 2027-01-01\nto = 2026-06-30"),
        "to = 2026-06-30",
        "membership[2].to",
        "slutar innan det börjar",
    ),
    (
        "step assigned to nobody",
        lambda t: t.replace('assign = "role:ordförande"\n', ""),
        ("[[chain.step]]", 4),
        "chain[0].step[3].assign",
        "inte tilldelat någon",
    ),
    (
        "step assigned to a role nobody holds",
        lambda t: t.replace('assign = "role:ordförande"', 'assign = "role:vice ordförande"'),
        'assign = "role:vice ordförande"',
        "chain[0].step[3].assign",
        "tilldelat ingen",
    ),
    (
        "step assigned to an unknown body",
        lambda t: t.replace('assign = "body:beredningsgrupp"', 'assign = "body:kansliet"', 1),
        'assign = "body:kansliet"',
        "chain[0].step[0].assign",
        "okänt organ",
    ),
    (
        "unknown person in a membership",
        lambda t: t.replace('person = "karin-ek"', 'person = "kalle"'),
        'person = "kalle"',
        "membership[2].person",
        "okänd person",
    ),
    (
        "a mistyped person in a membership gets the nearest one",
        lambda t: t.replace('person = "karin-ek"', 'person = "karin-ekk"'),
        'person = "karin-ekk"',
        "membership[2].person",
        "okänd person; menade du karin-ek?",
    ),
    (
        "unknown chain",
        lambda t: t.replace('chain = "standard"', 'chain = "saknas"'),
        'chain = "saknas"',
        "series[0].chain",
        "okänd förberedelsekedja",
    ),
    (
        "bad start time",
        lambda t: t.replace('start = "13:00"', 'start = "25:00"'),
        'start = "25:00"',
        "series[0].start",
        "klockslag",
    ),
    (
        "a typo in a required key names the typo, not the gap",
        lambda t: t.replace('start = "13:00"', 'strat = "13:00"'),
        'strat = "13:00"',
        "series[0].strat",
        "okänt fält 'strat'; menade du start?",
    ),
    (
        "a typo in an optional key is named with the nearest one",
        lambda t: t.replace('start = "13:00"', 'start = "13:00"\nlocaton = "Karlstad"'),
        'locaton = "Karlstad"',
        "series[0].locaton",
        "okänt fält 'locaton'; menade du location?",
    ),
    (
        "wrong type",
        lambda t: t.replace("duration_minutes = 180", 'duration_minutes = "tre timmar"'),
        "duration_minutes",
        "series[0].duration_minutes",
        "heltal",
    ),
    (
        "duplicate person id",
        lambda t: t.replace('id = "olof-lund"', 'id = "anna-berg"'),
        ('id = "anna-berg"', 2),
        "person[1].id",
        "finns redan",
    ),
    (
        "slug with å",
        lambda t: t.replace('slug = "radet"', 'slug = "rådet"'),
        'slug = "rådet"',
        "body[0].slug",
        "a–z",
    ),
    (
        "bad summer break",
        lambda t: t.replace('from = "07-01"', 'from = "07-32"'),
        "summer_break",
        "series[0].summer_break.from",
        "MM-DD",
    ),
    (
        "missing required field",
        lambda t: t.replace('title = "Samverkansrådet"\n', ""),
        "[[series]]",
        "series[0]",
        "'title' saknas",
    ),
]


@pytest.mark.parametrize(
    ("case", "edit", "needle", "field", "fragment"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_names_file_line_field_and_value(
    case: str, edit: Edit, needle: Needle, field: str, fragment: str
) -> None:
    text = edit(mini_text())
    assert text != mini_text(), "the edit must change the file"
    with pytest.raises(DefinitionError) as caught:
        parse_cycle(text, "cycles/mini.toml")
    error = caught.value
    assert error.source == "cycles/mini.toml"
    assert fragment in error.message
    assert (error.field or "") == field
    expected_line = _line_of(text, *((needle, 1) if isinstance(needle, str) else needle))
    assert error.line == expected_line
    assert str(error).startswith(f"cycles/mini.toml, rad {expected_line}")
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("written", "clock"), [("13.00", (13, 0)), ("13:00", (13, 0)), ("8.30", (8, 30))]
)
def test_times_are_read_as_swedes_write_them(written: str, clock: tuple[int, int]) -> None:
    text = MINI.read_text(encoding="utf-8").replace('start = "13:00"', f'start = "{written}"')
    assert parse_cycle(text, "mini.toml").series[0].start == dt.time(*clock)


def test_a_travel_margin_is_read_in_minutes_and_a_bad_one_named() -> None:
    def with_margin(value: str) -> str:
        return mini_text().replace(
            "avoid_klamdagar = true", f"avoid_klamdagar = true\ntravel_margin_minutes = {value}"
        )

    assert "travel_margin_minutes" in with_margin("30")
    d = parse_cycle(with_margin("30"), "mini.toml")
    assert d.organisation.travel_margin == dt.timedelta(minutes=30)
    assert parse_cycle(mini_text(), "mini.toml").organisation.travel_margin == dt.timedelta(0)
    for bad in ("-5", "2000", '"30"'):
        with pytest.raises(DefinitionError) as caught:
            parse_cycle(with_margin(bad), "mini.toml")
        assert caught.value.field is not None and "travel_margin_minutes" in caught.value.field


def test_calendars_to_avoid_and_the_conflict_policy_are_read_and_bad_ones_named() -> None:
    busy = '\n[[busy]]\nid = "lov"\nname = "Skollov"\nsource = "lov.ics"\n'
    d = parse_cycle(mini_text(avoid='["lov"]', on_conflict='"flytta"') + busy, "mini.toml")
    assert d.busy[0].source == "lov.ics" and d.busy[0].example is False
    assert d.series[0].avoid == ("lov",) and d.series[0].on_conflict.value == "flytta"
    plain = parse_cycle(mini_text(), "mini.toml").series[0]
    assert plain.avoid == () and plain.on_conflict.value == "varna"
    cases = {
        mini_text(avoid='["lovv"]') + busy: ("series[0].avoid", "menade du lov? (kända: lov)"),
        mini_text(on_conflict='"flyt"') + busy: ("series[0].on_conflict", "flytta"),
        mini_text() + busy.replace("lov.ics", "ftp://x/lov.ics"): ("busy[0].source", "https"),
        mini_text() + busy + busy: ("busy[1].id", "finns redan"),
    }
    for text, (field, words) in cases.items():
        with pytest.raises(DefinitionError) as caught:
            parse_cycle(text, "mini.toml")
        assert caught.value.field == field, str(caught.value)
        assert words in str(caught.value) and caught.value.line is not None
