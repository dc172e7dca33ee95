"""Other calendars as busy time, read as an admin lists them: a file beside the cycle
files, and an address served by a real HTTP server on 127.0.0.1 (ETag, 304, errors)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from calendars.busyfile import busy_periods
from cycle import CycleDefinition, PlanError, parse_cycle
from cycle.times import STOCKHOLM
from services.busy import read_busy_calendars
from services.plan import PlanContext, plan_years
from tests.conftest import mini_text

YEAR = 2027

SPORTLOV = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//skollov//SV\r
BEGIN:VEVENT\r
UID:sportlov-2027@test\r
DTSTAMP:20260101T000000Z\r
SUMMARY:Sportlov\r
DTSTART;VALUE=DATE:20270301\r
DTEND;VALUE=DATE:20270306\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:inställt@test\r
DTSTAMP:20260101T000000Z\r
SUMMARY:Inställd studiedag\r
STATUS:CANCELLED\r
DTSTART;VALUE=DATE:20270204\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:fullmaktige@test\r
DTSTAMP:20260101T000000Z\r
SUMMARY:Regionfullmäktige\r
DTSTART;TZID=Europe/Stockholm:20270401T090000\r
DTEND;TZID=Europe/Stockholm:20270401T170000\r
RRULE:FREQ=MONTHLY;COUNT=3\r
END:VEVENT\r
END:VCALENDAR\r
"""


def avoiding(source: str) -> CycleDefinition:
    """The mini council (1st Thursday 13–16), avoiding the calendar at ``source``."""
    text = mini_text(avoid='["skollov"]') + (
        f'\n[[busy]]\nid = "skollov"\nname = "Skollov i Testlänet"\nsource = "{source}"\n'
        "example = true\n"
    )
    return parse_cycle(text, "mini.toml")


def test_events_become_busy_periods_all_day_timed_recurring_and_not_cancelled() -> None:
    found = busy_periods(SPORTLOV, "x", dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), source="s")
    assert [(p.title, p.start.isoformat(), p.end.isoformat()) for p in found] == [
        ("Sportlov", "2027-03-01T00:00:00+01:00", "2027-03-06T00:00:00+01:00"),
        ("Regionfullmäktige", "2027-04-01T09:00:00+02:00", "2027-04-01T17:00:00+02:00"),
        ("Regionfullmäktige", "2027-05-01T09:00:00+02:00", "2027-05-01T17:00:00+02:00"),
        ("Regionfullmäktige", "2027-06-01T09:00:00+02:00", "2027-06-01T17:00:00+02:00"),
    ]


def test_a_file_that_is_not_icalendar_is_named() -> None:
    with pytest.raises(PlanError) as caught:
        busy_periods(
            "inte en kalender", "x", dt.date(YEAR, 1, 1), dt.date(YEAR, 2, 1), source="lov.ics"
        )
    assert str(caught.value).startswith("lov.ics: kalendern går inte att läsa som iCalendar")


def test_a_series_avoiding_a_file_moves_off_its_events(tmp_path: Path) -> None:
    (tmp_path / "skollov.ics").write_text(SPORTLOV, encoding="utf-8")
    definition = avoiding("skollov.ics")
    busy = read_busy_calendars([definition], [YEAR], cycles_dir=tmp_path, cache_dir=tmp_path / "c")
    assert busy.unread == ()
    ((_, plan),) = plan_years([definition], [YEAR], PlanContext((definition,), busy))
    march = next(m for m in plan.meetings if m.original_date == dt.date(YEAR, 3, 4))
    assert march.start == dt.datetime(YEAR, 3, 8, 13, tzinfo=STOCKHOLM)  # after the week
    assert march.moved_because == (
        "flyttat från torsdag 4 mars 2027 (Sportlov i kalendern Skollov i Testlänet)"
    )
    april = next(m for m in plan.meetings if m.original_date == dt.date(YEAR, 4, 1))
    assert april.start.date() == dt.date(YEAR, 4, 2)  # the council's session that day
    june = next(m for m in plan.meetings if m.original_date == dt.date(YEAR, 6, 3))
    assert june.moved_because is None  # the session of 1 June does not touch 3 June


