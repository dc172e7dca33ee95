"""Plan years and store them: load -> plan (plain calls) -> save in one transaction.

The ``plan`` and ``demo`` commands and the plan flows run this; every plan is computed
before the first write, so bad rules fail before the database is touched, and the save
is one transaction, so an interrupted run leaves the database as it was. A dry run does
the same save and rolls it back, so what it reports is exactly what a save would do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from cycle import CycleDefinition, WorkCalendar, YearPlan, plan_year, swedish_calendar
from cycle.busy import NO_BUSY_TIME
from cycle.conflicts import move_double_bookings
from cycle.definitions import ConflictPolicy, ReminderPolicy
from cycle.reminders import notice_day
from cycle.swedish import counted
from cycle.times import local_date
from models.audit import log_act
from models.database import write_session
from models.definitions import new_dated_edits, save_definition
from models.plan import SaveResult, addressees, refuse_dated_edits_elsewhere, save_plan
from models.summary import BodySummary, summarise_year
from models.tables import Meeting

from .busy import NO_CALENDARS, BusyCalendars, read_busy_calendars
from .cyclefiles import load_cycles
from .reminders import policies
from .settings import Settings

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Notices:
    """The e-mail a save sets off: changed notices for revised meetings, cancellations
    for cancelled ones whose notice had gone out, and how many people get them."""

    updates: int = 0
    cancellations: int = 0
    people: int = 0


@dataclass(frozen=True, slots=True)
class YearOutcome:
    """What planning one organisation-year did, and the stored per-body summary."""

    organisation: str
    name: str
    year: int
    result: SaveResult
    summary: tuple[BodySummary, ...]
    notices: Notices = Notices()


@dataclass(frozen=True, slots=True)
class SaveAct:
    """Who saves a plan, and with which command (``plan``, ``demo``), for the audit log."""

    command: str
    by: str  # e.g. "CLI (sara)"


def saved_line(outcome: YearOutcome) -> str:
    """The audit log's line for one organisation-year saved: the year's totals and what
    the save changed.

    Example:
        >>> from models.summary import BodySummary
        >>> line = saved_line(YearOutcome("varmland", "Region Värmland", 2027,
        ...     SaveResult(meetings_added=12, meetings_changed=3, tasks_added=94),
        ...     (BodySummary("Rådet", 12, 94, 1, 0),)))
        >>> for part in line.split("; "):
        ...     print(part)
        Plan sparad: Region Värmland 2027 – 12 möten och 94 uppgifter
        möten: 12 nya, 3 ändrade, 0 inställda
        uppgifter: 94 nya, 0 ändrade, 0 inställda
    """
    r = outcome.result
    meetings = sum(s.meetings for s in outcome.summary)
    tasks = sum(s.tasks for s in outcome.summary)
    line = (
        f"Plan sparad: {outcome.name} {outcome.year} – {meetings} "
        f"{'möte' if meetings == 1 else 'möten'} och {tasks} "
        f"{'uppgift' if tasks == 1 else 'uppgifter'}"
    )
    line += (
        f"; möten: {r.meetings_added} nya, {r.meetings_changed} ändrade, "
        f"{r.meetings_cancelled} inställda; uppgifter: {r.tasks_added} nya, "
        f"{r.tasks_changed} ändrade, {r.tasks_cancelled} inställda"
    )
    if r.definitions_changed:
        line += f"; {r.definitions_changed} nya eller ändrade definitionsrader"
    if r.history_kept:
        line += f"; {r.history_kept} ändringar i det förflutna lämnades"
    return line


class _DryRun(Exception):
    """Raised inside a dry run's transaction to roll it back with its outcomes."""

    def __init__(self, outcomes: list[YearOutcome]) -> None:
        super().__init__("dry run")
        self.outcomes = outcomes


@dataclass(frozen=True)
class PlanContext:
    """What a plan of some organisations needs to know beyond their own files: every
    organisation (a person may be called by several, and a meeting that must move for a
    double booking is moved among all of them) and the calendars they avoid."""

    everyone: tuple[CycleDefinition, ...] = ()
    busy: BusyCalendars = NO_CALENDARS


NO_CONTEXT = PlanContext()  # the organisations planned know of no others, avoid nothing


