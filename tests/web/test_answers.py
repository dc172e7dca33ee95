"""People answer back, end to end with real parts: the reminder run mails a real SMTP
server (aiosmtpd on 127.0.0.1), the link is taken out of the received message and used
against the web application served by uvicorn, and the database, the outbox, the audit
log and the exported feeds are read back.

Dates (Stockholm), from the mini cycle: the council meets Thursday 7 January 2027; the
call for items (Lena Sjö's task "Begär in ärenden") is due Thursday 10 December 2026, so
the call is open from then until the kallelse step's day, Thursday 17 December.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from icalendar import Calendar
from sqlalchemy import text
from sqlmodel import select

from calendars.messages import Sender
from calendars.policy import PAGE_POLICY
from cycle import CycleDefinition, WorkCalendar, plan_year
from cycle.links import Action, sign_link
from models.audit import FlowRunLog
from models.definitions import save_definition
from models.plan import save_plan
from models.tables import AgendaItem, Task
from models.tokens import live_token
from services.feeds import publish_feeds
from services.reminders import queue_reminders, send_due
from services.secret import link_key
from services.settings import Settings, SmtpSettings
from services.storage import engine_for, reading, writing
from tests.conftest import PLANNED
from tests.services.test_reminders import FROM, Sink, _free_port, local
from web.app import create_app

pytestmark = pytest.mark.slow
BASE = "https://kalender.example.se"
LENA, ANNA = "mini/lena-sjo", "mini/anna-berg"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Site:
    url: str
    settings: Settings
    clock: list[dt.datetime]
    app: object

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, follow_redirects=True)

    def exported(self) -> None:
        publisher = self.app.state.publisher  # type: ignore[attr-defined]
        assert publisher.wait(60)


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink(_free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def planned(settings: Settings, mini: Callable[..., CycleDefinition], calendar: WorkCalendar):  # type: ignore[no-untyped-def]
    d = mini()
    with writing(settings) as s:
        save_definition(s, d, now=PLANNED)
        for year in (2026, 2027):
            save_plan(s, plan_year(d, year, calendar), now=PLANNED)
    return d


@pytest.fixture
def site(settings: Settings, planned: CycleDefinition) -> Iterator[Site]:
    clock = [local("2026-12-03T09:00")]
    settings = Settings.load(
        {},
        database_url=settings.database_url,
        cycles_dir=settings.cycles_dir,
        publish_dir=settings.publish_dir,
        reports_dir=settings.reports_dir,
        public_url=BASE,
        secret_file=settings.secret_file,
        home=settings.home,
    )
    publish_feeds(settings, today=clock[0].date(), now=clock[0])

    def publish() -> None:
        publish_feeds(settings, today=clock[0].date(), now=clock[0])

    app = create_app(settings, clock=lambda: clock[0], publish=publish)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:  # the server sets it once it listens
        time.sleep(0.01)
        assert thread.is_alive()
    yield Site(f"http://127.0.0.1:{port}", settings, clock, app)
    server.should_exit = True
    thread.join(10)


def reminder_run(site: Site, d: CycleDefinition, sink: Sink, when: dt.datetime) -> int:
    """A real reminder run at ``when``: queue with signed links, send to the sink."""
    engine = engine_for(site.settings.database_url)
    queue_reminders(
        engine,
        [d],
        today=when.date(),
        sender=Sender(FROM),
        base_url=BASE,
        now=when,
        link_key=link_key(site.settings),
    )
    smtp = SmtpSettings(host="127.0.0.1", port=sink.port, sender=FROM)
    return send_due(engine, smtp, now=when).sent


AHEAD = dt.date(2026, 12, 1)  # the tasks of the meeting of 7 January 2027


def task_row(site: Site, title: str) -> Task:
    """The task of that title for the meeting of 7 January 2027."""
    with reading(site.settings) as s:
        return s.exec(
            select(Task).where(Task.title == title, Task.due >= AHEAD).order_by(Task.due)
        ).first()  # type: ignore[arg-type]


def done_links(sink: Sink, to: str, subject: str) -> list[str]:
    """The "Markera som klar" paths in the messages to ``to`` about ``subject``; the
    HTML part carries the same ones, as links that read "Markera som klar"."""
    found = []
    for rcpt, m in sink.received:
        if rcpt != to or subject not in str(m["Subject"]):
            continue
        plain = m.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = m.get_body(("html",)).get_content()  # type: ignore[union-attr]
        links = re.findall(rf"{BASE}/klar/\S+", plain)
        assert re.findall(rf'<a href="({BASE}/klar/[^"]+)">Markera som klar</a>', html) == links
        found += [u.removeprefix(BASE) for u in links]
    return found


def web_log(site: Site) -> list[FlowRunLog]:
    with reading(site.settings) as s:
        return list(
            s.exec(select(FlowRunLog).where(FlowRunLog.triggered_by.startswith("via webben")))
        )  # type: ignore[attr-defined]


def history(settings: Settings, now: dt.datetime) -> list[str]:
    """The lines ``arshjul history`` prints for the site's database."""
    from cli.main import main

    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["history", "--limit", "50", "--db", settings.database_url], now=now, out=out, err=err
    )
    assert code == 0, err.getvalue()
    return out.getvalue().splitlines()


