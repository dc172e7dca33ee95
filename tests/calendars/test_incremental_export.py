"""The incremental export writes exactly what a full render writes.

After every random sequence of changes – meetings moved and cancelled, tasks done,
agenda items accepted, tokens replaced, the rules changed, the clock moved (held
meetings, late tasks, another window, today's mark), another public address, a file
removed by hand – the folder an incremental export keeps up to date equals, byte for
byte, a folder rendered from scratch, and each feed has the same modification time.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from calendars.rendercache import FILE
from cycle import WorkCalendar, parse_cycle, plan_year
from cycle.agenda import ItemDraft
from cycle.meetings import Move
from cycle.status import MeetingStatus, TaskStatus
from models.agenda import decide_item, submit_item
from models.database import make_engine, write_session
from models.definitions import save_definition
from models.meetings import cancel_meeting, move_meeting
from models.plan import save_plan
from models.schema import upgrade_schema
from models.tables import Meeting, Person, Task
from models.tasks import complete_task
from models.tokens import ensure_tokens, live_token, rotate_token
from services.feeds import publish_feeds
from services.settings import Settings
from tests.conftest import NOW, fresh_database_url, mini_text

ACTIONS = (
    "move",
    "move-elsewhere",
    "cancel",
    "done",
    "agenda",
    "token",
    "rules",
    "clock",
    "address",
    "remove-file",
)


def _folder_state(root: Path) -> dict[str, tuple[bytes, int | None]]:
    """Every exported file: its bytes, and for feeds (whose mtime is their
    Last-Modified) the modification time."""
    found = {}
    for where, _, names in os.walk(root):
        for name in names:
            if name.startswith("."):
                continue
            path = Path(where) / name
            relative = path.relative_to(root).as_posix()
            stamped = relative.endswith(".ics") and not relative.startswith("m/")
            found[relative] = (path.read_bytes(), path.stat().st_mtime_ns if stamped else None)
    return found


class World:
    """A stored mini wheel and the changes a test applies to it."""

    def __init__(self, work: Path, calendar: WorkCalendar) -> None:
        self.engine: Engine = make_engine(fresh_database_url(work))
        upgrade_schema(self.engine)
        self.calendar = calendar
        self.now = NOW
        self.address = "https://arshjul.example.se"
        self.work = work
        self.changed: set[str] | None = None  # the organisation the last act changed
        self._plan(mini_text())
        self._plan(_other(mini_text()))

    def _plan(self, text: str) -> None:
        d = parse_cycle(text, "mini.toml")
        with write_session(self.engine) as s:
            save_definition(s, d, now=self.now)
            for year in (2026, 2027):
                save_plan(s, plan_year(d, year, self.calendar), now=self.now)
            ensure_tokens(s, now=self.now)

    def tokens(self, organisation: str) -> list[str]:
        """The live feed tokens of an organisation's people."""
        with write_session(self.engine) as s:
            people = s.exec(select(Person).where(Person.organisation == organisation))
            return [t for p in people if (t := live_token(s, p.key))]

    def settings(self, out: Path) -> Settings:
        return Settings.load(
            {},
            database_url=self.engine.url.render_as_string(hide_password=False),
            publish_dir=out,
            public_url=self.address,
            home=self.work,
        )

    def _coming(self, s: object, pick: int) -> Meeting | None:
        rows = list(
            s.exec(  # type: ignore[attr-defined]
                select(Meeting)
                .where(col(Meeting.start) > self.now, Meeting.status != MeetingStatus.CANCELLED)
                .order_by(col(Meeting.start), col(Meeting.id))
            )
        )
        return rows[pick % len(rows)] if rows else None

    def apply(self, action: str, pick: int, out: Path) -> None:
        """Change the world; ``changed`` says which organisation alone was changed (an
        export of that one is what a flow would then ask for), or None."""
        self.changed = None
        if action == "clock":
            self.now += dt.timedelta(days=1 + pick % 40, hours=pick % 7)
            return
        if action == "address":
            self.address = f"https://kalender{pick % 3}.example.se"
            return
        if action == "rules":
            self._plan(mini_text(location=f'"Sal {pick % 4}"'))
            return
        if action == "remove-file":
            files = sorted(p for p in out.rglob("*.ics") if p.is_file())
            if files:
                files[pick % len(files)].unlink()
            return
        with write_session(self.engine) as s:
            meeting = self._coming(s, pick)
            if meeting is not None:
                self.changed = {meeting.organisation}
            if action == "move-elsewhere" and meeting is not None:
                # a change of one organisation, exported as a full export would see it
                days = dt.timedelta(days=2)
                start, end = meeting.start + days, meeting.end + days
                move_meeting(s, Move(meeting.id, start, end, (), "Flyttat"), now=self.now)
                self.changed = None
            elif action == "move" and meeting is not None:
                days = dt.timedelta(days=1 + pick % 5)
                start, end = meeting.start + days, meeting.end + days
                move_meeting(s, Move(meeting.id, start, end, (), "Flyttat i test"), now=self.now)
            elif action == "cancel" and meeting is not None:
                cancel_meeting(s, meeting.id, note="Inställt i test", now=self.now)
            elif action == "done":
                tasks = list(
                    s.exec(
                        select(Task)
                        .where(Task.status == TaskStatus.OPEN)
                        .order_by(col(Task.due), col(Task.id))
                    )
                )
                if tasks:
                    complete_task(s, tasks[pick % len(tasks)].id, now=self.now)
            elif action == "agenda" and meeting is not None:
                person = s.exec(select(Person).order_by(col(Person.key))).first()
                assert person is not None
                draft = ItemDraft(f"Ärende {pick}", "", None, 15, "")
                item = submit_item(
                    s, meeting=meeting.id, person=person.key, draft=draft, now=self.now
                )
                decide_item(s, item, accept=True, reason="", by=person.key, now=self.now)
            elif action == "token":
                people = list(s.exec(select(Person).order_by(col(Person.key))))
                person = people[pick % len(people)]
                rotate_token(s, person=person.key, now=self.now)
                self.changed = {person.organisation}
            if action in ("done", "agenda"):
                self.changed = None  # exported in full, as the web's clicks are