def plan_context(settings: Settings, years: Sequence[int]) -> PlanContext:
    """Read every cycle file and the calendars they avoid for ``years``."""
    everyone = load_cycles(settings.cycles_dir)
    busy = read_busy_calendars(
        everyone, years, cycles_dir=settings.cycles_dir, cache_dir=settings.home / "kalendrar"
    )
    return PlanContext(everyone, busy)


def plan_years(
    definitions: Sequence[CycleDefinition],
    years: Sequence[int],
    context: PlanContext = NO_CONTEXT,
) -> list[tuple[CycleDefinition, YearPlan]]:
    """Plan every organisation of ``definitions`` for every year (pure; raises before
    anything is written).

    With ``on_conflict = "flytta"`` series in any file, every organisation of the
    context is planned and double bookings moved among them all, so an organisation's
    plan is the same whichever others are planned with it; the plans of
    ``definitions`` are returned, in their order.
    """
    calendar = swedish_calendar(range(min(years) - 1, max(years) + 2))
    wanted = [d.organisation.slug for d in definitions]
    everyone = {d.organisation.slug: d for d in (*context.everyone, *definitions)}
    moves = any(s.on_conflict is ConflictPolicy.FLYTTA for d in everyone.values() for s in d.series)
    planned = list(everyone.values()) if moves else list(definitions)
    busy = context.busy.by_organisation
    plans = [
        (d, plan_year(d, year, calendar, busy.get(d.organisation.slug, NO_BUSY_TIME)))
        for d in planned
        for year in years
    ]
    if moves:
        plans = move_double_bookings(plans, calendar, busy)
    by_slug = {(d.organisation.slug, plan.year): (d, plan) for d, plan in plans}
    return [by_slug[(slug, year)] for slug in wanted for year in years]


def balanced_chunks(definitions: Sequence[CycleDefinition], count: int) -> list[list[str]]:
    """The organisations in ``count`` groups of about equal work (or fewer, when there
    are fewer organisations), for workers to plan one group each.

    An organisation's work is taken as its memberships (invitations and holders to
    write) plus its series (meetings to plan); the largest go first, each to the group
    with least work so far. Deterministic: the same files give the same groups.

    Example:
        >>> balanced_chunks([], 3)
        []
    """
    groups: list[tuple[int, int, list[str]]] = [(0, i, []) for i in range(max(1, count))]
    weight = {d.organisation.slug: len(d.memberships) + 12 * len(d.series) for d in definitions}
    for slug in sorted(weight, key=lambda s: (-weight[s], s)):
        work, index, members = min(groups)
        groups[index] = (work + weight[slug], index, [*members, slug])
    return [sorted(members) for _, _, members in groups if members]


def changed_rows(outcomes: Sequence[YearOutcome]) -> int:
    """Rows the saves of ``outcomes`` inserted or changed."""
    return sum(o.result.changed for o in outcomes)


def plan_and_store(
    engine: Engine,
    definitions: Sequence[CycleDefinition],
    years: Sequence[int],
    *,
    now: dt.datetime,
    progress: Progress = lambda _message: None,
    dry_run: bool = False,
    context: PlanContext = NO_CONTEXT,
    planned: Sequence[tuple[CycleDefinition, YearPlan]] | None = None,
    act: SaveAct | None = None,
) -> list[YearOutcome]:
    """Plan ``years`` for ``definitions`` and upsert the result in one transaction.

    Args:
        engine: the database, schema already created.
        definitions: checked cycle definitions.
        years: calendar years to plan.
        now: the moment of the save: what lies before it is history, and it is the
            change time for rows that change.
        progress: receives one Swedish line per step, for long runs.
        dry_run: report what the save would do, and write nothing.
        context: the other organisations and the calendars avoided (:func:`plan_context`).
        planned: the plans already made (by :func:`plan_years`, of these organisations
            or more): those of ``definitions`` are stored, none is made again.
        act: who saves, for the audit log: each organisation-year whose save changed
            rows is one act in ``arshjul history``, in the save's transaction (a save that
            changes nothing writes nothing, not even a log row; a flow logs its own run).

    Returns:
        One outcome per organisation and year, in the order planned.
    """
    organisations = counted(len(definitions), "organisation", "organisationer")
    progress(f"Planerar {organisations} för {', '.join(map(str, years))} …")
    if planned is None:
        plans = plan_years(definitions, years, context)
    else:
        wanted = {d.organisation.slug for d in definitions}
        plans = [(d, plan) for d, plan in planned if d.organisation.slug in wanted]
    return store_plans(engine, plans, now=now, progress=progress, dry_run=dry_run, act=act)


