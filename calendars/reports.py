"""The yearly processes' reports as Markdown: the follow-up report that closes the year
and the published list of decided priorities.

Pure: values in, text out. ``services.reports`` writes them to the reports folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cycle.decisions import CommissionStatus, CommissionView, Publicity
from cycle.swedish import format_date
from cycle.yearly import AssignmentDraft, ItemKind, ItemStatus, YearItem

# the order a follow-up lists assignments in: what needs attention first
_ORDER = (
    CommissionStatus.FORSENAT,
    CommissionStatus.PAGAR,
    CommissionStatus.EJ_PABORJAT,
    CommissionStatus.KLART,
    CommissionStatus.AVBRUTET,
)


def render_follow_up_report(
    organisation: str,
    year: int,
    items: Sequence[YearItem],
    drafts: Sequence[AssignmentDraft],
    meeting_day: dt.date | None,
    commissions: Sequence[CommissionView] = (),
) -> str:
    """The Swedish follow-up report (Markdown) that closes the year: the priorities and
    initiatives with their statuses, the assignments decisions gave (late ones first;
    restricted ones counted, not shown) and next year's drafts."""
    counts = {s: sum(1 for i in items if i.status is s) for s in ItemStatus}
    out = [f"# Uppföljning {year} – {organisation}", ""]
    if meeting_day is not None:
        out += [f"Behandlas på uppföljningsmötet {format_date(meeting_day)}.", ""]
    out += ["## Sammanfattning", ""]
    out += [f"- {s.capitalize()}: {n}" for s, n in counts.items() if n] or [
        "- Inget att följa upp."
    ]
    for kind, heading in (
        (ItemKind.PRIORITERING, "Prioriterade områden"),
        (ItemKind.SATSNING, "Gemensamma satsningar"),
    ):
        rows = [i for i in items if i.kind is kind]
        out += ["", f"## {heading}", ""]
        if not rows:
            out.append(f"Inga {heading.lower()} beslutades för {year}.")
            continue
        out += ["| Rubrik | Status | Kommentar |", "| --- | --- | --- |"]
        out += [f"| {_cell(i.title)} | {i.status} | {_cell(i.comment)} |" for i in rows]
    out += ["", "## Uppdrag från besluten", ""]
    shown = sorted(
        (c for c in commissions if c.publicity is Publicity.OFFENTLIG),
        key=lambda c: (_ORDER.index(c.status), c.due, c.title),
    )
    if shown:
        out += [
            "| Uppdrag | Ägare | Beslut | Tidsram | Status | Senaste rapport |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        out += [
            f"| {_cell(c.title)} | {_cell(c.owner)} | {_cell(c.body)} "
            f"{format_date(c.decided_on)}: {_cell(c.decision)} | {format_date(c.due)} | "
            f"{c.status.value} | {_cell(c.last_report)} |"
            for c in shown
        ]
    else:
        out.append(f"Inga uppdrag från beslut att följa upp {year}.")
    hidden = len(commissions) - len(shown)
    if hidden:
        out += ["", f"{hidden} uppdrag med begränsad offentlighet redovisas inte här."]
    out += ["", f"## Uppdrag inför {year + 1}", ""]
    out += [f"- **{d.title}** – {d.description}" for d in drafts] or ["Inga nya uppdrag."]
    return "\n".join(out) + "\n"


def render_priorities(organisation: str, year: int, items: Sequence[YearItem]) -> str:
    """The published list of decided priority areas and joint initiatives (Markdown)."""
    out = [f"# Prioriteringar {year} – {organisation}", ""]
    priorities = [i for i in items if i.kind is ItemKind.PRIORITERING]
    initiatives = [i for i in items if i.kind is ItemKind.SATSNING]
    out += ["## Prioriterade områden", ""]
    out += [
        f"{n}. **{p.title}**" + (f" – {p.description}" if p.description else "")
        for n, p in enumerate(priorities, start=1)
    ] or ["Inga beslutade ännu."]
    out += ["", "## Gemensamma satsningar", ""]
    for i in initiatives:
        extra = "; ".join(
            x
            for x in (
                f"inom {i.parent}" if i.parent else "",
                f"ansvarig: {i.owner}" if i.owner else "",
            )
            if x
        )
        out.append(
            f"- **{i.title}**"
            + (f" ({extra})" if extra else "")
            + (f" – {i.description}" if i.description else "")
        )
    if not initiatives:
        out.append("Inga beslutade ännu.")
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
