"""A meeting's record as its coordinators keep it on the web: the decisions taken, the
assignments they give, and corrections of what was recorded by mistake.

Who may record: the people who hold the meeting's call for items, its kallelse or its
minutes (the tasks of its chain) – the coordinators and the secretary. What is recorded
passes the same rules as a decisions file (``cycle.decisions``), and is stored by the
same code (``models.decisions``), so the two paths cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cycle import PlanError
from cycle.agenda import CALL_STEP, NOTICE_STEP
from cycle.decisions import (
    MINUTES_STEPS,
    CommissionSpec,
    CommissionView,
    DecisionKind,
    DecisionSpec,
    Publicity,
    check_commission,
    check_publicity,
    parse_owner,
)
from cycle.errors import InputError
from cycle.published import PublishedMeeting
from cycle.status import ItemStatus, MeetingStatus
from cycle.swedish import format_moment
from cycle.times import local_date
from models.agenda import items_of
from models.audit import log_act
from models.decisions import (
    Commission,
    Decision,
    add_commission,
    commissions_of,
    may_take_back,
    record_at,
    take_back,
)
from models.published import meeting_by_id
from models.tables import Body, Meeting, Membership, Person, Task, TaskAssignee

from .settings import Settings
from .storage import reading, writing

RECORDING_STEPS = frozenset({CALL_STEP, NOTICE_STEP, *MINUTES_STEPS})
REPORT_BACK_AHEAD = dt.timedelta(days=550)  # how far ahead a report-back meeting is offered


@dataclass(frozen=True, slots=True)
class RecordedDecision:
    """A decision as the record shows it, with the assignments it gave."""

    id: str
    title: str
    kind: DecisionKind
    item: str
    text: str
    publicity: Publicity
    reason: str
    commissions: tuple[CommissionView, ...]
    # what can still be taken back as a correction (models.decisions.may_take_back)
    removable: bool = False
    removable_commissions: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    """What the record page shows and offers."""

    meeting: PublishedMeeting
    held: bool  # decisions can be recorded (the meeting day has come)
    items: tuple[str, ...]  # the accepted agenda items' titles, in order
    decisions: tuple[RecordedDecision, ...]
    owners: tuple[tuple[str, str], ...]  # ("person:<id>" | "body:<slug>", label)
    report_meetings: tuple[ReportMeeting, ...]  # by date


@dataclass(frozen=True, slots=True)
class ReportMeeting:
    """A later meeting of the deciding body, offered for report-back."""

    id: str
    day: dt.date
    label: str


def may_record(session: Session, meeting: str, person: str) -> bool:
    """Whether ``person`` holds the meeting's call, kallelse or minutes task."""
    return (
        session.exec(
            select(Task.id)
            .join(TaskAssignee, col(TaskAssignee.task) == col(Task.id))
            .where(
                Task.meeting == meeting,
                col(Task.step).in_(RECORDING_STEPS),
                TaskAssignee.person == person,
            )
        ).first()
        is not None
    )


def meeting_record(
    settings: Settings, meeting: str, person: str, *, now: dt.datetime
) -> MeetingRecord | None:
    """The meeting's record as ``person`` may keep it; None when the meeting is not
    there or is cancelled.

    Raises:
        PermissionError: ``person`` is not one of those who keep its record.
    """
    with reading(settings) as session:
        return _record(session, meeting, person, now)


def _record(session: Session, meeting: str, person: str, now: dt.datetime) -> MeetingRecord | None:
    m = meeting_by_id(session, meeting, now=now)
    if m is None or m.cancelled:
        return None
    if not may_record(session, meeting, person):
        raise PermissionError(person)
    items = tuple(i.title for i in items_of(session, meeting) if i.status == ItemStatus.ACCEPTED)
    views = {v.id: v for v in commissions_of(session, m.organisation, now=now)}
    decisions = []
    for d in session.exec(
        select(Decision).where(Decision.meeting == meeting).order_by(col(Decision.created_at))
    ):
        given = session.exec(
            select(Commission.id, Commission.created_at)
            .where(Commission.decision == d.id)
            .order_by(col(Commission.created_at), col(Commission.title))
        ).all()
        removable = frozenset(
            c for c, at in given if c in views and may_take_back(at, views[c].reports, now)
        )
        decisions.append(
            RecordedDecision(
                d.id,
                d.title,
                DecisionKind(d.kind),
                d.item,
                d.text,
                Publicity(d.publicity),
                d.reason,
                tuple(views[c] for c, _ in given if c in views),
                may_take_back(d.created_at, 0, now) and len(removable) == len(given),
                removable,
            )
        )
    return MeetingRecord(
        m,
        m.start <= now,  # decisions are what a meeting did: from when it begins
        items,
        tuple(decisions),
        _owners(session, m),
        _report_meetings(session, m),
    )


