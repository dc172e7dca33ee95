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
