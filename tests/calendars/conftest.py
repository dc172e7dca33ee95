"""A stored mini wheel for 2026–2027, published as feeds, for the calendar tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from calendars.export import export
from calendars.feeds import Feed, build_feeds
from calendars.pages import render_pages, years_with_meetings
from calendars.site import render_index
from cycle import CycleDefinition, WorkCalendar, plan_year
from cycle.published import Published, publication_window
from models.database import make_engine, read_session, write_session
from models.definitions import save_definition
from models.plan import save_plan
from models.published import load_published
from models.schema import upgrade_schema
from models.tokens import ensure_tokens
from tests.conftest import NOW, PLANNED, fresh_database_url
from tests.servers import free_port, listening

BIN = Path(sys.executable).parent
TODAY = dt.date(2026, 11, 23)
BASE = "https://arshjul.example.se"


@pytest.fixture
def stored(tmp_path: Path, mini: Callable[..., CycleDefinition], calendar: WorkCalendar) -> Engine:
    return store_mini(tmp_path, mini(), calendar)


def store_mini(folder: Path, d: CycleDefinition, calendar: WorkCalendar) -> Engine:
    """A fresh database in ``folder`` with ``d`` planned for 2026 and 2027 and every
    token issued."""
    engine = make_engine(fresh_database_url(folder))
    upgrade_schema(engine)
    with write_session(engine) as s:
        save_definition(s, d, now=PLANNED)
        for year in (2026, 2027):
            save_plan(s, plan_year(d, year, calendar), now=PLANNED)
        ensure_tokens(s, now=PLANNED)
    return engine


@contextlib.contextmanager
def pages_served(engine: Engine, root: Path) -> Iterator[int]:
    """The stored pages exported to ``root`` and served as people get them – by
    ``arshjul web``, under the site's policy – until the block ends; yields the port."""
    export(root, [], render_pages(publish(engine), today=TODAY, base_url=BASE))
    with web_serving(engine, root) as port:
        yield port


@contextlib.contextmanager
def web_serving(engine: Engine, root: Path) -> Iterator[int]:
    """``arshjul web`` on a free port, over ``engine``'s database and the export in
    ``root``, until the block ends; yields the port."""
    port = free_port()
    url = engine.url.render_as_string(hide_password=False)
    argv = [str(BIN / "arshjul"), "web", "--db", url, "--out", str(root), "--port", str(port)]
    with listening(argv, port):
        yield port


def publish(engine: Engine) -> Published:
    with read_session(engine) as s:
        return load_published(s, *publication_window(TODAY), now=NOW)


def feeds_by_path(engine: Engine) -> dict[str, Feed]:
    return {f.path: f for f in build_feeds(publish(engine), base_url=BASE)}


@pytest.fixture
def site(stored: Engine, tmp_path: Path) -> Iterator[tuple[int, Path, dict[str, str]]]:
    """An exported folder served by `arshjul feeds serve` (the feed server's own
    tests); yields (port, root, tokens)."""
    with feeds_served(stored, tmp_path / "publicerat") as served:
        yield served


def export_all(stored: Engine, root: Path) -> Published:
    """Every feed and page ``stored`` publishes, with the start page, written to
    ``root`` as an export does; returns what was published."""
    published = publish(stored)
    feeds = build_feeds(published, base_url=BASE)
    pages = render_pages(published, today=TODAY, base_url=BASE)
    years = years_with_meetings(published)
    export(
        root,
        feeds,
        {"index.html": render_index(feeds, published.organisations, BASE, years), **pages},
    )
    return published


@contextlib.contextmanager
def feeds_served(stored: Engine, root: Path) -> Iterator[tuple[int, Path, dict[str, str]]]:
    """Everything ``stored`` publishes, exported to ``root`` and served by `arshjul
    feeds serve` until the block ends; yields (port, root, tokens)."""
    published = export_all(stored, root)
    port = free_port()
    argv = [str(BIN / "arshjul"), "feeds", "serve", "--out", str(root), "--port", str(port)]
    with listening(argv, port):
        yield port, root, {p.key: p.token or "" for p in published.people}


@pytest.fixture
def web_site(stored: Engine, tmp_path: Path) -> Iterator[tuple[int, Path, dict[str, str]]]:
    """The same export as :func:`site`, served by ``arshjul web`` as people meet it (the
    browser tests); yields (port, root, tokens)."""
    root = tmp_path / "publicerat"
    published = export_all(stored, root)
    with web_serving(stored, root) as port:
        yield port, root, {p.key: p.token or "" for p in published.people}
