"""The past as an admin meets it on the command line: a dry run that writes nothing, a
re-plan that leaves held meetings alone, a rule dated too early refused in one line, the
held meetings listed as such, the explicit correction of history, and late tasks first.

Every command runs in-process through ``main`` at an explicit ``now``, so "the past" is
whatever lies before the moment each test chooses.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from cli.main import main
from cycle.times import STOCKHOLM
from models.database import make_engine, read_session
from models.tables import Meeting, Organisation, Series, Task, TaskAssignee
from tests.conftest import NOW

# a moment well into 2027: January, February and March's meetings have been held
SPRING = dt.datetime(2027, 3, 15, 9, 0, tzinfo=dt.UTC)
HELD_BY_SPRING = 3  # first Thursdays of January, February and March 2027


def run(*argv: str, now: dt.datetime = NOW) -> tuple[int, str, str]:
    """Run ``arshjul`` in-process at ``now``; the exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), now=now, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def the_error(err: str) -> str:
    """The one error line of a refused command (progress lines may come before it)."""
    errors = [line for line in err.splitlines() if line.startswith("arshjul: fel:")]
    assert len(errors) == 1 and err.splitlines()[-1] == errors[0], err
    return errors[0]


def mailing(out: str) -> tuple[int, int, int]:
    """The numbers of the "Utskick:" line: changed notices, cancellations, people."""
    found = re.search(
        r"^Utskick: (\d+) (?:ändrade kallelser|ändrad kallelse) och (\d+) "
        r"(?:avbokningar|avbokning) till (\d+) (?:personer|person)\.$",
        out,
        re.MULTILINE,
    )
    assert found, out
    notices, cancellations, people = (int(n) for n in found.groups())
    return notices, cancellations, people


def meeting_rows() -> dict[str, tuple[object, ...]]:
    """Every stored meeting as the fields a subscriber or an admin sees, by id."""
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    try:
        with read_session(engine) as s:
            return {
                m.id: (
                    m.start,
                    m.end,
                    m.location,
                    m.status,
                    m.sequence,
                    m.note,
                    m.manual,
                    m.updated_at,
                )
                for m in s.exec(select(Meeting))
            }
    finally:
        engine.dispose()


def meetings_by_start() -> list[Meeting]:
    """The stored meetings in time order (detached copies, read once)."""
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    try:
        with read_session(engine) as s:
            rows = list(s.exec(select(Meeting).order_by(col(Meeting.start))))
            for row in rows:
                s.expunge(row)
            return rows
    finally:
        engine.dispose()


def cycle_file(workspace: Path) -> Path:
    """The workspace's copy of the mini cycle file, which the tests edit as an admin would."""
    return workspace / "cycles" / "mini.toml"


def set_start(workspace: Path, clock: str) -> None:
    """Edit the series' start time in place (an undated edit: it applies from today)."""
    path = cycle_file(workspace)
    text = path.read_text(encoding="utf-8")
    assert 'start = "13:00"' in text
    path.write_text(text.replace('start = "13:00"', f'start = "{clock}"'), encoding="utf-8")


def test_a_dry_run_prints_the_table_and_writes_nothing(workspace: Path) -> None:
    """An admin previews a plan before committing to it: the table is the same as a
    save's, but no meeting, definition or feed may come of it."""
    code, out, _ = run("plan", "--year", "2027", "--org", "mini", "--dry-run")
    assert code == 0
    assert "Testregionen – årsplan 2027" in out
    assert "Organ" in out and "Möten" in out and "Uppgifter" in out
    assert any(line.startswith("Samverkansrådet") for line in out.splitlines())
    assert "Ändringar: 11 nya" in out  # what a save would add: 11 meetings (no July)
    assert "Provkörning: inget sparades" in out
    assert meeting_rows() == {}
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    try:
        with read_session(engine) as s:
            assert s.exec(select(func.count()).select_from(Organisation)).one() == 0
    finally:
        engine.dispose()
    publish = workspace / "publicerat"
    assert not publish.exists() or not list(publish.rglob("*.ics"))


def summa(out: str) -> list[str]:
    """The table's total row: meetings, tasks, holiday moves, cancellations."""
    return next(line for line in out.splitlines() if line.startswith("Summa")).split()[1:]