def _other(text: str) -> str:
    """The mini cycle as a second organisation."""
    return text.replace('slug = "mini"', 'slug = "mini2"', 1).replace(
        'name = "Testregionen"', 'name = "Andra regionen"', 1
    )


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.integers(min_value=0, max_value=1000)),
        min_size=1,
        max_size=5,
    )
)
def test_an_incremental_export_equals_a_full_render(
    steps: list[tuple[str, int]], calendar: WorkCalendar
) -> None:
    work = Path(tempfile.mkdtemp(prefix="arshjul-incremental-"))
    try:
        world = World(work, calendar)
        kept = work / "kept"
        today = world.now.date()
        publish_feeds(world.settings(kept), today=today, now=world.now)
        assert (kept / FILE).exists()
        for action, pick in steps:
            world.apply(action, pick, kept)
            today = world.now.date()
            # what a flow asks for after changing one organisation: an export of it alone
            publish_feeds(
                world.settings(kept), today=today, now=world.now, organisations=world.changed
            )
        fresh = work / "fresh"
        publish_feeds(world.settings(fresh), today=today, now=world.now)
        incremental, full = _folder_state(kept), _folder_state(fresh)
        assert sorted(incremental) == sorted(full)
        differing = [path for path in full if incremental[path] != full[path]]
        assert differing == [], f"after {steps}: {differing[:5]}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_second_export_renders_nothing_and_a_change_renders_only_its_part(
    tmp_path: Path, calendar: WorkCalendar
) -> None:
    world = World(tmp_path, calendar)
    out = tmp_path / "out"
    first = publish_feeds(world.settings(out), today=world.now.date(), now=world.now)
    again = publish_feeds(world.settings(out), today=world.now.date(), now=world.now)
    assert first.rendered > 0
    assert (again.rendered, again.export.written) == (0, 0)
    before = {p: (p.read_bytes(), p.stat().st_ino) for p in out.rglob("*") if p.is_file()}
    world.apply("cancel", 0, out)
    assert world.changed == {"mini"}
    changed = publish_feeds(
        world.settings(out), today=world.now.date(), now=world.now, organisations={"mini"}
    )
    # one meeting: its event and its tasks' to-dos, in the feeds that hold them
    assert 0 < changed.rendered < first.rendered / 4
    assert changed.export.written > 0
    rewritten = {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and (p.read_bytes(), p.stat().st_ino) != before.get(p)
    }
    other = {p.as_posix() for p in out.rglob("*mini2*")} | {
        (out / "p" / f"{t}.ics").as_posix() for t in world.tokens("mini2")
    }
    assert rewritten and not {(out / p).as_posix() for p in rewritten} & other  # untouched
    assert "index.json" in rewritten  # its fingerprint covers every file
    # the scoped export left the folder exactly as a full render of all of it
    full = publish_feeds(world.settings(out), today=world.now.date(), now=world.now, full=True)
    assert full.rendered == first.rendered
    assert full.export.written == 0
