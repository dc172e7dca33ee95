"""The agenda page as a coordinator reads it: each accepted item's title, presenter and
minutes run on as one line ("Budget – Anna Berg, 20 min"), with no space before a comma
when a part is missing ("Kompetensförsörjning, 20 min")."""

from __future__ import annotations

import datetime as dt
import html
import re
from types import SimpleNamespace

import pytest

from cycle.times import STOCKHOLM
from web.app import ENV

START = dt.datetime(2027, 1, 7, 13, 0, tzinfo=STOCKHOLM)


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
    meeting = SimpleNamespace(id="m1", title="Samverkansrådet", start=START, location="")
    window = SimpleNamespace(opens=START - dt.timedelta(days=30), closes=START)
    context = SimpleNamespace(
        meeting=meeting,
        window=window,
        items=[_item("Kompetensförsörjning", presenter, minutes)],
        names={"mini/anna-berg": "Anna Berg"},
    )
    page = ENV.get_template("agenda.html").render(
        token="t",
        context=context,
        path="/p/t/moten/m1/dagordning",
        csrf="c",
        error=None,
        begun=True,
        record_path="/p/t/moten/m1/beslut",
        labels={},
    )
    assert _shown(page) == [line]
