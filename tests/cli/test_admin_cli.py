"""Admin commands: Swedish errors before anything runs, decisions, meetings, history."""

from __future__ import annotations

import datetime as dt
import inspect
import io
import os
import typing
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from cli.main import main
from flows.runtime.catalogue import CATALOGUE
from models.audit import FlowRunLog
from models.database import make_engine, read_session
from models.yearly import Initiative, Priority
from tests.conftest import NOW, database_is_empty

TODAY = dt.date(2026, 11, 23)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), today=TODAY, now=NOW, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["run", "plan-yr"], "okänt flöde; menade du plan-year? (flöden: plan-year, "),
        (["run", "plan-year", "--param", "yaer=2027"], "parameter; menade du year?"),
        (["run", "plan-year", "--param", "year=tjugo"], "ska vara ett heltal"),
        (["run", "plan-year", "--param", "år=2027"], "har ingen sådan parameter"),
        (["run", "plan-year", "--param", "year"], "nyckel=värde"),
        (["run", "plan-year", "--param", "year=1850"], "mellan 2000 och 2100"),
        (["run", "plan-year", "--param", "org=gotland"], "okänd organisation"),
        (["run", "plan-year", "--param", "org=varmlnd"], "menade du varmland?"),
        (["run", "direktorsberedning-month", "--param", "month=2027-13"], "ÅÅÅÅ-MM"),
        (
            ["run", "reschedule-meeting", "--param", "meeting=x", "--param", "reason=y"],
            "parameter saknas: start",
        ),
        (
            [
                "run",
                "reschedule-meeting",
                "--param",
                "meeting=x",
                "--param",
                "reason=y",
                "--param",
                "start=nästa fredag",
            ],
            "ÅÅÅÅ-MM-DDTTT:MM",
        ),
    ],
)
def test_bad_flow_parameters_fail_in_swedish_before_anything_runs(
    argv: list[str], fragment: str, workspace: Path
) -> None:
    code, _, err = run(*argv)
    assert code == 2
    assert err.startswith("arshjul: fel:") and fragment in err
    assert database_is_empty(os.environ["ARSHJUL_DATABASE_URL"])  # nothing ran or was written


def test_catalogue_matches_the_flows_signatures() -> None:
    from flows.runtime.deployments import load_flow

    for name in CATALOGUE:
        flow = load_flow(name)
        assert flow.name == name
        returned = typing.get_type_hints(flow.fn)["return"]
        for result in typing.get_args(returned) or (returned,):  # every flow's result speaks
            assert isinstance(result.summary, property), (name, result)
            assert hasattr(result, "details"), (name, result)
        signature = inspect.signature(flow.fn)
        hints = typing.get_type_hints(flow.fn)
        info = CATALOGUE[name]
        assert [p.name for p in info.parameters] == list(signature.parameters)
        for p in info.parameters:
            param = signature.parameters[p.name]
            assert p.required == (param.default is param.empty), (name, p.name)
            kinds = set(typing.get_args(hints[p.name])) - {type(None)} or {hints[p.name]}
            assert kinds == {p.kind}, (name, p.name)


def test_help_lists_every_command_once_in_its_order() -> None:
    from cli import commands

    groups = [g for g in vars(commands).values() if hasattr(g, "COMMANDS")]
    defined = [c.name for g in groups for c in g.COMMANDS]
    assert sorted(defined) == sorted(commands.ORDER)  # none left out, none twice
    assert tuple(c.name for c in commands.COMMANDS) == commands.ORDER


def test_deployments_are_scheduled_in_stockholm_time() -> None:
    from flows.runtime.deployments import build_deployments

    deployments = {d.flow_name: d for d in build_deployments()}
    assert set(deployments) == set(CATALOGUE)
    crons = {
        name: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules]  # type: ignore[union-attr]
        for name, d in deployments.items()
    }
    assert crons["plan-year"] == [("0 6 1 10 *", "Europe/Stockholm")]
    assert crons["send-reminders"] == [("0 7 * * *", "Europe/Stockholm")]
    assert crons["direktorsberedning-month"] == [("0 6 1 * *", "Europe/Stockholm")]
    assert crons["reschedule-meeting"] == []
    assert all(d.entrypoint and d.entrypoint.startswith("flows.") for d in deployments.values())


def test_priorities_add_and_import_are_idempotent(workspace: Path) -> None:
    args = [
        "priorities",
        "add",
        "--org",
        "varmland",
        "--year",
        "2027",
        "--title",
        "Kompetensförsörjning",
    ]
    assert run(*args)[0] == 0
    assert run(*args)[1].startswith("Sparat för varmland 2027: 0 nya eller ändrade rader")
    file = workspace / "beslut.toml"
    file.write_text(
        'organisation = "varmland"\nyear = 2027\n\n[[priority]]\ntitle = "Infrastruktur"\n\n'
        '[[initiative]]\ntitle = "Regional tågtrafik"\npriority = "Infrastruktur"\n',
        encoding="utf-8",
    )
    assert run("priorities", "import", str(file))[1].startswith("Sparat för varmland 2027: 2")
    assert run("priorities", "import", str(file))[1].startswith("Sparat för varmland 2027: 0")
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(Priority)).one() == 2
        assert s.exec(select(func.count()).select_from(Initiative)).one() == 1