def test_a_first_plan_late_in_the_year_says_what_it_would_save_and_what_it_saved(
    workspace: Path,
) -> None:
    """An empty database planned in March: the dry run's progress says what *would* be
    saved, the save's says it saves; both tables count every task of the year (the year
    so far is stored as history) and an empty database has no past "left as it was"."""
    code, out, err = run("plan", "--year", "2027", "--org", "mini", "--dry-run", now=SPRING)
    assert code == 0, err
    assert "Räknar ut vad som skulle sparas för Testregionen 2027 …" in err
    assert "Sparar" not in err and "Provkörning: inget sparades" in out
    assert summa(out) == ["11", "44", "1", "0"]
    assert "Ändringar: 11 nya, 0 ändrade och 0 inställda möten; 44 nya," in out
    assert (
        f"Historik: året hittills sparades som reglerna beskriver det – {HELD_BY_SPRING} möten"
        in out
    )
    assert "Förflutet" not in out
    code, out, err = run("plan", "--year", "2027", "--org", "mini", now=SPRING)
    assert code == 0, err
    assert "Sparar Testregionen 2027 …" in err and "skulle" not in err
    assert summa(out) == ["11", "44", "1", "0"] and "Förflutet" not in out
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    try:
        with read_session(engine) as s:
            assert s.exec(select(func.count()).select_from(Task)).one() == 44
    finally:
        engine.dispose()


def test_an_edited_start_time_is_previewed_then_saved_without_touching_held_meetings(
    workspace: Path,
) -> None:
    """An undated edit applies from today: the dry run says what moves and what the past
    keeps, and the save then moves the future only – held meetings keep every field."""
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    before = meeting_rows()
    held = {m.id for m in meetings_by_start() if m.start < SPRING}
    assert len(held) == HELD_BY_SPRING
    set_start(workspace, "10:00")

    code, out, _ = run("plan", "--year", "2027", "--org", "mini", "--dry-run", now=SPRING)
    future = len(before) - HELD_BY_SPRING  # 8 meetings from April on
    assert code == 0
    assert f"{future} ändrade" in out.split("Ändringar:")[1].split("\n")[0]
    notices, cancellations, people = mailing(out)
    assert notices >= future and cancellations == 0 and people >= 1  # one per moved meeting
    assert f"Förflutet: {HELD_BY_SPRING} ändringar av möten som har hållits" in out
    assert meeting_rows() == before  # the dry run wrote nothing

    code, out, _ = run("plan", "--year", "2027", "--org", "mini", now=SPRING)
    assert code == 0
    after = meeting_rows()
    assert {m: after[m] for m in held} == {m: before[m] for m in held}
    for m in meetings_by_start():
        if m.id not in held:
            assert m.start.astimezone(STOCKHOLM).time() == dt.time(10, 0), m.id
            assert m.sequence == 1, m.id


def test_the_dry_run_counts_the_changed_notices_that_will_be_mailed(workspace: Path) -> None:
    """Only Anna Berg of the council's two members has an e-mail address (``arshjul check``
    says Karin Ek gets no reminders), so moving the eight meetings from April on mails
    eight changed notices, to one person."""
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    set_start(workspace, "10:00")
    code, out, _ = run("plan", "--year", "2027", "--org", "mini", "--dry-run", now=SPRING)
    assert code == 0
    assert mailing(out) == (8, 0, 1), out
    assert "8 ändrade kallelser och 0 avbokningar till 1 person." in out  # not "1 personer"


def test_a_change_dated_before_now_that_rewrites_held_meetings_is_refused(
    workspace: Path,
) -> None:
    """A rule dated into the past must not silently rewrite what happened: the admin gets
    one line naming the meeting and the way to correct it, and nothing is saved."""
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    before = meeting_rows()
    february = next(m for m in meetings_by_start() if m.start.month == 2)
    path = cycle_file(workspace)
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[[series.change]]\nfrom = 2027-02-01\nstart = "10:00"\n',
        encoding="utf-8",
    )

    code, out, err = run("plan", "--year", "2027", "--org", "mini", now=SPRING)
    assert code == 2
    error = the_error(err)
    assert "Samverkansrådet torsdag 4 februari 2027 kl. 13.00" in error
    assert f"arshjul meetings correct {february.id}" in error
    assert "Exporterade" not in out
    assert meeting_rows() == before
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    try:
        with read_session(engine) as s:
            series = s.exec(select(Series).where(Series.organisation == "mini")).one()
            assert series.changes in ("", "[]")  # the refused rule was not stored either
    finally:
        engine.dispose()


def test_meetings_marks_those_that_have_ended_as_held(workspace: Path) -> None:
    """Whether a meeting took place follows from the clock, not from a stored status."""
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    midsummer = dt.datetime(2027, 6, 15, 10, 0, tzinfo=dt.UTC)
    code, out, _ = run("meetings", "--org", "mini", "--year", "2027", now=midsummer)
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()}
    rows = meetings_by_start()
    assert set(lines) == {m.id for m in rows}
    for m in rows:
        assert ("[genomfört," in lines[m.id]) == (m.end <= midsummer), lines[m.id]
    assert sum("[genomfört," in line for line in lines.values()) == 6  # January to June


