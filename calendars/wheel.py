"""The annual wheel as SVG: month sectors, a labelled ring per series, a mark per meeting.

Markup only; where things go is ``calendars.wheellayout``. Marks differ by *shape*, not
only colour (WCAG 1.4.1): planned ●, moved ◆, cancelled ✕, each with its day of the
month; the January prioritisation and the year-end follow-up are ringed. Every mark is a
link with a text alternative and a tooltip. The legend lists only what the year shows,
in the page beside the wheel and, for the exported file, inside the SVG itself, which
then stands on its own on an intranet (system fonts, no external file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from cycle.definitions import SeriesKind
from cycle.published import PublishedBody, PublishedMeeting
from cycle.status import MeetingStatus
from cycle.swedish import format_date, format_time
from cycle.times import MONTHS, STOCKHOLM

from .wheellayout import (
    HUB,
    MONTH_RADIUS,
    OUTER,
    PERIOD_INNER,
    PERIOD_OUTER,
    Period,
    Placed,
    Ring,
    angle_of,
    label_room,
    period_span,
    place_marks,
    point,
    rings_for,
    today_segments,
)

HIGHLIGHT = {
    SeriesKind.PRIORITERING: "Januariprioritering",
    SeriesKind.UPPFOLJNING: "Årsuppföljning",
}
PERIOD_COLOURS = {
    "prioritering": "#6b4e00",
    "uppfoljning": "#4a2d7a",
    "anmalan": "#0f5c3a",
    "sommar": "#6b6b6b",
}
TODAY = "#c00000"
# The SVG draws itself with presentation attributes, never a <style>: the file alone (the
# exported .svg, an <img>) looks right, no Content-Security-Policy blocks it, and the
# page's stylesheet adds only focus, hover and the phone's short month names.
FONTS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1a1a1a"
LABEL_SMALLEST = 10.0  # a ring name's smallest size, in wheel units (about px on a desktop)


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One line of the legend: what it explains, its symbol (``kind``) and colour."""

    kind: str  # "ring", "planned", "moved", "cancelled", "highlight", "period", "today"
    label: str
    colour: str = "#1a1a1a"


def describe(m: PublishedMeeting, body: PublishedBody) -> str:
    """The text alternative of a mark: date, time, body, title and status."""
    start = m.start.astimezone(STOCKHOLM)
    text = f"{format_date(start.date())} kl. {format_time(start)}, {body.name}: {m.title}"
    if m.status is not MeetingStatus.PLANNED:
        text += f" ({m.status.label})"
    return text


def legend_for(
    rings: Sequence[Ring],
    meetings: Sequence[PublishedMeeting],
    periods: Sequence[Period],
    today_shown: bool,
) -> list[LegendEntry]:
    """The legend of this wheel: its rings, and only the shapes, processes, periods and
    today's line that it shows."""
    entries = [LegendEntry("ring", r.label, r.colour) for r in rings]
    if any(not m.moved and not m.cancelled for m in meetings):
        entries.append(LegendEntry("planned", "möte (siffran är dagen)"))
    if any(m.moved and not m.cancelled for m in meetings):
        entries.append(LegendEntry("moved", "flyttat möte"))
    if any(m.cancelled for m in meetings):
        entries.append(LegendEntry("cancelled", "inställt möte"))
    for kind, label in HIGHLIGHT.items():
        if any(m.kind is kind for m in meetings):
            entries.append(LegendEntry("highlight", label.lower()))
    for period_kind in sorted({p.kind for p in periods}):
        label = next(p.label for p in periods if p.kind == period_kind)
        colour = PERIOD_COLOURS.get(period_kind, "#1a1a1a")
        entries.append(LegendEntry("period", label, colour))
    if today_shown:
        entries.append(LegendEntry("today", "idag", TODAY))
    return entries


def symbol(entry: LegendEntry) -> str:
    """The legend's small drawing for ``entry``, centred on 0,0 (about 20 units wide)."""
    c = entry.colour
    return {
        "ring": f'<rect x="-9" y="-7" width="18" height="14" rx="3" fill="{c}"/>',
        "planned": f'<circle r="7" fill="{c}"/>',
        "moved": f'<path d="M0,-8 L8,0 L0,8 L-8,0 Z" fill="{c}"/>',
        "cancelled": f'<path d="M-6,-6 L6,6 M-6,6 L6,-6" stroke="{c}" stroke-width="3"/>',
        "highlight": f'<circle r="5" fill="{c}"/><circle r="9" fill="none" stroke="{c}" '
        'stroke-width="2"/>',
        "period": f'<rect x="-10" y="-3" width="20" height="6" fill="{c}"/>',
        "today": f'<line x1="0" y1="-9" x2="0" y2="9" stroke="{c}" stroke-width="3" '
        'stroke-dasharray="4 2"/>',
    }[entry.kind]


