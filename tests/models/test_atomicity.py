"""A save killed half-way (kill -9) leaves the database exactly as before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from cycle import WorkCalendar, parse_cycle, plan_year
from models.database import make_engine, read_session, write_session
from models.definitions import save_definition
from models.plan import save_plan
from models.schema import upgrade_schema
from models.tables import Meeting, Task
from tests.conftest import MINI, NOW, fresh_database_url

# The child saves a second year inside one transaction, flushes every row to the database,
# says so, and then waits on stdin until it is killed: the kill lands after the writes.
CHILD = """
import datetime as dt, sys
from cycle import parse_cycle, plan_year, swedish_calendar
from models.database import make_engine, write_session
from models.definitions import save_definition
from models.plan import save_plan
engine = make_engine(sys.argv[1])
d = parse_cycle(open(sys.argv[2], encoding="utf-8").read(), "mini.toml")
plan = plan_year(d, 2028, swedish_calendar(range(2027, 2030)))
with write_session(engine) as session:
    save_definition(session, d, now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    save_plan(session, plan, now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    session.flush()
    print("halvvägs", flush=True)
    sys.stdin.readline()
"""


@pytest.mark.slow
def test_kill_9_during_a_save_leaves_the_database_as_before(
    tmp_path: Path, calendar: WorkCalendar
) -> None:
    url = fresh_database_url(tmp_path)
    engine = make_engine(url)
    upgrade_schema(engine)
    d = parse_cycle(MINI.read_text(encoding="utf-8"), "mini.toml")
    with write_session(engine) as session:
        save_definition(session, d, now=NOW)
        save_plan(session, plan_year(d, 2027, calendar), now=NOW)

    def counts() -> tuple[int, int]:
        with read_session(engine) as s:
            return (
                s.exec(select(func.count()).select_from(Meeting)).one(),
                s.exec(select(func.count()).select_from(Task)).one(),
            )

    before = counts()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(MINI)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "halvvägs"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert counts() == before == (11, 44)
    # the killed writer's lock is gone: the same year can be saved now
    with write_session(engine) as session:
        save_plan(session, plan_year(d, 2028, calendar), now=NOW)
    assert counts()[0] > before[0]
    engine.dispose()
