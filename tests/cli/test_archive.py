"""``arshjul archive``: a year as a package whose manifest verifies with the real
``sha256sum``, which notices a changed file, and which – imported into an empty
database – gives the year's follow-up report back byte for byte."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from cli.main import main
from models.database import make_engine, read_session
from models.tables import Meeting
from tests.conftest import fresh_database_url

YEAR_END = "2027-12-20"


def run_on(day: str, *argv: str) -> tuple[int, str, str]:
    now = dt.datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=dt.UTC)
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), today=now.date(), now=now, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def decided_year(workspace: Path) -> None:
    """2027 planned, a decision with assignments at the January council, one reported
    done, a priority – the year an archive is made of."""
    from tests.cycle.test_decisionfile import DECIDED

    assert run_on("2026-12-01", "plan", "--year", "2027", "--org", "mini")[0] == 0
    file = workspace / "beslut.toml"
    file.write_text(
        DECIDED.replace("report_to = 2027-05-06", "report_to = 2027-05-10")
        + '\n[[priority]]\ntitle = "Kompetensförsörjning"\n'
    )
    assert run_on("2027-01-08", "decisions", "import", str(file))[0] == 0
    out = run_on("2027-02-01", "assignments", "--org", "mini")[1]
    first = out.splitlines()[0].split()[0]
    assert run_on("2027-03-01", "report-assignment", first, "--status", "klart")[0] == 0


def test_a_years_package_verifies_and_gives_its_report_back_byte_for_byte(
    workspace: Path,
) -> None:
    decided_year(workspace)
    package = workspace / "paket"
    code, out, err = run_on(
        YEAR_END, "archive", "--org", "mini", "--year", "2027", "--till", str(package)
    )
    assert code == 0, err
    assert out.startswith(f"Arkivpaketet för mini 2027 är skrivet: {package}")
    manifest = json.loads((package / "manifest.json").read_text())
    paths = {f["path"] for f in manifest["files"]}
    assert {
        "LASMIG.txt",
        "cykel/mini.toml",
        "plan/moten.csv",
        "plan/uppgifter.csv",
        "beslut/beslut.csv",
        "beslut/uppdrag.csv",
        "beslut/rapporter.csv",
        "rapporter/uppfoljning-2027.md",
        "rapporter/uppfoljning-2027.html",
        "rapporter/uppfoljning-2027.pdf",
        "kalendrar/mini.ics",
        "data/commission.json",
    } <= paths
    assert not any(p.startswith("kalendrar/p/") for p in paths)  # no personal feeds
    # the real coreutils tool agrees with the manifest, and so does archive-check
    sums = subprocess.run(
        ["sha256sum", "--check", "--strict", "sha256sums.txt"],
        cwd=package,
        capture_output=True,
        text=True,
    )
    assert sums.returncode == 0 and sums.stdout.count(": OK") == len(paths) + 1, sums.stdout
    assert run_on(YEAR_END, "archive-check", str(package))[1] == (
        f"Alla {len(paths)} filer stämmer med manifestet.\n"
    )
    # what people read: the year's meetings and the assignments with their statuses
    meetings = list(csv.DictReader(io.StringIO((package / "plan/moten.csv").read_text())))
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    with read_session(engine) as s:
        stored = s.exec(select(func.count()).select_from(Meeting).where(Meeting.year == 2027))
        assert sum(1 for m in meetings if m["start"].startswith("2027-")) == stored.one() > 0
    engine.dispose()
    assert {m["start"][-6:] for m in meetings} == {"+01:00", "+02:00"}  # Stockholm time
    given = list(csv.DictReader(io.StringIO((package / "beslut/uppdrag.csv").read_text())))
    assert sorted(g["status"] for g in given) == ["ej påbörjat", "klart"]
    report = (package / "rapporter/uppfoljning-2027.md").read_text()
    assert "Uppföljning 2027 – Testregionen" in report and "Ta fram underlag" in report
    # a changed file is found
    damaged = workspace / "skadat"
    shutil.copytree(package, damaged)
    (damaged / "beslut/uppdrag.csv").write_text("ändrad\n")
    (damaged / "extra.txt").write_text("x")
    code, out, _ = run_on(YEAR_END, "archive-check", str(damaged))
    assert code == 1
    assert "beslut/uppdrag.csv: kontrollsumman stämmer inte – filen har ändrats" in out
    assert "extra.txt: filen finns inte i manifestet" in out
    # into an empty database: the report is made again, byte for byte (and a damaged
    # package is refused before anything is stored)
    (workspace / "tom").mkdir()
    empty = fresh_database_url(workspace / "tom")
    code, _, err = run_on(YEAR_END, "archive-import", str(damaged), "--db", empty)
    assert code == 2 and "stämmer inte med sitt manifest" in err
    code, out, err = run_on("2030-01-01", "archive-import", str(package), "--db", empty)
    assert code == 0, err
    for suffix in ("md", "html", "pdf"):
        assert f"Återskapad byte för byte: rapporter/uppfoljning-2027.{suffix}" in out
    code, _, err = run_on("2030-01-01", "archive-import", str(package), "--db", empty)
    assert code == 2 and "har redan organisationen mini" in err
    # the imported year, archived again at the same moment, is the same package
    again = workspace / "igen"
    argv = ("archive", "--org", "mini", "--year", "2027", "--till", str(again))
    assert run_on(YEAR_END, *argv, "--db", empty)[0] == 0
    assert (again / "sha256sums.txt").read_bytes() == (package / "sha256sums.txt").read_bytes()


def test_a_year_not_planned_is_not_archived(workspace: Path) -> None:
    code, _, err = run_on(YEAR_END, "archive", "--org", "mini", "--year", "2031")
    assert code == 2 and "mini har inga sparade möten 2031; planera året först" in err
    code, _, err = run_on(YEAR_END, "archive-check", str(workspace))
    assert code == 2 and "inget läsbart arkivpaket" in err
