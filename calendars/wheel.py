"""The annual wheel as SVG: twelve month sectors, one ring per body, a mark per meeting.

Pure geometry and markup. The year runs clockwise from the top; each month gets an equal
30° sector and a meeting sits inside its month by day. Marks differ by *shape*, not only
colour (WCAG 1.4.1): planned ●, moved ◆, cancelled ✕; the January prioritisation and the
year-end follow-up are larger and ringed. Every mark is a link with a text alternative.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from cycle.definitions import SeriesKind
from cycle.published import PublishedBody, PublishedMeeting
from cycle.status import MeetingStatus
from cycle.swedish import format_date, format_time
from cycle.times import STOCKHOLM

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
# dark enough for 3:1 non-text contrast against the light sectors (WCAG 1.4.11)
COLOURS = ("#0b4f8a", "#9c3d00", "#2e6b1f", "#7a1f6b", "#5c5200", "#1f5e6b", "#8a0b2e")
HUB, OUTER = 62.0, 250.0
HIGHLIGHT = {
    SeriesKind.PRIORITERING: "Januariprioritering",
    SeriesKind.UPPFOLJNING: "Årsuppföljning",
}


def angle_of(day: dt.date) -> float:
    """Degrees clockwise from the top: month sector start + the day's share of the month.

    Example:
        >>> angle_of(dt.date(2027, 7, 1)), angle_of(dt.date(2027, 1, 1))
        (180.0, 0.0)
    """
    days = _calendar.monthrange(day.year, day.month)[1]
    return (day.month - 1) * 30.0 + (day.day - 1) / days * 30.0


def point(angle: float, radius: float) -> tuple[float, float]:
    """SVG coordinates (y grows downwards) of a polar position around the centre."""
    rad = math.radians(angle)
    return round(radius * math.sin(rad), 2), round(-radius * math.cos(rad), 2)


@dataclass(frozen=True, slots=True)
class Ring:
    body: PublishedBody
    inner: float
    outer: float
    colour: str

    @property
    def middle(self) -> float:
        return (self.inner + self.outer) / 2


def rings_for(bodies: Sequence[PublishedBody]) -> list[Ring]:
    """One ring per body, from the hub outwards, in the given order."""
    width = (OUTER - HUB) / max(1, len(bodies))
    return [
        Ring(b, HUB + i * width, HUB + (i + 1) * width, COLOURS[i % len(COLOURS)])
        for i, b in enumerate(bodies)
    ]


def describe(m: PublishedMeeting, body: PublishedBody) -> str:
    """The text alternative of a mark: date, time, body, title and status."""
    start = m.start.astimezone(STOCKHOLM)
    text = f"{format_date(start.date())} kl. {format_time(start)}, {body.name}: {m.title}"
    if m.status is not MeetingStatus.PLANNED:
        text += f" ({m.status.label})"
    return text


def _sector(start: float, end: float, inner: float, outer: float) -> str:
    (x1, y1), (x2, y2) = point(start, outer), point(end, outer)
    (x3, y3), (x4, y4) = point(end, inner), point(start, inner)
    return (
        f"M{x1},{y1} A{outer},{outer} 0 0 1 {x2},{y2} L{x3},{y3} A{inner},{inner} 0 0 0 {x4},{y4} Z"
    )


def _mark(m: PublishedMeeting, ring: Ring) -> str:
    x, y = point(angle_of(m.start.astimezone(STOCKHOLM).date()), ring.middle)
    size = 9.0 if m.kind in HIGHLIGHT else 6.0
    if m.cancelled:
        d = size * 0.8
        shape = (
            f'<path class="mark cancelled" d="M{x - d},{y - d} L{x + d},{y + d} '
            f'M{x - d},{y + d} L{x + d},{y - d}" stroke="{ring.colour}" '
            'stroke-width="3" fill="none"/>'
        )
    elif m.moved:  # a moved meeting keeps its shape once held
        shape = (
            f'<path class="mark moved" d="M{x},{y - size} L{x + size},{y} L{x},{y + size} '
            f'L{x - size},{y} Z" fill="{ring.colour}"/>'
        )
    else:
        shape = f'<circle class="mark" cx="{x}" cy="{y}" r="{size}" fill="{ring.colour}"/>'
    if m.kind in HIGHLIGHT:
        shape += (
            f'<circle class="highlight" cx="{x}" cy="{y}" r="{size + 4}" fill="none" '
            'stroke="#1a1a1a" stroke-width="2"/>'
        )
    label = describe(m, ring.body)
    return (
        f'<a href="/m/{m.id}" aria-label={quoteattr(label)} class="meeting" '
        f"data-info={quoteattr(label)}><title>{escape(label)}</title>{shape}</a>"
    )


def render_wheel(
    organisation: str,
    year: int,
    bodies: Sequence[PublishedBody],
    meetings: Sequence[PublishedMeeting],
    today: dt.date | None,
) -> str:
    """The wheel as a standalone SVG document (also inlined in the year's page)."""
    rings = rings_for(bodies)
    by_body = {r.body.key: r for r in rings}
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-300 -300 600 600" '
        'class="wheel" role="group" aria-labelledby="wheel-title">',
        f'<title id="wheel-title">Årshjul {year} för {escape(organisation)}</title>',
        "<style>.meeting:focus{outline:none}.meeting:focus .mark,.meeting:hover .mark"
        "{stroke:#f0a000;stroke-width:4}.month{font:13px sans-serif;fill:#1a1a1a}</style>",
    ]
    for month in range(12):
        start, end = month * 30.0, (month + 1) * 30.0
        fill = "#eef2f6" if month % 2 == 0 else "#ffffff"
        parts.append(
            f'<path d="{_sector(start, end, HUB, OUTER)}" fill="{fill}" '
            'stroke="#8a9aa9" stroke-width="1"/>'
        )
        x, y = point(start + 15, OUTER + 22)
        parts.append(
            f'<text class="month" x="{x}" y="{y}" text-anchor="middle" '
            f'dominant-baseline="middle">{MONTHS[month][:3]}</text>'
        )
    for ring in rings:
        parts.append(f'<circle cx="0" cy="0" r="{ring.outer}" fill="none" stroke="#c8d1da"/>')
    parts.append(
        f'<text x="0" y="0" text-anchor="middle" dominant-baseline="middle" '
        f'font-size="28" font-weight="bold">{year}</text>'
    )
    if today is not None and today.year == year:
        (x1, y1), (x2, y2) = point(angle_of(today), HUB - 8), point(angle_of(today), OUTER + 8)
        parts.append(
            f'<g class="today"><title>Idag, {format_date(today)}</title>'
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#c00000" '
            'stroke-width="3" stroke-dasharray="6 3"/></g>'
        )
    for m in sorted(meetings, key=lambda m: (m.start, m.id)):
        if m.body in by_body:
            parts.append(_mark(m, by_body[m.body]))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
