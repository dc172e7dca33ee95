"""The wheel's yearly flows: plan-year, january-prioritisation, year-end-follow-up.

Each is load -> plan/compute (plain calls into ``cycle``) -> save -> render, and each is
idempotent: a second run with the same parameters writes nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, cast

from prefect import flow
from prefect.client.schemas.objects import FlowRun
from prefect.runtime import deployment

from cycle import CycleDefinition, DefinitionError, swedish_calendar
from cycle.definitions import SeriesKind
from cycle.plan import STOCKHOLM
from cycle.wheel import (
    draft_assignments,
    draft_prioritisation_agenda,
    plan_status_tasks,
    render_follow_up_report,
    render_priorities,
)

from .catalogue import check_year
from .planning import plan_years
from .runtime import audited, local_today, run_moment, run_name
from .settings import Settings
from .steps import (
    publish,
    read_cycles,
    read_meetings,
    read_rows_changed,
    read_wheel,
    save_plans,
    store_agenda,
    store_follow_up,
    write_report,
)


def _with_series(
    definitions: tuple[CycleDefinition, ...], kind: SeriesKind, org: str | None
) -> list[CycleDefinition]:
    """The organisations that run a process; naming one that does not is an error."""
    chosen = [d for d in definitions if any(s.kind is kind for s in d.series)]
    if org is not None and not chosen:
        raise DefinitionError(
            f"organisationen har ingen mötesserie av typen {kind.value!r}", field="org", value=org
        )
    return chosen


def _ensure_planned(
    settings: Settings, definitions: list[CycleDefinition], year: int, now: dt.datetime
) -> int:
    """Plan and save ``year`` first, so the process's meeting and its tasks exist."""
    outcomes = save_plans(settings.database_url, plan_years(definitions, [year]), now)
    return sum(o.result.changed for o in outcomes)


@flow(name="plan-year", flow_run_name=run_name("Planera {org} {year}", org="alla", year="nästa år"))
def plan_year_flow(org: str | None = None, year: int | None = None) -> dict[str, Any]:
    """Plan and save a year (default: the year after the run) for one or all organisations."""
    settings = Settings.load()
    now = run_moment()
    year = check_year(year if year is not None else local_today(now).year + 1)
    definitions = read_cycles(str(settings.cycles_dir), org)
    if org is None and deployment.id is not None:
        # deployed (served or on a work pool): one sub-flow run per organisation, so the
        # workers of the pool share the country between them
        with audited("plan-year", {"org": org, "year": year}, settings) as record:
            children = fan_out([d.organisation.slug for d in definitions], year)
            record.rows_changed = read_rows_changed(settings.database_url, children)
            record.message = f"{len(children)} organisationer planerade som egna körningar"
            record.feed_files = publish(settings, now)
        return {
            "year": year,
            "organisations": [d.organisation.slug for d in definitions],
            "rows_changed": record.rows_changed,
        }
    plans = plan_years(definitions, [year])
    with audited("plan-year", {"org": org, "year": year}, settings) as record:
        outcomes = save_plans(settings.database_url, plans, now)
        record.rows_changed = sum(o.result.changed for o in outcomes)
        record.message = "; ".join(
            f"{o.name} {o.year}: {sum(s.meetings for s in o.summary)} möten" for o in outcomes
        )
        record.feed_files = publish(settings, now)  # render: the feeds follow
    return {
        "year": year,
        "organisations": [o.organisation for o in outcomes],
        "rows_changed": record.rows_changed,
    }


@flow(name="plan-organisation", flow_run_name=run_name("Planera {org} {year}", org="", year=""))
def plan_organisation_flow(org: str, year: int) -> dict[str, Any]:
    """Plan and save one organisation's year: the unit plan-year fans out to workers."""
    settings = Settings.load()
    now = run_moment()
    year = check_year(year)
    plans = plan_years(read_cycles(str(settings.cycles_dir), org), [year])
    with audited("plan-organisation", {"org": org, "year": year}, settings) as record:
        outcomes = save_plans(settings.database_url, plans, now)
        record.rows_changed = sum(o.result.changed for o in outcomes)
    return {"org": org, "year": year, "rows_changed": record.rows_changed}


