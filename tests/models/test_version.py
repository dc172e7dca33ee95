"""The data version counts the transactions that wrote – and only those – on SQLite and
PostgreSQL, so a page kept under it is stale exactly when something changed."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from cycle import WorkCalendar, parse_cycle, plan_year
from models.database import write_session
from models.definitions import save_definition
from models.plan import save_plan
from models.tables import Task
from models.version import data_version
from tests.conftest import MINI, NOW


def version(engine: Engine) -> int:
    with engine.connect() as connection:
        return data_version(connection)


def test_a_writing_transaction_counts_once_and_a_reading_one_not_at_all(
    engine: Engine, calendar: WorkCalendar
) -> None:
    d = parse_cycle(MINI.read_text(encoding="utf-8"), "mini.toml")
    start = version(engine)
    with write_session(engine) as s:
        save_definition(s, d, now=NOW)
        save_plan(s, plan_year(d, 2027, calendar), now=NOW)
    assert version(engine) == start + 1
    with write_session(engine) as s:  # the same plan again: nothing to write
        save_definition(s, d, now=NOW)
        save_plan(s, plan_year(d, 2027, calendar), now=NOW)
    assert version(engine) == start + 1
    with write_session(engine) as s:  # one row changed by hand
        task = s.exec(select(Task)).first()
        assert task is not None
        task.title += " (ändrad)"
    assert version(engine) == start + 2


def test_a_transaction_that_fails_leaves_the_version(engine: Engine) -> None:
    start = version(engine)
    with pytest.raises(RuntimeError), write_session(engine) as s:
        s.add(Task(id="x"))  # type: ignore[call-arg]
        raise RuntimeError("avbrutet")
    assert version(engine) == start