def store_plans(
    engine: Engine,
    plans: Sequence[tuple[CycleDefinition, YearPlan]],
    *,
    now: dt.datetime,
    progress: Progress = lambda _message: None,
    dry_run: bool = False,
    act: SaveAct | None = None,
) -> list[YearOutcome]:
    """Upsert computed plans (and their definitions) in one transaction; see plan_and_store.

    Raises:
        HistoryError: a rule dated in the past would rewrite a meeting that was held.
    """
    definitions = list({d.organisation.slug: d for d, _ in plans}.values())
    try:
        with write_session(engine, locks=[d.organisation.slug for d in definitions]) as session:
            outcomes = _store(session, plans, definitions, now, progress, dry_run=dry_run)
            if dry_run:
                raise _DryRun(outcomes)
            if act is not None:  # a save that changed nothing wrote nothing: no act
                for outcome in (o for o in outcomes if o.result.changed):
                    log_act(
                        session,
                        flow=act.command,
                        parameters={"organisation": outcome.organisation, "year": outcome.year},
                        triggered_by=act.by,
                        rows_changed=outcome.result.changed,
                        message=saved_line(outcome),
                        now=now,
                    )
    except _DryRun as rolled_back:
        return rolled_back.outcomes
    return outcomes


def _store(
    session: Session,
    plans: Sequence[tuple[CycleDefinition, YearPlan]],
    definitions: list[CycleDefinition],
    now: dt.datetime,
    progress: Progress,
    *,
    dry_run: bool,
) -> list[YearOutcome]:
    # rules newly dated in the past are found before the new rules are stored, and checked
    # against the held meetings of every year, not only those planned now
    dated = {d.organisation.slug: new_dated_edits(session, d) for d in definitions}
    for slug, edits in dated.items():
        planned = {plan.year for d, plan in plans if d.organisation.slug == slug}
        refuse_dated_edits_elsewhere(session, slug, edits, planned, now=now)
    # definition changes are counted once, on each organisation's first year
    changed = {d.organisation.slug: save_definition(session, d, now=now) for d in definitions}
    years = [plan.year for _, plan in plans]
    calendar = swedish_calendar(range(min(years) - 1, max(years) + 2))
    outcomes = []
    for definition, plan in plans:
        slug = definition.organisation.slug
        # no counts here: what the rules give is not what is stored (a passed deadline
        # the rules add later stays out), and the table after the save says the latter
        doing = "Räknar ut vad som skulle sparas för" if dry_run else "Sparar"
        progress(f"{doing} {definition.organisation.name} {plan.year} …")
        result = save_plan(session, plan, now=now, dated=dated[slug])
        result.definitions_changed = changed.pop(slug, 0)
        session.flush()
        outcomes.append(
            YearOutcome(
                slug,
                definition.organisation.name,
                plan.year,
                result,
                summarise_year(session, slug, plan.year),
                _notices(session, definition, result, calendar, local_date(now)),
            )
        )
    return outcomes


def _notices(
    session: Session,
    definition: CycleDefinition,
    result: SaveResult,
    calendar: WorkCalendar,
    today: dt.date,
) -> Notices:
    """Who hears of a save by e-mail: everyone with an address invited to a revised
    meeting (a changed notice), and to a cancelled one whose notice had already gone out
    (a cancellation)."""
    invited = addressees(session, result.revised + result.cancelled)
    told = set()
    known = policies([definition])  # as the reminder schedule finds them
    for meeting in result.cancelled:
        row = session.get(Meeting, meeting)
        if row is None:
            continue
        policy = known.get(row.series, ReminderPolicy())
        if notice_day(local_date(row.start), row.original_date, policy, calendar) <= today:
            told.add(meeting)
    updates = sum(len(invited[m]) for m in result.revised)
    cancellations = sum(len(invited[m]) for m in told)
    people = {p for m in [*result.revised, *told] for p in invited[m]}
    return Notices(updates, cancellations, len(people))
