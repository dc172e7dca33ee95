"""The three shipped cycle files: valid, plannable for 2026–2028, honest about example data."""

from __future__ import annotations

import pytest

from cycle import CycleDefinition, WorkCalendar, plan_year
from cycle.definitions import SeriesKind
from services.cyclefiles import load_cycles
from services.settings import SHIPPED_CYCLES

# The only real people: those named in the public seed texts.
NAMED_IN_SEEDS = {"Fredrik Larsson", "Peter Söderström", "Marita Ljung", "Malin Bergman"}


@pytest.fixture(scope="module")
def shipped() -> dict[str, CycleDefinition]:
    return {d.organisation.slug: d for d in load_cycles(SHIPPED_CYCLES)}


def test_the_three_seeded_organisations_are_shipped(shipped: dict[str, CycleDefinition]) -> None:
    assert sorted(shipped) == ["jamtland-harjedalen", "varmland", "vasternorrland"]


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_every_shipped_file_plans(
    shipped: dict[str, CycleDefinition], calendar: WorkCalendar, year: int
) -> None:
    for d in shipped.values():
        plan = plan_year(d, year, calendar)
        assert plan.meetings and plan.tasks
        assert all(m.start.month != 7 for m in plan.meetings), "July is the summer break"


def test_invented_people_are_marked_and_real_ones_carry_no_contact_data(
    shipped: dict[str, CycleDefinition],
) -> None:
    people = [p for d in shipped.values() for p in d.people]
    real = {p.name for p in people if not p.example}
    assert real <= NAMED_IN_SEEDS
    assert all(p.email is None and p.phone is None for p in people if not p.example)
    # invented addresses are on a domain reserved for examples (RFC 2606/6761)
    addresses = [p.email for p in people if p.email]
    assert addresses and all(a.endswith(".example") for a in addresses)
    # every shipped cycle is example data until an admin confirms it
    assert all(d.organisation.example for d in shipped.values())


# The roles the seed texts give the people they name (body, role); no other.
ROLES_IN_SEEDS = {
    "fredrik-larsson": {("varmlandsradet", "ordförande"), ("ordforanderadet", "ledamot")},
    "peter-soderstrom": {("varmlandsradet", "vice ordförande"), ("ordforanderadet", "ledamot")},
    "marita-ljung": set(),  # signed the agreement; chairs nothing the text names
    "malin-bergman": set(),
}


def test_real_people_hold_only_the_roles_the_texts_give_them(
    shipped: dict[str, CycleDefinition],
) -> None:
    for d in shipped.values():
        real = {p.id for p in d.people if not p.example}
        held: dict[str, set[tuple[str, str]]] = {p: set() for p in real}
        for m in d.memberships:
            if m.person in real:
                held[m.person].add((m.body, m.role.value))
        for person, roles in held.items():
            assert roles == ROLES_IN_SEEDS[person], (d.organisation.slug, person)


def test_seeded_roles_and_processes(
    shipped: dict[str, CycleDefinition], calendar: WorkCalendar
) -> None:
    varmland = shipped["varmland"]
    direktorer = next(s for s in varmland.series if s.body == "direktorsberedningen")
    assert direktorer.start.hour < 12, "direktörsberedningen meets in the morning"
    assert len(plan_year(varmland, 2027, calendar).meetings) >= 20
    jamtland = {s.kind for s in shipped["jamtland-harjedalen"].series}
    assert {SeriesKind.PRIORITERING, SeriesKind.UPPFOLJNING} <= jamtland
    forum = [s for s in shipped["vasternorrland"].series if s.kind is SeriesKind.FORUM]
    assert forum
    stora = [
        m
        for m in plan_year(shipped["vasternorrland"], 2027, calendar).meetings
        if m.series == forum[0].id
    ]
    assert 2 <= len(stora) <= 3


def test_the_shipped_school_holidays_are_examples_for_each_county_2026_to_2028(
    shipped: dict[str, CycleDefinition],
) -> None:
    import datetime as dt

    import icalendar
    import recurring_ical_events
    from dateutil.easter import easter

    sportlov_week = {"jamtland-harjedalen": 10, "vasternorrland": 10, "varmland": 9}
    for slug, d in shipped.items():
        (source,) = d.busy
        assert source.example and "exempel" in source.name
        calendar = icalendar.Calendar.from_ical((SHIPPED_CYCLES / source.source).read_bytes())
        assert "exempel" in str(calendar["X-WR-CALNAME"])
        events = recurring_ical_events.of(calendar).between(
            dt.date(2026, 1, 1), dt.date(2029, 1, 1)
        )
        found = {(e["SUMMARY"], e.decoded("DTSTART")) for e in events}
        for year in (2026, 2027, 2028):
            assert ("Sportlov", dt.date.fromisocalendar(year, sportlov_week[slug], 1)) in found
            assert ("Påsklov", easter(year) + dt.timedelta(days=1)) in found
            assert ("Höstlov", dt.date.fromisocalendar(year, 44, 1)) in found
        assert len(found) == 9
        assert any("skollov" in s.avoid for s in d.series)
