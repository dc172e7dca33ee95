"""The decisions file: what an admin records after a meeting, read from TOML.

After the January meeting: the priority areas and joint initiatives decided. At year end:
the reported status of each. One small file format for both, checked like cycle files:

```toml
organisation = "jamtland-harjedalen"
year = 2027

[[priority]]
title = "Kompetensförsörjning"
description = "…"

[[initiative]]
title = "Gemensam kompetensplattform"
priority = "Kompetensförsörjning"   # optional: the priority it belongs to
owner = "Region Jämtland Härjedalen"

[[status]]                           # a year-end status of a priority or initiative
title = "Kompetensförsörjning"
status = "enligt plan"               # enligt plan | försenad | avslutad | avbruten
comment = "…"
```
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PlanError
from .times import check_year
from .tomlreader import load_toml, values
from .yearly import REPORTABLE, ItemStatus


@dataclass(frozen=True, slots=True)
class DecidedPriority:
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class DecidedInitiative:
    title: str
    description: str = ""
    priority: str | None = None
    owner: str = ""


@dataclass(frozen=True, slots=True)
class ReportedStatus:
    title: str
    status: ItemStatus
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Decisions:
    """What one decisions file records for one organisation and year."""

    organisation: str
    year: int
    priorities: tuple[DecidedPriority, ...]
    initiatives: tuple[DecidedInitiative, ...]
    statuses: tuple[ReportedStatus, ...]


def reported_status(text: str) -> ItemStatus:
    """The status an admin reports, e.g. "försenad"; "ej rapporterad" is not a report.

    Raises:
        ValueError: not a status that can be reported.

    Example:
        >>> reported_status("försenad")
        <ItemStatus.FORSENAD: 'försenad'>
    """
    status = ItemStatus(text)
    if status not in REPORTABLE:
        raise ValueError(text)
    return status


def parse_decisions(text: str, source: str) -> Decisions:
    """Parse a decisions file.

    Raises:
        DefinitionError: naming file, line, field and value.
    """
    root = load_toml(text, source)
    organisation = root.slug("organisation")
    year = root.integer("year")
    try:
        check_year(year)
    except PlanError as error:
        raise root.error("year", error.message, year) from None
    priorities = []
    for t in root.tables("priority"):
        priorities.append(
            DecidedPriority(t.text("title"), t.text("description", required=False, lines=True))
        )
        t.done()
    titles = {p.title for p in priorities}
    initiatives = []
    for t in root.tables("initiative"):
        item = DecidedInitiative(
            t.text("title"),
            t.text("description", required=False, lines=True),
            t.optional_text("priority"),
            t.text("owner", required=False),
        )
        if item.priority is not None and titles and item.priority not in titles:
            raise t.error("priority", "ingen [[priority]] i filen har den rubriken", item.priority)
        initiatives.append(item)
        t.done()
    statuses = []
    for t in root.tables("status"):
        statuses.append(
            ReportedStatus(
                t.text("title"),
                t.choice("status", reported_status, values(REPORTABLE)),  # type: ignore[arg-type]
                t.text("comment", required=False, lines=True),
            )
        )
        t.done()
    root.done()
    return Decisions(organisation, year, tuple(priorities), tuple(initiatives), tuple(statuses))
