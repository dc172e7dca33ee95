"""``arshjul status``: the data folder, database, cycle files, plans, runs, schedules,
outbox and export age on one screen."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from cli.main import main
from services.settings import Settings
from tests.conftest import NOW

TODAY = dt.date(2026, 11, 23)


def status(now: dt.datetime = NOW) -> str:
    out = io.StringIO()
    assert main(["status"], today=TODAY, now=now, out=out, err=io.StringIO()) == 0
    return out.getvalue()


def test_status_before_and_after_a_plan(workspace: Path, settings: Settings) -> None:
    before = status()
    assert f"Datamapp:     {settings.home}" in before
    assert "Planerat:     inget ännu" in before and "Export:       ingen ännu" in before
    assert "Utkorgen:     0 väntar, 0 skickat, 0 misslyckades" in before
    code = main(
        ["plan", "--year", "2027", "--org", "mini"],
        today=TODAY,
        now=NOW,
        out=io.StringIO(),
        err=io.StringIO(),
    )
    assert code == 0
    # the export's age is from when it ran (the file's time), whatever the data's time
    after = status(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2, minutes=30))
    assert "  mini: 2027 (" in after
    assert "senast" in after and "(för 2 timmar sedan)" in after
    # the flows' schedules, soonest first, in Swedish time
    reminders = next(line for line in after.splitlines() if "send-reminders" in line)
    assert reminders.strip().endswith("send-reminders  – varje morgon kl. 07.00")


def test_status_names_the_folder_a_plan_came_from(
    workspace: Path, settings: Settings, tmp_path: Path
) -> None:
    other = tmp_path / "andra-cykler"
    other.mkdir()
    (other / "mini.toml").write_bytes((settings.cycles_dir / "mini.toml").read_bytes())
    code = main(
        ["plan", "--year", "2027", "--org", "mini", "--cycles", str(other)],
        today=TODAY,
        now=NOW,
        out=io.StringIO(),
        err=io.StringIO(),
    )
    assert code == 0
    lines = status().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Cykelfiler:"))
    shipped = ", ".join(sorted(p.name for p in settings.cycles_dir.glob("*.toml")))
    assert lines[at].endswith(f" i {settings.cycles_dir} ({shipped})")
    assert lines[at + 1] == f"  planen kom från en annan mapp: {other} (mini.toml)"


def test_status_names_no_other_folder_when_the_plan_came_from_the_configured_one(
    workspace: Path, settings: Settings
) -> None:
    code = main(
        ["plan", "--year", "2027", "--org", "mini"],
        today=TODAY,
        now=NOW,
        out=io.StringIO(),
        err=io.StringIO(),
    )
    assert code == 0
    assert "annan mapp" not in status()
