"""Where everything on the annual wheel goes: pure geometry, no markup.

The year runs clockwise from the top, twelve equal 30° month sectors, a meeting inside
its month by day. Between the hub and the rim sit the rings: one per meeting series
(a body with several series gets a ring for each), from the hub outwards in the order
given. Marks that would touch are spread along their ring, keeping their order, as
little as they must; a ring's name runs along its widest stretch without marks; today's
line stops short of every mark and inside the rim. Periods (a process's round of
preparation, a forum's registration) are arcs in a band just outside the rim.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cycle.definitions import REGISTRATION_STEP, SeriesKind
from cycle.published import PublishedBody, PublishedMeeting, PublishedSeries, PublishedTask
from cycle.times import STOCKHOLM

HUB, OUTER = 84.0, 330.0  # radii of the hub and the rim (the viewBox is ±400)
PERIOD_INNER, PERIOD_OUTER = OUTER + 5, OUTER + 14
MONTH_RADIUS = OUTER + 46
# dark enough for 3:1 against the light sectors (WCAG 1.4.11) and for 4.5:1 under white
# day numbers (WCAG 1.4.3)
COLOURS = ("#0b4f8a", "#9c3d00", "#2e6b1f", "#7a1f6b", "#5c5200", "#1f5e6b", "#8a0b2e")
GAP = 2.0  # the least space between two marks of a ring
LABEL_ARC = 120.0  # degrees a ring's name may run along, at most


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
    """One series' ring: the body, the series, its name on the wheel and its place."""

    body: PublishedBody
    series: str
    label: str
    inner: float
    outer: float
    colour: str

    @property
    def middle(self) -> float:
        return (self.inner + self.outer) / 2

    @property
    def mark_radius(self) -> float:
        """Marks fill about two thirds of the ring's width, within readable bounds."""
        return max(5.0, min(16.0, (self.outer - self.inner) * 0.3))


@dataclass(frozen=True, slots=True)
class Placed:
    """A meeting's mark: its ring and the angle it is drawn at (its date's, moved along
    the ring when marks would touch)."""

    meeting: PublishedMeeting
    ring: Ring
    angle: float

    @property
    def centre(self) -> tuple[float, float]:
        return point(self.angle, self.ring.middle)


@dataclass(frozen=True, slots=True)
class Period:
    """A stretch of the year drawn as an arc: what it is and its first and last day."""

    label: str
    kind: str  # "prioritering", "uppfoljning", "anmalan", "sommar"
    first: dt.date
    last: dt.date


def periods_for(
    meetings: Sequence[PublishedMeeting],
    tasks: Sequence[PublishedTask],
    series: Sequence[PublishedSeries] = (),
    year: int | None = None,
) -> list[Period]:
    """The stretches of the year drawn as arcs: the January prioritisation and the
    year-end follow-up from their first task to their meeting, a forum's registration
    from its first task to the last day to register (cancelled meetings have none), and
    the summer breaks of the series that meet in ``year``."""
    of: dict[str, list[PublishedTask]] = {}
    for t in tasks:
        of.setdefault(t.meeting, []).append(t)
    found = []
    for m in sorted(meetings, key=lambda m: (m.start, m.id)):
        mine = sorted(of.get(m.id, ()), key=lambda t: t.due)
        if m.cancelled or not mine:
            continue
        day = m.start.astimezone(STOCKHOLM).date()
        if m.kind is SeriesKind.PRIORITERING:
            found.append(Period("januariprioriteringen", "prioritering", mine[0].due, day))
        elif m.kind is SeriesKind.UPPFOLJNING:
            found.append(Period("årsuppföljningen", "uppfoljning", mine[0].due, day))
        elif m.kind is SeriesKind.FORUM:
            due = [t.due for t in mine if t.step == REGISTRATION_STEP]
            if due and mine[0].due <= due[0]:
                found.append(Period(f"anmälan till {m.title}", "anmalan", mine[0].due, due[0]))
    if year is None:
        return found
    meeting_series = {m.series for m in meetings}
    breaks = {s.summer_break for s in series if s.key in meeting_series and s.summer_break}
    for pause in sorted(breaks, key=lambda b: (b.start, b.end)):
        for first, last in pause.spans(year):
            found.append(Period("sommaruppehåll", "sommar", first, last))
    return found


def period_span(period: Period, year: int) -> tuple[float, float]:
    """The angles a period covers in ``year``, from its first day to the end of its
    last (clipped to the year, and at least a degree wide).

    Example:
        >>> period_span(Period("x", "anmalan", dt.date(2027, 7, 1), dt.date(2027, 7, 31)), 2027)
        (180.0, 210.0)
    """
    start = angle_of(period.first) if period.first.year == year else 0.0
    after = period.last + dt.timedelta(days=1)
    end = angle_of(after) if after.year == year else 360.0
    return start, max(end, start + 1.0)


