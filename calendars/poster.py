"""The wheel as a poster to print and pin up: A3 landscape, vector PDF, in Swedish.

Drawn with ReportLab from the same layout as the web's wheel (``calendars.wheellayout``):
the wheel on the left, on the right the organisation, the year, the legend and a QR code
to the start page where the calendars are subscribed to. A poster is for the whole year,
so it has no "today" line, and the same data always gives the same bytes (ReportLab's
invariant mode), so an export writes it again only when something on it changed.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A3, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from cycle.published import PublishedBody, PublishedMeeting
from cycle.times import MONTHS, STOCKHOLM

from .wheel import HIGHLIGHT, PERIOD_COLOURS, LegendEntry, legend_for
from .wheellayout import (
    HUB,
    MONTH_RADIUS,
    OUTER,
    PERIOD_INNER,
    PERIOD_OUTER,
    Period,
    Placed,
    Ring,
    label_room,
    period_span,
    place_marks,
    point,
    rings_for,
)

WIDTH, HEIGHT = landscape(A3)  # 1190.55 × 841.89 pt
CENTRE = (440.0, HEIGHT / 2)
SCALE = (HEIGHT / 2 - 40) / (MONTH_RADIUS + 20)  # wheel units to points
INK = HexColor("#1a1a1a")
FONT, BOLD = "Helvetica", "Helvetica-Bold"


def _at(x: float, y: float) -> tuple[float, float]:
    """Wheel coordinates (y down, around 0,0) to the page's points (y up)."""
    return CENTRE[0] + x * SCALE, CENTRE[1] - y * SCALE


def _polar(angle: float, radius: float) -> tuple[float, float]:
    return _at(*point(angle, radius))


def _sector(c: Canvas, start: float, end: float, inner: float, outer: float) -> None:
    """A ring sector as a closed path, its arcs in steps of a degree or less."""
    steps = max(2, int(end - start) + 1)
    path = c.beginPath()
    path.moveTo(*_polar(start, outer))
    for i in range(1, steps + 1):
        path.lineTo(*_polar(start + (end - start) * i / steps, outer))
    for i in range(steps, -1, -1):
        path.lineTo(*_polar(start + (end - start) * i / steps, inner))
    path.close()
    c.drawPath(path, fill=1, stroke=1)


def _text_on_arc(c: Canvas, text: str, middle: float, radius: float, size: float) -> None:
    """``text`` centred on ``middle`` degrees along a circle, upright: clockwise over the
    top half, anticlockwise under the bottom half (as on the web)."""
    c.setFont(BOLD, size)
    total = stringWidth(text, BOLD, size) / (radius * SCALE)  # radians the text covers
    top = middle < 90 or middle > 270
    direction = 1 if top else -1
    angle = math.radians(middle) - direction * total / 2
    for char in text:
        width = stringWidth(char, BOLD, size) / (radius * SCALE)
        centre = angle + direction * width / 2
        x, y = _polar(math.degrees(centre), radius)
        c.saveState()
        c.translate(x, y)
        c.rotate(-math.degrees(centre) + (0 if top else 180))
        c.drawCentredString(0, -size * 0.35, char)
        c.restoreState()
        angle += direction * width


def _mark(c: Canvas, p: Placed) -> None:
    m, ring = p.meeting, p.ring
    x, y = _at(*p.centre)
    r = ring.mark_radius * SCALE
    colour = HexColor(ring.colour)
    c.setStrokeColor(colour)
    c.setFillColor(colour)
    if m.cancelled:
        c.setFillColor(HexColor("#ffffff"))
        c.circle(x, y, r, fill=1, stroke=1)
        c.setLineWidth(2)
        d = r * 0.7
        c.line(x - d, y - d, x + d, y + d)
        c.line(x - d, y + d, x + d, y - d)
        c.setLineWidth(1)
    else:
        if m.moved:
            s = r * 1.3
            path = c.beginPath()
            path.moveTo(x, y + s)
            path.lineTo(x + s, y)
            path.lineTo(x, y - s)
            path.lineTo(x - s, y)
            path.close()
            c.drawPath(path, fill=1, stroke=0)
        else:
            c.circle(x, y, r, fill=1, stroke=0)
        c.setFillColor(HexColor("#ffffff"))
        size = r * 1.05
        c.setFont(BOLD, size)
        c.drawCentredString(x, y - size * 0.36, str(m.start.astimezone(STOCKHOLM).day))
    if m.kind in HIGHLIGHT:
        c.setStrokeColor(INK)
        c.setLineWidth(1.5)
        c.circle(x, y, r + 3, fill=0, stroke=1)
        c.setLineWidth(1)


