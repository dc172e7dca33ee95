"""`arshjul demo` shows the whole loop on any day: an example meeting whose call for
agenda items is open today, its item form, agenda, a "klar" link and a record page –
and a second run changes nothing, the demo mailbox included."""

from __future__ import annotations

import datetime as dt
import email
import io
import os
from email.policy import default
from pathlib import Path

import anyio
import httpx
import pytest

from cli.main import main
from cycle.times import STOCKHOLM
from services.mailsink import kept_message_ids
from services.settings import SHIPPED_CYCLES, Settings
from web.app import create_app


def demo(now: dt.datetime) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["demo", "--no-serve", "--cycles", str(SHIPPED_CYCLES)],
        today=now.astimezone(STOCKHOLM).date(),
        now=now,
        out=out,
        err=err,
    )
    assert code == 0, err.getvalue()
    return out.getvalue()


class Client:
    """GET requests to the app in this process, through httpx's ASGI transport (the app
    runs on the test's clock, which a server process could not share)."""

    def __init__(self, app: object) -> None:
        self.app = app

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)  # type: ignore[arg-type]
            async with httpx.AsyncClient(transport=transport, base_url="http://demo") as c:
                return await c.get(path, headers=headers)

        return anyio.run(fetch)


def tryout_links(out: str, base: str = "http://127.0.0.1:8000") -> dict[str, str]:
    """The tryout lines `arshjul demo` prints ("Prova hela kedjan"), as paths on the
    site at ``base``."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Prova hela kedjan: "))
    found = {}
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        what, _, url = line.strip().rpartition(": ")
        found[what.split(":")[0]] = url.removeprefix(base)
    return found


@pytest.mark.parametrize(
    "day",
    ["2026-12-08", "2027-07-14", "2027-03-31", "2027-01-04"],  # December, July, spring, January
)
def test_the_demo_opens_a_call_for_items_today_and_a_rerun_changes_nothing(
    day: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "hem"
    monkeypatch.setenv("ARSHJUL_HOME", str(home))
    now = dt.datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=STOCKHOLM)
    first = demo(now)
    links = tryout_links(first)
    person, *pages = links  # "<name>s sida", then the pages of the loop
    assert person.endswith("s sida")
    assert pages == [
        "Skicka in ett ärende",
        "Dagordningen (godkänn ärenden)",
        "Markera som klar",
        "Beslut och uppdrag",
    ]
    mail = home / "demo-post"
    count = len(list(mail.glob("*.eml")))
    assert count > 0 and len(kept_message_ids(mail)) == count

    # every page of the loop opens, today, in the web app the demo starts
    settings = Settings.load(os.environ, cycles_dir=SHIPPED_CYCLES)
    app = create_app(settings, static_dir=settings.publish_dir, mail_dir=mail, clock=lambda: now)
    client = Client(app)
    for what, path in links.items():
        page = client.get(path)
        assert page.status_code == 200, (what, path)
    form = client.get(links["Skicka in ett ärende"]).text
    assert "Skicka in ärendet</button>" in form  # the call is open: the form is there
    klar = client.get(links["Markera som klar"]).text
    assert "Markera som klar</button>" in klar
    record = client.get(links["Beslut och uppdrag"]).text
    assert "Registrerade beslut" in record  # held: decisions can be recorded
    # a message in the mailbox, inside the site's frame: its inline styles (which
    # the page's policy blocks) left out here, kept in the message as sent
    shown = client.get("/_/post/0001").text
    assert '<link rel="stylesheet" href="/_/arshjul.css">' in shown
    assert 'class="mail"' in shown and "style=" not in shown and "<style" not in shown
    sent = email.message_from_bytes((mail / "0001.eml").read_bytes(), policy=default)
    html = sent.get_body(preferencelist=("html",))
    assert html is not None and 'style="overflow-wrap:anywhere"' in html.get_content()
    # an address that is not there: the site's error page for a browser, plain text
    # for a calendar client
    page = client.get("/o/finns-inte", headers={"accept": "text/html,*/*"})
    assert page.status_code == 404 and "<h1>Sidan finns inte</h1>" in page.text
    plain = client.get("/o/finns-inte.ics", headers={"accept": "text/calendar"})
    assert plain.status_code == 404 and plain.text == "Hittades inte.\n"

    # the same demo again, a minute later: nothing new in the database, the export or
    # the mailbox, and the same meeting to try
    second = demo(now + dt.timedelta(minutes=1))
    assert "Inget har ändrats sedan förra exporten" in second
    assert "0 nya förhandsvisningar" in second
    assert "demon öppnade inlämningen" not in second
    assert len(list(mail.glob("*.eml"))) == count
    assert tryout_links(second)["Skicka in ett ärende"] == links["Skicka in ett ärende"]
