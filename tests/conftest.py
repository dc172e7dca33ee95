"""Shared fixtures: a fixed clock, the Swedish calendar, cycle text factories, databases.

Prefect writes to ``~/.prefect`` unless told otherwise, and a developer's own server must
never be reached, so the environment is made hermetic before anything imports prefect.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

_PREFECT_HOME = tempfile.mkdtemp(prefix="arshjul-prefect-home-")
atexit.register(shutil.rmtree, _PREFECT_HOME, True)
os.environ.update(
    PREFECT_HOME=_PREFECT_HOME,
    PREFECT_SERVER_ANALYTICS_ENABLED="false",
    PREFECT_SERVER_EPHEMERAL_ENABLED="false",
    DO_NOT_TRACK="1",
)
for _name in (
    "PREFECT_API_URL",
    "PREFECT_API_KEY",
    "PREFECT_PROFILE",
    "ARSHJUL_DATABASE_URL",
    "ARSHJUL_CYCLES_DIR",
    "ARSHJUL_REPORTS_DIR",
    "ARSHJUL_PUBLISH_DIR",
    "ARSHJUL_PUBLIC_URL",
):
    os.environ.pop(_name, None)

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from cycle import CycleDefinition, WorkCalendar, parse_cycle, swedish_calendar  # noqa: E402
from models.database import StorageError, create_schema, make_engine  # noqa: E402

DATA = Path(__file__).parent / "data"
MINI = DATA / "cycles" / "mini.toml"
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
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
        create_schema(eng)
        yield eng
        eng.dispose()
    else:
        for eng in _postgres_engine():
            create_schema(eng)
            yield eng
