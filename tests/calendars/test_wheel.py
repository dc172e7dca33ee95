"""The wheel's geometry and markup, checked on the SVG itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import xml.etree.ElementTree as ET

import pytest

from calendars.wheel import HUB, LABEL_SMALLEST, OUTER, angle_of, point, render_wheel, rings_for
from cycle.definitions import SeriesKind
from cycle.published import PublishedBody, PublishedMeeting
from cycle.status import MeetingStatus
from cycle.times import STOCKHOLM

NS = {"svg": "http://www.w3.org/2000/svg"}
NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
BODIES = [
    PublishedBody("x/rad", "x", "rad", "Rådet", "samverkansråd", True),
    PublishedBody("x/db", "x", "db", "Direktörsberedningen", "direktörsberedning", True),
]


def meeting(
    day: dt.date,
    *,
    body: str = "x/rad",
    status: MeetingStatus = MeetingStatus.PLANNED,
    kind: SeriesKind = SeriesKind.MOTE,
    mid: str | None = None,
) -> PublishedMeeting:
    start = dt.datetime.combine(day, dt.time(9), tzinfo=STOCKHOLM)
    return PublishedMeeting(
        mid or f"m-{day}",
        "x",
        body,
        "Möte",
        kind,
        start,
        start + dt.timedelta(hours=2),
        "Sal A",
        status,
        0,
        NOW,
        NOW,
        day,
        moved=status is MeetingStatus.MOVED,
    )


@pytest.mark.parametrize(
    ("day", "degrees"),
    [
        (dt.date(2027, 1, 1), 0.0),
        (dt.date(2027, 7, 1), 180.0),
        (dt.date(2027, 4, 1), 90.0),
        (dt.date(2027, 10, 1), 270.0),
        (dt.date(2028, 2, 15), 30 + 14 / 29 * 30),
    ],
)
def test_a_month_starts_its_sector(day: dt.date, degrees: float) -> None:
    assert angle_of(day) == pytest.approx(degrees)


def test_the_year_ends_just_before_the_top() -> None:
    assert 359 < angle_of(dt.date(2027, 12, 31)) < 360


def test_1_july_sits_straight_below_the_centre_in_its_ring() -> None:
    july = [meeting(dt.date(2027, 7, 1))]
    svg = ET.fromstring(render_wheel("X", 2027, BODIES, july, None))
    (mark,) = svg.findall(".//svg:a/svg:circle", NS)
    (ring,) = (r for r in rings_for(BODIES, july) if r.body.key == "x/rad")
    assert float(mark.get("cx", "nan")) == pytest.approx(0, abs=0.01)
    assert float(mark.get("cy", "nan")) == pytest.approx(ring.middle)
    assert point(90, 100) == (100.0, 0.0)  # 1 April: to the right


def test_rings_stack_between_hub_and_rim() -> None:
    rings = rings_for(BODIES)
    assert rings[0].inner == HUB and rings[-1].outer == OUTER
    assert rings[0].outer == rings[1].inner


def test_status_shows_in_shape_and_text_and_processes_are_highlighted() -> None:
    meetings = [
        meeting(dt.date(2027, 3, 4), mid="a"),
        meeting(dt.date(2027, 3, 11), status=MeetingStatus.MOVED, mid="b"),
        meeting(dt.date(2027, 3, 18), status=MeetingStatus.CANCELLED, mid="c"),
        meeting(dt.date(2027, 1, 21), kind=SeriesKind.PRIORITERING, body="x/db", mid="d"),
    ]
    svg = ET.fromstring(render_wheel("X", 2027, BODIES, meetings, dt.date(2027, 3, 1)))
    links = {a.get("href"): a for a in svg.findall(".//svg:a", NS)}
    assert set(links) == {"/m/a", "/m/b", "/m/c", "/m/d"}
    assert links["/m/b"].find("svg:path", NS).get("class") == "mark moved"  # type: ignore[union-attr]
    assert links["/m/c"].find("svg:path", NS).get("class") == "mark cancelled"  # type: ignore[union-attr]
    held = [
        dataclasses.replace(meetings[1], status=MeetingStatus.HELD),  # moved, then held
        dataclasses.replace(meetings[0], id="e", status=MeetingStatus.HELD),
    ]
    after = ET.fromstring(render_wheel("X", 2027, BODIES, held, dt.date(2027, 6, 1)))
    marks = {a.get("href"): a for a in after.findall(".//svg:a", NS)}
    assert marks["/m/b"].find("svg:path", NS).get("class") == "mark moved"  # type: ignore[union-attr]
    assert "(genomfört)" in (marks["/m/e"].get("aria-label") or "")
    assert "(inställt)" in (links["/m/c"].get("aria-label") or "")
    assert links["/m/d"].find("svg:circle[@class='highlight']", NS) is not None
    label = links["/m/a"].get("aria-label") or ""
    assert label == "torsdag 4 mars 2027 kl. 09.00, Rådet: Möte"
    assert links["/m/a"].find("svg:title", NS).text == label  # type: ignore[union-attr]
    today = svg.find(".//svg:g[@class='today']/svg:line", NS)
    assert today is not None
    angle = math.degrees(math.atan2(float(today.get("x2", "0")), -float(today.get("y2", "0"))))
    assert angle == pytest.approx(angle_of(dt.date(2027, 3, 1)), abs=0.1)


def test_today_is_marked_only_in_its_own_year() -> None:
    svg = render_wheel("X", 2028, BODIES, [], dt.date(2027, 3, 1))
    assert 'class="today"' not in svg


def weekly(body: str = "x/rad", start: dt.date = dt.date(2027, 3, 1), n: int = 12) -> list:
    """A crowded ring: a meeting every other day (marks would overlap at their dates)."""
    return [
        meeting(start + dt.timedelta(days=2 * i), body=body, mid=f"{body}-{i}") for i in range(n)
    ]


def marks_of(svg: ET.Element) -> list[tuple[float, float, float, str]]:
    """(x, y, radius, href) of every planned mark."""
    found = []
    for a in svg.findall(".//svg:a", NS):
        c = a.find("svg:circle[@class='mark']", NS)
        if c is not None:
            found.append(
                (
                    float(c.get("cx", "0")),
                    float(c.get("cy", "0")),
                    float(c.get("r", "0")),
                    a.get("href", ""),
                )
            )
    return found


def test_crowded_marks_are_spread_along_their_ring_in_order() -> None:
    meetings = weekly() + weekly("x/db")
    svg = ET.fromstring(render_wheel("X", 2027, BODIES, meetings, None))
    rings = rings_for(BODIES, meetings)
    for ring in rings:
        mine = [
            (x, y, r) for x, y, r, href in marks_of(svg) if href.startswith(f"/m/{ring.body.key}")
        ]
        assert len(mine) == 12
        for (x1, y1, r1), (x2, y2, _) in itertools.pairwise(mine):
            assert math.dist((x1, y1), (x2, y2)) >= 2 * r1  # never closer than their size
        for x, y, r in mine:  # every mark inside its ring
            assert ring.inner <= math.hypot(x, y) - r and math.hypot(x, y) + r <= ring.outer
        angles = [math.degrees(math.atan2(x, -y)) % 360 for x, y, _ in mine]
        assert angles == sorted(angles)  # still in date order


def test_each_series_of_a_body_gets_its_own_labelled_ring() -> None:
    a = [dataclasses.replace(m, series="x/rad-a", title="Rådet") for m in weekly(n=3)]
    b = [
        dataclasses.replace(m, series="x/rad-b", title="Rådets forum", id=f"b{i}")
        for i, m in enumerate(weekly(start=dt.date(2027, 9, 1), n=2))
    ]
    rings = rings_for(BODIES, a + b)
    # from the hub out: fewest meetings innermost (a body without meetings keeps a ring)
    expected = ["Direktörsberedningen", "Rådet: Rådets forum", "Rådet"]
    assert [r.label for r in rings] == expected
    svg = ET.fromstring(render_wheel("X", 2027, BODIES, a + b, None))
    labels = [t.text for t in svg.findall(".//svg:textPath", NS)]
    assert labels == expected
    paths = {p.get("id"): p.get("d", "") for p in svg.findall(".//svg:path[@id]", NS)}
    for i, ring in enumerate(rings):  # each name runs along the middle of its own ring
        assert f"A{ring.middle},{ring.middle}" in paths[f"ring-path-{i}"]


def test_today_stays_inside_the_rim_and_off_every_mark() -> None:
    meetings = weekly(start=dt.date(2027, 3, 1)) + weekly("x/db", start=dt.date(2027, 3, 2))
    svg = ET.fromstring(render_wheel("X", 2027, BODIES, meetings, dt.date(2027, 3, 9)))
    lines = svg.findall(".//svg:g[@class='today']/svg:line", NS)
    assert len(lines) >= 2  # broken where marks sit on today's date
    for line in lines:
        a = (float(line.get("x1", "0")), float(line.get("y1", "0")))
        b = (float(line.get("x2", "0")), float(line.get("y2", "0")))
        assert math.hypot(*a) >= HUB - 0.01 and math.hypot(*b) < OUTER
        for x, y, r, _ in marks_of(svg):
            # distance from the mark's centre to the segment a–b
            t = max(
                0.0,
                min(
                    1.0,
                    ((x - a[0]) * (b[0] - a[0]) + (y - a[1]) * (b[1] - a[1]))
                    / ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2),
                ),
            )
            closest = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
            assert math.dist((x, y), closest) > r


def test_the_legend_explains_only_what_the_year_shows() -> None:
    plain = render_wheel("X", 2027, BODIES, weekly(n=2), dt.date(2026, 5, 1), legend=True)
    assert "januariprioritering" not in plain and ">idag<" not in plain
    assert ">flyttat möte<" not in plain and ">Rådet<" in plain
    busy = render_wheel(
        "X",
        2027,
        BODIES,
        [
            meeting(dt.date(2027, 1, 21), kind=SeriesKind.PRIORITERING, body="x/db", mid="p"),
            meeting(dt.date(2027, 3, 11), status=MeetingStatus.MOVED, mid="m"),
        ],
        dt.date(2027, 5, 1),
        legend=True,
    )
    assert ">januariprioritering<" in busy and ">idag<" in busy and ">flyttat möte<" in busy


def test_the_exported_wheel_stands_on_its_own() -> None:
    svg = render_wheel("Region X", 2027, BODIES, weekly(n=2), None, legend=True)
    root = ET.fromstring(svg)
    assert root.find(".//svg:g[@class='legend']", NS) is not None
    assert "system-ui" in svg and "serif;" not in svg.replace("sans-serif", "")
    assert "<image" not in svg and 'href="http' not in svg  # nothing fetched from elsewhere


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_every_colour_meets_wcag_contrast() -> None:
    from calendars.wheel import PERIOD_COLOURS, TODAY
    from calendars.wheellayout import COLOURS

    for colour in COLOURS:
        for sector in ("#eef2f6", "#ffffff"):  # marks against both month backgrounds
            assert contrast(colour, sector) >= 3.0, colour  # WCAG 1.4.11 (graphics)
        assert contrast("#ffffff", colour) >= 4.5, colour  # the white day number, 1.4.3
    for colour in (*PERIOD_COLOURS.values(), TODAY):
        assert contrast(colour, "#ffffff") >= 3.0, colour
    assert contrast("#1a1a1a", "#eef2f6") >= 4.5  # ring names and month names


def test_a_series_summer_break_is_an_arc_in_the_legend() -> None:
    from calendars.wheellayout import periods_for
    from cycle.definitions import SummerBreak
    from cycle.published import PublishedSeries

    meetings = [dataclasses.replace(m, series="x/radet") for m in weekly(n=2)]
    series = [
        PublishedSeries("x/radet", "x/rad", "Rådet", summer_break=SummerBreak((6, 20), (8, 10))),
        PublishedSeries("x/annat", "x/db", "Annat", summer_break=SummerBreak((7, 1), (7, 31))),
    ]
    periods = periods_for(meetings, [], series, 2027)
    # only the breaks of series that meet this year
    assert [(p.kind, p.first, p.last) for p in periods] == [
        ("sommar", dt.date(2027, 6, 20), dt.date(2027, 8, 10))
    ]
    svg = render_wheel("X", 2027, BODIES, meetings, None, periods=periods, legend=True)
    assert ">sommaruppehåll<" in svg and "sommaruppehåll: söndag 20 juni 2027" in svg


def test_a_monthly_series_beside_the_councils_keeps_its_whole_name() -> None:
    """Eleven mornings a year on the shortest ring left no room for
    "Direktörsberedningen" (Värmland's wheel said "Direktö…"): the densest series goes
    outermost, and a name that does not fit at its size is set smaller before it is cut."""
    bodies = [
        PublishedBody("x/db", "x", "db", "Direktörsberedningen", "direktörsberedning", True),
        PublishedBody("x/or", "x", "or", "Värmlandsrådets ordföranderåd", "ordföranderåd", True),
        PublishedBody("x/rad", "x", "rad", "Värmlandsrådet", "samverkansråd", True),
    ]
    monthly = [
        meeting(dt.date(2027, month, 3), body="x/db", mid=f"db-{month}")
        for month in range(1, 13)
        if month != 7
    ]
    chairs = [
        meeting(dt.date(2027, month, 9), body="x/or", mid=f"or-{month}")
        for month in (1, 3, 4, 6, 9, 10, 12)
    ]
    councils = [meeting(dt.date(2027, month, 12), mid=f"rad-{month}") for month in (2, 5, 9, 11)]
    everything = monthly + chairs + councils
    rings = rings_for(bodies, everything)
    assert [r.label for r in rings] == [
        "Värmlandsrådet",
        "Värmlandsrådets ordföranderåd",
        "Direktörsberedningen",
    ]
    svg = ET.fromstring(render_wheel("X", 2027, bodies, everything, None))
    labels = {t.text for t in svg.findall(".//svg:textPath", NS)}
    assert labels == {b.name for b in bodies}
    for text in svg.findall(".//svg:text[@class='ring-label']", NS):
        assert float(text.get("font-size", "0")) >= LABEL_SMALLEST
