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
from tests.conftest import MINI, TEST_DATABASE

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
        (
            [
                "run",
                "reschedule-meeting",
                "--param",
                "meeting=x",
                "--param",
                "start=2027-02-30T09:30",
                "--param",
                "reason=Krock",
            ],
            "arshjul: fel: fält start: det datumet finns inte: februari 2027 har 28 dagar "
            "(värde: '2027-02-30T09:30')",
        ),
        (
            ["run", "reschedule-meeting", "--param", "start=2027-03-04T25:00"],
            "arshjul: fel: fält start: den tiden finns inte: timmen ska vara 00–23",
        ),
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


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (
            "from = 2027-02-30",
            ", fält membership[2].from: det datumet finns inte: februari 2027 har 28 dagar "
            "(värde: '2027-02-30')",
        ),
        (
            "from = 2027-1-15",
            ", fält membership[2].from: ett datum skrivs ÅÅÅÅ-MM-DD, t.ex. 2027-03-05 "
            "(värde: '2027-1-15')",
        ),
        ("from 2027-01-01", ": filen är inte giltig TOML ('=' saknas efter fältnamnet)"),
    ],
)
def test_a_bad_date_in_a_cycle_file_gets_one_swedish_line_with_file_line_and_field(
    tmp_path: Path, written: str, said: str
) -> None:
    """The TOML parser's own text is English ("Invalid date or datetime (at line 69,
    column 8)"); the admin reads which file, line and field, in Swedish."""
    cycles = tmp_path / "cykler"
    cycles.mkdir()
    text = MINI.read_text(encoding="utf-8")
    assert text.count("from = 2027-01-01") == 1  # Karin Ek's membership, the third
    (cycles / "mini.toml").write_text(text.replace("from = 2027-01-01", written), encoding="utf-8")
    number = text.splitlines().index("from = 2027-01-01") + 1
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    done = subprocess.run(
        [ARSHJUL, "check", "--cycles", str(cycles)],
        env=env | {"ARSHJUL_HOME": str(tmp_path / "hem")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == "", done.stdout
    assert done.stderr.splitlines() == [f"arshjul: fel: {cycles / 'mini.toml'}, rad {number}{said}"]
    assert not any(word in done.stderr for word in ENGLISH), done.stderr