def test_a_bad_decisions_file_names_its_line_and_writes_nothing(workspace: Path) -> None:
    file = workspace / "status.toml"
    file.write_text(
        'organisation = "varmland"\nyear = 2027\n\n[[status]]\n'
        'title = "Infrastruktur"\nstatus = "klart"\n',
        encoding="utf-8",
    )
    code, _, err = run("followups", "import", str(file))
    assert code == 2 and f"{file}, rad 6, fält status[0].status: okänt värde" in err
    code, _, err = run(
        "followups",
        "set",
        "--org",
        "varmland",
        "--year",
        "2027",
        "--title",
        "Finns inte",
        "--status",
        "avslutad",
    )
    assert code == 2 and "ingen prioritering eller satsning för 2027" in err
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(Priority)).one() == 0


def test_meetings_lists_ids_and_history_starts_with_the_plan_save(workspace: Path) -> None:
    assert run("history")[1] == "Inga körningar loggade ännu.\n"
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    code, out, _ = run("meetings", "--org", "mini", "--year", "2027")
    assert code == 0 and len(out.splitlines()) == 11
    assert "torsdag 7 januari 2027 kl. 13.00  Samverkansrådet  [planerat, sekvens 0]" in out
    # listing is no act; the save was one
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    with read_session(engine) as s:
        assert [r.flow for r in s.exec(select(FlowRunLog))] == ["plan"]


def _at(day: str) -> tuple[dt.date, dt.datetime]:
    moment = dt.datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=dt.UTC)
    return moment.date(), moment


def run_on(day: str, *argv: str) -> tuple[int, str, str]:
    today, now = _at(day)
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), today=today, now=now, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_decisions_give_assignments_that_are_listed_reported_and_go_late(
    workspace: Path,
) -> None:
    from models.decisions import Commission, CommissionReport, Decision
    from tests.cycle.test_decisionfile import DECIDED

    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    file = workspace / "beslut.toml"
    file.write_text(DECIDED.replace("report_to = 2027-05-06", "report_to = 2027-05-10"))
    # the decision, two assignments, the report-back item, and the minutes task done
    imported = ("2027-01-08", "decisions", "import", str(file))  # the day after the meeting
    assert run_on(*imported)[1].startswith("Sparat för mini 2027: 5 nya")
    assert run_on(*imported)[1].startswith("Sparat för mini 2027: 0 nya")
    code, out, _ = run_on("2027-02-01", "assignments", "--org", "mini")
    lines = out.splitlines()
    assert code == 0 and lines[-1] == "2 uppdrag, varav 0 försenade."
    assert "Ta fram underlag  – Lena Sjö, senast fredag 30 april 2027  [ej påbörjat]" in lines[0]
    assert "Samordna remissvaren (begränsad)  – Beredningsgruppen" in lines[1]
    first = lines[0].split()[0]
    # the owner reports; the report is kept; the same report again changes nothing
    args = ("report-assignment", first, "--status", "pågår", "--text", "Enkät skickad")
    assert run_on("2027-02-02", *args)[1] == "Rapporten är sparad.\n"
    assert run_on("2027-02-03", *args)[1].startswith("Samma status som senast")
    # past its time frame and not done: late, in the list and in the filter
    code, out, _ = run_on("2027-05-03", "assignments", "--org", "mini", "--status", "försenat")
    assert "Ta fram underlag" in out and "[försenat]" in out and "Senaste rapport: Enkät" in out
    assert out.splitlines()[-1] == "1 uppdrag, varav 1 försenat."  # agrees: not "1 försenade"
    assert run_on("2027-05-04", "report-assignment", first, "--status", "klart")[0] == 0
    code, out, _ = run_on("2027-05-05", "assignments", "--org", "mini", "--owner", "Lena Sjö")
    assert "[klart]" in out and "0 försenade" in out
    with pytest.raises(SystemExit):  # argparse: late is not a choice, it is derived
        run("report-assignment", first, "--status", "försenat")
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(Decision)).one() == 1
        assert s.exec(select(func.count()).select_from(Commission)).one() == 2
        reports = s.exec(select(CommissionReport).order_by(CommissionReport.at)).all()
        assert [(r.status, r.text) for r in reports] == [("pågår", "Enkät skickad"), ("klart", "")]
        assert all(r.by.startswith("admin:") for r in reports)
        # the report-back meeting has an item for it on its agenda (and the meeting, its
        # agenda in its description, shows as changed: LAST-MODIFIED, not SEQUENCE, before
        # the kallelse has gone out)
        from models.tables import AgendaItem, Meeting, Task

        (commission,) = [c for c in s.exec(select(Commission)) if c.report_meeting]
        meeting = s.get(Meeting, commission.report_meeting)
        assert meeting is not None and meeting.start.date() == dt.date(2027, 5, 10)
        items = s.exec(select(AgendaItem).where(AgendaItem.meeting == meeting.id)).all()
        assert [(i.title, i.description, i.source) for i in items] == [
            (
                "Återrapportering: Ta fram underlag",
                "Lena Sjö redovisar uppdraget; tidsram fredag 30 april 2027.",
                "återrapportering",
            )
        ]
        assert meeting.updated_at == _at("2027-01-08")[1]
        # the January council's minutes are written: its decisions are recorded
        (decision,) = s.exec(select(Decision)).all()
        minutes = s.exec(
            select(Task).where(Task.meeting == decision.meeting, Task.step == "minnesanteckningar")
        ).one()
        assert minutes.status == "done" and minutes.done_at == _at("2027-01-08")[1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("meeting = 2027-01-07", "meeting = 2027-01-08"),
            "mini har inget sparat möte fredag 8 januari 2027",
        ),
        (
            ('owner = "person:lena-sjo"', 'owner = "person:lena"'),
            "ingen person med det id:t i mini",
        ),
        (
            ("report_to = 2027-05-06", "report_to = 2027-05-07"),
            "fält assignment.report_to: mini har inget sparat möte fredag 7 maj 2027",
        ),
    ],
)
def test_a_decision_that_does_not_match_the_stored_year_writes_nothing(
    workspace: Path, change: tuple[str, str], message: str
) -> None:
    from models.decisions import Commission, Decision
    from tests.cycle.test_decisionfile import DECIDED

    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    file = workspace / "beslut.toml"
    file.write_text(DECIDED.replace(*change, 1))
    code, _, err = run_on("2027-01-08", "decisions", "import", str(file))
    assert code == 2 and message in err, err
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(Decision)).one() == 0
        assert s.exec(select(func.count()).select_from(Commission)).one() == 0