def _owners(session: Session, meeting: PublishedMeeting) -> tuple[tuple[str, str], ...]:
    """Who may carry an assignment: the organisation's bodies, then its people – the
    meeting's members first – by name."""
    org = meeting.organisation
    members = {
        m.person for m in session.exec(select(Membership).where(Membership.body == meeting.body))
    }
    bodies = session.exec(select(Body).where(Body.organisation == org).order_by(col(Body.name)))
    people = sorted(
        session.exec(select(Person).where(Person.organisation == org)),
        key=lambda p: (p.key not in members, p.name),
    )
    return tuple(
        [(f"body:{b.key.partition('/')[2]}", b.name) for b in bodies]
        + [
            (f"person:{p.key.partition('/')[2]}", f"{p.name}{', ' + p.title if p.title else ''}")
            for p in people
        ]
    )


def _report_meetings(session: Session, meeting: PublishedMeeting) -> tuple[ReportMeeting, ...]:
    """The deciding body's later meetings, the ones an assignment may report back to."""
    rows = session.exec(
        select(Meeting)
        .where(
            Meeting.body == meeting.body,
            col(Meeting.start) > meeting.end,
            col(Meeting.start) < meeting.end + REPORT_BACK_AHEAD,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(col(Meeting.start))
    ).all()
    return tuple(
        ReportMeeting(
            m.id,
            local_date(m.start),
            f"{m.title} {format_moment(m.start)}",
        )
        for m in rows
    )


def _writable(
    session: Session, meeting: str, person: str, now: dt.datetime
) -> tuple[Meeting, MeetingRecord]:
    record = _record(session, meeting, person, now)
    row = session.get(Meeting, meeting)
    if record is None or row is None:
        raise LookupError(meeting)
    return row, record


def decision_from_form(fields: dict[str, str], record: MeetingRecord) -> DecisionSpec:
    """A decision from the record page's form.

    Raises:
        InputError: naming the form field.
    """
    title = fields.get("titel", "").strip()
    if not title:
        raise InputError("ge beslutet en rubrik", field="titel")
    if len(title) > 200:
        raise InputError("rubriken får vara högst 200 tecken", field="titel")
    item = fields.get("arende", "")
    if item and item not in record.items:
        raise InputError("välj ett ärende från dagordningen", field="arende")
    try:
        kind = DecisionKind(fields.get("typ", DecisionKind.BESLUT.value))
        publicity = Publicity(fields.get("offentlighet", Publicity.OFFENTLIG.value))
    except ValueError:
        raise InputError("välj typ och offentlighet bland alternativen", field="typ") from None
    text = fields.get("text", "").strip()
    if len(text) > 4000:
        raise InputError("beslutstexten får vara högst 4 000 tecken", field="text")
    try:
        reason = check_publicity(publicity, fields.get("skal", ""))
    except PlanError as error:
        raise InputError(error.message, field="skal") from None
    day = local_date(record.meeting.start)
    spec = DecisionSpec(day, title, kind, text, item=item, publicity=publicity, reason=reason)
    # the same form sent twice (a double click, a reload) is the same decision: no error
    same = next((d for d in record.decisions if d.title == title), None)
    if same is not None and (same.kind, same.item, same.text, same.publicity, same.reason) != (
        kind,
        item,
        text,
        publicity,
        reason,
    ):
        raise InputError(
            "mötet har redan ett beslut med den rubriken, med annat innehåll", field="titel"
        )
    return spec


COMMISSION_FIELDS = {"title": "titel", "due": "tidsram", "report_to": "aterrapport"}


def commission_from_form(
    fields: dict[str, str], record: MeetingRecord, decision: RecordedDecision
) -> tuple[CommissionSpec, str | None]:
    """An assignment from the record page's form, and the meeting it reports back to.

    Raises:
        InputError: naming the form field.
    """
    owner_text = fields.get("agare", "")
    if owner_text not in dict(record.owners):
        raise InputError("välj vem som äger uppdraget", field="agare")
    try:
        due = dt.date.fromisoformat(fields.get("tidsram", ""))
    except ValueError:
        raise InputError("ange tidsramen som ett datum, ÅÅÅÅ-MM-DD", field="tidsram") from None
    report_meeting = fields.get("aterrapport") or None
    meetings = {m.id: m.day for m in record.report_meetings}
    if report_meeting is not None and report_meeting not in meetings:
        raise InputError("välj ett av organets kommande möten", field="aterrapport")
    title = fields.get("titel", "").strip()
    description = fields.get("beskrivning", "").strip()
    if len(title) > 200 or len(description) > 4000:
        raise InputError("rubriken eller beskrivningen är för lång", field="titel")
    try:
        publicity = Publicity(fields.get("offentlighet", Publicity.OFFENTLIG.value))
        spec = check_commission(
            CommissionSpec(
                title,
                parse_owner(owner_text),
                due,
                description,
                meetings[report_meeting] if report_meeting else None,
                publicity,
                fields.get("skal", ""),
            ),
            local_date(record.meeting.start),
        )
    except ValueError as error:  # PlanError, or an unknown publicity
        field = COMMISSION_FIELDS.get(getattr(error, "field", "") or "", "skal")
        message = getattr(error, "message", "välj offentlighet bland alternativen")
        raise InputError(message, field=field) from None
    # the same form sent twice is the same assignment: no error
    same = next((c for c in decision.commissions if c.title == spec.title), None)
    owner = f"{spec.owner.kind}:{record.meeting.organisation}/{spec.owner.ref}"
    if same is not None and (
        same.owner_key,
        same.due,
        same.description,
        same.publicity,
        same.report_meeting,
    ) != (owner, spec.due, spec.description, spec.publicity, report_meeting):
        raise InputError(
            "beslutet har redan ett uppdrag med den rubriken, med annat innehåll", field="titel"
        )
    return spec, report_meeting


def record_decision_on_page(
    settings: Settings, person: str, meeting: str, fields: dict[str, str], *, now: dt.datetime
) -> bool:
    """Record a decision from the form; False when it was there already.

    Raises:
        LookupError: no such meeting. PermissionError: not one of its record keepers.
        InputError: a form field that cannot be taken. DefinitionError: not held yet.
    """
    with writing(settings) as session:
        row, record = _writable(session, meeting, person, now)
        spec = decision_from_form(fields, record)
        changed = record_at(session, row, spec, now=now)
        _log(session, "decision-recorded", person, {"meeting": meeting}, spec.title, now)
        return changed > 0


def add_commission_on_page(
    settings: Settings,
    person: str,
    meeting: str,
    decision: str,
    fields: dict[str, str],
    *,
    now: dt.datetime,
) -> bool:
    """Add an assignment to a recorded decision from the form.

    Raises:
        LookupError: no such meeting or decision. PermissionError, InputError as above.
    """
    with writing(settings) as session:
        _, record = _writable(session, meeting, person, now)
        found = [d for d in record.decisions if d.id == decision]
        if not found:
            raise LookupError(decision)
        spec, report_meeting = commission_from_form(fields, record, found[0])
        changed = add_commission(session, decision, spec, report_meeting, now=now)
        params = {"meeting": meeting, "decision": decision}
        _log(session, "assignment-recorded", person, params, spec.title, now)
        return changed > 0


def remove_on_page(
    settings: Settings, person: str, meeting: str, what: str, *, now: dt.datetime
) -> bool:
    """Take back a decision or assignment of this meeting recorded by mistake.

    Raises:
        LookupError: neither is of this meeting. PermissionError as above.
        PlanError: an assignment with status reports (history).
    """
    with writing(settings) as session:
        _, record = _writable(session, meeting, person, now)
        # only what this meeting recorded
        own = {d.id for d in record.decisions} | {
            c.id for d in record.decisions for c in d.commissions
        }
        title = take_back(session, what, now=now) if what in own else None
        if title is None:
            raise LookupError(what)
        _log(session, "record-corrected", person, {"meeting": meeting, "removed": what}, title, now)
        return True


def _log(
    session: Session,
    act: str,
    person: str,
    params: Mapping[str, object],
    title: str,
    now: dt.datetime,
) -> None:
    messages = {
        "decision-recorded": "Beslut registrerat via webben",
        "assignment-recorded": "Uppdrag registrerat via webben",
        "record-corrected": "Borttaget ur mötets beslut via webben",
    }
    log_act(
        session,
        flow=act,
        parameters=dict(params),
        triggered_by=f"via webben ({person})",
        rows_changed=1,
        message=f"{messages[act]}: {title}",
        now=now,
    )