def fan_out(organisations: list[str], year: int) -> list[str]:
    """Start ``plan-organisation`` for every organisation at once, then wait for all;
    returns the child runs' ids (their audit rows carry what each changed).

    Raises:
        RuntimeError: a child run did not complete (named in the message).
    """
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    from .deployments import DEPLOYMENT

    runs = [
        cast(
            FlowRun,
            run_deployment(
                f"plan-organisation/{DEPLOYMENT}",
                parameters={"org": org, "year": year},
                timeout=0,
                as_subflow=True,
            ),
        )
        for org in organisations
    ]
    with get_client(sync_client=True) as client:
        for run in runs:
            while True:
                state = client.read_flow_run(run.id).state
                if state is not None and state.is_final():
                    break
                time.sleep(1)  # polling the server for a child run's end
            if not state.is_completed():
                raise RuntimeError(f"delkörningen {run.name} slutade {state.name}")
    return [str(run.id) for run in runs]


def _prioritisation_year(now: dt.datetime) -> int:
    """December's preparation is for next year; from January on, for this year."""
    today = local_today(now)
    return today.year + 1 if today.month >= 7 else today.year


@flow(
    name="january-prioritisation",
    flow_run_name=run_name("Januariprioritering {org} {year}", org="alla", year="kommande"),
)
def january_prioritisation_flow(org: str | None = None, year: int | None = None) -> dict[str, Any]:
    """Put last year's follow-up and open assignments on the January meeting's agenda,
    make sure its preparation tasks exist, and publish the priorities once decided."""
    settings = Settings.load()
    now = run_moment()
    year = check_year(year if year is not None else _prioritisation_year(now))
    definitions = _with_series(
        read_cycles(str(settings.cycles_dir), org), SeriesKind.PRIORITERING, org
    )
    published: list[str] = []
    with audited("january-prioritisation", {"org": org, "year": year}, settings) as record:
        record.rows_changed += _ensure_planned(settings, definitions, year, now)
        for d in definitions:
            slug = d.organisation.slug
            meetings = read_meetings(
                settings.database_url, slug, year, SeriesKind.PRIORITERING.value
            )
            followed_up, _ = read_wheel(settings.database_url, slug, year - 1)
            decided, assignments = read_wheel(settings.database_url, slug, year)
            if meetings:
                agenda = draft_prioritisation_agenda(year, followed_up, assignments)
                record.rows_changed += store_agenda(
                    settings.database_url, slug, meetings[0].id, agenda, now
                )
            if decided:
                path = settings.reports_dir / slug / f"prioriteringar-{year}.md"
                write_report(str(path), render_priorities(d.organisation.name, year, decided))
                published.append(str(path))
        record.message = (
            f"publicerat: {', '.join(published)}"
            if published
            else "inga beslutade prioriteringar att publicera ännu"
        )
        record.feed_files = publish(settings, now)  # render: the feeds follow
    return {"year": year, "published": published, "rows_changed": record.rows_changed}


@flow(
    name="year-end-follow-up",
    flow_run_name=run_name("Årsuppföljning {org} {year}", org="alla", year="i år"),
)
def year_end_follow_up_flow(org: str | None = None, year: int | None = None) -> dict[str, Any]:
    """Create a status task per priority and initiative, compile the follow-up report and
    draft next year's assignments, which the next January prioritisation picks up."""
    settings = Settings.load()
    now = run_moment()
    year = check_year(year if year is not None else local_today(now).year)
    definitions = _with_series(
        read_cycles(str(settings.cycles_dir), org), SeriesKind.UPPFOLJNING, org
    )
    calendar = swedish_calendar(range(year - 1, year + 2))
    reports: list[str] = []
    with audited("year-end-follow-up", {"org": org, "year": year}, settings) as record:
        record.rows_changed += _ensure_planned(settings, definitions, year, now)
        for d in definitions:
            slug = d.organisation.slug
            series = next(s for s in d.series if s.kind is SeriesKind.UPPFOLJNING)
            meetings = read_meetings(
                settings.database_url, slug, year, SeriesKind.UPPFOLJNING.value
            )
            items, _ = read_wheel(settings.database_url, slug, year)
            day = meetings[0].start.astimezone(STOCKHOLM).date() if meetings else None
            tasks = (
                plan_status_tasks(d, series, meetings[0].id, day, items, calendar)
                if meetings and day
                else ()
            )
            drafts = draft_assignments(slug, year, items)
            record.rows_changed += store_follow_up(
                settings.database_url, slug, year, items, tasks, drafts, now
            )
            items, _ = read_wheel(settings.database_url, slug, year)
            path = settings.reports_dir / slug / f"uppfoljning-{year}.md"
            write_report(
                str(path), render_follow_up_report(d.organisation.name, year, items, drafts, day)
            )
            reports.append(str(path))
        record.message = f"rapporter: {', '.join(reports)}"
        record.feed_files = publish(settings, now)  # render: the feeds follow
    return {"year": year, "reports": reports, "rows_changed": record.rows_changed}