def rings_for(
    bodies: Sequence[PublishedBody], meetings: Sequence[PublishedMeeting] = ()
) -> list[Ring]:
    """A ring per series with meetings (a body without meetings keeps one ring), from the
    hub outwards: the series with fewest meetings innermost, where a ring is shortest,
    so that every ring has room for its marks and its name; otherwise bodies in the
    given order, a body's series by their first meeting."""
    series: dict[str, list[tuple[str, str]]] = {b.key: [] for b in bodies}
    count: Counter[tuple[str, str]] = Counter()  # meetings per (body, series)
    for m in sorted(meetings, key=lambda m: (m.start, m.id)):
        known = series.get(m.body)
        count[(m.body, m.series)] += 1
        if known is not None and m.series not in {s for s, _ in known}:
            known.append((m.series, m.title))
    tracks: list[tuple[PublishedBody, str, str]] = []
    for b in bodies:
        found = series[b.key] or [("", b.name)]
        for key, title in found:
            # "Prioriteringsmöte – prioriterade områden …": the name before the dash
            short = title.split(" – ")[0]
            several = len(found) > 1 and short != b.name
            tracks.append((b, key, f"{b.name}: {short}" if several else b.name))
    # stable: ties keep the order above
    tracks.sort(key=lambda track: count[(track[0].key, track[1])])
    width = (OUTER - HUB) / max(1, len(tracks))
    return [
        Ring(body, key, label, HUB + i * width, HUB + (i + 1) * width, COLOURS[i % len(COLOURS)])
        for i, (body, key, label) in enumerate(tracks)
    ]


def ring_of(rings: Sequence[Ring], m: PublishedMeeting) -> Ring | None:
    """The ring a meeting's mark goes in: its series', else its body's first."""
    return next((r for r in rings if r.body.key == m.body and r.series == m.series), None) or next(
        (r for r in rings if r.body.key == m.body), None
    )


def spread(positions: Sequence[float], gap: float, length: float) -> list[float]:
    """Positions along a line of ``length`` moved apart to at least ``gap``, in their
    order, each group of crowded ones centred where they were (the least movement).

    Example:
        >>> spread([10.0, 11.0, 50.0], 4.0, 100.0)
        [8.5, 12.5, 50.0]
        >>> spread([0.0, 1.0], 4.0, 100.0)  # held inside the line
        [0.0, 4.0]
    """
    groups: list[list[float]] = []  # each: the original positions of one crowded group
    starts: list[float] = []
    for p in sorted(positions):
        groups.append([p])
        starts.append(p)
        while len(groups) > 1 and starts[-2] + len(groups[-2]) * gap > starts[-1]:
            merged = groups[-2] + groups.pop()
            starts.pop()
            groups[-1] = merged
            centre = sum(merged) / len(merged)
            starts[-1] = centre - (len(merged) - 1) * gap / 2
        span = (len(groups[-1]) - 1) * gap
        starts[-1] = min(max(starts[-1], 0.0), max(0.0, length - span))
    return [s + i * gap for s, g in zip(starts, groups, strict=True) for i in range(len(g))]


def place_marks(rings: Sequence[Ring], meetings: Sequence[PublishedMeeting]) -> list[Placed]:
    """Every meeting's mark in its ring, crowded ones spread along the ring."""
    placed: list[Placed] = []
    for ring in rings:
        mine = sorted(
            (m for m in meetings if ring_of(rings, m) is ring), key=lambda m: (m.start, m.id)
        )
        if not mine:
            continue
        scale = math.radians(1) * ring.middle  # arc length per degree at the marks
        dates = [angle_of(m.start.astimezone(STOCKHOLM).date()) for m in mine]
        gap = 2 * ring.mark_radius + GAP
        moved = spread([a * scale for a in dates], gap, 359.5 * scale)
        placed += [Placed(m, ring, s / scale) for m, s in zip(mine, moved, strict=True)]
    return placed


def label_angle(ring: Ring, marks: Sequence[Placed]) -> tuple[float, float]:
    """The middle and the width (degrees) of the widest stretch of ``ring`` without
    marks: where its name goes."""
    taken = sorted(p.angle for p in marks if p.ring is ring)
    if not taken:
        return 45.0, 360.0
    pad = math.degrees((ring.mark_radius + GAP) / ring.middle)
    stretches = [(b - a, a, b) for a, b in zip(taken, [*taken[1:], taken[0] + 360], strict=True)]
    width, a, b = max(stretches)
    return ((a + b) / 2) % 360, max(0.0, width - 2 * pad)


def label_room(ring: Ring, marks: Sequence[Placed]) -> tuple[float, float, float]:
    """Where a ring's name goes: the middle (degrees) of its widest free stretch, the arc
    it may run along (degrees, at most :data:`LABEL_ARC`) and that arc's length in wheel
    units, which the name is shortened to fit."""
    middle, width = label_angle(ring, marks)
    arc = min(width, LABEL_ARC)
    return middle, arc, math.radians(arc) * ring.middle


def today_segments(today_angle: float, marks: Sequence[Placed]) -> list[tuple[float, float]]:
    """The radii (from, to) of today's line from the hub to just inside the rim, with a
    gap wherever it would cross a mark."""
    cuts: list[tuple[float, float]] = []
    for p in marks:
        x, y = p.centre
        # distance from the mark's centre to the line along today's angle
        rad = math.radians(today_angle)
        along = x * math.sin(rad) - y * math.cos(rad)
        across = abs(x * math.cos(rad) + y * math.sin(rad))
        room = p.ring.mark_radius + GAP + 1.5
        if along > 0 and across < room:
            half = math.sqrt(room**2 - across**2)
            cuts.append((along - half, along + half))
    segments, start = [], HUB
    for a, b in sorted(cuts):
        if a > start:
            segments.append((start, a))
        start = max(start, b)
    if start < OUTER - 1:
        segments.append((start, OUTER - 1))
    return segments
