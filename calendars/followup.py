"""The year-end follow-up report as an accessible HTML page and a PDF to file, made from
the same values as its Markdown (``calendars.reports``): priorities and initiatives with
their statuses, the year's assignments (late first, restricted ones counted and not
shown) and next year's drafts.

Pure: values in, bytes out; the PDF is written in ReportLab's invariant mode, so the
same report gives the same bytes and a re-run writes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cycle.decisions import CommissionStatus, CommissionView, Publicity
from cycle.swedish import format_date
from cycle.yearly import AssignmentDraft, ItemKind, ItemStatus, YearItem

from .assets import stylesheet
from .site import ENV

# the order a follow-up lists assignments in: what needs attention first
ASSIGNMENT_ORDER = (
    CommissionStatus.FORSENAT,
    CommissionStatus.PAGAR,
    CommissionStatus.EJ_PABORJAT,
    CommissionStatus.KLART,
    CommissionStatus.AVBRUTET,
)


@dataclass(frozen=True, slots=True)
class Section:
    """One table of the report: a heading, its column names and rows (or a line saying
    there is nothing)."""

    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str


@dataclass(frozen=True, slots=True)
class FollowUp:
    """The report's content, once, for every format."""

    title: str
    meeting: str  # "Behandlas på uppföljningsmötet …" or ""
    summary: tuple[str, ...]
    sections: tuple[Section, ...]
    hidden: str  # the line about restricted assignments, or ""
    drafts_heading: str
    drafts: tuple[tuple[str, str], ...]


def follow_up(
    organisation: str,
    year: int,
    items: Sequence[YearItem],
    drafts: Sequence[AssignmentDraft],
    meeting_day: dt.date | None,
    commissions: Sequence[CommissionView] = (),
) -> FollowUp:
    """The report's content from the follow-up's values."""
    counts = {s: sum(1 for i in items if i.status is s) for s in ItemStatus}
    summary = tuple(f"{s.capitalize()}: {n}" for s, n in counts.items() if n)
    sections = []
    for kind, heading in (
        (ItemKind.PRIORITERING, "Prioriterade områden"),
        (ItemKind.SATSNING, "Gemensamma satsningar"),
    ):
        sections.append(
            Section(
                heading,
                ("Rubrik", "Status", "Kommentar"),
                tuple((i.title, i.status.value, i.comment) for i in items if i.kind is kind),
                f"Inga {heading.lower()} beslutades för {year}.",
            )
        )
    shown = sorted(
        (c for c in commissions if c.publicity is Publicity.OFFENTLIG),
        key=lambda c: (ASSIGNMENT_ORDER.index(c.status), c.due, c.title),
    )
    sections.append(
        Section(
            "Uppdrag från besluten",
            ("Uppdrag", "Ägare", "Beslut", "Tidsram", "Status", "Senaste rapport"),
            tuple(
                (
                    c.title,
                    c.owner,
                    f"{c.body} {format_date(c.decided_on)}: {c.decision}",
                    format_date(c.due),
                    c.status.value,
                    c.last_report,
                )
                for c in shown
            ),
            f"Inga uppdrag från beslut att följa upp {year}.",
        )
    )
    hidden = len(commissions) - len(shown)
    return FollowUp(
        f"Uppföljning {year} – {organisation}",
        f"Behandlas på uppföljningsmötet {format_date(meeting_day)}." if meeting_day else "",
        summary or ("Inget att följa upp.",),
        tuple(sections),
        f"{hidden} uppdrag med begränsad offentlighet redovisas inte här." if hidden else "",
        f"Uppdrag inför {year + 1}",
        tuple((d.title, d.description) for d in drafts),
    )


def render_follow_up_html(report: FollowUp) -> bytes:
    """The report as a page (Swedish, WCAG-minded: headings, captions, header cells); a
    file that stands alone (a report folder, an archive), so it carries the site's
    stylesheet inside it."""
    page = ENV.get_template("followup.html").render(report=report, stylesheet=Markup(stylesheet()))
    return page.encode()


def render_follow_up_pdf(report: FollowUp) -> bytes:
    """The report as an A4 PDF with tagged-looking structure: headings and tables in
    reading order, the same text as the page."""
    out = io.BytesIO()
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=8.5, leading=10.5)
    head = cell.clone("head", fontName="Helvetica-Bold")
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=report.title,
        author="Årshjul",
        lang="sv",
        invariant=1,
    )
    story: list[Flowable] = [Paragraph(escape(report.title), styles["Title"])]
    if report.meeting:
        story.append(Paragraph(escape(report.meeting), styles["BodyText"]))
    story += [Paragraph("Sammanfattning", styles["Heading2"])]
    story += [Paragraph(f"• {escape(line)}", styles["BodyText"]) for line in report.summary]
    width = doc.width
    for section in report.sections:
        story.append(Paragraph(escape(section.heading), styles["Heading2"]))
        if not section.rows:
            story.append(Paragraph(escape(section.empty), styles["BodyText"]))
            continue
        data = [[Paragraph(escape(c), head) for c in section.columns]]
        data += [[Paragraph(escape(v), cell) for v in row] for row in section.rows]
        table = Table(
            data, colWidths=[width / len(section.columns)] * len(section.columns), repeatRows=1
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    if report.hidden:
        story += [Spacer(1, 4 * mm), Paragraph(escape(report.hidden), styles["BodyText"])]
    story.append(Paragraph(escape(report.drafts_heading), styles["Heading2"]))
    if not report.drafts:
        story.append(Paragraph("Inga nya uppdrag.", styles["BodyText"]))
    for title, description in report.drafts:
        story.append(
            Paragraph(f"• <b>{escape(title)}</b> – {escape(description)}", styles["BodyText"])
        )
    doc.build(story)
    return out.getvalue()
