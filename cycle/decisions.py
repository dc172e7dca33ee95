"""Decisions and the assignments (uppdrag) they give, as pure values and rules.

A decision (beslut, or a body's ställningstagande) belongs to a meeting and, when it was
taken on one, an agenda item. It may give assignments: each has an owner (a person or a
body), a due date and, optionally, the meeting it reports back to. Municipal audits ask
the same of decision follow-up every year – a time frame for every assignment, a status
system, a report of what is still open – so the statuses are few and one is never
stored: an assignment not finished by its due date *is* late (``försenat``), derived
from the day, the way tasks are.

Every decision and assignment is public (``offentlig``) unless a reason is given to
restrict it (a secrecy provision, say); a restricted one is never published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from .errors import PlanError
from .ids import stable_id
from .swedish import format_date


class DecisionKind(StrEnum):
    """What was decided: a decision, or a position a body takes (ställningstagande)."""

    BESLUT = "beslut"
    STALLNINGSTAGANDE = "ställningstagande"


class Publicity(StrEnum):
    """Whether a decision or assignment may be published."""

    OFFENTLIG = "offentlig"
    BEGRANSAD = "begränsad"  # needs a reason


class CommissionStatus(StrEnum):
    """Where an assignment stands; the value is the Swedish word users see. ``försenat``
    is derived (:func:`status_on`), never stored or reported."""

    EJ_PABORJAT = "ej påbörjat"
    PAGAR = "pågår"
    KLART = "klart"
    AVBRUTET = "avbrutet"
    FORSENAT = "försenat"


# what an owner or admin may report; "försenat" is what the calendar says, not a report
REPORTABLE = (
    CommissionStatus.EJ_PABORJAT,
    CommissionStatus.PAGAR,
    CommissionStatus.KLART,
    CommissionStatus.AVBRUTET,
)
# work with these statuses is over; anything else is open and may go late
CLOSED = frozenset({CommissionStatus.KLART, CommissionStatus.AVBRUTET})


def status_on(stored: CommissionStatus, due: dt.date, today: dt.date) -> CommissionStatus:
    """The status people see on ``today``: an open assignment past its due date is late.

    Example:
        >>> status_on(CommissionStatus.PAGAR, dt.date(2027, 4, 30), dt.date(2027, 5, 1))
        <CommissionStatus.FORSENAT: 'försenat'>
        >>> status_on(CommissionStatus.KLART, dt.date(2027, 4, 30), dt.date(2027, 5, 1))
        <CommissionStatus.KLART: 'klart'>
    """
    if stored not in CLOSED and due < today:
        return CommissionStatus.FORSENAT
    return stored


def reportable(text: str) -> CommissionStatus:
    """A status an owner may report, from its Swedish word.

    Raises:
        ValueError: not a reportable status (``försenat`` included: it is derived).
    """
    status = CommissionStatus(text)
    if status not in REPORTABLE:
        raise ValueError(text)
    return status


@dataclass(frozen=True, slots=True)
class Owner:
    """Who carries an assignment: a person (``person:<id>``) or a body (``body:<slug>``)."""

    kind: str  # "person" | "body"
    ref: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.ref}"


def parse_owner(text: str) -> Owner:
    """``person:<id>`` or ``body:<slug>``.

    Raises:
        PlanError: anything else.

    Example:
        >>> parse_owner("body:direktorsberedningen")
        Owner(kind='body', ref='direktorsberedningen')
    """
    kind, _, ref = text.partition(":")
    if kind not in ("person", "body") or not ref.strip():
        raise PlanError("ange ägaren som person:<id> eller body:<slug>", field="owner", value=text)
    return Owner(kind, ref.strip())


def check_publicity(publicity: Publicity, reason: str) -> str:
    """The reason to keep, checked: a restricted item needs one, a public one has none.

    Raises:
        PlanError: a restriction without a reason.
    """
    if publicity is Publicity.BEGRANSAD and not reason.strip():
        raise PlanError(
            "en begränsad uppgift behöver ett skäl (t.ex. en bestämmelse i OSL)", field="reason"
        )
    return reason.strip() if publicity is Publicity.BEGRANSAD else ""


@dataclass(frozen=True, slots=True)
class CommissionSpec:
    """An assignment as a decisions file gives it."""

    title: str
    owner: Owner
    due: dt.date
    description: str = ""
    report_to: dt.date | None = None  # the day of the meeting it reports back to
    publicity: Publicity = Publicity.OFFENTLIG
    reason: str = ""


@dataclass(frozen=True, slots=True)
class DecisionSpec:
    """A decision as a decisions file gives it: taken at the meeting held on ``meeting``
    (of ``series`` when the organisation met more than once that day)."""

    meeting: dt.date
    title: str
    kind: DecisionKind = DecisionKind.BESLUT
    text: str = ""
    series: str | None = None
    item: str = ""  # the agenda item's title, when it was taken on one
    publicity: Publicity = Publicity.OFFENTLIG
    reason: str = ""
    commissions: tuple[CommissionSpec, ...] = ()


MAX_YEARS = 5  # an assignment's time frame ends at most this many years after the decision


def check_commission(spec: CommissionSpec, decided: dt.date) -> CommissionSpec:
    """The assignment, checked against the day it was decided – the one rule set a
    decisions file and the coordinator's form both pass.

    Raises:
        PlanError: naming the field: no title, a time frame or report-back before the
            decision, a restriction without a reason.

    Example:
        >>> check_commission(CommissionSpec("Kartlägg", Owner("body", "rad"),
        ...     dt.date(2027, 1, 1)), dt.date(2027, 1, 7))
        Traceback (most recent call last):
        ...
        cycle.errors.PlanError: fält due: uppdraget ska vara klart efter beslutet, inte före \