def _arc(start: float, end: float, inner: float, outer: float) -> str:
    """A ring sector from ``start`` to ``end`` degrees, as path data."""
    large = 1 if end - start > 180 else 0
    (x1, y1), (x2, y2) = point(start, outer), point(end, outer)
    (x3, y3), (x4, y4) = point(end, inner), point(start, inner)
    return (
        f"M{x1},{y1} A{outer},{outer} 0 {large} 1 {x2},{y2} L{x3},{y3} "
        f"A{inner},{inner} 0 {large} 0 {x4},{y4} Z"
    )


def _mark(p: Placed, index: int) -> str:
    m, ring = p.meeting, p.ring
    x, y = p.centre
    r = ring.mark_radius
    day = m.start.astimezone(STOCKHOLM).day
    if m.cancelled:
        d = r * 0.75
        shape = (
            f'<circle cx="{x}" cy="{y}" r="{r}" fill="#fff" stroke="{ring.colour}"/>'
            f'<path class="mark cancelled" d="M{x - d},{y - d} L{x + d},{y + d} '
            f'M{x - d},{y + d} L{x + d},{y - d}" stroke="{ring.colour}" '
            'stroke-width="3" fill="none"/>'
        )
        day_label = ""
    else:
        if m.moved:  # a moved meeting keeps its shape once held
            s = r * 1.3
            shape = (
                f'<path class="mark moved" d="M{x},{y - s} L{x + s},{y} L{x},{y + s} '
                f'L{x - s},{y} Z" fill="{ring.colour}"/>'
            )
        else:
            shape = f'<circle class="mark" cx="{x}" cy="{y}" r="{r}" fill="{ring.colour}"/>'
        size = round(r * 1.05, 1)
        day_label = (
            f'<text class="day" x="{x}" y="{y}" font-size="{size}" text-anchor="middle" '
            'dominant-baseline="central" fill="#fff" font-weight="700" '
            f'pointer-events="none">{day}</text>'
        )
    if m.kind in HIGHLIGHT:
        shape += (
            f'<circle class="highlight" cx="{x}" cy="{y}" r="{r + 4}" fill="none" '
            'stroke="#1a1a1a" stroke-width="2"/>'
        )
    label = describe(m, ring.body)
    return (
        f'<a href="/m/{m.id}" aria-label={quoteattr(label)} class="meeting" '
        f'data-ring="{index}" data-info={quoteattr(label)}><title>{escape(label)}</title>'
        f"{shape}{day_label}</a>"
    )


def _ring_label(ring: Ring, marks: Sequence[Placed], index: int) -> str:
    """The ring's name along its widest free stretch (shortened to fit)."""
    middle, arc, room = label_room(ring, marks)
    text = ring.label
    # bold, about 0.66 of its size a letter, with room to spare at both ends: a name that
    # does not fit is set smaller, down to a size still read on a screen, before it is cut
    fits = room / (len(text) * 0.66)
    size = max(LABEL_SMALLEST, min(17.0, (ring.outer - ring.inner) * 0.42, fits))
    most = int(room / (size * 0.66))
    if most < 4:
        return ""
    if len(text) > most:
        text = text[: most - 1].rstrip() + "…"
    # text reads left to right: along the top half clockwise, along the bottom half
    # anticlockwise, so it is never upside down
    top = middle < 90 or middle > 270
    half = arc / 2
    a, b = (middle - half, middle + half) if top else (middle + half, middle - half)
    (x1, y1), (x2, y2) = point(a, ring.middle), point(b, ring.middle)
    sweep = 1 if top else 0
    path = f"M{x1},{y1} A{ring.middle},{ring.middle} 0 0 {sweep} {x2},{y2}"
    return (
        f'<path id="ring-path-{index}" d="{path}" fill="none"/>'
        f'<text class="ring-label" data-ring="{index}" font-size="{size}" '
        'font-weight="600" paint-order="stroke" stroke="#fff" stroke-width="4" '
        'stroke-linejoin="round" dominant-baseline="central">'
        f'<textPath href="#ring-path-{index}" startOffset="50%" text-anchor="middle">'
        f"{escape(text)}</textPath></text>"
    )


