"""``arshjul web`` as an admin starts it: its own process tree (two uvicorn workers), the
settings from the environment, the wall clock; a click through a signed link, and the
feed export it starts in a process of its own."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from icalendar import Calendar
from sqlmodel import select

from cycle.links import Action, link_expiry, sign_link
from cycle.times import STOCKHOLM
from models.tables import Task, TaskAssignee
from models.tokens import live_token
from services.secret import link_key
from services.settings import Settings
from services.storage import reading
from tests.servers import free_port, listening
from web.serving import WebOptions

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PERSON = "mini/lena-sjo"


def _arshjul(*argv: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(BIN / "arshjul"), *argv], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def served(settings: Settings) -> Iterator[tuple[str, dict[str, str]]]:
    """The mini organisation planned for next year (so every task lies ahead on any
    date), exported, and ``arshjul web --workers 2`` on a free port; stopped by its PID."""
    env = os.environ | settings.environment()
    year = dt.datetime.now(STOCKHOLM).year + 1
    _arshjul("plan", "--year", str(year), "--org", "mini", env=env)
    port = free_port()
    argv = [str(BIN / "arshjul"), "web", "--port", str(port), "--workers", "2", "--no-static"]
    with listening(argv, port, env=env):
        yield f"http://127.0.0.1:{port}", env


def _feed_status(folder: Path, token: str, uid: str) -> str | None:
    calendar = Calendar.from_ical((folder / "p" / f"{token}.ics").read_bytes())
    for todo in calendar.walk("VTODO"):
        if str(todo["UID"]).startswith(uid):
            return str(todo.get("STATUS"))
    return None


def test_two_workers_serve_pages_and_a_click_exports_the_feeds(
    settings: Settings, served: tuple[str, dict[str, str]]
) -> None:
    url, _ = served
    today = dt.datetime.now(STOCKHOLM).date()
    with reading(settings) as s:
        token = live_token(s, PERSON)
        task = s.exec(
            select(Task)
            .join(TaskAssignee, TaskAssignee.task == Task.id)  # type: ignore[arg-type]
            .where(TaskAssignee.person == PERSON)
            .order_by(Task.due)  # type: ignore[arg-type]
        ).first()
    assert token and task
    assert _feed_status(settings.publish_dir, token, task.id) != "COMPLETED"
    link = "/klar/" + sign_link(
        link_key(settings), Action.DONE, PERSON, task.id, expires=link_expiry(today)
    )
    with httpx.Client(base_url=url, timeout=30) as http:
        pages = [http.get(f"/p/{token}/") for _ in range(6)]  # over both processes
        assert {p.status_code for p in pages} == {200}
        assert all("Lena Sjö" in p.text for p in pages)
        confirm = http.get(link)
        assert confirm.status_code == 200 and task.title in confirm.text
        form = CSRF.search(confirm.text)
        assert form
        done = http.post(link, data={"csrf": form.group(1)})
        assert done.status_code == 200 and "Klart!" in done.text
    # the export runs in a process of its own; wait for its effect, with a deadline
    deadline = time.monotonic() + 120
    while _feed_status(settings.publish_dir, token, task.id) != "COMPLETED":
        assert time.monotonic() < deadline, "the click did not reach the personal feed"
        time.sleep(0.2)
    with reading(settings) as s:
        assert s.get(Task, task.id).status == "done"  # type: ignore[union-attr]


def test_the_web_options_reach_every_worker_unchanged(tmp_path: Path) -> None:
    options = WebOptions(
        static_dir=tmp_path / "ut", mail_dir=tmp_path / "post", behind_proxy=True, write_limit=7
    )
    again = WebOptions.from_environment(options.environment())
    assert again == WebOptions(
        static_dir=(tmp_path / "ut").resolve(),
        mail_dir=(tmp_path / "post").resolve(),
        behind_proxy=True,
        write_limit=7,
    )
    assert WebOptions.from_environment({}) == WebOptions()