(värde: '2027-01-01')
    """
    if not spec.title.strip():
        raise PlanError("ge uppdraget en rubrik", field="title")
    if spec.due < decided:
        raise PlanError(
            "uppdraget ska vara klart efter beslutet, inte före",
            field="due",
            value=spec.due.isoformat(),
        )
    if spec.due.year > decided.year + MAX_YEARS:
        raise PlanError(
            f"en tidsram högst {MAX_YEARS} år fram; dela upp längre uppdrag",
            field="due",
            value=spec.due.isoformat(),
        )
    if spec.report_to is not None and spec.report_to < decided:
        raise PlanError(
            "återrapporteringen ligger före beslutet",
            field="report_to",
            value=spec.report_to.isoformat(),
        )
    reason = check_publicity(spec.publicity, spec.reason)
    return replace(spec, title=spec.title.strip(), reason=reason)


def decision_id(meeting: str, title: str) -> str:
    """The stable id of the decision ``title`` taken at ``meeting``: recording it again
    finds the same row."""
    return stable_id(meeting, "beslut", title)


def commission_id(decision: str, title: str) -> str:
    """The stable id of the assignment ``title`` given by ``decision``."""
    return stable_id(decision, "uppdrag", title)


@dataclass(frozen=True, slots=True)
class CommissionView:
    """An assignment as people see it on a day: its derived status and its names."""

    id: str
    organisation: str
    title: str
    description: str
    owner: str  # the person's or body's name
    owner_public: str  # what a public page says: the body's name, or the person's title
    owner_key: str  # "person:<key>" / "body:<key>"
    due: dt.date
    status: CommissionStatus
    decision: str  # the decision's title
    decided_on: dt.date
    body: str  # the body whose meeting decided it
    report_meeting: str | None
    publicity: Publicity
    last_report: str = ""
    updated_at: dt.datetime | None = None  # the last import or report that changed it
    reports: int = 0  # how many status reports it has had (its feeds' SEQUENCE)


# the chain steps that write a meeting's minutes: done once its decisions are recorded
MINUTES_STEPS = frozenset({"minnesanteckningar", "protokoll"})

REPORT_BACK_POSITION = 900  # report-back items follow what the processes put first
REPORT_BACK_SOURCE = "återrapportering"  # the agenda items' source


def report_back_key(commission: str) -> str:
    """The stable key of the agenda item on which ``commission`` reports back."""
    return f"aterrapportering-{commission}"


def report_back_agenda(
    commissions: Sequence[tuple[str, str, str, dt.date, Publicity]],
) -> list[tuple[str, int, str, str]]:
    """The agenda items of a report-back meeting: one per assignment reporting to it, by
    due date – (key, position, title, description); ``commissions``: (id, title, owner's
    name, due, publicity). A restricted assignment's item names no details.

    Example:
        >>> report_back_agenda([("c1", "Kartlägg", "Lena Sjö", dt.date(2027, 3, 31),
        ...                      Publicity.OFFENTLIG)])[0][2]
        'Återrapportering: Kartlägg'
    """
    items = []
    ordered = sorted(commissions, key=lambda c: (c[3], c[1], c[0]))
    for n, (cid, title, owner, due, publicity) in enumerate(ordered, start=1):
        if publicity is Publicity.BEGRANSAD:
            line = ("Återrapportering av uppdrag (begränsad offentlighet)", "")
        else:
            line = (
                f"Återrapportering: {title}",
                f"{owner} redovisar uppdraget; tidsram {format_date(due)}.",
            )
        items.append((report_back_key(cid), REPORT_BACK_POSITION + n, *line))
    return items


def is_open(view: CommissionView) -> bool:
    """Whether work on the assignment goes on (late ones included)."""
    return view.status not in CLOSED
