"""``arshjul remind|outbox|tasks|check`` as an official or admin uses them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from cli.main import main
from tests.conftest import NOW
from tests.services.test_reminders import Sink, _free_port

TODAY = dt.date(2026, 11, 23)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), today=TODAY, now=NOW, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("prefect_backend")
def test_remind_previews_then_sends_and_the_outbox_shows_it(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    code, out, _ = run("remind", "--dry-run", "--now", "2026-12-17T07:00")
    assert code == 0 and out.startswith("Skulle skicka ")
    assert "Kallelse: Samverkansrådet torsdag 7 januari 2027" in out
    assert "får ingen e-post: Karin Ek (ingen adress)" in out
    assert run("outbox")[1] == "Utkorgen är tom.\n"  # a dry run queues nothing

    code, _, err = run("remind", "--now", "2026-12-17T07:00")
    assert code == 2 and "ARSHJUL_SMTP_HOST" in err  # no SMTP configured: said, not ignored

    sink = Sink(_free_port())
    sink.start()
    try:
        monkeypatch.setenv("ARSHJUL_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ARSHJUL_SMTP_PORT", str(sink.port))
        monkeypatch.setenv("ARSHJUL_SMTP_FROM", "arshjul@region.example.se")
        code, out, _ = run("remind", "--now", "2026-12-17T07:00")
        assert code == 0 and "skickade" in out and len(sink.received) > 0
        sent = len(sink.received)
        assert run("remind", "--now", "2026-12-17T07:00")[0] == 0
        assert len(sink.received) == sent  # the second run sends nothing again
    finally:
        sink.stop()
    code, out, _ = run("outbox", "--status", "sent")
    assert code == 0 and "skickat" in out and "Kallelse: Samverkansrådet" in out


def test_tasks_list_and_done(workspace: Path) -> None:
    assert run("plan", "--year", "2027", "--org", "mini")[0] == 0
    code, out, _ = run("tasks", "--person", "mini/lena-sjo")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("Senare (")  # nothing is late on 23 November
    first = lines[1]
    assert "senast torsdag 10 december 2026: Begär in ärenden" in first
    task = first.split()[0]
    code, out, _ = run("tasks", "done", task)
    assert code == 0 and out.startswith("Klar: Begär in ärenden")
    assert task not in run("tasks", "--person", "mini/lena-sjo")[1]
    everything = run("tasks", "--person", "mini/lena-sjo", "--all")[1]
    assert everything.split("Klara (1):\n")[1].startswith(f"  {task}  senast")
    code, _, err = run("tasks", "done", "finns-inte")
    assert code == 2 and "okänd uppgift" in err


def test_check_lists_people_without_e_mail(workspace: Path) -> None:
    code, out, _ = run("check", "--cycles", str(workspace / "cycles"))
    assert code == 0
    assert "saknar e-postadress (får inga påminnelser): Karin Ek [mini/karin-ek]" in out
    assert "Fredrik Larsson [varmland/fredrik-larsson]" in out
