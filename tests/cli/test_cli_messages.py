"""Bad input to the installed ``arshjul``, as an admin types it: exit status 2, one
Swedish line that names what was wrong (and what was meant, where close), no traceback
and no English."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.settings import Settings
from tests.conftest import TEST_DATABASE

# the process's edge is the same whatever the database: once, in the SQLite pass
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TEST_DATABASE == "postgres", reason="database-independent; SQLite pass"),
]
ARSHJUL = str(Path(sys.executable).with_name("arshjul"))
ENGLISH = ("Traceback", "error", "invalid", "usage", "choose from", "required")


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["run", "plan-yaer"],
            "arshjul: fel: fält FLÖDE: okänt flöde; menade du plan-year? (flöden: ",
        ),
        (
            ["run", "plan-year", "--param", "yaer=2027"],
            "arshjul: fel: fält --param: flödet plan-year har ingen sådan parameter; "
            "menade du year? (tillåtna: org, year) (värde: 'yaer')",
        ),
        (
            ["tasks", "--person", "nope/x"],
            "arshjul: fel: fält --person: okänd person; ange ORG/ID, t.ex. ",
        ),
        (
            ["meetings", "--org", "varmlnd", "--year", "2027"],
            "arshjul: fel: fält --org: okänd organisation; menade du varmland? (kända: ",
        ),
        (["plann"], "arshjul: fel: argument KOMMANDO: ogiltigt val: 'plann'; menade du plan?"),
        (
            ["plan", "--year", "20277"],
            "arshjul plan: fel: argument --year: '20277' är inget år som planeras; "
            "ange ett år mellan 2000 och 2100",
        ),
        (["tasks", "done", "nope"], "arshjul: fel: fält ID: okänd uppgift (värde: 'nope')"),
    ],
)
def test_bad_input_gets_one_swedish_line_and_exit_2(
    workspace: Path, settings: Settings, argv: list[str], line: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    if argv[0] == "tasks":  # people exist once something is planned
        planned = subprocess.run(
            [ARSHJUL, "plan", "--year", "2027", "--org", "varmland"],
            env=env | settings.environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert planned.returncode == 0, planned.stderr
    done = subprocess.run(
        [ARSHJUL, *argv],
        env=env | settings.environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    said = [x for x in done.stderr.splitlines() if x.startswith("arshjul")]
    assert len(said) == 1 and said[0].startswith(line), done.stderr
    # argparse's own "användning:" line may precede it; nothing in English does
    assert not any(word in done.stderr for word in ENGLISH), done.stderr
