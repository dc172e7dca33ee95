"""Two plan runs racing for the same organisations and year write no duplicates."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from models.database import read_session
from models.tables import Invitation, Meeting, Task, TaskAssignee
from services.settings import SHIPPED_CYCLES

ORGS = ("jamtland-harjedalen", "varmland", "vasternorrland")


def _counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as s:
        return {
            t.__name__: s.exec(select(func.count()).select_from(t)).one()
            for t in (Meeting, Task, Invitation, TaskAssignee)
        }


@pytest.mark.slow
def test_two_simultaneous_plan_runs_produce_no_duplicates(engine: Engine, tmp_path: Path) -> None:
    url = engine.url.render_as_string(hide_password=False)
    exe = Path(sys.executable).with_name("arshjul")
    # Hold the write lock (SQLite) or the organisations' advisory locks (PostgreSQL) while
    # both runs start, so both reach their save before either can take it.
    with engine.execution_options(arshjul_sqlite_immediate=True).connect() as holder:
        holder.begin()  # BEGIN IMMEDIATE on SQLite: the write lock
        if engine.dialect.name == "postgresql":
            for org in ORGS:
                holder.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": org})
        runs = [
            subprocess.Popen(
                [str(exe), "plan", "--year", "2027", "--db", url, "--cycles", str(SHIPPED_CYCLES)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=tmp_path,
            )
            for _ in range(2)
        ]
        for run in runs:
            assert run.stderr is not None
            assert run.stderr.readline().startswith("Planerar")  # planned, about to save
        holder.rollback()
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    added = sorted(sum(map(int, re.findall(r"Ändringar: (\d+) nya", out))) for out, _ in outputs)
    # one run inserted every meeting, the other found them all and changed nothing
    assert added == [0, 54]  # 19 + 21 + 14 meetings
    reference = _counts(engine)
    assert reference["Meeting"] == 54
    with read_session(engine) as s:
        ids = s.exec(select(Meeting.id)).all()
    assert len(ids) == len(set(ids))