def post_form(
    client: httpx.Client, page: str, action: str | None = None, **fields: str
) -> httpx.Response:
    """Open ``page``, take the form token of its form for ``action`` (default: the page
    itself), and post the fields there."""
    action = action or page
    shown = client.get(page)
    token = re.search(
        rf'action="{re.escape(action)}"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"',
        shown.text,
    )
    assert token, shown.text
    return client.post(action, data={"csrf": token.group(1), **fields})


def test_done_from_the_email_marks_once_and_stops_the_reminders(
    site: Site, planned: CycleDefinition, sink: Sink
) -> None:
    # 3 December: the prompt for "Begär in ärenden" reaches Lena with her link
    assert reminder_run(site, planned, sink, local("2026-12-03T07:00")) > 0
    links = done_links(sink, "lena.sjo@example.se", "Begär in ärenden")
    assert links
    link = links[0]
    task = task_row(site, "Begär in ärenden till dagordningen")
    with site.client() as c:
        # a mail scanner opens every link: nothing changes
        for _ in range(2):
            page = c.get(link)
            assert page.status_code == 200 and "Markera som klar" in page.text
        assert task_row(site, task.title).status == "open"
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        done = c.post(link, data={"csrf": token})
        assert done.status_code == 200 and "Klart!" in done.text and "Ångra" in done.text
        assert "redan klar" in c.get(link).text  # a second click
        replayed = c.post(link, data={"csrf": token})
        assert replayed.status_code == 200 and "redan klar" in replayed.text
    assert task_row(site, task.title).status == "done"
    logged = web_log(site)
    assert [(r.flow, r.triggered_by) for r in logged] == [("task-done", f"via webben ({LENA})")]
    # the reminder day: nothing more about that task, to anyone
    before = len(sink.received)
    reminder_run(site, planned, sink, local("2026-12-09T07:00"))
    later = [m for _, m in sink.received[before:] if task.title in str(m["Subject"])]
    assert later == []
    # Lena's own feed shows it completed
    site.exported()
    with reading(site.settings) as s:
        token = live_token(s, LENA)
    feed = Calendar.from_ical((site.settings.publish_dir / "p" / f"{token}.ics").read_bytes())
    todo = next(c for c in feed.walk("VTODO") if str(c["UID"]).startswith(task.id))
    assert str(todo["STATUS"]) == "COMPLETED" and int(todo["PERCENT-COMPLETE"]) == 100


