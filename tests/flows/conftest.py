"""A real Prefect backend for the few whole-flow tests: one harness for the session.

Starting a Prefect server costs seconds, so it starts once, only when a test asks for
``prefect_backend``; heartbeats are off because they add a second to every flow run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import MINI, fresh_database_url


@pytest.fixture(scope="session")
def prefect_backend() -> Iterator[None]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        prefect_test_harness(server_startup_timeout=90),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        yield


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings for flows (which read the environment): a fresh database, the shipped
    cycle files plus the mini one, and a reports folder, all under ``tmp_path``."""
    from flows.settings import SHIPPED_CYCLES

    cycles = tmp_path / "cycles"
    shutil.copytree(SHIPPED_CYCLES, cycles)
    shutil.copy(MINI, cycles / "mini.toml")
    monkeypatch.setenv("ARSHJUL_DATABASE_URL", fresh_database_url(tmp_path))
    monkeypatch.setenv("ARSHJUL_CYCLES_DIR", str(cycles))
    monkeypatch.setenv("ARSHJUL_REPORTS_DIR", str(tmp_path / "rapporter"))
    monkeypatch.setenv("ARSHJUL_PUBLISH_DIR", str(tmp_path / "publicerat"))
    return tmp_path
