"""The yearly processes' reports as Markdown: the follow-up report that closes the year
and the published list of decided priorities.

Pure: values in, text out. ``services.reports`` writes them to the reports folder.
"""

from __future__ import annotations

from collections.abc import Sequence

from cycle.yearly import ItemKind, YearItem

from .followup import FollowUp, render_follow_up_html, render_follow_up_pdf


def render_follow_up_report(report: FollowUp) -> str:
    """The Swedish follow-up report (Markdown) that closes the year: the priorities and
    initiatives with their statuses, the assignments decisions gave (late first;
    restricted ones counted, not shown) and next year's drafts – the same content as its
    page and PDF (``calendars.followup``)."""
    out = [f"# {report.title}", ""]
    if report.meeting:
        out += [report.meeting, ""]
    out += ["## Sammanfattning", "", *(f"- {line}" for line in report.summary)]
    for section in report.sections:
        out += ["", f"## {section.heading}", ""]
        if not section.rows:
            out.append(section.empty)
            continue
        out += [
            "| " + " | ".join(section.columns) + " |",
            "| " + " | ".join("---" for _ in section.columns) + " |",
        ]
        out += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in section.rows]
    if report.hidden:
        out += ["", report.hidden]
    out += ["", f"## {report.drafts_heading}", ""]
    out += [f"- **{t}** – {d}" for t, d in report.drafts] or ["Inga nya uppdrag."]
    return "\n".join(out) + "\n"


def render_follow_up_files(report: FollowUp) -> dict[str, bytes]:
    """The follow-up report as it is filed, by file suffix: Markdown, an accessible page
    and a PDF, side by side – what the year-end flow writes and an archive package holds."""
    return {
        ".md": render_follow_up_report(report).encode(),
        ".html": render_follow_up_html(report),
        ".pdf": render_follow_up_pdf(report),
    }


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
