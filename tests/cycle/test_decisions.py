"""Decisions and assignments, pure: the derived late status and what may be reported."""

from __future__ import annotations

import datetime as dt

import pytest

from cycle import PlanError
from cycle.decisions import (
    CommissionStatus,
    Publicity,
    check_publicity,
    parse_owner,
    reportable,
    status_on,
)

DUE = dt.date(2027, 4, 30)


@pytest.mark.parametrize(
    ("stored", "today", "shown"),
    [
        (CommissionStatus.EJ_PABORJAT, DUE, CommissionStatus.EJ_PABORJAT),  # the due day itself
        (CommissionStatus.EJ_PABORJAT, DUE + dt.timedelta(days=1), CommissionStatus.FORSENAT),
        (CommissionStatus.PAGAR, DUE + dt.timedelta(days=1), CommissionStatus.FORSENAT),
        (CommissionStatus.KLART, DUE + dt.timedelta(days=90), CommissionStatus.KLART),
        (CommissionStatus.AVBRUTET, DUE + dt.timedelta(days=90), CommissionStatus.AVBRUTET),
    ],
)
def test_open_work_past_its_time_frame_is_late(
    stored: CommissionStatus, today: dt.date, shown: CommissionStatus
) -> None:
    assert status_on(stored, DUE, today) is shown


def test_late_is_derived_and_cannot_be_reported() -> None:
    assert reportable("pågår") is CommissionStatus.PAGAR
    with pytest.raises(ValueError):
        reportable("försenat")


def test_a_restriction_needs_a_reason_and_a_public_item_keeps_none() -> None:
    assert check_publicity(Publicity.BEGRANSAD, " OSL 21 kap. ") == "OSL 21 kap."
    assert check_publicity(Publicity.OFFENTLIG, "glömt") == ""
    with pytest.raises(PlanError, match="behöver ett skäl"):
        check_publicity(Publicity.BEGRANSAD, " ")


def test_an_owner_is_a_person_or_a_body() -> None:
    assert str(parse_owner("person:lena-sjo")) == "person:lena-sjo"
    for bad in ("lena-sjo", "grupp:x", "person:"):
        with pytest.raises(PlanError, match="person:<id> eller body:<slug>"):
            parse_owner(bad)