def test_an_unreadable_calendar_is_warned_of_and_the_plan_goes_on(tmp_path: Path) -> None:
    definition = avoiding("saknas.ics")
    busy = read_busy_calendars([definition], [YEAR], cycles_dir=tmp_path, cache_dir=tmp_path / "c")
    assert busy.unread == (
        "Testregionen: kalendern ”Skollov i Testlänet” (saknas.ics) lästes inte – filen "
        "finns inte; planen görs utan den",
    )
    ((_, plan),) = plan_years([definition], [YEAR], PlanContext((definition,), busy))
    march = next(m for m in plan.meetings if m.original_date == dt.date(YEAR, 3, 4))
    assert march.moved_because is None  # planned with what is known
    (tmp_path / "trasig.ics").write_text("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", encoding="utf-8")
    broken = read_busy_calendars(
        [avoiding("trasig.ics")], [YEAR], cycles_dir=tmp_path, cache_dir=tmp_path / "c"
    )
    assert (
        "(trasig.ics) lästes inte – kalendern går inte att läsa som iCalendar" in (broken.unread[0])
    )


class Calendars:
    """A real HTTP server on 127.0.0.1 that serves one calendar with an ETag and answers
    304 to a request that has it; ``status`` makes it fail instead."""

    def __init__(self) -> None:
        self.body = SPORTLOV.encode()
        self.status = 200
        self.requests: list[tuple[str | None, int]] = []  # (If-None-Match, status sent)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                etag = f'"{len(owner.body)}-{hash(owner.body) & 0xFFFF}"'
                asked = self.headers.get("If-None-Match")
                status = owner.status if owner.status != 200 else (304 if asked == etag else 200)
                owner.requests.append((asked, status))
                self.send_response(status)
                if status == 200:
                    self.send_header("ETag", etag)
                    self.send_header("Content-Type", "text/calendar; charset=utf-8")
                    self.send_header("Content-Length", str(len(owner.body)))
                    self.end_headers()
                    self.wfile.write(owner.body)
                else:
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/skollov.ics"


@pytest.fixture
def served() -> Iterator[Calendars]:
    calendars = Calendars()
    thread = threading.Thread(target=calendars.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield calendars
    finally:
        calendars.server.shutdown()
        calendars.server.server_close()
        thread.join()


def test_an_address_is_fetched_once_then_answered_with_304(
    served: Calendars, tmp_path: Path
) -> None:
    definition = avoiding(served.url)

    def read() -> tuple[str, ...]:
        busy = read_busy_calendars(
            [definition], [YEAR], cycles_dir=tmp_path, cache_dir=tmp_path / "c"
        )
        ((_, plan),) = plan_years([definition], [YEAR], PlanContext((definition,), busy))
        march = next(m for m in plan.meetings if m.original_date == dt.date(YEAR, 3, 4))
        assert march.start.date() == dt.date(YEAR, 3, 8)  # the sportlov week, every time
        return busy.fetched + busy.unread

    assert read() == (served.url,)  # downloaded
    assert read() == ()  # 304: the kept copy
    assert [status for _, status in served.requests] == [200, 304]
    assert served.requests[1][0] is not None  # it asked with the ETag it was given
    served.body = SPORTLOV.replace("20270301", "20270222").encode()  # a new week
    busy = read_busy_calendars([definition], [YEAR], cycles_dir=tmp_path, cache_dir=tmp_path / "c")
    assert busy.fetched == (served.url,) and served.requests[-1][1] == 200
    assert busy.by_organisation["mini"].periods[0].start.date() == dt.date(YEAR, 2, 22)


def test_an_address_that_fails_falls_back_on_the_kept_copy_and_says_so(
    served: Calendars, tmp_path: Path
) -> None:
    definition = avoiding(served.url)
    cache = tmp_path / "c"
    served.status = 503
    first = read_busy_calendars([definition], [YEAR], cycles_dir=tmp_path, cache_dir=cache)
    assert first.unread == (
        f"Testregionen: kalendern ”Skollov i Testlänet” ({served.url}) lästes inte – "
        "adressen svarade med felkod 503; planen görs utan den",
    )
    assert first.by_organisation["mini"].periods == ()
    served.status = 200
    read_busy_calendars([definition], [YEAR], cycles_dir=tmp_path, cache_dir=cache)
    served.body = "<html>underhåll</html>".encode()  # a 200 that is not a calendar
    kept = read_busy_calendars([definition], [YEAR], cycles_dir=tmp_path, cache_dir=cache)
    assert kept.unread[0].endswith("; den senast hämtade kopian används")
    assert "går inte att läsa som iCalendar" in kept.unread[0]
    assert kept.by_organisation["mini"].periods[0].title == "Sportlov"
    served.server.shutdown()
    served.server.server_close()  # nobody answers now
    gone = read_busy_calendars([definition], [YEAR], cycles_dir=tmp_path, cache_dir=cache)
    assert "adressen kunde inte nås" in gone.unread[0]
    assert gone.by_organisation["mini"].periods  # still the kept copy
