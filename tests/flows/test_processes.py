"""Whole flows against a real Prefect backend and a real SQLite file: each process does
its job, and running it again with the same parameters changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from cycle import PlanError, plan_year, swedish_calendar
from cycle.decisionfile import DecidedInitiative, DecidedPriority, Decisions, ReportedStatus
from cycle.definitions import SeriesKind
from cycle.status import MeetingStatus, TaskStatus
from cycle.yearly import ItemStatus
from flows.meetings import (
    Preparation,
    cancel_meeting_flow,
    describe_meeting,
    direktorsberedning_month_flow,
    forum_flow,
    reschedule_meeting_flow,
)
from flows.plan import plan_year_flow
from flows.runtime.context import run_settings
from flows.yearly import january_prioritisation_flow, year_end_follow_up_flow
from models.audit import FlowRunLog, Outcome
from models.database import make_engine, read_session
from models.tables import AgendaItem, Guest, Meeting, Task
from models.yearly import Assignment, FollowUp
from services.settings import Settings
from services.yearly import store_decisions
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("prefect_backend")
JH = "jamtland-harjedalen"


def state() -> dict[str, Any]:
    """Every row a flow may write, except the audit log, in a comparable form."""
    engine = make_engine(run_settings().database_url)
    with read_session(engine) as s:
        snap = {
            "meetings": sorted(
                (m.id, m.sequence, m.status, m.start, m.note) for m in s.exec(select(Meeting))
            ),
            "tasks": sorted((t.id, t.sequence, t.status, t.due) for t in s.exec(select(Task))),
            "agenda": sorted((a.id, a.title, a.description) for a in s.exec(select(AgendaItem))),
            "followups": sorted((f.id, f.status) for f in s.exec(select(FollowUp))),
            "assignments": sorted((a.id, a.title) for a in s.exec(select(Assignment))),
            "guests": sorted((g.meeting, g.organisation_name) for g in s.exec(select(Guest))),
        }
    engine.dispose()
    return snap


def audit() -> list[FlowRunLog]:
    engine = make_engine(run_settings().database_url)
    with read_session(engine) as s:
        rows = list(s.exec(select(FlowRunLog).order_by(FlowRunLog.started_at)))
    engine.dispose()
    return rows


def test_plan_year_twice_changes_nothing_the_second_time(workspace: Path) -> None:
    first = plan_year_flow(org="varmland", year=2027)
    assert first.rows_changed > 0
    before = state()
    second = plan_year_flow(org="varmland", year=2027)
    assert second.rows_changed == 0
    assert state() == before
    runs = audit()
    assert [(r.flow, r.outcome) for r in runs] == [("plan-year", Outcome.SUCCEEDED)] * 2
    assert runs[0].rows_changed == first.rows_changed and runs[1].rows_changed == 0
    assert runs[0].parameters == '{"org": "varmland", "year": 2027}'
    assert runs[0].finished_at is not None and runs[0].prefect_run
    # the render step published the feeds the first time, and had nothing to do the second
    assert (workspace / "publicerat" / "feeds" / "varmland" / "varmlandsradet.ics").exists()
    assert "flödesfiler uppdaterade" in runs[0].message
    assert "flödesfiler" not in runs[1].message


def _decide(workspace: Path, decisions: Decisions, now: dt.datetime = NOW) -> None:
    store_decisions(run_settings(), decisions, now=now)


def test_the_wheel_closes_follow_up_feeds_next_prioritisation(workspace: Path) -> None:
    _decide(
        workspace,
        Decisions(
            JH,
            2026,
            (
                DecidedPriority("Kompetensförsörjning", "Fler utbildade inom vård och industri"),
                DecidedPriority("Infrastruktur"),
            ),
            (
                DecidedInitiative(
                    "Gemensam kompetensplattform",
                    priority="Kompetensförsörjning",
                    owner="Region Jämtland Härjedalen",
                ),
            ),
            (),
        ),
    )
    _decide(
        workspace,
        Decisions(
            JH,
            2026,
            (),
            (),
            (
                ReportedStatus(
                    "Kompetensförsörjning", ItemStatus.FORSENAD, "Upphandlingen drog ut"
                ),
                ReportedStatus("Infrastruktur", ItemStatus.AVSLUTAD),
            ),
        ),
    )
    result = year_end_follow_up_flow(org=JH, year=2026)
    report = Path(result.reports[0])
    text = report.read_text(encoding="utf-8")
    assert "# Uppföljning 2026 – Länsstyrelsen Jämtlands län och Region Jämtland Härjedalen" in text
    assert "| Kompetensförsörjning | försenad | Upphandlingen drog ut |" in text
    assert "Fortsätt arbetet med Kompetensförsörjning" in text
    assert "Följ upp status för Gemensam kompetensplattform" in text
    assert "Infrastruktur" not in text.split("## Uppdrag inför 2027")[1]  # finished work
    with read_session(make_engine(run_settings().database_url)) as s:
        status_tasks = s.exec(select(Task).where(Task.step.startswith("status-"))).all()
        assert len(status_tasks) == 3
        follow_meeting = s.get(Meeting, status_tasks[0].meeting)
        assert follow_meeting is not None and follow_meeting.kind == "uppföljning"
        assert all(t.due < follow_meeting.start.date() for t in status_tasks)
    before, mtime = state(), report.stat().st_mtime_ns
    assert year_end_follow_up_flow(org=JH, year=2026).rows_changed == 0
    assert state() == before and report.stat().st_mtime_ns == mtime

    prio = january_prioritisation_flow(org=JH, year=2027)
    assert prio.reports == ()  # nothing decided for 2027 yet
    with read_session(make_engine(run_settings().database_url)) as s:
        january = s.exec(
            select(Meeting).where(Meeting.kind == "prioritering", Meeting.year == 2027)
        ).one()
        agenda = s.exec(
            select(AgendaItem).where(AgendaItem.meeting == january.id).order_by(AgendaItem.position)
        ).all()
        prep = s.exec(
            select(func.count()).select_from(Task).where(Task.meeting == january.id)
        ).one()
    titles = [a.title for a in agenda]
    assert titles[0] == "Uppföljning av 2026"
    assert "Kompetensförsörjning (prioriterat område): försenad – Upphandlingen drog ut" in (
        agenda[0].description
    )
    assert "Uppdrag inför 2027: Fortsätt arbetet med Kompetensförsörjning" in titles
    assert titles[-2:] == [
        "Beslut om prioriterade områden 2027",
        "Beslut om gemensamma satsningar 2027",
    ]
    assert prep >= 4  # the beredningsgrupp's preparation tasks exist
    before = state()
    assert january_prioritisation_flow(org=JH, year=2027).rows_changed == 0
    assert state() == before

    _decide(workspace, Decisions(JH, 2027, (DecidedPriority("Klimatomställning"),), (), ()))
    published = january_prioritisation_flow(org=JH, year=2027).reports
    assert len(published) == 1
    assert "1. **Klimatomställning**" in Path(published[0]).read_text(encoding="utf-8")


def test_direktorsberedning_month_prepares_the_meeting_and_skips_july(workspace: Path) -> None:
    march = direktorsberedning_month_flow(org="varmland", month="2027-03")
    (prep,) = march.preparations
    assert prep.organisation == "varmland" and prep.meeting is not None
    assert describe_meeting(prep.meeting).startswith("Direktörsberedning")
    assert "mars 2027 kl. 08.30" in march.summary
    assert len(prep.tasks) == 4  # call for items, kallelse, handlingar, minutes
    assert all(
        t.due < prep.meeting.start.date() or t.step == "minnesanteckningar" for t in prep.tasks
    )
    july = direktorsberedning_month_flow(org="varmland", month="2027-07")
    assert july.preparations == (Preparation("varmland", None, (), "sommaruppehåll"),)
    assert july.summary == "varmland: Inget möte 2027-07: sommaruppehåll."
    assert march.details[0] == march.summary and len(march.details) == 1 + 4


def test_forum_invites_external_actors_once(workspace: Path) -> None:
    first = forum_flow(org="vasternorrland", year=2027, forum=1)
    assert "Mittuniversitetet" in first.guests
    deadline = next(t for t in first.tasks if "anmälningsdag" in t.title.lower())
    assert first.registration_deadline == deadline.due < first.meeting.start.date()
    before = state()
    again = forum_flow(org="vasternorrland", year=2027, forum=1)
    assert again.rows_changed == 0 and state() == before
    with pytest.raises(PlanError, match="har 3 forum"):
        forum_flow(org="vasternorrland", year=2027, forum=7)
    assert audit()[-1].outcome == Outcome.FAILED
    assert "har 3 forum" in audit()[-1].message


def test_reschedule_moves_the_chain_bumps_sequence_and_survives_a_replan(
    workspace: Path,
) -> None:
    plan_year_flow(org="mini", year=2027)
    with read_session(make_engine(run_settings().database_url)) as s:
        meeting = s.exec(
            select(Meeting).where(Meeting.organisation == "mini").order_by(Meeting.start)
        ).all()[2]  # 4 March 2027
        old_due = {t.step: t.due for t in s.exec(select(Task).where(Task.meeting == meeting.id))}
    assert meeting.start.date() == dt.date(2027, 3, 4)
    # the planner's rules, asked by the flow (tests/cycle/test_meetings.py has the table)
    for start, why in (
        ("2027-03-06T13:00", "(lördag)"),
        ("2027-04-30T13:00", "(Valborgsmässoafton (från kl. 14.00))"),
        ("2027-05-07T10:00", "(Klämdag)"),
        ("2027-07-14T10:00", "(sommaruppehåll)"),
    ):
        with pytest.raises(PlanError, match="mötet kan inte hållas") as caught:
            reschedule_meeting_flow(meeting=meeting.id, start=start, reason="prov")
        assert why in str(caught.value)
    before = state()
    result = reschedule_meeting_flow(
        meeting=meeting.id, start="2027-03-11T10:00", reason="Krockar med länsstyrelsens dialogdag"
    )
    assert result.changed and result.details == ()  # nobody is double-booked by it
    with read_session(make_engine(run_settings().database_url)) as s:
        moved = s.get(Meeting, meeting.id)
        new_due = {t.step: t.due for t in s.exec(select(Task).where(Task.meeting == meeting.id))}
    assert moved is not None and moved.sequence == meeting.sequence + 1
    assert moved.status == MeetingStatus.MOVED and moved.manual
    assert moved.note == (
        "Flyttat från torsdag 4 mars 2027 kl. 13.00 till torsdag 11 mars 2027 "
        "kl. 10.00: Krockar med länsstyrelsens dialogdag"
    )
    assert all((new_due[k] - old_due[k]).days == 7 for k in old_due)  # a week later, no holidays
    changed = {k for k, v in state().items() if v != before[k]}
    assert changed == {"meetings", "tasks"}
    after = state()
    assert (
        reschedule_meeting_flow(meeting=meeting.id, start="2027-03-11T10:00", reason="igen").changed
        is False
    )
    assert state() == after
    assert plan_year_flow(org="mini", year=2027).rows_changed == 0  # the admin's move holds


def test_cancel_meeting_cancels_its_open_tasks_once(workspace: Path) -> None:
    plan_year_flow(org="mini", year=2027)
    with read_session(make_engine(run_settings().database_url)) as s:
        meeting = s.exec(
            select(Meeting).where(Meeting.organisation == "mini").order_by(Meeting.start)
        ).first()
    assert meeting is not None
    assert cancel_meeting_flow(meeting=meeting.id, reason="Extra val").changed
    with read_session(make_engine(run_settings().database_url)) as s:
        row = s.get(Meeting, meeting.id)
        statuses = {t.status for t in s.exec(select(Task).where(Task.meeting == meeting.id))}
    assert row is not None and row.status == MeetingStatus.CANCELLED
    assert row.sequence == 1 and row.note == "Inställt: Extra val"
    assert statuses == {TaskStatus.CANCELLED}
    before = state()
    assert cancel_meeting_flow(meeting=meeting.id, reason="Extra val").changed is False
    assert state() == before


def test_a_move_onto_another_meeting_of_someone_called_says_so(workspace: Path) -> None:
    text = (workspace / "cycles" / "mini.toml").read_text(encoding="utf-8")
    (workspace / "cycles" / "andra.toml").write_text(
        text.replace('slug = "mini"', 'slug = "andra"', 1)
        .replace('name = "Testregionen"', 'name = "Andra regionen"', 1)
        .replace("FREQ=MONTHLY;BYDAY=1TH", "FREQ=MONTHLY;BYDAY=2TU"),
        encoding="utf-8",
    )
    plan_year_flow(org="mini", year=2027)
    plan_year_flow(org="andra", year=2027)
    with read_session(make_engine(run_settings().database_url)) as s:
        meeting = s.exec(
            select(Meeting).where(Meeting.organisation == "mini").order_by(Meeting.start)
        ).all()[2]  # 4 March 2027
    # Anna Berg (the same address in both files) chairs the other council on 9 March
    result = reschedule_meeting_flow(meeting=meeting.id, start="2027-03-09T14:00", reason="lokal")
    assert result.changed
    assert result.details == (
        "Varning, dubbelbokning: Anna Berg är kallad till både Samverkansrådet (andra) "
        "tisdag 9 mars 2027 kl. 13.00–16.00 och Samverkansrådet (mini) tisdag 9 mars 2027 "
        "kl. 14.00–17.00.",
    )


def test_the_follow_up_reports_the_years_assignments_and_drafts_the_open_ones(
    workspace: Path, settings: Settings
) -> None:
    from cycle.decisions import CommissionSpec, CommissionStatus, DecisionSpec, Owner, Publicity
    from flows.runtime.context import using
    from models.decisions import Commission, report_commission
    from services.storage import writing

    plan_year_flow(org=JH, year=2027)
    january = dt.date(2027, 1, 21)  # the third Thursday: the prioritisation meeting
    spec = DecisionSpec(
        january,
        "Satsning på kompetensförsörjning",
        commissions=(
            CommissionSpec(
                "Kartlägg behoven", Owner("person", "lena-hellstrom"), dt.date(2027, 3, 31)
            ),
            CommissionSpec(
                "Ta fram en plattform", Owner("body", "beredningsgrupp"), dt.date(2027, 6, 30)
            ),
            CommissionSpec("Utvärdera", Owner("body", "ledningsgrupp"), dt.date(2027, 12, 31)),
            CommissionSpec(
                "Förhandla avtal",
                Owner("body", "ledningsgrupp"),
                dt.date(2027, 5, 31),
                publicity=Publicity.BEGRANSAD,
                reason="OSL 19 kap. 1 §",
            ),
        ),
    )
    held = dt.datetime(2027, 1, 22, 9, tzinfo=dt.UTC)  # the day after the meeting
    _decide(workspace, Decisions(JH, 2027, (), (), (), (spec,)), now=held)
    with writing(settings) as s:
        ids = {c.title: c.id for c in s.exec(select(Commission))}
        report_commission(
            s,
            ids["Kartlägg behoven"],
            CommissionStatus.KLART,
            "Klar i mars",
            by="jamtland-harjedalen/lena-hellstrom",
            now=NOW,
        )
        report_commission(
            s,
            ids["Ta fram en plattform"],
            CommissionStatus.PAGAR,
            "Upphandling",
            by="admin:test",
            now=NOW,
        )
    with using(settings, now=dt.datetime(2027, 11, 1, 8, 0, tzinfo=dt.UTC)):
        result = year_end_follow_up_flow(org=JH, year=2027)
        text = Path(result.reports[0]).read_text(encoding="utf-8")
        rows = text.split("## Uppdrag från besluten\n\n")[1].split("\n\n")[0].splitlines()[2:]
        assert [r.split(" | ")[0].lstrip("| ") for r in rows] == [
            "Ta fram en plattform",  # late first
            "Utvärdera",
            "Kartlägg behoven",
        ]
        assert "| försenat | Upphandling |" in rows[0] and "| klart | Klar i mars |" in rows[2]
        assert "1 uppdrag med begränsad offentlighet redovisas inte här." in text
        assert "Förhandla avtal" not in text
        drafts = text.split("## Uppdrag inför 2028\n\n")[1]
        assert "Slutför uppdraget: Ta fram en plattform" in drafts
        assert "Slutför uppdraget: Utvärdera" in drafts and "Kartlägg" not in drafts
        assert "(begränsad offentlighet)" in drafts  # drafted, without its details
        # the same report as a page and a PDF beside it
        report = Path(result.reports[0])
        page = report.with_suffix(".html").read_text(encoding="utf-8")
        assert '<html lang="sv">' in page and "<td>Ta fram en plattform</td>" in page
        from pypdf import PdfReader

        pdf = " ".join(p.extract_text() for p in PdfReader(report.with_suffix(".pdf")).pages)
        assert "Ta fram en plattform" in pdf and "försenat" in pdf
        assert "Förhandla avtal" not in page + pdf
        stamps = {p: p.stat().st_mtime_ns for p in report.parent.glob("uppfoljning-2027.*")}
        assert len(stamps) == 3
        assert year_end_follow_up_flow(org=JH, year=2027).rows_changed == 0  # idempotent
        assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # not even the PDF
        january_prioritisation_flow(org=JH, year=2028)
    with read_session(make_engine(run_settings().database_url)) as s:
        meeting = s.exec(
            select(Meeting).where(Meeting.kind == "prioritering", Meeting.year == 2028)
        ).one()
        titles = [
            a.title for a in s.exec(select(AgendaItem).where(AgendaItem.meeting == meeting.id))
        ]
    assert "Uppdrag inför 2028: Slutför uppdraget: Ta fram en plattform" in titles


def test_a_month_without_a_meeting_says_why_from_the_rules(workspace: Path) -> None:
    """Västernorrland's chefssamverkansgrupp (a beredning) does not meet every month: the
    flow says so from its rule, not "summer break or cancelled"."""
    from services.cyclefiles import load_cycles

    (d,) = load_cycles(run_settings().cycles_dir, "vasternorrland")
    beredning = [s for s in d.series if s.kind is SeriesKind.BEREDNING]
    planned = {
        m.original_date.month
        for m in plan_year(d, 2027, swedish_calendar(range(2026, 2029))).meetings
        if m.series in {s.id for s in beredning}
    }
    month = next(n for n in range(1, 13) if n not in planned and n != 7)
    result = direktorsberedning_month_flow(org="vasternorrland", month=f"2027-{month:02d}")
    (prep,) = result.preparations
    assert prep.meeting is None and "har inget möte den månaden enligt sin regel" in prep.reason
