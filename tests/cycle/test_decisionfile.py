"""The decisions file: what an admin records after a meeting, checked like a cycle file."""

from __future__ import annotations

import pytest

from cycle import DefinitionError
from cycle.decisionfile import (
    DecidedInitiative,
    DecidedPriority,
    ReportedStatus,
    parse_decisions,
    reported_status,
)
from cycle.yearly import ItemStatus

GOOD = """\
organisation = "jamtland-harjedalen"
year = 2027

[[priority]]
title = "Kompetensförsörjning"
description = "Fler utbildade"

[[initiative]]
title = "Gemensam kompetensplattform"
priority = "Kompetensförsörjning"
owner = "Region Jämtland Härjedalen"

[[status]]
title = "Kompetensförsörjning"
status = "försenad"
comment = "Upphandlingen drog ut"
"""


def test_a_decisions_file_reads_into_values() -> None:
    d = parse_decisions(GOOD, "beslut.toml")
    assert (d.organisation, d.year) == ("jamtland-harjedalen", 2027)
    assert d.priorities == (DecidedPriority("Kompetensförsörjning", "Fler utbildade"),)
    assert d.initiatives == (
        DecidedInitiative(
            "Gemensam kompetensplattform", "", "Kompetensförsörjning", "Region Jämtland Härjedalen"
        ),
    )
    assert d.statuses == (
        ReportedStatus("Kompetensförsörjning", ItemStatus.FORSENAD, "Upphandlingen drog ut"),
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("year = 2027", "year = 1999"), "beslut.toml, rad 2, fält year: året måste ligga mellan"),
        (
            ('priority = "Kompetensförsörjning"', 'priority = "Okänd"'),
            "beslut.toml, rad 10, fält initiative[0].priority: ingen [[priority]]",
        ),
        (
            ('status = "försenad"', 'status = "ej rapporterad"'),
            "beslut.toml, rad 15, fält status[0].status: okänt värde; tillåtna är 'enligt plan'",
        ),
        (
            ('owner = "Region', 'ansvarig = "Region'),
            "beslut.toml, rad 11, fält initiative[0].ansvarig: okänt fält 'ansvarig'",
        ),
        (('title = "Kompetensförsörjning"\ndesc', "desc"), "obligatoriskt fält 'title' saknas"),
        (("year = 2027", 'year = "2027"'), "fält year: ska vara heltal"),
    ],
)
def test_a_bad_decisions_file_names_line_and_field(change: tuple[str, str], message: str) -> None:
    text = GOOD.replace(*change, 1)
    assert text != GOOD
    with pytest.raises(DefinitionError) as caught:
        parse_decisions(text, "beslut.toml")
    assert message in str(caught.value)


def test_only_real_reports_are_statuses() -> None:
    assert reported_status("avslutad") is ItemStatus.AVSLUTAD
    with pytest.raises(ValueError):
        reported_status("ej rapporterad")
    with pytest.raises(ValueError):
        reported_status("klart")


DECIDED = """\
organisation = "mini"
year = 2027

[[decision]]
meeting = 2027-01-07
title = "Gemensam hållning om kompetensförsörjning"
kind = "ställningstagande"
item = "Kompetensförsörjning"

[[decision.assignment]]
title = "Ta fram underlag"
owner = "person:lena-sjo"
due = 2027-04-30
report_to = 2027-05-06

[[decision.assignment]]
title = "Samordna remissvaren"
owner = "body:beredningsgrupp"
due = 2027-09-30
publicity = "begränsad"
reason = "OSL 18 kap. 13 §"
"""


def test_decisions_with_assignments_read_into_values() -> None:
    from cycle.decisions import DecisionKind, Owner, Publicity

    (decision,) = parse_decisions(DECIDED, "beslut.toml").decisions
    assert decision.meeting.isoformat() == "2027-01-07"
    assert decision.kind is DecisionKind.STALLNINGSTAGANDE and decision.item
    first, second = decision.commissions
    assert first.owner == Owner("person", "lena-sjo") and first.due.isoformat() == "2027-04-30"
    assert first.report_to is not None and first.publicity is Publicity.OFFENTLIG
    assert second.publicity is Publicity.BEGRANSAD and second.reason == "OSL 18 kap. 13 §"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("due = 2027-04-30", "due = 2026-12-01"),
            "rad 13, fält decision[0].assignment[0].due: uppdraget ska vara klart efter beslutet",
        ),
        (
            ("due = 2027-04-30", "due = 2040-04-30"),
            "fält decision[0].assignment[0].due: en tidsram högst 5 år fram",
        ),
        (
            ("due = 2027-04-30\n", ""),
            "fält decision[0].assignment[0].due: ett uppdrag behöver en tidsram",
        ),
        (
            ('owner = "person:lena-sjo"', 'owner = "lena-sjo"'),
            "fält decision[0].assignment[0].owner: ange ägaren som person:<id> eller body:<slug>",
        ),
        (
            ('reason = "OSL 18 kap. 13 §"\n', ""),
            "fält decision[0].assignment[1].reason: en begränsad uppgift behöver ett skäl",
        ),
        (
            ("meeting = 2027-01-07", "meeting = 2028-01-07"),
            "fält decision[0].meeting: mötet ska ligga i år 2027",
        ),
        (
            ('title = "Samordna remissvaren"', 'title = "Ta fram underlag"'),
            "fält decision[0].assignment[1].title: beslutet har redan ett uppdrag med den rubriken",
        ),
        (("report_to = 2027-05-06", "report_to = 2026-05-06"), "återrapporteringen ligger före"),
        (
            (
                "[[decision.assignment]]",
                '[[decision]]\nmeeting = 2027-01-07\ntitle = "Gemensam hållning '
                'om kompetensförsörjning"\n\n[[decision.assignment]]',
            ),
            "fält decision[1].title: mötet har redan ett beslut med den rubriken",
        ),
    ],
)
def test_a_bad_decision_names_line_and_field(change: tuple[str, str], message: str) -> None:
    text = DECIDED.replace(*change, 1)
    assert text != DECIDED
    with pytest.raises(DefinitionError) as caught:
        parse_decisions(text, "beslut.toml")
    assert message in str(caught.value)