def test_correcting_a_held_meeting_changes_it_and_logs_the_reason(workspace: Path) -> None:
    """History changes only by an explicit, reasoned act: subscribers see it (a higher
    sequence), the meeting keeps the reason and the audit log records it."""
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    february = next(m for m in meetings_by_start() if m.start.month == 2)
    code, out, err = run(
        "meetings",
        "correct",
        february.id,
        "--reason",
        "Mötet hölls i sal B",
        "--location",
        "Regionens hus, Sal B",
        now=SPRING,
    )
    assert code == 0, err
    assert "Rättat i efterhand (mötet torsdag 4 februari 2027): Mötet hölls i sal B" in out
    assert "arshjul history" in out
    row = next(m for m in meetings_by_start() if m.id == february.id)
    assert row.location == "Regionens hus, Sal B"
    assert row.sequence > february.sequence
    assert row.start == february.start  # only what was corrected changed
    assert row.note is not None and "Mötet hölls i sal B" in row.note
    code, out, _ = run("history", now=SPRING)
    assert code == 0
    logged = [line for line in out.splitlines() if line.startswith("20")]
    assert len(logged) == 2  # newest first: the correction, then the plan's save
    assert "correct-meeting(" in logged[0] and "plan(" in logged[1]
    assert "Mötet hölls i sal B" in out


def test_a_correction_without_reason_of_a_future_or_unknown_meeting_is_refused(
    workspace: Path,
) -> None:
    """A correction without a reason, of a meeting yet to come (that is a move) or of
    no meeting at all is bad input: one Swedish line, exit 2, nothing written or logged."""
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    rows = meetings_by_start()
    february = next(m for m in rows if m.start.month == 2)
    december = next(m for m in rows if m.start.month == 12)
    before = meeting_rows()
    attempts = {
        "ange ett skäl": ("meetings", "correct", february.id, "--location", "Sal B"),
        "har inte hållits än": (
            "meetings",
            "correct",
            december.id,
            "--reason",
            "fel sal",
            "--location",
            "Sal B",
        ),
        "okänt möte": (
            "meetings",
            "correct",
            "finns-inte",
            "--reason",
            "fel sal",
            "--location",
            "Sal B",
        ),
    }
    for fragment, argv in attempts.items():
        code, out, err = run(*argv, now=SPRING)
        assert code == 2, (fragment, out)
        assert fragment in the_error(err), err
    assert meeting_rows() == before
    logged = [line for line in run("history", now=SPRING)[1].splitlines() if line[:2] == "20"]
    assert len(logged) == 1 and "plan(" in logged[0]  # only the plan's save


def test_tasks_list_late_ones_first(workspace: Path) -> None:
    """What is overdue is what a person must see first."""
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    moment = dt.datetime(2027, 1, 20, 9, 0, tzinfo=dt.UTC)  # a Wednesday in January
    today = moment.astimezone(STOCKHOLM).date()
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    try:
        with read_session(engine) as s:
            late = set(
                s.exec(
                    select(Task.id)
                    .join(TaskAssignee, col(TaskAssignee.task) == col(Task.id))
                    .where(TaskAssignee.person == "mini/lena-sjo", col(Task.due) < today)
                )
            )
    finally:
        engine.dispose()
    assert late  # the January meeting's chain and February's first step
    code, out, _ = run("tasks", "--person", "mini/lena-sjo", now=moment)
    lines = out.splitlines()
    assert code == 0 and lines[0] == f"Försenade ({len(late)}):"
    group = lines[1 : 1 + len(late)]
    assert {line.split()[0] for line in group} == late
    assert lines[1 + len(late)].startswith(("Den här veckan (", "Senare ("))


@pytest.mark.usefixtures("prefect_backend")
def test_mail_is_not_sent_for_a_morning_that_has_passed(workspace: Path) -> None:
    """`--now` in the past would send reminders after their deadlines; only a dry run may
    look back."""
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    code, _, err = run("remind", "--now", "2026-11-20T07:00")
    assert code == 2 and "använd --dry-run" in err
    code, out, _ = run("remind", "--dry-run", "--now", "2026-11-20T07:00")
    assert code == 0 and out.startswith("Skulle skicka")


def logged_acts(now: dt.datetime = NOW) -> list[tuple[str, str]]:
    """``arshjul history`` as (the run's line, its message), newest first."""
    code, out, err = run("history", "--limit", "50", now=now)
    assert code == 0, err
    acts: list[tuple[str, str]] = []
    for line in out.splitlines():
        if line.startswith("    ") and acts:
            acts[-1] = (acts[-1][0], line.strip())
        else:
            acts.append((line, ""))
    return acts