def test_undo_reopens_within_the_window_only(
    site: Site, planned: CycleDefinition, sink: Sink
) -> None:
    reminder_run(site, planned, sink, local("2026-12-03T07:00"))
    link = done_links(sink, "lena.sjo@example.se", "Begär in ärenden")[0]
    title = "Begär in ärenden till dagordningen"
    with site.client() as c:
        post_form(c, link)
        undo = CSRF.search(c.get(link).text).group(1)  # type: ignore[union-attr]
        undone = c.post(link + "/angra", data={"csrf": undo})
        assert "öppen igen" in undone.text and task_row(site, title).status == "open"
        post_form(c, link)
        undo = CSRF.search(c.get(link).text).group(1)  # type: ignore[union-attr]
        site.clock[0] += dt.timedelta(hours=25)
        late = c.post(link + "/angra", data={"csrf": undo})
        assert task_row(site, title).status == "done" and "Ångra" not in late.text
    assert [r.flow for r in web_log(site)] == ["task-done", "task-undone", "task-done"]


def test_forged_expired_and_other_peoples_links_are_refused(site: Site) -> None:
    key = link_key(site.settings)
    task = task_row(site, "Begär in ärenden till dagordningen")
    good = sign_link(key, Action.DONE, LENA, task.id, expires=dt.date(2027, 1, 31))
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    stranger = sign_link(key, Action.DONE, ANNA, task.id, expires=dt.date(2027, 1, 31))
    other_key = sign_link(b"x" * 32, Action.DONE, LENA, task.id, expires=dt.date(2027, 1, 31))
    expired = sign_link(key, Action.DONE, LENA, task.id, expires=dt.date(2026, 12, 2))
    with site.client() as c:
        assert c.get(f"/klar/{forged}").status_code == 404
        assert c.get(f"/klar/{other_key}").status_code == 404
        gone = c.get(f"/klar/{expired}")
        assert gone.status_code == 410 and "gått ut" in gone.text
        # a link for someone who does not hold the task shows it but cannot mark it
        refused = post_form(c, f"/klar/{stranger}")
        assert refused.status_code == 403 and "inte längre på dig" in refused.text
        # a form token is bound to its page: one taken from another link does not work
        page = c.get(f"/klar/{good}")
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        assert c.post(f"/klar/{stranger}", data={"csrf": token}).status_code == 403
        assert c.post(f"/klar/{good}", data={}).status_code == 403  # no token
        cross = c.post(
            f"/klar/{good}", data={"csrf": token}, headers={"origin": "https://evil.example"}
        )
        assert cross.status_code == 403
    assert task_row(site, task.title).status == "open" and web_log(site) == []


def test_two_clicks_at_once_mark_once(site: Site) -> None:
    key = link_key(site.settings)
    task = task_row(site, "Begär in ärenden till dagordningen")
    link = f"/klar/{sign_link(key, Action.DONE, LENA, task.id, expires=dt.date(2027, 1, 31))}"
    with site.client() as c:
        token = CSRF.search(c.get(link).text).group(1)  # type: ignore[union-attr]
    barrier = threading.Barrier(4)
    answers: list[str] = []

    def click() -> None:
        with site.client() as c:
            barrier.wait()
            answers.append(c.post(link, data={"csrf": token}).text)

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum("Klart!" in a for a in answers) == 1
    assert sum("redan klar" in a for a in answers) == 3
    assert len(web_log(site)) == 1


