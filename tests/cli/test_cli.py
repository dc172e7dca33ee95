"""The ``arshjul`` command line: Swedish output, exit codes, and nothing written on bad input."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from cli.main import main
from models.database import make_engine, read_session
from models.tables import Meeting, Person, Task
from services.settings import SHIPPED_CYCLES, Settings
from tests.conftest import DATA, MINI, NOW, fresh_database_url

TODAY = dt.date(2026, 11, 23)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), today=TODAY, now=NOW, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    with read_session(engine) as s:
        result = tuple(
            s.exec(select(func.count()).select_from(t)).one() for t in (Meeting, Task, Person)
        )
    engine.dispose()
    return result  # type: ignore[return-value]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return fresh_database_url(tmp_path)


@pytest.fixture
def cycles(tmp_path: Path) -> Path:
    folder = tmp_path / "cycles"
    folder.mkdir()
    shutil.copy(MINI, folder / "mini.toml")
    return folder


def test_plan_prints_a_swedish_summary_per_body_and_is_idempotent(db: str, cycles: Path) -> None:
    code, out, err = run("plan", "--year", "2027", "--db", db, "--cycles", str(cycles))
    assert code == 0, err
    assert "Testregionen – årsplan 2027" in out
    assert "Organ" in out and "Flyttade p.g.a. helgdag" in out
    row = next(line for line in out.splitlines() if line.startswith("Samverkansrådet"))
    assert row.split()[1:] == ["11", "44", "1", "0"]
    assert "Ändringar: 11 nya" in out
    assert "Sparar Testregionen 2027" in err  # progress goes to stderr
    before = counts(db)
    code, out, _ = run("plan", "--year", "2027", "--db", db, "--cycles", str(cycles))
    assert code == 0 and "Ändringar: 0 nya, 0 ändrade och 0 inställda möten" in out
    assert counts(db) == before


def test_demo_plans_this_year_and_next_and_exports_the_feeds(
    db: str, cycles: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "publicerat"
    code, out, _ = run(
        "demo", "--db", db, "--cycles", str(cycles), "--out", str(out_dir), "--no-serve"
    )
    assert code == 0
    assert "årsplan 2026" in out and "årsplan 2027" in out
    assert "Exporterade " in out and (out_dir / "index.json").exists()
    assert (out_dir / "feeds" / "mini" / "radet.ics").exists()
    # it says whether anyone is double-booked, and where the load page is
    assert "Inga dubbelbokningar: ingen är kallad till två möten samtidigt." in out
    (line,) = [x for x in out.splitlines() if x.startswith("Belastning ")]
    address = line.split(": ", 1)[1]
    assert address.endswith(f"/o/mini/{TODAY.year}/belastning")
    assert (out_dir / "o" / "mini" / str(TODAY.year) / "belastning.html").exists()
    # example decisions with assignments, said to be examples, on the open-assignment page
    assert "Exempelbeslut med uppdrag (märkta ”Exempel”) finns på " in out
    page = (out_dir / "o" / "mini" / "uppdrag.html").read_text(encoding="utf-8")
    assert "Exempel: föreslå gemensamma insatser" in page
    assert "Exempel: kartlägg kommunernas behov" in page and "försenat" in page
    # its saves and its example report are acts in the history, said to be the demo's
    code, out, _ = run("history", "--limit", "50", "--db", db)
    lines = out.splitlines()
    for year in (TODAY.year, TODAY.year + 1):
        (saved,) = [x for x in lines if f"  demo(organisation=mini, year={year})  " in x]
        assert "  utlöst av: CLI (" in saved
        message = lines[lines.index(saved) + 1]
        assert message.startswith(f"    Plan sparad: Testregionen {year} – ")
    assert any(
        "assignment-reported(" in x and x.endswith("utlöst av: demo (exempeldata)") for x in lines
    )


def test_check_reads_files_and_never_the_database(
    cycles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("check", "--cycles", str(cycles))
    assert code == 0 and "mini.toml: OK – Testregionen" in out
    assert not (tmp_path / "arshjul.db").exists()


def test_check_warns_of_a_person_called_to_two_meetings_at_once(
    cycles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("check", "--cycles", str(cycles), "--year", "2027")
    assert code == 0 and "Inga dubbelbokningar" in out and "Varning" not in out
    # the same people in a second organisation whose council meets at the same hours
    text = (cycles / "mini.toml").read_text(encoding="utf-8")
    (cycles / "andra.toml").write_text(
        text.replace('slug = "mini"', 'slug = "andra"', 1).replace(
            'name = "Testregionen"', 'name = "Andra regionen"', 1
        ),
        encoding="utf-8",
    )
    code, out, _ = run("check", "--cycles", str(cycles), "--year", "2027")
    warnings = [line for line in out.splitlines() if line.startswith("Varning, dubbelbokning")]
    assert code == 0 and warnings and "Inga dubbelbokningar" not in out
    assert "(mini)" in warnings[0] and "(andra)" in warnings[0]
    assert " 2027 kl. " in warnings[0] and "är kallad till både" in warnings[0]
    # planning one of them says the same: the other file is read for its people
    db = f"sqlite:///{tmp_path / 'plan.db'}"
    code, out, _ = run(
        "plan", "--year", "2027", "--org", "mini", "--cycles", str(cycles), "--db", db
    )
    planned = [line for line in out.splitlines() if line.startswith("Varning, dubbelbokning")]
    assert code == 0 and planned == warnings


BAD_EDITS = {
    "malformed TOML": ('name = "Testregionen"', 'name = "Testregionen'),
    "invalid RRULE": ("FREQ=MONTHLY;BYDAY=1TH", "FREQ=MONTHLY;BYDAY=1XX"),
    "unknown role": ('role = "ordförande"', 'role = "drottning"'),
    "step assigned to nobody": ('assign = "role:ordförande"\n', ""),
}


@pytest.mark.parametrize("case", sorted(BAD_EDITS))
def test_bad_cycle_file_exits_2_with_one_swedish_line_and_writes_nothing(
    case: str, db: str, cycles: Path
) -> None:
    assert run("plan", "--year", "2027", "--db", db, "--cycles", str(cycles))[0] == 0
    before = counts(db)
    old, new = BAD_EDITS[case]
    path = cycles / "mini.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    for command in (["plan", "--year", "2028", "--db", db], ["check"]):
        code, _out, err = run(*command, "--cycles", str(cycles))
        assert code == 2
        assert err.startswith(f"arshjul: fel: {path}, rad ")
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert counts(db) == before


def test_unknown_organisation_is_named(db: str, cycles: Path) -> None:
    code, _, err = run(
        "plan", "--year", "2027", "--org", "gotland", "--db", db, "--cycles", str(cycles)
    )
    assert code == 2
    assert "okänd organisation (kända: mini)" in err and "'gotland'" in err


def test_unreachable_database_exits_2_and_creates_nothing(tmp_path: Path, cycles: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    code, _, err = run(
        "plan", "--year", "2027", "--db", f"sqlite:///{missing}", "--cycles", str(cycles)
    )
    assert code == 2 and "kan inte ansluta till databasen" in err
    assert not missing.parent.exists()
    code, _, err = run(
        "plan",
        "--year",
        "2027",
        "--db",
        "postgresql+psycopg://arshjul:hemligt@127.0.0.1:9/x",
        "--cycles",
        str(cycles),
    )
    assert code == 2 and "kan inte ansluta" in err and "hemligt" not in err


def test_a_bad_year_is_refused_in_swedish() -> None:
    with pytest.raises(SystemExit) as caught:
        run("plan", "--year", "tjugo")
    assert caught.value.code == 2


@pytest.mark.slow
def test_installed_entry_point_uses_the_environment(db: str, cycles: Path, tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("arshjul")
    env = {**os.environ, "ARSHJUL_DATABASE_URL": db, "ARSHJUL_CYCLES_DIR": str(cycles)}
    result = subprocess.run(
        [str(exe), "plan", "--year", "2027"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Testregionen – årsplan 2027" in result.stdout
    assert counts(db)[0] == 11
    help_text = subprocess.run(
        [str(exe), "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "användning: arshjul" in help_text and "visa den här hjälpen" in help_text


def test_shipped_data_folder_is_the_default() -> None:
    assert Settings.load({}).cycles_dir == SHIPPED_CYCLES
    assert Settings.load({"ARSHJUL_DATABASE_URL": "sqlite://"}).database_url == "sqlite://"
    assert DATA.parent.parent / "cycles" == SHIPPED_CYCLES


def test_the_data_follows_the_home_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "hem"
    monkeypatch.setenv("ARSHJUL_HOME", str(home))
    said = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        err = io.StringIO()
        assert main(["history", "--verbose"], out=io.StringIO(), err=err) == 0
        said.append(err.getvalue())
        assert list((tmp_path / folder).iterdir()) == []  # nothing made where it ran
    assert (
        said[0]
        == said[1]
        == (f"arshjul: datamapp {home}\narshjul: databas sqlite:///{home}/arshjul.db\n")
    )
    assert (home / "arshjul.db").exists()


def test_a_series_that_may_move_leaves_no_double_booking_and_a_lost_calendar_is_said(
    cycles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (cycles / "mini.toml").read_text(encoding="utf-8")
    other = (
        text.replace('slug = "mini"', 'slug = "andra"', 1).replace(
            'name = "Testregionen"', 'name = "Andra regionen"', 1
        )
        + 'on_conflict = "flytta"\navoid = ["lov"]\n'
    )  # the series block ends the file
    other += '\n[[busy]]\nid = "lov"\nname = "Skollov"\nsource = "saknas/lov.ics"\n'
    (cycles / "andra.toml").write_text(other, encoding="utf-8")
    code, out, _ = run("check", "--cycles", str(cycles), "--year", "2027")
    assert code == 0 and "Inga dubbelbokningar" in out
    (lost,) = [line for line in out.splitlines() if line.startswith("Varning, kalender")]
    assert "”Skollov” (saknas/lov.ics) lästes inte – filen finns inte" in lost
    db = f"sqlite:///{tmp_path / 'plan.db'}"
    code, out, _ = run("plan", "--year", "2027", "--cycles", str(cycles), "--db", db)
    assert code == 0 and "Inga dubbelbokningar" in out and lost in out
    code, out, _ = run(
        "meetings", "--org", "andra", "--year", "2027", "--db", db, "--cycles", str(cycles)
    )
    moved = [line for line in out.splitlines() if "dubbelbokning" in line]
    assert len(moved) == 11, out  # every council meeting of the year, not one more
    assert "flyttat från torsdag 4 mars 2027 (dubbelbokning: kallade även till " in out


def test_load_names_people_and_their_heavy_weeks(cycles: Path, db: str) -> None:
    text = (cycles / "mini.toml").read_text(encoding="utf-8")
    (cycles / "mini.toml").write_text(
        text.replace("FREQ=MONTHLY;BYDAY=1TH", "FREQ=WEEKLY;BYDAY=TU,TH"), encoding="utf-8"
    )
    assert run("plan", "--year", "2027", "--db", db, "--cycles", str(cycles))[0] == 0
    code, out, _ = run(
        "load", "--org", "mini", "--year", "2027", "--db", db, "--cycles", str(cycles)
    )
    assert code == 0 and out.startswith("Belastning 2027 – Testregionen")
    people = out.split("\nPerson ")[1]
    assert people.index("Lena Sjö") < people.index("Anna Berg")  # most deadlines first
    heavy = out.split("Tunga veckor – fler än 3 uppgifter med sista dag samma vecka:\n")[1]
    assert heavy.startswith("  Lena Sjö: v. 1 (") and "Anna Berg" not in heavy
    code, out, _ = run(
        "load",
        "--org",
        "mini",
        "--year",
        "2027",
        "--grans",
        "20",
        "--db",
        db,
        "--cycles",
        str(cycles),
    )
    assert "Ingen har fler än 20 uppgifter med sista dag samma vecka." in out
    code, _, err = run(
        "load", "--org", "minni", "--year", "2027", "--db", db, "--cycles", str(cycles)
    )
    assert code == 2 and "okänd organisation; menade du mini?" in err


def test_a_dry_run_says_which_double_bookings_a_change_would_add(
    cycles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (cycles / "mini.toml").read_text(encoding="utf-8")
    other = text.replace('slug = "mini"', 'slug = "andra"', 1).replace(
        'name = "Testregionen"', 'name = "Andra regionen"', 1
    )
    friday = other.replace("FREQ=MONTHLY;BYDAY=1TH", "FREQ=MONTHLY;BYDAY=2TU")
    (cycles / "andra.toml").write_text(friday, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'plan.db'}"
    plan = ("plan", "--year", "2027", "--cycles", str(cycles), "--db", db)
    code, out, _ = run(*plan)
    assert code == 0 and "Inga dubbelbokningar" in out
    # the second council moves to Thursdays, the first council's day: a what-if first
    (cycles / "andra.toml").write_text(other, encoding="utf-8")
    code, out, _ = run(*plan, "--dry-run")
    new = [line for line in out.splitlines() if line.startswith("Varning, ny dubbelbokning: ")]
    assert code == 0 and len(new) == 11  # Anna (Karin has no address: two people), each month
    assert "Provkörning: inget sparades" in out
    code, out, _ = run(
        "meetings", "--org", "andra", "--year", "2027", "--db", db, "--cycles", str(cycles)
    )
    assert "torsdag" not in out and "tisdag 9 mars 2027" in out  # nothing was saved
    # saved, the next plan of the same files adds nothing and says so
    assert run(*plan)[0] == 0
    code, out, _ = run(*plan)
    assert "Varning, ny dubbelbokning" not in out
    assert len([x for x in out.splitlines() if x.startswith("Varning, dubbelbokning: ")]) == 11
    assert "Ändringen lägger inte till någon dubbelbokning." in out
