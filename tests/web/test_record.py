"""The meeting's record on the web: its coordinators record decisions and the assignments
they give on the meeting's page, through the real app on a real server, with a real
database behind it; bad input gets a Swedish error and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from cycle import CycleDefinition
from cycle.errors import DefinitionError
from models.decisions import Commission, Decision
from models.tables import AgendaItem, Meeting, Task
from models.tokens import live_token
from services.minutes import record_decision_on_page
from services.storage import reading
from tests.services.test_reminders import local
from tests.web.test_answers import ANNA, LENA, Site, history, post_form

pytestmark = pytest.mark.slow
KARIN = "mini/karin-ek"


def meeting_on(site: Site, day: str) -> Meeting:
    with reading(site.settings) as s:
        start = local(f"{day}T00:00")
        return s.exec(
            select(Meeting).where(
                Meeting.series == "mini/radsmoten",
                col(Meeting.start) >= start,
                col(Meeting.start) < start + dt.timedelta(days=1),
            )
        ).one()


def counts(site: Site) -> tuple[int, int]:
    with reading(site.settings) as s:
        return (
            s.exec(select(func.count()).select_from(Decision)).one(),
            s.exec(select(func.count()).select_from(Commission)).one(),
        )


def test_decisions_wait_until_the_meeting_is_held(site: Site) -> None:
    january = meeting_on(site, "2027-01-07")
    with reading(site.settings) as s:
        lena = live_token(s, LENA)
    with site.client() as c:
        page = c.get(f"/p/{lena}/moten/{january.id}/beslut")
    assert page.status_code == 200
    assert "Beslut registreras från mötets start, torsdag 7 januari 2027 kl. 13.00" in page.text
    assert 'name="atgard" value="beslut"' not in page.text
    with pytest.raises(DefinitionError, match="har inte börjat än"):
        record_decision_on_page(
            site.settings, LENA, january.id, {"titel": "För tidigt"}, now=site.clock[0]
        )
    assert counts(site) == (0, 0)


def test_a_coordinator_records_decisions_and_assignments_on_the_meetings_page(
    site: Site,
    planned: CycleDefinition,
) -> None:
    january, may = (
        meeting_on(site, "2027-01-07"),
        meeting_on(site, "2027-05-10"),
    )  # moved off Kristi himmelsfärd
    site.clock[0] = local("2027-01-07T15:30")  # the council is meeting
    with reading(site.settings) as s:
        lena, karin = live_token(s, LENA), live_token(s, KARIN)
    page = f"/p/{lena}/moten/{january.id}/beslut"
    with site.client() as c:
        # Lena holds the council's call and kallelse: her page links to the record
        assert page in c.get(f"/p/{lena}/").text
        assert c.get(f"/p/{karin}/moten/{january.id}/beslut").status_code == 403
        shown = c.get(page)
        assert shown.status_code == 200 and "Registrera ett beslut" in shown.text
        # bad input: a Swedish error by the field, the values kept, nothing written
        answer = post_form(c, page, atgard="beslut", titel=" ", typ="beslut")
        assert answer.status_code == 422 and "Ge beslutet en rubrik" in answer.text
        answer = post_form(
            c, page, atgard="beslut", titel="Sekretess", offentlighet="begränsad", skal=""
        )
        assert answer.status_code == 422 and "behöver ett skäl" in answer.text
        assert 'value="Sekretess"' in answer.text
        assert counts(site) == (0, 0)
        # a decision: stored, and the council's minutes count as written
        answer = post_form(
            c,
            page,
            atgard="beslut",
            titel="Gemensam kartläggning",
            typ="ställningstagande",
            text="Rådet står bakom en kartläggning.",
            offentlighet="offentlig",
        )
        assert answer.status_code == 200 and "Beslutet är registrerat" in answer.text
        assert counts(site) == (1, 0)
        with reading(site.settings) as s:
            decision = s.exec(select(Decision)).one()
            minutes = s.exec(
                select(Task).where(Task.meeting == january.id, Task.step == "minnesanteckningar")
            ).one()
        assert (decision.kind, decision.meeting) == ("ställningstagande", january.id)
        assert minutes.status == "done"
        # the same form sent twice (a double click) is the same decision, not an error
        twice = post_form(
            c,
            page,
            atgard="beslut",
            titel="Gemensam kartläggning",
            typ="ställningstagande",
            text="Rådet står bakom en kartläggning.",
            offentlighet="offentlig",
        )
        assert twice.status_code == 200 and counts(site) == (1, 0)
        again = post_form(c, page, atgard="beslut", titel="Gemensam kartläggning")
        assert again.status_code == 422 and "redan ett beslut med den rubriken" in again.text
        # an assignment: a time frame before the decision, an owner not offered – refused
        fields = {
            "atgard": "uppdrag",
            "beslut": decision.id,
            "titel": "Kartlägg behoven",
            "agare": "person:lena-sjo",
            "tidsram": "2027-04-30",
            "aterrapport": may.id,
            "offentlighet": "offentlig",
        }
        early = post_form(c, page, **(fields | {"tidsram": "2026-12-31"}))
        assert early.status_code == 422 and "ska vara klart efter beslutet" in early.text
        stranger = post_form(c, page, **(fields | {"agare": "person:någon-annan"}))
        assert stranger.status_code == 422 and "Välj vem som äger uppdraget" in stranger.text
        assert counts(site) == (1, 0)
        assert post_form(c, page, **fields).status_code == 200
        assert counts(site) == (1, 1)
        # the owner sees it on her page; the May council has it on its agenda
        assert "Kartlägg behoven" in c.get(f"/p/{lena}/").text
        with reading(site.settings) as s:
            items = s.exec(select(AgendaItem.title).where(AgendaItem.meeting == may.id)).all()
            commission = s.exec(select(Commission)).one()
        assert "Återrapportering: Kartlägg behoven" in items
        assert commission.report_meeting == may.id and commission.due == dt.date(2027, 4, 30)
        # recorded by mistake: taken back, with its report-back item
        assert post_form(c, page, atgard="ta-bort", id=commission.id).status_code == 200
        assert counts(site) == (1, 0)
        with reading(site.settings) as s:
            items = s.exec(select(AgendaItem.title).where(AgendaItem.meeting == may.id)).all()
        assert "Återrapportering: Kartlägg behoven" not in items
        # once reported on, an assignment is history: it cannot be taken back
        assert post_form(c, page, **fields).status_code == 200
        with reading(site.settings) as s:
            commission = s.exec(select(Commission)).one()
        report = f"/p/{lena}/uppdrag/{commission.id}/rapport"
        assert post_form(c, f"/p/{lena}/", report, status="pågår").status_code == 200
        refused = post_form(c, page, atgard="ta-bort", id=decision.id)
        assert refused.status_code == 422 and "är historia" in refused.text
        assert counts(site) == (1, 1)
    # each act is in the history, the correction too, by Lena from the web
    logged = history(site.settings, site.clock[0])
    acts = [line.split("  ")[1].partition("(")[0] for line in logged if line[:2] == "20"]
    assert sorted(acts) == [  # one moment on the test's clock: sorted, not in order
        "assignment-recorded",
        "assignment-recorded",
        "assignment-reported",
        "decision-recorded",
        "decision-recorded",
        "record-corrected",
    ], logged
    assert "    Borttaget ur mötets beslut via webben: Kartlägg behoven" in logged
    assert all(
        line.endswith(f"utlöst av: via webben ({LENA})") for line in logged if line[:2] == "20"
    )


def test_only_those_who_keep_the_record_see_its_page(site: Site) -> None:
    site.clock[0] = local("2027-01-08T09:00")
    january = meeting_on(site, "2027-01-07")
    with reading(site.settings) as s:
        anna = live_token(s, ANNA)  # the chair: she writes the minutes
    with site.client() as c:
        assert c.get(f"/p/{anna}/moten/{january.id}/beslut").status_code == 200
        assert c.get(f"/p/{anna}/moten/okänt/beslut").status_code == 404
        # the minutes task on her page links to the record
        assert f"/p/{anna}/moten/{january.id}/beslut" in c.get(f"/p/{anna}/").text