def test_an_item_sent_and_accepted_is_in_the_kallelse_and_the_feed(
    site: Site, planned: CycleDefinition, sink: Sink
) -> None:
    site.clock[0] = local("2026-12-11T10:00")  # the call is open
    with reading(site.settings) as s:
        anna, lena = live_token(s, ANNA), live_token(s, LENA)
        meeting = task_row(site, "Begär in ärenden till dagordningen").meeting
    form = f"/p/{anna}/moten/{meeting}/arende"
    with site.client() as c:
        page = c.get(f"/p/{anna}/")
        assert "Skicka in ett ärende" in page.text
        # the call closes when the kallelse day (Thursday 17 December) begins
        assert "till och med onsdag 16 december 2026." in c.get(form).text
        sent = post_form(
            c,
            form,
            titel="Kollektivtrafiken <script>alert(1)</script>",
            beskrivning="Läget efter upphandlingen.",
            foredragande=ANNA,
            minuter="20",
            lank="",
        )
        assert sent.status_code == 200 and "är inskickat" in sent.text
        assert "<script>alert(1)</script>" not in sent.text  # shown escaped
        agenda = f"/p/{lena}/moten/{meeting}/dagordning"
        assert c.get(f"/p/{anna}/moten/{meeting}/dagordning").status_code == 403  # not hers
        with reading(site.settings) as s:
            item = s.exec(select(AgendaItem).where(AgendaItem.meeting == meeting)).one()
        assert item.status == "proposed" and item.title.startswith("Kollektivtrafiken <script>")
        no_reason = post_form(c, agenda, arende=item.id, beslut="reject", skal="")
        assert no_reason.status_code == 422 and "varför" in no_reason.text
        accepted = post_form(c, agenda, arende=item.id, beslut="accept")
        assert accepted.status_code == 200 and "Dagordning (1)" in accepted.text
    # the kallelse on 17 December carries the agenda; Anna was told on the day it was decided
    reminder_run(site, planned, sink, local("2026-12-11T10:05"))
    reminder_run(site, planned, sink, local("2026-12-17T07:00"))
    subjects = [(rcpt, str(m["Subject"])) for rcpt, m in sink.received]
    assert ("anna.berg@example.se", f"Ditt ärende är med på dagordningen: {item.title}") in subjects
    kallelse = next(m for rcpt, m in sink.received if str(m["Subject"]).startswith("Kallelse"))
    text = kallelse.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Dagordning:" in text and "Kollektivtrafiken" in text and "20 min" in text
    site.exported()
    feed = Calendar.from_ical(next((site.settings.publish_dir).rglob("radet.ics")).read_bytes())
    event = next(e for e in feed.walk("VEVENT") if str(e["UID"]).startswith(meeting))
    assert "Kollektivtrafiken" in str(event["DESCRIPTION"])


def test_bad_input_gets_a_swedish_answer_and_nothing_is_stored(site: Site) -> None:
    site.clock[0] = local("2026-12-11T10:00")
    with reading(site.settings) as s:
        anna = live_token(s, ANNA)
        meeting = task_row(site, "Begär in ärenden till dagordningen").meeting
    form = f"/p/{anna}/moten/{meeting}/arende"
    with site.client() as c:
        for fields, says in (
            ({"titel": "   "}, "rubrik"),
            ({"titel": "x" * 121}, "högst 120"),
            ({"titel": "Budget", "minuter": "tre"}, "hela minuter"),
            ({"titel": "Budget", "lank": "javascript:alert(1)"}, "https://"),
            ({"titel": "Budget", "foredragande": "mini/okand"}, "föredragande"),
        ):
            answer = post_form(c, form, **fields)
            assert answer.status_code == 422 and says in answer.text, fields
        token = CSRF.search(c.get(form).text).group(1)  # type: ignore[union-attr]
        big = c.post(form, data={"csrf": token, "beskrivning": "x" * 20_000, "titel": "Stor"})
        assert big.status_code == 413
    with reading(site.settings) as s:
        assert s.exec(select(AgendaItem)).all() == []


def test_guessing_tokens_is_slowed_down(site: Site) -> None:
    with site.client() as c:
        codes = [c.get(f"/p/{'g' * 31}{n}/").status_code for n in range(25)]
    assert codes[:20] == [404] * 20 and codes[-1] == 429


