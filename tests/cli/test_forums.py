"""Forum invitations from the data: the body that invites (``invited_by``) has its members
called to the forum as invited, and they get its kallelse; the listed guest organisations
are invited; registrations are recorded (CLI) and the forum's page lists who is invited by
organisation – with counts, never names."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from sqlmodel import col, select

from calendars.messages import Sender
from cli.main import main
from cycle import WorkCalendar, parse_cycle, plan_year
from cycle.definitions import Role
from cycle.errors import DefinitionError
from models.database import make_engine, read_session, write_session
from models.meetings import invite_guests
from models.outbox import OutboxMessage
from models.tables import Meeting
from services.cyclefiles import load_cycles
from services.reminders import queue_reminders
from tests.conftest import MINI

FORUM = """
[[body]]
slug = "forum"
name = "Stora forumet"
kind = "forum"
invited_by = "radet"
guests = ["Mittuniversitetet", "Almi Mitt"]

[[membership]]
person = "lena-sjo"
body = "forum"
role = "sammankallande"

[[chain]]
id = "forumkedja"
name = "Inför forum"

[[chain.step]]
id = "anmalan"
title = "Sista anmälningsdag"
offset = -10
assign = "role:sammankallande@forum"

[[series]]
id = "forum"
body = "forum"
title = "Stora forumet"
kind = "forum"
rrule = "FREQ=YEARLY;BYMONTH=3,10;BYDAY=2WE"
start = "09:30"
duration_minutes = 240
location = "Regionens hus"
chain = "forumkedja"
"""


def forum_text() -> str:
    return MINI.read_text(encoding="utf-8").rstrip("\n") + "\n" + FORUM


def run_on(day: str, *argv: str) -> tuple[int, str, str]:
    now = dt.datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=dt.UTC)
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), today=now.date(), now=now, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_inviting_bodys_members_are_called_to_the_forum(calendar: WorkCalendar) -> None:
    d = parse_cycle(forum_text(), "mini.toml")
    (march, _) = [m for m in plan_year(d, 2027, calendar).meetings if m.series == "forum"]
    day = march.start.date()
    own = {m.person for m in d.members_on("forum", day)}
    council = {m.person for m in d.members_on("radet", day)}
    called = {i.person: i.role for i in march.invitations}
    assert set(called) == own | council  # exactly the forum's members plus the council's
    assert all(called[p] is Role.INBJUDEN for p in council - own)
    assert called["lena-sjo"] is Role.SAMMANKALLANDE


def test_an_unknown_inviting_body_is_refused_by_line_and_field() -> None:
    text = forum_text().replace('invited_by = "radet"', 'invited_by = "rade"')
    with pytest.raises(DefinitionError) as caught:
        parse_cycle(text, "mini.toml")
    assert "fält body[2].invited_by: okänt organ" in str(caught.value)
    assert "menade du radet?" in str(caught.value)


def test_registrations_are_recorded_and_the_page_lists_who_is_invited(workspace: Path) -> None:
    (workspace / "cycles" / "mini.toml").write_text(forum_text(), encoding="utf-8")
    assert run_on("2026-12-01", "plan", "--year", "2027", "--org", "mini")[0] == 0
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    with read_session(engine) as s:
        forum = s.exec(
            select(Meeting).where(Meeting.series == "mini/forum").order_by(col(Meeting.start))
        ).first()
    assert forum is not None
    (definition,) = load_cycles(workspace / "cycles", "mini")
    guests = next(b for b in definition.bodies if b.slug == "forum").guests
    with write_session(engine) as s:  # what the forum flow does (tests/flows covers it)
        invite_guests(s, meeting=forum.id, guests=guests, now=dt.datetime.now(dt.UTC))
    # registrations: a council member, a guest organisation with two; errors in Swedish
    args = ("forum-register", forum.id)
    assert run_on("2027-02-01", *args, "--person", "mini/anna-berg")[1] == "Anmälan är sparad.\n"
    assert run_on("2027-02-02", *args, "--person", "mini/anna-berg")[1].startswith("Samma")
    assert run_on("2027-02-01", *args, "--guest", "Almi Mitt", "--antal", "2")[0] == 0
    code, _, err = run_on("2027-02-01", *args, "--guest", "Okänd AB")
    assert code == 2 and "organisationen är inte inbjuden till mötet" in err
    code, _, err = run_on("2027-03-09", *args, "--person", "mini/karin-ek")
    assert code == 2 and "sista anmälningsdag var" in err
    code, out, _ = run_on("2027-02-03", "forum-invited", forum.id)
    assert code == 0
    assert "  Almi Mitt (inbjuden organisation): 2 anmälda" in out
    assert "  Mittuniversitetet (inbjuden organisation): 0 anmälda" in out
    assert "  Övriga: 3 kallade, 1 anmäld" in out  # Lena, Anna, Karin: no employer named
    assert "  Anna Berg: anmäld" in out and "  Karin Ek: inte anmäld" in out
    # the two registrations are acts in the history; the repeat and the refusals are not
    logged = run_on("2027-02-03", "history")[1].splitlines()
    acts = [x for x in logged if "  registration(" in x]
    assert len(acts) == 2 and all("utlöst av: CLI (" in x for x in acts)
    assert {
        "    Anmälan: Anna Berg, 1 deltagare",
        "    Anmälan: Almi Mitt, 2 deltagare",
    } <= set(logged)
    # the public page: organisations with counts, no names
    assert run_on("2027-02-03", "feeds", "export")[0] == 0
    page = (workspace / "publicerat" / "m" / f"{forum.id}.html").read_text(encoding="utf-8")
    assert '<h2 id="inbjudna">Inbjudna</h2>' in page
    assert "Almi Mitt" in page and "Mittuniversitetet" in page
    assert "Anna Berg" not in page and "Lena Sjö" not in page


def test_the_council_members_get_the_forums_kallelse(workspace: Path) -> None:
    (workspace / "cycles" / "mini.toml").write_text(forum_text(), encoding="utf-8")
    assert run_on("2026-12-01", "plan", "--year", "2027", "--org", "mini")[0] == 0
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    definitions = load_cycles(workspace / "cycles", "mini")
    day = dt.date(2027, 2, 1)
    while day < dt.date(2027, 3, 10):
        queue_reminders(
            engine,
            definitions,
            today=day,
            sender=Sender("arshjul@region.example"),
            base_url="https://kalender.example",
            now=dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC),
        )
        day += dt.timedelta(days=1)
    with read_session(engine) as s:
        notices = s.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == "kallelse", col(OutboxMessage.subject).contains("forumet")
            )
        ).all()
    # Anna chairs the council, not the forum: she is called as invited
    assert {"mini/anna-berg", "mini/lena-sjo"} <= {n.recipient for n in notices}
