"""A stored mini wheel for 2026–2027, published as feeds, for the calendar tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from calendars.feeds import Feed, build_feeds
from cycle import CycleDefinition, WorkCalendar, plan_year
from cycle.published import Published, publication_window
from models.database import create_schema, make_engine, read_session, write_session
from models.published import load_published
from models.store import save_definition, save_plan
from models.tokens import ensure_tokens
from tests.conftest import NOW

TODAY = dt.date(2026, 11, 23)
BASE = "https://arshjul.example.se"


@pytest.fixture
def stored(tmp_path: Path, mini: Callable[..., CycleDefinition], calendar: WorkCalendar) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'arshjul.db'}")
    create_schema(engine)
    d = mini()
    with write_session(engine) as s:
        save_definition(s, d, now=NOW)
        for year in (2026, 2027):
            save_plan(s, plan_year(d, year, calendar), now=NOW)
        ensure_tokens(s, now=NOW)
    return engine


def publish(engine: Engine) -> Published:
    with read_session(engine) as s:
        return load_published(s, *publication_window(TODAY))


def feeds_by_path(engine: Engine) -> dict[str, Feed]:
    return {f.path: f for f in build_feeds(publish(engine), base_url=BASE)}