def test_pages_carry_strict_headers(site: Site) -> None:
    with reading(site.settings) as s:
        token = live_token(s, LENA)
    with site.client() as c:
        page = c.get(f"/p/{token}/")
    assert page.status_code == 200 and "Hej Lena Sjö!" in page.text
    h = page.headers
    assert "frame-ancestors 'none'" in h["content-security-policy"]
    # scripts and styles only from the site itself, never inline
    assert h["content-security-policy"] == PAGE_POLICY
    assert "unsafe-inline" not in PAGE_POLICY and "script-src 'self'" in PAGE_POLICY
    assert h["referrer-policy"] == "no-referrer" and h["x-frame-options"] == "DENY"
    assert h["cache-control"] == "no-store"


def test_a_new_link_retires_the_old_page(site: Site) -> None:
    with reading(site.settings) as s:
        old = live_token(s, LENA)
    with site.client() as c:
        moved = post_form(c, f"/p/{old}/", f"/p/{old}/ny-lank")
        assert moved.status_code == 200 and "ny länk" in moved.text
        assert c.get(f"/p/{old}/").status_code == 404
    with reading(site.settings) as s:
        assert live_token(s, LENA) != old


def test_a_kept_page_is_shown_again_until_a_write_or_the_clock_changes_it(site: Site) -> None:
    with reading(site.settings) as s:
        lena = live_token(s, LENA)
    task = task_row(site, "Begär in ärenden till dagordningen")
    page = f"/p/{lena}/"
    with site.client() as c:
        assert task.title in c.get(page).text
        # a change behind the write path's back (no write_session, so no new data
        # version): the kept page is what is shown – the proof that it is kept
        with engine_for(site.settings.database_url).begin() as conn:
            conn.execute(
                text("UPDATE task SET title = :t WHERE id = :id"),
                {"t": "Dold titel", "id": task.id},
            )
        assert task.title in c.get(page).text and "Dold titel" not in c.get(page).text
        # any write through the write path, by anyone (here: as a command would), is
        # seen at once
        with writing(site.settings) as s:
            row = s.get(Task, task.id)
            assert row is not None
            row.title = "Begär in ärenden (ny titel)"
        assert "Begär in ärenden (ny titel)" in c.get(page).text
        # done at 09:00 on 3 December: "Ångra" is offered until 09:00 on 4 December,
        # not a second longer, though the page was built half a minute earlier
        post_form(c, page, f"{page}uppgifter/{task.id}/klar")
        site.clock[0] = local("2026-12-04T08:59:30")
        assert "Ångra" in c.get(page).text
        site.clock[0] = local("2026-12-04T09:00:01")
        assert "Ångra" not in c.get(page).text


def test_the_secret_file_is_made_private(tmp_path: Path) -> None:
    settings = Settings.load({}, secret_file=tmp_path / "k.secret")
    first = link_key(settings)
    assert (tmp_path / "k.secret").stat().st_mode & 0o777 == 0o600
    assert link_key(settings) == first and len(first) >= 32


def test_the_person_page_shows_their_coming_weeks_of_work(site: Site) -> None:
    from models.tables import TaskAssignee

    with reading(site.settings) as s:
        lena = live_token(s, LENA)
        due = [
            t.due
            for t in s.exec(
                select(Task)
                .join(TaskAssignee, TaskAssignee.task == Task.id)  # type: ignore[arg-type]
                .where(TaskAssignee.person == LENA, Task.status == "open")
            )
        ]
    monday = dt.date(2026, 11, 30)  # the week of 3 December 2026
    expected = [
        sum(
            1
            for d in due
            if monday + dt.timedelta(weeks=w) <= d < monday + dt.timedelta(weeks=w + 1)
        )
        for w in range(8)
    ]
    assert sum(expected) >= 3  # the January meeting's chain falls in these weeks

    def shown(page: str) -> list[tuple[str, int]]:
        part = page.split('id="belastning"')[1].split("</table>")[0]
        return [
            (week, int(n))
            for week, n in re.findall(r'<th scope="row">(v\. \d+) .*?</td>\s*<td>(\d+)', part, re.S)
        ]

    with site.client() as c:
        page = c.get(f"/p/{lena}/").text
        assert "Din belastning de kommande veckorna" in page
        weeks = shown(page)
        assert [w for w, _ in weeks] == [
            f"v. {49 + i if 49 + i <= 53 else 49 + i - 53}" for i in range(8)
        ]
        assert [n for _, n in weeks] == expected
        # done work is no longer load
        task = task_row(site, "Begär in ärenden till dagordningen")
        post_form(c, f"/p/{lena}/", f"/p/{lena}/uppgifter/{task.id}/klar")
        after = [n for _, n in shown(c.get(f"/p/{lena}/").text)]
        assert sum(after) == sum(expected) - 1


