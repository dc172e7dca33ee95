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

[[decision]]                         # a decision taken at a meeting (docs/decisions.md)
meeting = 2027-01-15                 # the day of the meeting
title = "…"

[[decision.assignment]]              # an uppdrag it gives
title = "…"
owner = "person:sara-nyberg"         # or body:<slug>
due = 2027-04-30
```
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .decisions import (
    CommissionSpec,
    DecisionKind,
    DecisionSpec,
    Publicity,
    check_commission,
    check_publicity,
    parse_owner,
)
from .errors import PlanError
from .times import check_year
from .tomlreader import Table, load_toml, values
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
    decisions: tuple[DecisionSpec, ...] = ()


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
    tables = root.tables("decision")
    decisions = tuple(_decision(t, year) for t in tables)
    seen: set[tuple[dt.date, str | None, str]] = set()
    for spec, t in zip(decisions, tables, strict=True):
        key = (spec.meeting, spec.series, spec.title)
        if key in seen:
            raise t.error("title", "mötet har redan ett beslut med den rubriken", spec.title)
        seen.add(key)
    root.done()
    return Decisions(
        organisation, year, tuple(priorities), tuple(initiatives), tuple(statuses), decisions
    )


def _publicity(t: Table) -> tuple[Publicity, str]:
    publicity = (
        t.choice("publicity", Publicity, values(Publicity), required=False) or Publicity.OFFENTLIG
    )
    try:
        return publicity, check_publicity(publicity, t.text("reason", required=False))
    except PlanError as error:
        raise t.error("reason", error.message) from None


def _decision(t: Table, year: int) -> DecisionSpec:
    meeting = t.date("meeting")
    if meeting is None:
        raise t.error("meeting", "ange mötets dag: meeting = ÅÅÅÅ-MM-DD")
    if meeting.year != year:
        raise t.error("meeting", f"mötet ska ligga i år {year}", meeting.isoformat())
    publicity, reason = _publicity(t)
    spec = DecisionSpec(
        meeting=meeting,
        title=t.text("title"),
        kind=t.choice("kind", DecisionKind, values(DecisionKind), required=False)
        or DecisionKind.BESLUT,
        text=t.text("text", required=False, lines=True),
        series=t.optional_text("series"),
        item=t.text("item", required=False),
        publicity=publicity,
        reason=reason,
        commissions=tuple(_commission(c, meeting) for c in t.tables("assignment")),
    )
    titles = [c.title for c in spec.commissions]
    for index, title in enumerate(titles):
        if title in titles[:index]:
            raise t.tables("assignment")[index].error(
                "title", "beslutet har redan ett uppdrag med den rubriken", title
            )
    t.done()
    return spec


def _commission(t: Table, decided: dt.date) -> CommissionSpec:
    due = t.date("due")
    if due is None:
        raise t.error("due", "ett uppdrag behöver en tidsram: due = ÅÅÅÅ-MM-DD")
    owner_text = t.text("owner")
    try:
        owner = parse_owner(owner_text)
    except PlanError as error:
        raise t.error("owner", error.message, owner_text) from None
    publicity = (
        t.choice("publicity", Publicity, values(Publicity), required=False) or Publicity.OFFENTLIG
    )
    try:
        spec = check_commission(
            CommissionSpec(
                title=t.text("title"),
                owner=owner,
                due=due,
                description=t.text("description", required=False, lines=True),
                report_to=t.date("report_to"),
                publicity=publicity,
                reason=t.text("reason", required=False),
            ),
            decided,
        )
    except PlanError as error:
        raise t.error(error.field or "title", error.message, error.value) from None
    t.done()
    return spec