def test_a_plan_save_is_an_act_in_history_with_who_and_what_changed(workspace: Path) -> None:
    """An admin reading the history sees every save of a plan that changed something: by
    whom, for which organisation and year, and what it changed; a dry run saved nothing
    and is not there, nor is a save that found nothing to change."""
    assert run("plan", "--year", "2027", "--org", "mini", "--dry-run")[0] == 0
    assert run("history")[1] == "Inga körningar loggade ännu.\n"
    code, out, _ = run("plan", "--year", "2027", "--org", "mini")
    assert code == 0
    total = next(line for line in out.splitlines() if line.startswith("Summa")).split()
    meetings, tasks = int(total[1]), int(total[2])
    ((line, message),) = logged_acts()
    assert re.search(
        r"  plan\(organisation=mini, year=2027\)  lyckades  0\.0 s  \d+ rader  "
        r"utlöst av: CLI \(.+\)$",
        line,
    ), line
    assert message.startswith(
        f"Plan sparad: Testregionen 2027 – {meetings} möten och {tasks} uppgifter; "
        f"möten: {meetings} nya, 0 ändrade, 0 inställda; "
        f"uppgifter: {tasks} nya, 0 ändrade, 0 inställda; "
    ), message
    # the same plan saved again a day later changes nothing and writes nothing: no act
    later = NOW + dt.timedelta(days=1)
    assert run("plan", "--year", "2027", "--org", "mini", now=later)[0] == 0
    assert len(logged_acts(later)) == 1
    # an edited start time is an act that says what it changed
    set_start(workspace, "09:00")
    code, out, _ = run("plan", "--year", "2027", "--org", "mini", now=later)
    assert code == 0
    (line, message), _ = logged_acts(later)
    assert "  plan(organisation=mini, year=2027)  " in line
    assert f"möten: 0 nya, {meetings} ändrade, 0 inställda" in message, message


def test_reports_corrections_and_ticked_off_tasks_from_the_cli_are_acts_in_history(
    workspace: Path,
) -> None:
    """Decisions imported, an assignment reported on, another taken back as recorded by
    mistake, a task ticked off: each is a line of ``arshjul history``."""
    from tests.cycle.test_decisionfile import DECIDED

    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    file = workspace / "beslut.toml"
    file.write_text(DECIDED.replace("report_to = 2027-05-06", "report_to = 2027-05-10"))
    january = dt.datetime(2027, 1, 8, 9, 0, tzinfo=dt.UTC)
    assert run("decisions", "import", str(file), now=january)[0] == 0
    out = run("assignments", "--org", "mini", now=january)[1]
    ids = {
        title: next(line.split()[0] for line in out.splitlines() if title in line)
        for title in ("Ta fram underlag", "Samordna remissvaren")
    }
    steps = [
        ("report-assignment", ids["Ta fram underlag"], "--status", "pågår", "--text", "Enkät ute"),
        ("decisions", "remove", ids["Samordna remissvaren"]),
    ]
    for n, argv in enumerate(steps, start=1):
        code, _, err = run(*argv, now=january + dt.timedelta(minutes=n))
        assert code == 0, err
    task = next(m for m in meetings_by_start() if m.start.month == 2)
    engine = make_engine(os.environ["ARSHJUL_DATABASE_URL"])
    try:
        with read_session(engine) as s:
            chosen = s.exec(select(Task).where(Task.meeting == task.id)).first()
            assert chosen is not None
            task_id, title = chosen.id, chosen.title
    finally:
        engine.dispose()
    assert run("tasks", "done", task_id, now=january + dt.timedelta(minutes=3))[0] == 0
    # ticked off again: nothing changes, and history does not say it twice
    code, again, _ = run("tasks", "done", task_id, now=january + dt.timedelta(minutes=4))
    assert code == 0 and again == f"{title} var redan klar; inget ändrades.\n"
    acts = logged_acts(january + dt.timedelta(minutes=4))
    assert [line.split("  ")[1].partition("(")[0] for line, _ in acts] == [
        "task-done",
        "record-corrected",
        "assignment-reported",
        "decisions-stored",
        "plan",
    ]
    messages = [m for _, m in acts]
    assert messages[0] == f"Klar: {title}"
    assert messages[1] == "Borttaget ur besluten: Samordna remissvaren"
    assert messages[2] == "Rapport om uppdraget Ta fram underlag: pågår – Enkät ute"
    assert messages[3].startswith("Sparat för Testregionen 2027: 1 beslut; ")
    assert all(re.search(r"utlöst av: CLI \(.+\)$", line) for line, _ in acts), acts
