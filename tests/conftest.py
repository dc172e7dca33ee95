"""Shared fixtures: a fixed clock, the Swedish calendar, cycle text factories, databases,
a workspace with its settings, and one Prefect backend for the session.

The environment is made hermetic by the root ``conftest.py`` before anything here runs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from cycle import CycleDefinition, WorkCalendar, parse_cycle, swedish_calendar
from models.database import StorageError, make_engine
from models.schema import upgrade_schema
from services.settings import SHIPPED_CYCLES, Settings
from services.storage import dispose_engines

DATA = Path(__file__).parent / "data"
MINI = DATA / "cycles" / "mini.toml"
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
# when the tests' plans were stored: ahead of the years they plan, as an admin does
PLANNED = dt.datetime(2025, 12, 1, 9, 0, tzinfo=dt.UTC)
# the day after the test cycles' January 2027 council: its decisions can be recorded
HELD = dt.datetime(2027, 1, 8, 9, 0, tzinfo=dt.UTC)
POSTGRES_URL = os.environ.get(
    "ARSHJUL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# One variable moves the whole suite to PostgreSQL: ARSHJUL_TEST_DATABASE=postgres
TEST_DATABASE = os.environ.get("ARSHJUL_TEST_DATABASE", "sqlite")
_SCHEMAS: list[str] = []


def fresh_database_url(tmp_path: Path) -> str:
    """A new, empty database for one test: a SQLite file, or – with
    ``ARSHJUL_TEST_DATABASE=postgres`` – a new schema in the test PostgreSQL."""
    if TEST_DATABASE != "postgres":
        return f"sqlite:///{tmp_path / 'arshjul.db'}"
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    _SCHEMAS.append(schema)
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


def database_is_empty(url: str) -> bool:
    """True when nothing has created the schema in ``url`` (no migration has run)."""
    from models.schema import current

    engine = make_engine(url)
    try:
        return current(engine) is None
    finally:
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schemas() -> Iterator[None]:
    yield
    if _SCHEMAS:
        admin = make_engine(POSTGRES_URL)
        for schema in _SCHEMAS:  # one transaction each: a drop takes a lock per table
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _engines_closed() -> Iterator[None]:
    """Each test's databases are closed after it: a PostgreSQL run would otherwise keep
    a pooled connection per test schema open until the session ends."""
    yield
    dispose_engines()


@pytest.fixture(scope="session", autouse=True)
def _outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never write into the checkout: relative defaults (arshjul.db, publicerat/,
    rapporter/) land in a temporary working directory."""
    previous = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    os.chdir(previous)


@pytest.fixture(scope="session")
def calendar() -> WorkCalendar:
    """The real Swedish calendar for the years the tests plan, with margins."""
    return swedish_calendar(range(2024, 2031))


def mini_text(**series: str) -> str:
    """The mini cycle file with some series fields replaced (values are raw TOML).

    Example: ``mini_text(rrule='"FREQ=WEEKLY"', start='"09:00"')``.
    """
    text = MINI.read_text(encoding="utf-8")
    head, marker, block = text.partition("[[series]]")
    for key, value in series.items():
        block, count = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", block)
        if count == 0:
            block = block.rstrip("\n") + f"\n{key} = {value}\n"
    return head + marker + block


@pytest.fixture
def mini() -> Callable[..., CycleDefinition]:
    """Factory: ``mini(rrule='"FREQ=..."')`` parses the mini cycle with series overrides."""

    def build(org_text: Callable[[str], str] = lambda t: t, **series: str) -> CycleDefinition:
        return parse_cycle(org_text(mini_text(**series)), "mini.toml")

    return build


def _postgres_engine() -> Iterator[Engine]:
    """An engine on a fresh schema of the test PostgreSQL, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = make_engine(POSTGRES_URL)
    except StorageError as error:
        if os.environ.get("ARSHJUL_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here but does not answer: {error}")
        pytest.skip(f"no PostgreSQL answers at {POSTGRES_URL}: {error}")
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A real database with the schema created: a SQLite file, and PostgreSQL where marked."""
    if request.param == "sqlite":
        eng = make_engine(fresh_database_url(tmp_path))
        upgrade_schema(eng)
        yield eng
        eng.dispose()
    else:
        for eng in _postgres_engine():
            upgrade_schema(eng)
            yield eng


@pytest.fixture(scope="session")
def prefect_backend() -> Iterator[None]:
    """A real Prefect backend for the whole-flow tests: one harness for the session.

    Starting a Prefect server costs seconds, so it starts once, only when a test asks
    for it; heartbeats are off because they add a second to every flow run.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        prefect_test_harness(server_startup_timeout=90),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        yield


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A folder with the shipped cycle files plus the mini one (``cycles/``); the
    database, reports and feeds of :func:`settings` live here too."""
    folder = tmp_path / "workspace"  # apart from what a test does with tmp_path itself
    cycles = folder / "cycles"
    shutil.copytree(SHIPPED_CYCLES, cycles)
    shutil.copy(MINI, cycles / "mini.toml")
    return folder


@pytest.fixture
def settings(workspace: Path) -> Settings:
    """Settings for the workspace: a fresh database, its cycle files, reports and feeds."""
    return Settings.load(
        {},
        database_url=fresh_database_url(workspace),
        cycles_dir=workspace / "cycles",
        reports_dir=workspace / "rapporter",
        publish_dir=workspace / "publicerat",
        secret_file=workspace / "nyckel.secret",
        home=workspace,
    )