def decided(site: Site) -> dict[str, str]:
    """A decision at the January council with assignments to Lena, to her group and to
    Anna; returns the assignments' ids by title."""
    from cycle.decisionfile import parse_decisions
    from models.decisions import Commission
    from services.yearly import store_decisions
    from tests.cycle.test_decisionfile import DECIDED

    text = DECIDED.replace("report_to = 2027-05-06", "report_to = 2027-05-10") + (
        '\n[[decision.assignment]]\ntitle = "Bjud in regionerna"\nowner = "person:anna-berg"\n'
        "due = 2027-02-26\n"
    )
    site.clock[0] = local("2027-01-08T09:00")  # the day after the council
    store_decisions(site.settings, parse_decisions(text, "beslut.toml"), now=site.clock[0])
    with reading(site.settings) as s:
        return {c.title: c.id for c in s.exec(select(Commission))}


def test_owners_report_on_their_assignments_from_their_page(site: Site) -> None:
    from models.decisions import CommissionReport

    ids = decided(site)
    with reading(site.settings) as s:
        lena, anna = live_token(s, LENA), live_token(s, ANNA)
    with site.client() as c:
        page = c.get(f"/p/{lena}/").text
        assert "Dina uppdrag" in page
        assert "Ta fram underlag" in page and "Samordna remissvaren" in page  # hers, her group's
        assert "Bjud in regionerna" not in page  # Anna's
        action = f"/p/{lena}/uppdrag/{ids['Ta fram underlag']}/rapport"
        answer = post_form(c, f"/p/{lena}/", action, status="pågår", text="Enkät skickad")
        assert answer.status_code == 200 and "Din rapport om uppdraget är sparad." in answer.text
        assert "senaste rapport: Enkät skickad" in answer.text
        again = post_form(c, f"/p/{lena}/", action, status="pågår", text="Enkät skickad")
        assert "Rapporten var densamma som förra gången" in again.text
        # someone else's assignment, a derived status, another person's page: refused
        assert (
            post_form(
                c,
                f"/p/{anna}/",
                f"/p/{anna}/uppdrag/{ids['Bjud in regionerna']}/rapport",
                status="försenat",
            ).status_code
            == 422
        )
        token = re.search(r'name="csrf" value="([^"]+)"', c.get(f"/p/{anna}/").text)
        assert token is not None
        refused = c.post(
            f"/p/{anna}/uppdrag/{ids['Ta fram underlag']}/rapport",
            data={"csrf": token.group(1), "status": "klart"},
        )
        assert refused.status_code in (403, 404)
    with reading(site.settings) as s:
        reports = s.exec(select(CommissionReport)).all()
    assert [(r.by, r.status, r.text) for r in reports] == [(LENA, "pågår", "Enkät skickad")]
    # the report is an act in the history, by her, from the web; the repeat is not
    logged = history(site.settings, site.clock[0])
    reported = [line for line in logged if "assignment-reported(" in line]
    assert len(reported) == 1 and reported[0].endswith(f"utlöst av: via webben ({LENA})")
    assert "    Rapport om uppdraget Ta fram underlag: pågår – Enkät skickad" in logged