def _legend(entries: Sequence[LegendEntry], top: float) -> list[str]:
    """The legend drawn inside the SVG, two columns under the wheel."""
    parts = [f'<g class="legend" transform="translate(-420,{top})">']
    for i, e in enumerate(entries):
        x, y = (i % 2) * 430, (i // 2) * 26
        parts.append(
            f'<g transform="translate({x + 10},{y})">{symbol(e)}</g>'
            f'<text class="legend-text" x="{x + 28}" y="{y}" font-size="15" '
            'dominant-baseline="central">'
            f"{escape(e.label)}</text>"
        )
    parts.append("</g>")
    return parts


def render_wheel(
    organisation: str,
    year: int,
    bodies: Sequence[PublishedBody],
    meetings: Sequence[PublishedMeeting],
    today: dt.date | None,
    *,
    periods: Sequence[Period] = (),
    legend: bool = False,
) -> str:
    """The wheel as a standalone SVG document (also inlined in the year's page); with
    ``legend`` the legend is drawn inside it, for the exported file."""
    rings = rings_for(bodies, meetings)
    marks = place_marks(rings, meetings)
    today_shown = today is not None and today.year == year
    entries = legend_for(rings, meetings, periods, today_shown)
    height = 820 + (((len(entries) + 1) // 2) * 26 + 30 if legend else 0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-450 -410 900 {height}" '
        f'class="wheel" role="group" aria-labelledby="wheel-title" font-family="{FONTS}" '
        f'fill="{INK}">',
        f'<title id="wheel-title">Årshjul {year} för {escape(organisation)}</title>',
    ]
    if legend:
        parts.append(f'<rect x="-450" y="-410" width="900" height="{height}" fill="#fff"/>')
    for month in range(12):
        start, end = month * 30.0, (month + 1) * 30.0
        fill = "#eef2f6" if month % 2 == 0 else "#ffffff"
        parts.append(
            f'<path d="{_arc(start, end, HUB, OUTER)}" fill="{fill}" '
            'stroke="#8a9aa9" stroke-width="1"/>'
        )
        x, y = point(start + 15, MONTH_RADIUS)
        for form, name, shown in (
            ("full", MONTHS[month], ""),
            ("short", MONTHS[month][:3], ' display="none"'),
        ):
            parts.append(
                f'<text class="month month-{form}" x="{x}" y="{y}" font-size="19" '
                f'text-anchor="middle" dominant-baseline="central"{shown}>{name}</text>'
            )
    for ring in rings:
        parts.append(f'<circle cx="0" cy="0" r="{ring.outer}" fill="none" stroke="#c8d1da"/>')
    for p in periods:
        a, b = period_span(p, year)
        colour = PERIOD_COLOURS.get(p.kind, "#1a1a1a")
        text = f"{p.label}: {format_date(p.first)} – {format_date(p.last)}"
        parts.append(
            f'<path class="period" d="{_arc(a, b, PERIOD_INNER, PERIOD_OUTER)}" '
            f'fill="{colour}"><title>{escape(text)}</title></path>'
        )
    parts.append(
        '<text class="year" x="0" y="0" font-size="44" font-weight="700" text-anchor="middle" '
        f'dominant-baseline="central">{year}</text>'
    )
    for i, ring in enumerate(rings):
        parts.append(_ring_label(ring, marks, i))
    if today is not None and today_shown:
        angle = angle_of(today)
        lines = "".join(
            f'<line x1="{point(angle, a)[0]}" y1="{point(angle, a)[1]}" '
            f'x2="{point(angle, b)[0]}" y2="{point(angle, b)[1]}" stroke="{TODAY}" '
            'stroke-width="3" stroke-dasharray="6 3"/>'
            for a, b in today_segments(angle, marks)
        )
        parts.append(f'<g class="today"><title>Idag, {format_date(today)}</title>{lines}</g>')
    index = {ring: i for i, ring in enumerate(rings)}
    parts += [
        _mark(p, index[p.ring])
        for p in sorted(marks, key=lambda p: (p.meeting.start, p.meeting.id))
    ]
    if legend:
        parts += _legend(entries, 420)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
