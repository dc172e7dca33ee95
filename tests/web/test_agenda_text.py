"""The agenda page as a coordinator reads it: each accepted item's title, presenter and
minutes run on as one line ("Budget – Anna Berg, 20 min"), with no space before a comma
when a part is missing ("Kompetensförsörjning, 20 min"); a call that opens with its day
is worded as a date, not "… kl. 00.00"."""

from __future__ import annotations

import datetime as dt
import html
import re
from types import SimpleNamespace

import pytest

from cycle.agenda import CallWindow
from cycle.times import STOCKHOLM
from web.app import ENV

START = dt.datetime(2027, 1, 7, 13, 0, tzinfo=STOCKHOLM)
OPENS = dt.datetime(2026, 12, 10, tzinfo=STOCKHOLM)  # the call-for-items step's day


def _agenda_page(items: list[SimpleNamespace], opens: dt.datetime) -> str:
    meeting = SimpleNamespace(id="m1", title="Samverkansrådet", start=START, location="")
    window = CallWindow("m1", opens, START - dt.timedelta(days=21), ("mini/lena-sjo",))
    context = SimpleNamespace(
        meeting=meeting, window=window, items=items, names={"mini/anna-berg": "Anna Berg"}
    )
    return ENV.get_template("agenda.html").render(
        token="t",
        context=context,
        path="/p/t/moten/m1/dagordning",
        csrf="c",
        error=None,
        begun=True,
        record_path="/p/t/moten/m1/beslut",
        labels={},
    )


def _item(title: str, presenter: str | None, minutes: int | None) -> SimpleNamespace:
    return SimpleNamespace(
        id=title.lower(),
        title=title,
        presenter=presenter,
        minutes=minutes,
        status="accepted",
        submitted_by="mini/lena-sjo",
        description="",
        link="",
        reason="",
    )


def _shown(page: str) -> list[str]:
    """The accepted items as a reader sees them: tags dropped, spaces collapsed."""
    agenda = page.split("<h2>Dagordning", 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li>(.*?)(?:<div|</li>)", agenda, re.DOTALL)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", i)).split()) for i in items]


@pytest.mark.parametrize(
    ("presenter", "minutes", "line"),
    [
        (None, 20, "Kompetensförsörjning, 20 min"),
        ("mini/anna-berg", 20, "Kompetensförsörjning – Anna Berg, 20 min"),
        ("mini/anna-berg", None, "Kompetensförsörjning – Anna Berg"),
        (None, None, "Kompetensförsörjning"),
    ],
)
def test_an_agenda_item_reads_as_one_line_without_a_space_before_its_comma(
    presenter: str | None, minutes: int | None, line: str
) -> None:
    page = _agenda_page([_item("Kompetensförsörjning", presenter, minutes)], OPENS)
    assert _shown(page) == [line]


@pytest.mark.parametrize(
    ("opens", "worded"),
    [
        (OPENS, "från torsdag 10 december 2026 till och med"),  # a whole day: no kl. 00.00
        (OPENS.astimezone(dt.UTC), "från torsdag 10 december 2026 till och med"),
        (OPENS.replace(day=8, hour=9, minute=30), "från tisdag 8 december 2026 kl. 09.30 till"),
    ],
)
def test_a_call_that_opens_with_its_day_is_worded_as_a_date(
    opens: dt.datetime, worded: str
) -> None:
    """The call opens when its step's day begins, or at the moment the step was marked
    done earlier; only the second has a clock time worth saying."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", _agenda_page([], opens))).split())
    assert worded in text and "kl. 00.00" not in text