def test_a_restricted_decision_restricts_what_it_gives(workspace: Path) -> None:
    from models.tables import AgendaItem
    from tests.cycle.test_decisionfile import DECIDED

    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    file = workspace / "beslut.toml"
    file.write_text(
        DECIDED.replace("report_to = 2027-05-06", "report_to = 2027-05-10").replace(
            'item = "Kompetensförsörjning"',
            'item = "Kompetensförsörjning"\npublicity = "begränsad"\nreason = "OSL 19 kap. 1 §"',
        )
    )
    assert run_on("2027-01-08", "decisions", "import", str(file))[0] == 0
    out = run_on("2027-02-01", "assignments", "--org", "mini")[1]
    assert out.count("(begränsad)") == 2  # both assignments, though one is public itself
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    with read_session(engine) as s:
        titles = [
            i.title
            for i in s.exec(select(AgendaItem).where(AgendaItem.source == "återrapportering"))
        ]
    assert titles == ["Återrapportering av uppdrag (begränsad offentlighet)"]


def test_a_renamed_decision_is_taken_back_by_id_with_its_report_back_item(
    workspace: Path,
) -> None:
    from models.tables import AgendaItem
    from tests.cycle.test_decisionfile import DECIDED

    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    file = workspace / "beslut.toml"
    text = DECIDED.replace("report_to = 2027-05-06", "report_to = 2027-05-10")
    file.write_text(text)
    assert run_on("2027-01-08", "decisions", "import", str(file))[0] == 0
    # the title is corrected in the file: importing it again adds the corrected decision
    file.write_text(text.replace('title = "Ta fram underlag"', 'title = "Ta fram ett underlag"'))
    assert run_on("2027-01-09", "decisions", "import", str(file))[0] == 0
    out = run_on("2027-01-09", "assignments", "--org", "mini")[1]
    assert "Ta fram underlag " in out and "Ta fram ett underlag" in out
    old = next(line.split()[0] for line in out.splitlines() if "Ta fram underlag " in line)
    code, out, _ = run_on("2027-01-09", "decisions", "remove", old)
    assert (code, out) == (0, "Borttaget: Ta fram underlag\n")
    out = run_on("2027-01-09", "assignments", "--org", "mini")[1]
    assert "Ta fram underlag " not in out and out.splitlines()[-1].startswith("2 uppdrag")
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    with read_session(engine) as s:
        titles = [
            i.title
            for i in s.exec(select(AgendaItem).where(AgendaItem.source == "återrapportering"))
        ]
    assert titles == ["Återrapportering: Ta fram ett underlag"]
    # the decision is listed with its id; an unknown id is a Swedish error
    code, out, _ = run_on("2027-01-09", "decisions", "list", "--org", "mini", "--year", "2027")
    assert code == 0 and "(2 uppdrag)" in out and out.endswith("1 beslut.\n")
    code, _, err = run_on("2027-01-09", "decisions", "remove", "finns-inte")
    assert code == 2 and "inget beslut eller uppdrag har det id:t" in err
    # a month and more after it was recorded, a decision is history: it stays
    decision = out.split()[0]
    code, _, err = run_on("2027-02-15", "decisions", "remove", decision)
    assert code == 2 and "registrerades för mer än 30 dagar sedan och är historia" in err
    assert "(2 uppdrag)" in run_on("2027-02-15", "decisions", "list", "--org", "mini")[1]
