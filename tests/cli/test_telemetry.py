"""Nothing phones home: the CLI turns Prefect's usage reports off unless an admin set
them; what Prefect itself then reads is checked, in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cli.main import NO_TELEMETRY
from tests.conftest import TEST_DATABASE

# the process's edge is the same whatever the database: once, in the SQLite pass
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TEST_DATABASE == "postgres", reason="database-independent; SQLite pass"),
]
PROBE = """
from cli.main import main
main(["check"])
from prefect.settings import get_current_settings
import os
s = get_current_settings()
cloud = s.cloud.enable_orchestration_telemetry
print(s.server.analytics_enabled, cloud, os.environ["DO_NOT_TRACK"])
"""


def _probe(extra: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k not in NO_TELEMETRY}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env | extra,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_prefect_reports_nothing_by_default() -> None:
    assert _probe({}) == "False False 1"


def test_an_admin_can_opt_in() -> None:
    assert _probe({"PREFECT_SERVER_ANALYTICS_ENABLED": "true"}).startswith("True")
