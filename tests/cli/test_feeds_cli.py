"""``arshjul feeds export|link|rotate-token`` as an admin uses them."""

from __future__ import annotations

import datetime as dt
import io
import json
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from sqlmodel import col, select

from cli.main import main
from models.tables import Task
from services.settings import Settings
from services.storage import writing
from tests.conftest import NOW

TODAY = dt.date(2026, 11, 23)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), today=TODAY, now=NOW, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_export_link_and_rotate(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARSHJUL_PUBLIC_URL", "https://kalender.example.se/")
    out_dir = workspace / "publicerat"
    code, planned, _ = run("plan", "--year", "2027", "--org", "mini")
    assert code == 0 and "skrivna, 0 oförändrade, 0 borttagna" in planned  # plan publishes
    code, out, _ = run("feeds", "export", "--out", str(out_dir))
    assert code == 0 and "är aktuell" in out  # and nothing was left for an export to do
    index = json.loads((out_dir / "index.json").read_text(encoding="utf-8"))
    assert any(
        e["path"] == "feeds/mini/radet.ics" and e["audience"] == "offentlig" for e in index["feeds"]
    )
    assert "webcal://kalender.example.se/feeds/mini/radet.ics" in (
        out_dir / "index.html"
    ).read_text(encoding="utf-8")
    again = run("feeds", "export", "--out", str(out_dir))[1]
    assert "är aktuell" in again
    (out_dir / "feeds" / "mini" / "radet.ics").unlink()  # a file removed by hand
    again = run("feeds", "export", "--out", str(out_dir))[1]
    assert " 1 skrivna" in again and "0 borttagna" in again
    assert (out_dir / "feeds" / "mini" / "radet.ics").exists()

    _, link, _ = run("feeds", "link", "--person", "mini/lena-sjo", "--out", str(out_dir))
    old = link.strip().rsplit("/", 1)[1]
    assert link.startswith("Privat flöde: https://kalender.example.se/p/")
    assert (out_dir / "p" / old).exists()
    code, rotated, _ = run(
        "feeds", "rotate-token", "--person", "mini/lena-sjo", "--out", str(out_dir)
    )
    new = rotated.strip().splitlines()[-1].rsplit("/", 1)[1]
    assert code == 0 and new != old
    assert (out_dir / "p" / new).exists() and not (out_dir / "p" / old).exists()
    # the act is in the history, with who did it (never the token itself)
    (rotation,) = [x for x in run("history")[1].splitlines() if "token-rotated(" in x]
    assert "person=mini/lena-sjo" in rotation and "utlöst av: CLI (" in rotation
    assert old not in run("history")[1] and new not in run("history")[1]


def test_export_if_changed_skips_until_something_is_saved(
    workspace: Path, settings: Settings
) -> None:
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0  # plan exports
    code, out, _ = run("feeds", "export", "--if-changed")
    assert code == 0 and "Inget har sparats sedan förra exporten" in out
    with writing(settings) as s:  # a write that exports nothing itself, as a click's
        task = s.exec(select(Task).order_by(col(Task.due))).first()
        assert task is not None
        task.title = "Ny titel på uppgiften"
    code, out, _ = run("feeds", "export", "--if-changed")
    assert code == 0 and " 0 skrivna" not in out and "skrivna" in out
    feeds = "".join(p.read_text("utf-8") for p in settings.publish_dir.rglob("*.ics"))
    assert "Ny titel på uppgiften" in feeds
    assert "Inget har sparats" in run("feeds", "export", "--if-changed")[1]
    # another day's export is another export, whatever was saved
    out_next = io.StringIO()
    next_day = TODAY + dt.timedelta(days=1)
    code = main(["feeds", "export", "--if-changed"], today=next_day, now=NOW, out=out_next)
    assert code == 0 and "Exporterade" in out_next.getvalue()


def test_unknown_person_is_named(workspace: Path) -> None:
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    code, _, err = run("feeds", "link", "--person", "mini/okand")
    assert code == 2 and "okänd person" in err and "'mini/okand'" in err
    assert "t.ex. mini/" in err  # a real person as the example, not an invented one
    for argv in (["feeds", "link"], ["feeds", "rotate-token"], ["tasks"]):
        code, out, err = run(*argv, "--person", "mini/lena-sj")
        assert code == 2 and out == ""
        said = "okänd person; menade du mini/lena-sjo? (värde: 'mini/lena-sj')"
        assert err == f"arshjul: fel: fält --person: {said}\n"


def test_mistyped_commands_and_years_get_swedish_help(workspace: Path) -> None:
    for argv, says in [
        (["plann"], "ogiltigt val: 'plann'; menade du plan? (välj bland status, plan, "),
        (["feeds", "exprt"], "ogiltigt val: 'exprt'; menade du export?"),
        (["plan", "--year", "20277"], "'20277' är inget år som planeras; ange ett år mellan 2000"),
    ]:
        with pytest.raises(SystemExit) as exit_, redirect_stderr(io.StringIO()) as err:
            run(*argv)
        assert exit_.value.code == 2 and says in err.getvalue()


def test_serving_an_empty_folder_explains_what_to_do(workspace: Path) -> None:
    code, _, err = run("feeds", "serve", "--out", str(workspace / "tom"))
    assert code == 2 and "kör först `arshjul feeds export`" in err


def test_exports_to_one_folder_take_turns(tmp_path: Path) -> None:
    import threading

    from services.feeds import export_lock

    order: list[str] = []

    def second() -> None:
        with export_lock(tmp_path):
            order.append("second")

    with export_lock(tmp_path):
        worker = threading.Thread(target=second)
        worker.start()
        worker.join(timeout=0.5)  # it must still be waiting for the lock
        order.append("first" if worker.is_alive() else "second ran inside the lock")
    worker.join(timeout=10)
    assert order == ["first", "second"]


def test_status_tells_who_has_the_latest_change_of_their_feed(workspace: Path) -> None:
    import hashlib
    import os

    from calendars.fetchlog import FetchLog, fetch_dir
    from models.tokens import live_token
    from services.settings import Settings
    from services.storage import reading

    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0  # plans and exports
    settings = Settings.load(os.environ)
    with reading(settings) as s:
        lena, anna = live_token(s, "mini/lena-sjo"), live_token(s, "mini/anna-berg")
    assert lena and anna
    notes = FetchLog(fetch_dir(settings.publish_dir))  # what the feed server writes
    notes.record(hashlib.sha256(lena.encode()).hexdigest(), "Google-Calendar-Importer")
    long_ago = dt.datetime(2025, 1, 7, 8, tzinfo=dt.UTC).timestamp()
    notes.record(hashlib.sha256(anna.encode()).hexdigest(), "Thunderbird/128", at=long_ago)
    notes.flush()
    code, out, _ = run("feeds", "status", "--org", "mini")
    assert code == 0
    assert "1 har inte hämtat den senaste ändringen, 1 har den" in out
    behind, current, never = out.split("Har ")[1:4]
    assert "Anna Berg (mini/anna-berg): hämtat tisdag 7 januari 2025 kl. 09.00 med Thunderbird" in (
        behind
    )
    assert "flödet ändrat" in behind
    assert "Lena Sjö (mini/lena-sjo): hämtat" in current and "med Google" in current
    assert "aldrig hämtat" in never and "Olof Lund" in never
