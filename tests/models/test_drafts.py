"""Next year's drafted assignments follow the follow-up: a draft whose work was finished
since the last run is taken away; one an admin took beyond draft stays."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlmodel import select

from cycle.yearly import AssignmentDraft, AssignmentStatus
from models.database import read_session, write_session
from models.definitions import save_definition
from models.yearly import Assignment, save_assignment_drafts
from tests.conftest import PLANNED

NOW = dt.datetime(2027, 11, 8, 7, tzinfo=dt.UTC)


def _draft(key: str) -> AssignmentDraft:
    return AssignmentDraft(key, 2028, f"Slutför uppdraget: {key}", "", key)


def test_a_finished_items_draft_is_taken_away_and_a_taken_one_stays(
    engine: Engine,
    mini,  # type: ignore[no-untyped-def]
) -> None:
    with write_session(engine) as s:
        save_definition(s, mini(), now=PLANNED)
        s.flush()
        written = save_assignment_drafts(
            s,
            organisation="mini",
            drafts=[_draft("a"), _draft("b"), _draft("c")],
            now=NOW,
            for_year=2028,
        )
        assert written == 3
        taken = s.get(Assignment, "c")
        assert taken is not None
        taken.status = AssignmentStatus.CLOSED.value
        s.add(taken)
    with write_session(engine) as s:  # a week later only "a" is still open
        assert (
            save_assignment_drafts(
                s, organisation="mini", drafts=[_draft("a")], now=NOW, for_year=2028
            )
            == 1
        )
    with write_session(engine) as s:  # and again: nothing changes
        assert (
            save_assignment_drafts(
                s, organisation="mini", drafts=[_draft("a")], now=NOW, for_year=2028
            )
            == 0
        )
    with read_session(engine) as s:
        assert sorted(a.id for a in s.exec(select(Assignment))) == ["a", "c"]
