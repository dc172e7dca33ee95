"""The client matrix's shared site: the three shipped organisations and the mini one,
planned for 2026 and 2027, exported and served by ``arshjul feeds serve`` on 127.0.0.1.

The clients are real ones nobody here wrote: vdirsyncer and khal (Python, in the dev
dependencies), libical (Debian's ``libical3``, through ctypes) and ical.js (npm, which
``make test`` installs into ``.venv/icaljs``). Where one is missing the test that needs
it is skipped with what to install – and fails instead where ``ARSHJUL_REQUIRE_CLIENTS=1``
(CI sets it).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from models.database import make_engine, write_session
from models.schema import upgrade_schema
from models.tokens import ensure_tokens
from services.cyclefiles import load_cycles
from services.feeds import publish_feeds
from services.plan import plan_and_store
from services.settings import SHIPPED_CYCLES, Settings
from tests.conftest import HELD, MINI, NOW, PLANNED, fresh_database_url
from tests.servers import free_port, listening

from . import libical

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
ICALJS = ROOT / ".venv" / "icaljs"
TODAY = NOW.date()


def need(what: str, found: bool, how: str) -> None:
    """Skip (or, where clients are required, fail) when a client is missing."""
    if found:
        return
    if os.environ.get("ARSHJUL_REQUIRE_CLIENTS") == "1":
        pytest.fail(f"the client matrix is required here, but {what} is missing ({how})")
    pytest.skip(f"needs {what} ({how})")


@dataclass(frozen=True)
class Site:
    url: str
    root: Path  # the exported folder

    def feeds(self) -> list[Path]:
        """Every calendar file of the export: public, group, personal and single-meeting."""
        return sorted(self.root.rglob("*.ics"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    work = tmp_path_factory.mktemp("clients")
    cycles = work / "cycles"
    shutil.copytree(SHIPPED_CYCLES, cycles)
    shutil.copy(MINI, cycles / "mini.toml")
    settings = Settings.load(
        {},
        database_url=fresh_database_url(work),
        cycles_dir=cycles,
        publish_dir=work / "publicerat",
        reports_dir=work / "rapporter",
        public_url="https://kalender.example.se",
        home=work,
    )
    engine = make_engine(settings.database_url)
    upgrade_schema(engine)
    plan_and_store(engine, load_cycles(cycles), [2026, 2027], now=PLANNED)
    with write_session(engine) as s:
        ensure_tokens(s, now=PLANNED)
    engine.dispose()
    # decisions with assignments, one in progress: their to-dos are in the owners' feeds
    from cycle.decisionfile import parse_decisions
    from cycle.decisions import CommissionStatus
    from services.decisions import report
    from services.yearly import store_decisions
    from tests.cycle.test_decisionfile import DECIDED

    text = DECIDED.replace("report_to = 2027-05-06", "report_to = 2027-05-10")
    store_decisions(settings, parse_decisions(text, "beslut.toml"), now=HELD)
    from sqlmodel import select

    from models.decisions import Commission
    from services.storage import reading

    with reading(settings) as s:
        first = s.exec(select(Commission).where(Commission.title == "Ta fram underlag")).one()
    report(settings, first.id, CommissionStatus.PAGAR, "Enkät ute", by="admin:t", now=HELD)
    publish_feeds(settings, today=TODAY, now=NOW)
    port = free_port()
    argv = [str(BIN / "arshjul"), "feeds", "serve", "--out", str(settings.publish_dir)]
    with listening([*argv, "--port", str(port)], port):
        yield Site(f"http://127.0.0.1:{port}", settings.publish_dir)


@pytest.fixture(scope="module")
def ical_lib() -> object:
    lib = libical.load()
    need("libical", lib is not None, "apt-get install libical3")
    return lib


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    need(
        "node and ical.js",
        bool(found) and (ICALJS / "node_modules" / "ical.js").exists(),
        "apt-get install nodejs npm; make test installs ical.js",
    )
    return str(found)