def _symbol(c: Canvas, entry: LegendEntry, x: float, y: float) -> None:
    """The legend's drawing for ``entry`` centred on ``x``, ``y`` (as on the web)."""
    colour = HexColor(entry.colour)
    c.setFillColor(colour)
    c.setStrokeColor(colour)
    if entry.kind == "ring":
        c.roundRect(x - 7, y - 5, 14, 10, 2, fill=1, stroke=0)
    elif entry.kind == "planned":
        c.circle(x, y, 5, fill=1, stroke=0)
    elif entry.kind == "moved":
        path = c.beginPath()
        path.moveTo(x, y + 6)
        path.lineTo(x + 6, y)
        path.lineTo(x, y - 6)
        path.lineTo(x - 6, y)
        path.close()
        c.drawPath(path, fill=1, stroke=0)
    elif entry.kind == "cancelled":
        c.setLineWidth(2)
        c.line(x - 4, y - 4, x + 4, y + 4)
        c.line(x - 4, y + 4, x + 4, y - 4)
        c.setLineWidth(1)
    elif entry.kind == "highlight":
        c.circle(x, y, 3.5, fill=1, stroke=0)
        c.circle(x, y, 6.5, fill=0, stroke=1)
    elif entry.kind == "period":
        c.rect(x - 8, y - 2.5, 16, 5, fill=1, stroke=0)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and stringWidth(trial, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines


def render_poster(
    organisation: str,
    year: int,
    bodies: Sequence[PublishedBody],
    meetings: Sequence[PublishedMeeting],
    *,
    periods: Sequence[Period] = (),
    subscribe_url: str,
) -> bytes:
    """The A3 poster of one organisation's year as PDF bytes."""
    rings = rings_for(bodies, meetings)
    marks = place_marks(rings, meetings)
    out = io.BytesIO()
    c = Canvas(out, pagesize=(WIDTH, HEIGHT), invariant=1, pageCompression=1)
    c.setTitle(f"Årshjul {year} – {organisation}")
    c.setAuthor("Årshjul")
    c.setSubject(f"Årshjulets möten {year} för {organisation}")
    c.setLineWidth(0.6)
    for month in range(12):
        c.setFillColor(HexColor("#eef2f6" if month % 2 == 0 else "#ffffff"))
        c.setStrokeColor(HexColor("#8a9aa9"))
        _sector(c, month * 30.0, month * 30.0 + 30, HUB, OUTER)
        c.setFillColor(INK)
        c.setFont(FONT, 17)
        x, y = _polar(month * 30.0 + 15, MONTH_RADIUS)
        c.drawCentredString(x, y - 6, MONTHS[month])
    c.setStrokeColor(HexColor("#c8d1da"))
    for ring in rings:
        c.circle(CENTRE[0], CENTRE[1], ring.outer * SCALE, fill=0, stroke=1)
    for period in periods:
        a, b = period_span(period, year)
        c.setFillColor(HexColor(PERIOD_COLOURS.get(period.kind, "#1a1a1a")))
        c.setStrokeColor(HexColor(PERIOD_COLOURS.get(period.kind, "#1a1a1a")))
        _sector(c, a, b, PERIOD_INNER, PERIOD_OUTER)
    c.setFillColor(INK)
    c.setFont(BOLD, 40)
    c.drawCentredString(CENTRE[0], CENTRE[1] - 14, str(year))
    for ring in rings:
        _ring_label(c, ring, marks)
    for p in sorted(marks, key=lambda p: (p.meeting.start, p.meeting.id)):
        _mark(c, p)
    _side(c, organisation, year, legend_for(rings, meetings, periods, False), subscribe_url)
    c.showPage()
    c.save()
    return out.getvalue()


def _ring_label(c: Canvas, ring: Ring, marks: Sequence[Placed]) -> None:
    middle, _, room_units = label_room(ring, marks)
    size = max(7.0, min(13.0, (ring.outer - ring.inner) * SCALE * 0.4))
    room = room_units * SCALE
    text = ring.label
    while text and stringWidth(text, BOLD, size) > room * 0.9:
        text = text[:-2].rstrip() + "…" if len(text) > 2 else ""
    if len(text) > 3:
        c.setFillColor(INK)
        _text_on_arc(c, text, middle, ring.middle, size)


def _side(c: Canvas, organisation: str, year: int, legend: Sequence[LegendEntry], url: str) -> None:
    """The right column: title, legend, and the QR code to subscribe."""
    left, width = 870.0, WIDTH - 870.0 - 40
    y = HEIGHT - 70
    c.setFillColor(INK)
    c.setFont(BOLD, 34)
    c.drawString(left, y, f"Årshjul {year}")
    y -= 30
    for line in _wrap(organisation, FONT, 18, width):
        c.setFont(FONT, 18)
        c.drawString(left, y, line)
        y -= 22
    y -= 20
    c.setFont(BOLD, 13)
    c.drawString(left, y, "Teckenförklaring")
    y -= 22
    for entry in legend:
        lines = _wrap(entry.label, FONT, 11, width - 26)
        _symbol(c, entry, left + 8, y + 4)
        c.setFillColor(INK)
        c.setFont(FONT, 11)
        for line in lines:
            c.drawString(left + 24, y, line)
            y -= 14
        y -= 5
    size = 130.0
    qr = QrCodeWidget(url, barLevel="M")
    x1, y1, x2, y2 = qr.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, c, left, 60)
    c.setFillColor(INK)
    c.setFont(BOLD, 12)
    c.drawString(left + size + 14, 60 + size - 16, "Prenumerera på kalendrarna")
    c.setFont(FONT, 10)
    for i, line in enumerate(_wrap(url, FONT, 10, width - size - 14)):
        c.drawString(left + size + 14, 60 + size - 34 - i * 13, line)
