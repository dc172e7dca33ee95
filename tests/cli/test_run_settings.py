"""``arshjul run <flow> --db X --cycles Y …`` uses X and Y for every flow, whatever the
environment says, and writes nothing in the working directory."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from cli.main import main
from flows.runtime.catalogue import CATALOGUE
from models.audit import FlowRunLog, Outcome
from models.database import make_engine, read_session
from services.settings import SHIPPED_CYCLES
from tests.conftest import MINI, NOW, fresh_database_url
from tests.services.test_reminders import Sink, _free_port

TODAY = dt.date(2026, 11, 23)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), today=TODAY, now=NOW, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def audit(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    with read_session(engine) as s:
        rows = [(r.flow, r.outcome) for r in s.exec(select(FlowRunLog))]
    engine.dispose()
    return rows


@pytest.mark.usefixtures("prefect_backend")
def test_every_flow_uses_the_database_and_folders_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    cycles = elsewhere / "cycles"
    shutil.copytree(SHIPPED_CYCLES, cycles)
    shutil.copy(MINI, cycles / "mini.toml")  # "mini" exists only in this folder
    url = fresh_database_url(elsewhere)
    flags = [
        *("--db", url, "--cycles", str(cycles)),
        *("--out", str(elsewhere / "publicerat"), "--reports", str(elsewhere / "rapporter")),
    ]
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    monkeypatch.setenv("ARSHJUL_DATABASE_URL", f"sqlite:///{decoy / 'fel.db'}")
    monkeypatch.setenv("ARSHJUL_CYCLES_DIR", str(SHIPPED_CYCLES))  # has no "mini"
    monkeypatch.setenv("ARSHJUL_PUBLISH_DIR", str(decoy / "publicerat"))
    monkeypatch.setenv("ARSHJUL_REPORTS_DIR", str(decoy / "rapporter"))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)

    def flow(name: str, *params: str) -> str:
        code, out, err = run("run", name, *(f"--param={p}" for p in params), *flags)
        assert code == 0, err
        assert list(cwd.iterdir()) == [], f"{name} wrote in the working directory"
        assert list(decoy.iterdir()) == [], f"{name} used the environment's settings"
        return out

    covered = []

    def ran(name: str, *params: str) -> str:
        out = flow(name, *params)
        assert (name, Outcome.SUCCEEDED) in audit(url), name
        covered.append(name)
        return out

    assert "mini 2027" in ran("plan-year", "org=mini", "year=2027")
    ran("plan-organisation", "org=varmland", "year=2027")
    ran("january-prioritisation", "org=jamtland-harjedalen", "year=2027")
    ran("year-end-follow-up", "org=jamtland-harjedalen", "year=2026")
    assert (elsewhere / "rapporter" / "jamtland-harjedalen" / "uppfoljning-2026.md").exists()
    assert "mars 2027" in ran("direktorsberedning-month", "org=varmland", "month=2027-03")
    assert "externa" in ran("stora-samverkansradet-forum", "org=vasternorrland", "year=2027")
    code, listing, _ = run("meetings", "--org", "mini", "--year", "2027", *flags[:4])
    assert code == 0
    march, april = (line.split()[0] for line in listing.splitlines()[2:4])
    assert "Flyttat från" in ran(
        "reschedule-meeting", f"meeting={march}", "start=2027-03-11T10:00", "reason=Krock"
    )
    assert "Inställt: Extra val" in ran("cancel-meeting", f"meeting={april}", "reason=Extra val")
    assert "filer ändrade" in ran("export-feeds")
    assert (elsewhere / "publicerat" / "feeds" / "mini.ics").exists()

    # send-reminders: a dry run (no audit row), then a real run to a mail server
    preview = flow("send-reminders", "dry_run=ja", "now=2027-02-01T07:00")
    assert "meddelanden skulle skickas" in preview and "(inget köat eller skickat)" in preview
    sink = Sink(_free_port())
    sink.start()
    try:
        monkeypatch.setenv("ARSHJUL_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ARSHJUL_SMTP_PORT", str(sink.port))
        out = ran("send-reminders", "now=2027-02-01T07:00")
    finally:
        sink.stop()
    assert "skickade" in out and sink.received
    assert set(covered) == set(CATALOGUE)  # every flow of the catalogue was run here


def test_on_a_prefect_server_the_serving_process_decides_the_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing is contacted
    code, _, err = run(
        "run", "plan-year", "--param", "year=2027", "--db", fresh_database_url(tmp_path)
    )
    assert code == 2
    assert "fält --db" in err and "arshjul serve eller en worker" in err


@pytest.mark.usefixtures("prefect_backend")
def test_run_json_gives_machines_the_result(tmp_path: Path) -> None:
    cycles = tmp_path / "cycles"
    cycles.mkdir()
    shutil.copy(MINI, cycles / "mini.toml")
    flags = ["--db", fresh_database_url(tmp_path), "--cycles", str(cycles)]
    flags += ["--out", str(tmp_path / "publicerat")]
    code, out, _ = run("run", "plan-year", "--param", "org=mini", "--param", "year=2027", *flags)
    assert code == 0 and out.startswith("Kör plan-year lokalt")
    code, out, _ = run(
        "run", "plan-year", "--param", "org=mini", "--param", "year=2027", "--json", *flags
    )
    record = json.loads(out)  # nothing but the JSON on stdout
    assert code == 0 and record["flow"] == "plan-year"
    assert record["parameters"] == {"org": "mini", "year": 2027}
    assert record["summary"] == "mini 2027: 0 rader ändrade"  # the second run changes nothing
    assert record["result"]["rows_changed"] == 0
