"""The wheel's geometry and markup, checked on the SVG itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import xml.etree.ElementTree as ET

import pytest

from calendars.wheel import HUB, OUTER, angle_of, point, render_wheel, rings_for
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
    svg = ET.fromstring(render_wheel("X", 2027, BODIES, [meeting(dt.date(2027, 7, 1))], None))
    (mark,) = svg.findall(".//svg:a/svg:circle", NS)
    ring = rings_for(BODIES)[0]
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
