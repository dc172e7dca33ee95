"""A body's group feed, as its members and an admin meet it: behind a token of its own,
holding every meeting of the body (public or not) and its tasks, listed nowhere public,
linked from each member's personal page, and rotated by an admin with a trace."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from cli.main import main
from cycle.published import publication_window
from models.published import load_published
from models.tokens import group_tokens, live_token
from services.answers import overview_for_token
from services.settings import Settings
from services.storage import reading
from tests.conftest import NOW

TODAY = dt.date(2026, 11, 23)
BODY = "mini/beredningsgrupp"
# the beredningsgrupp (public = false) meets on its own too
PREPARATION = """
[[series]]
id = "beredning"
body = "beredningsgrupp"
title = "Beredningsmöte"
kind = "möte"
rrule = "FREQ=MONTHLY;BYDAY=2TU"
start = "09:00"
duration_minutes = 90
location = "Regionens hus, rum 3"
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), today=TODAY, now=NOW, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def planned(workspace: Path, settings: Settings) -> Settings:
    mini = workspace / "cycles" / "mini.toml"
    mini.write_text(mini.read_text(encoding="utf-8") + PREPARATION, encoding="utf-8")
    code, _, err = run("plan", "--year", "2027", "--org", "mini")
    assert code == 0, err
    return settings


def _token(settings: Settings) -> str:
    with reading(settings) as s:
        return group_tokens(s)[BODY]


def test_a_groups_feed_holds_all_its_meetings_and_tasks_and_is_listed_nowhere(
    planned: Settings,
) -> None:
    root = planned.publish_dir
    token = _token(planned)
    feed = root / "g" / f"{token}.ics"
    calendar = Calendar.from_ical(feed.read_bytes())
    events = [str(c["SUMMARY"]) for c in calendar.walk("VEVENT")]
    todos = [c for c in calendar.walk("VTODO")]
    with reading(planned) as s:
        published = load_published(s, *publication_window(TODAY), now=NOW)
    own = [m for m in published.meetings if m.body == BODY]
    tasks = [t for t in published.tasks if t.target_body == BODY]
    assert len(own) >= 11 and tasks  # a year of its own meetings, and its chain tasks
    assert sum(1 for e in events if e.startswith("Beredningsmöte")) == len(own)
    assert len(todos) == len(tasks)
    # a non-public body has no open feed; no public page or index names the group feed
    assert not (root / "feeds" / "mini" / "beredningsgrupp.ics").exists()
    assert not list((root / "feeds").rglob("*grupp*"))
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    assert all(not e["path"].startswith("g/") for e in index["feeds"])
    for page in root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert token not in text and "/g/" not in text, page
    assert "Beredningsmöte" not in (root / "feeds" / "mini.ics").read_text(encoding="utf-8")
    # the calendar's name says whose it is
    assert re.search(rb"(?m)^X-WR-CALNAME(;VALUE=TEXT)?:Beredningsgruppen", feed.read_bytes())


def test_members_find_the_group_feed_on_their_personal_page(planned: Settings) -> None:
    token = _token(planned)
    with reading(planned) as s:
        lena, anna = live_token(s, "mini/lena-sjo"), live_token(s, "mini/anna-berg")
    assert lena is not None and anna is not None
    member = overview_for_token(planned, lena, now=NOW)
    other = overview_for_token(planned, anna, now=NOW)
    assert member is not None and other is not None
    assert member.groups == (("Beredningsgruppen", token),)
    assert ("Beredningsgruppen", token) not in other.groups  # Anna sits in the council


def test_an_admin_rotates_the_group_address_and_the_history_says_so(
    planned: Settings,
) -> None:
    old = _token(planned)
    code, out, _ = run("feeds", "group-link", "--body", BODY)
    assert code == 0 and out.strip().endswith(f"/g/{old}.ics")
    code, out, err = run("feeds", "rotate-group-token", "--body", BODY)
    assert code == 0, err
    new = _token(planned)
    assert new != old and out.strip().splitlines()[-1].endswith(f"/g/{new}.ics")
    root = planned.publish_dir
    assert (root / "g" / f"{new}.ics").exists() and not (root / "g" / f"{old}.ics").exists()
    code, history, _ = run("history")
    assert code == 0 and "group-token-rotated" in history
    # a mistyped body is named, with the nearest one
    code, out, err = run("feeds", "rotate-group-token", "--body", "mini/beredningsgrp")
    assert code == 2 and out == "" and "okänt organ; menade du mini/beredningsgrupp?" in err
    assert _token(planned) == new  # nothing changed
