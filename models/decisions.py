"""Stored decisions, the assignments (uppdrag) they give, and every status report on
them – the history an auditor asks for: who said what, when.

A decision is keyed by its meeting and title and an assignment by its decision and
title (``cycle.decisions``), so recording the same file twice changes nothing. An
assignment's status changes only through a report (:func:`report_commission`), which
is kept; the stored status is the last report's, and late is derived when read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import true
from sqlmodel import Field, Session, SQLModel, col, select

from cycle.decisions import (
    MINUTES_STEPS,
    REPORT_BACK_SOURCE,
    CommissionSpec,
    CommissionStatus,
    CommissionView,
    DecisionSpec,
    Owner,
    Publicity,
    commission_id,
    decision_id,
    report_back_agenda,
    report_back_key,
    status_on,
)
from cycle.errors import DefinitionError, PlanError
from cycle.history import meeting_has_begun
from cycle.ids import stable_id
from cycle.status import MeetingStatus, TaskStatus
from cycle.swedish import format_date, format_time
from cycle.times import STOCKHOLM, local_date
from cycle.yearly import AgendaDraft

from .meetings import save_agenda
from .revisions import touch, upsert
from .tables import AgendaItem, Body, Meeting, Membership, Person, Task, stamp_column
from .tasks import complete_task


class Decision(SQLModel, table=True):
    """A decision (or position) taken at a meeting, on an agenda item when there was one."""

    id: str = Field(primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    meeting: str = Field(foreign_key="meeting.id", index=True)
    item: str = ""  # the agenda item's title
    title: str
    kind: str
    text: str = ""
    publicity: str = Publicity.OFFENTLIG.value
    reason: str = ""  # why it is restricted
    created_at: dt.datetime = Field(sa_column=stamp_column())
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class Commission(SQLModel, table=True):
    """An assignment (uppdrag) a decision gives: an owner, a time frame, a status."""

    id: str = Field(primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    decision: str = Field(foreign_key="decision.id", index=True)
    title: str
    description: str = ""
    owner_person: str | None = Field(default=None, foreign_key="person.key", index=True)
    owner_body: str | None = Field(default=None, foreign_key="body.key", index=True)
    due: dt.date = Field(index=True)
    report_meeting: str | None = Field(default=None, foreign_key="meeting.id")
    status: str = CommissionStatus.EJ_PABORJAT.value  # the last report's
    publicity: str = Publicity.OFFENTLIG.value
    reason: str = ""
    created_at: dt.datetime = Field(sa_column=stamp_column())
    updated_at: dt.datetime = Field(sa_column=stamp_column())


class CommissionReport(SQLModel, table=True):
    """One status report on an assignment: kept, never changed."""

    id: str = Field(primary_key=True)
    commission: str = Field(foreign_key="commission.id", index=True)
    at: dt.datetime = Field(sa_column=stamp_column())
    by: str  # a person key, or "admin:<user>"
    status: str
    text: str = ""


def record_decision(
    session: Session, organisation: str, spec: DecisionSpec, *, now: dt.datetime
) -> int:
    """Store ``spec`` and its assignments for ``organisation``; returns the rows that
    were new or changed (a status is never changed here: reports change it).

    Raises:
        DefinitionError: no stored meeting that day (or more than one, without
            ``series``), a meeting not held yet, an owner or report-back meeting that is
            not there.
    """
    meeting = _meeting_on(session, organisation, spec.meeting, spec.series, "decision.meeting")
    reports = {}
    for c in spec.commissions:  # checked in the file's order, before anything is written
        _owner(session, organisation, c.owner)
        if c.report_to:
            reports[c.title] = _meeting_on(
                session, organisation, c.report_to, None, "assignment.report_to"
            ).id
    return record_at(session, meeting, spec, reports, now=now)


def record_at(
    session: Session,
    meeting: Meeting,
    spec: DecisionSpec,
    report_meetings: Mapping[str, str] | None = None,
    *,
    now: dt.datetime,
) -> int:
    """Store ``spec`` as taken at ``meeting``, its assignments reporting back to the
    meetings ``report_meetings`` gives by assignment title; returns the rows written.

    Raises:
        DefinitionError: the meeting is not held yet (decisions are what a meeting
            did), an unknown owner.
    """
    held = local_date(meeting.start)
    if meeting.start > now:
        begins = meeting.start.astimezone(STOCKHOLM)
        raise DefinitionError(
            f"mötet {format_date(held)} kl. {format_time(begins)} har inte börjat än; beslut "
            "registreras från mötets start",
            field="decision.meeting",
            value=held.isoformat(),
        )
    did = decision_id(meeting.id, spec.title)
    changed = int(
        upsert(
            session,
            Decision,
            {"id": did},
            {
                "organisation": meeting.organisation,
                "meeting": meeting.id,
                "item": spec.item,
                "title": spec.title,
                "kind": spec.kind.value,
                "text": spec.text,
                "publicity": spec.publicity.value,
                "reason": spec.reason,
            },
            now=now,
        )
    )
    session.flush()
    # the minutes are written once the decisions are recorded: their task is done
    for task in session.exec(
        select(Task).where(
            Task.meeting == meeting.id,
            col(Task.step).in_(MINUTES_STEPS),
            Task.status == TaskStatus.OPEN,
        )
    ).all():
        complete_task(session, task.id, now=now)
        changed += 1
    for c in spec.commissions:
        changed += add_commission(
            session, did, c, (report_meetings or {}).get(c.title), now=now, report_back=False
        )
    session.flush()
    for meeting_id in sorted({m for m in (report_meetings or {}).values() if m}):
        changed += _report_back(session, meeting_id, now)
    return changed


def add_commission(
    session: Session,
    decision: str,
    spec: CommissionSpec,
    report_meeting: str | None,
    *,
    now: dt.datetime,
    report_back: bool = True,
) -> int:
    """Store an assignment ``decision`` gives (again: the same row), reporting back to
    ``report_meeting``; returns the rows written, its report-back agenda item included.

    Raises:
        DefinitionError: an unknown decision or owner.
    """
    row = session.get(Decision, decision)
    if row is None:
        raise DefinitionError("okänt beslut", field="decision", value=decision)
    person, body = _owner(session, row.organisation, spec.owner)
    changed = int(
        upsert(
            session,
            Commission,
            {"id": commission_id(decision, spec.title)},
            {
                "organisation": row.organisation,
                "decision": decision,
                "title": spec.title,
                "description": spec.description,
                "owner_person": person,
                "owner_body": body,
                "due": spec.due,
                "report_meeting": report_meeting,
                "publicity": spec.publicity.value,
                "reason": spec.reason,
            },
            now=now,
        )
    )
    if report_back and report_meeting is not None:
        session.flush()
        changed += _report_back(session, report_meeting, now)
    return changed


# how long a decision or assignment recorded by mistake can be taken back; after that
# (or once reported on) it is history, and an assignment is cancelled instead
CORRECTION_WINDOW = dt.timedelta(days=30)


def may_take_back(recorded: dt.datetime, reports: int, now: dt.datetime) -> bool:
    """Whether a row recorded at ``recorded`` with ``reports`` status reports is still a
    correction, not history."""
    return reports == 0 and now - recorded <= CORRECTION_WINDOW


def remove_commission(session: Session, commission: str, *, now: dt.datetime) -> bool:
    """Take back an assignment recorded by mistake; False when there is none.

    Its report-back item leaves the agenda unless that meeting has begun.

    Raises:
        PlanError: it has status reports, or was recorded longer ago than the correction
            window – it is history then; cancel it (avbrutet).
    """
    row = session.get(Commission, commission)
    if row is None:
        return False
    if not may_take_back(row.created_at, _count(session, commission), now):
        raise PlanError(
            "uppdraget har fått rapporter eller registrerades för mer än "
            f"{CORRECTION_WINDOW.days} dagar sedan och är historia; sätt status avbrutet i "
            "stället",
            field="uppdrag",
            value=row.title,
        )
    session.delete(row)
    session.flush()
    if row.report_meeting is not None:
        meeting = session.get(Meeting, row.report_meeting)
        if meeting is not None and not meeting_has_begun(meeting.start, now):
            item = session.get(AgendaItem, stable_id(meeting.id, report_back_key(commission)))
            if item is not None:
                session.delete(item)
                session.flush()
                touch(session, meeting, now=now)
            _report_back(session, meeting.id, now)
    return True


def take_back(session: Session, what: str, *, now: dt.datetime) -> str | None:
    """Take back the decision (with its assignments) or the assignment with id ``what``;
    returns its title, or None when there is neither.

    Raises:
        PlanError: an assignment with status reports (history).
    """
    decision = session.get(Decision, what)
    if decision is not None:
        remove_decision(session, what, now=now)
        return decision.title
    commission = session.get(Commission, what)
    if commission is not None:
        remove_commission(session, what, now=now)
        return commission.title
    return None


def remove_decision(session: Session, decision: str, *, now: dt.datetime) -> bool:
    """Take back a decision recorded by mistake, with its assignments; False when there
    is none.

    Raises:
        PlanError: it, or one of its assignments, is history (reported on, or recorded
            longer ago than the correction window).
    """
    row = session.get(Decision, decision)
    if row is None:
        return False
    if not may_take_back(row.created_at, 0, now):
        raise PlanError(
            f"beslutet registrerades för mer än {CORRECTION_WINDOW.days} dagar sedan och är "
            "historia",
            field="beslut",
            value=row.title,
        )
    for c in session.exec(select(Commission).where(Commission.decision == decision)).all():
        remove_commission(session, c.id, now=now)
    session.delete(row)
    session.flush()
    return True


def _report_back(session: Session, meeting: str, now: dt.datetime) -> int:
    """Put an item per assignment reporting back to ``meeting`` on its agenda (not once
    the meeting has begun: its agenda is history then)."""
    rows = session.exec(select(Commission).where(Commission.report_meeting == meeting)).all()
    restricted = {  # a restricted decision restricts what it gives
        d.id
        for d in session.exec(
            select(Decision).where(col(Decision.id).in_({c.decision for c in rows}))
        )
        if d.publicity == Publicity.BEGRANSAD.value
    }
    people = {p.key: p.name for p in session.exec(select(Person))}
    bodies = {b.key: b.name for b in session.exec(select(Body))}
    drafts = [
        AgendaDraft(key, position, title, description, REPORT_BACK_SOURCE)
        for key, position, title, description in report_back_agenda(
            [
                (
                    c.id,
                    c.title,
                    people.get(c.owner_person or "", "") or bodies.get(c.owner_body or "", ""),
                    c.due,
                    Publicity.BEGRANSAD if c.decision in restricted else Publicity(c.publicity),
                )
                for c in rows
            ]
        )
    ]
    return save_agenda(session, meeting=meeting, drafts=drafts, now=now)


def _meeting_on(
    session: Session, organisation: str, day: dt.date, series: str | None, field: str
) -> Meeting:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=STOCKHOLM)
    query = select(Meeting).where(
        Meeting.organisation == organisation,
        col(Meeting.start) >= start,
        col(Meeting.start) < start + dt.timedelta(days=1),
        Meeting.status != MeetingStatus.CANCELLED,  # decisions are taken at meetings held
    )
    if series is not None:
        query = query.where(Meeting.series == f"{organisation}/{series}")
    found = list(session.exec(query.order_by(col(Meeting.start))))
    if len(found) == 1:
        return found[0]
    if not found:
        raise DefinitionError(
            f"{organisation} har inget sparat möte {format_date(day)}", field=field, value=str(day)
        )
    names = ", ".join(sorted({m.series.partition("/")[2] for m in found}))
    raise DefinitionError(
        f"{organisation} har flera möten {format_date(day)}; ange series = en av {names}",
        field=field,
        value=str(day),
    )


def _owner(session: Session, organisation: str, owner: Owner) -> tuple[str | None, str | None]:
    key = f"{organisation}/{owner.ref}"
    model = Person if owner.kind == "person" else Body
    if session.get(model, key) is None:
        what = "ingen person" if owner.kind == "person" else "inget organ"
        raise DefinitionError(
            f"{what} med det id:t i {organisation}", field="assignment.owner", value=str(owner)
        )
    return (key, None) if owner.kind == "person" else (None, key)


def report_commission(
    session: Session,
    commission: str,
    status: CommissionStatus,
    text: str,
    *,
    by: str,
    now: dt.datetime,
) -> bool:
    """Record a status report; returns False when it says what the last one said.

    Raises:
        PlanError: an unknown assignment, or one that was cancelled (avbrutet is final).
    """
    row = session.get(Commission, commission)
    if row is None:
        raise PlanError("okänt uppdrag", field="ID", value=commission)
    last = session.exec(
        select(CommissionReport)
        .where(CommissionReport.commission == commission)
        .order_by(col(CommissionReport.at).desc())
    ).first()
    if last is not None and (last.status, last.text) == (status.value, text.strip()):
        return False
    if row.status == CommissionStatus.AVBRUTET.value and status is not CommissionStatus.AVBRUTET:
        raise PlanError("uppdraget är avbrutet och kan inte tas upp igen", field="status")
    number = 0 if last is None else _count(session, commission)
    session.add(
        CommissionReport(
            id=stable_id(commission, "rapport", number),
            commission=commission,
            at=now,
            by=by,
            status=status.value,
            text=text.strip(),
        )
    )
    row.status = status.value
    row.updated_at = now
    session.add(row)
    return True


def _count(session: Session, commission: str) -> int:
    return len(
        session.exec(
            select(CommissionReport.id).where(CommissionReport.commission == commission)
        ).all()
    )


def commissions_of(
    session: Session,
    organisation: str | Collection[str] | None,
    *,
    now: dt.datetime,
    year: int | None = None,
    include_restricted: bool = True,
) -> list[CommissionView]:
    """The organisation's assignments – or those of several, or of all with None –
    (given in ``year``, if named) as they stand at ``now``, by due date."""
    today = local_date(now)
    rows = session.exec(
        select(Commission, Decision, Meeting)
        .join(Decision, col(Decision.id) == col(Commission.decision))
        .join(Meeting, col(Meeting.id) == col(Decision.meeting))
        .where(_scope(organisation))
        .order_by(col(Commission.due), col(Commission.title))
    ).all()
    if not rows:
        return []
    people, titles = {}, {}
    for p in session.exec(select(Person)):
        people[p.key], titles[p.key] = p.name, p.title or "en person"
    bodies = {b.key: b.name for b in session.exec(select(Body))}
    reports: dict[str, str] = {}
    counts: dict[str, int] = {}
    for r in session.exec(select(CommissionReport).order_by(col(CommissionReport.at))):
        reports[r.commission] = r.text
        counts[r.commission] = counts.get(r.commission, 0) + 1
    found = []
    for c, d, m in rows:
        decided = m.start.astimezone(STOCKHOLM).date()
        if year is not None and decided.year != year:
            continue
        if not include_restricted and Publicity.BEGRANSAD.value in (c.publicity, d.publicity):
            continue
        owner_key = f"person:{c.owner_person}" if c.owner_person else f"body:{c.owner_body}"
        owner = people.get(c.owner_person or "", "") or bodies.get(c.owner_body or "", "")
        found.append(
            CommissionView(
                id=c.id,
                organisation=c.organisation,
                title=c.title,
                description=c.description,
                owner=owner,
                owner_public=titles.get(c.owner_person, "")
                if c.owner_person
                else bodies.get(c.owner_body or "", ""),
                owner_key=owner_key,
                due=c.due,
                status=status_on(CommissionStatus(c.status), c.due, today),
                decision=d.title,
                decided_on=decided,
                body=bodies.get(m.body, m.body),
                report_meeting=c.report_meeting,
                publicity=Publicity(c.publicity if d.publicity == "offentlig" else d.publicity),
                last_report=reports.get(c.id, ""),
                updated_at=c.updated_at,
                reports=counts.get(c.id, 0),
            )
        )
    return found


def _scope(organisation: str | Collection[str] | None) -> Any:
    if organisation is None:
        return true()
    if isinstance(organisation, str):
        return Commission.organisation == organisation
    return col(Commission.organisation).in_(organisation)


def filter_commissions(
    views: Sequence[CommissionView],
    *,
    status: CommissionStatus | None = None,
    owner: str | None = None,
    body: str | None = None,
) -> list[CommissionView]:
    """The views with that status, owner name (or key) and deciding body's name."""
    return [
        v
        for v in views
        if (status is None or v.status is status)
        and (owner is None or owner in (v.owner, v.owner_key))
        and (body is None or v.body == body)
    ]


def member_bodies(session: Session, person: str, day: dt.date) -> list[str]:
    """The keys of the bodies ``person`` is a member of on ``day``."""
    rows = session.exec(select(Membership).where(Membership.person == person))
    return sorted(
        {
            m.body
            for m in rows
            if (m.valid_from is None or m.valid_from <= day)
            and (m.valid_to is None or m.valid_to >= day)
        }
    )
