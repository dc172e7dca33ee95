"""Plan a year: plan-year (one or all organisations) and plan-organisation (one or
several organisations: the share of the country plan-year gives each worker when it
runs on a work pool).

load -> plan (plain call) -> save -> render; a second run with the same parameters
writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefect import flow
from prefect.runtime import deployment

from cycle.swedish import counted
from cycle.times import check_year, local_date
from services.plan import balanced_chunks, changed_rows, plan_years

from .runtime.context import audited, run_moment, run_name, run_settings
from .runtime.deployments import online_workers, run_children
from .runtime.prefect_tasks import (
    publish,
    read_context,
    read_cycles,
    read_rows_changed,
    save_plans,
)


@dataclass(frozen=True, slots=True)
class PlanResult:
    """What a plan run did."""

    year: int
    organisations: tuple[str, ...]
    rows_changed: int
    details: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        rows = counted(self.rows_changed, "rad", "rader")
        return f"{', '.join(self.organisations)} {self.year}: {rows} ändrade"


@flow(name="plan-year", flow_run_name=run_name("Planera {org} {year}", org="alla", year="nästa år"))
def plan_year_flow(org: str | None = None, year: int | None = None) -> PlanResult:
    """Plan and save a year (default: the year after the run) for one or all organisations."""
    settings = run_settings()
    now = run_moment()
    year = check_year(year if year is not None else local_date(now).year + 1)
    definitions = read_cycles(settings, org)
    slugs = tuple(d.organisation.slug for d in definitions)
    # every plan is made before anything is written, so bad rules fail with nothing
    # stored. On a work pool with several workers online and a year large enough to pay
    # for starting child runs (ARSHJUL_FANOUT_MIN_MEETINGS), each worker gets one child
    # run with a share of the organisations of about equal work; otherwise this run
    # saves the plans itself
    plans = plan_years(definitions, [year], read_context(settings, [year]))
    workers = online_workers() if org is None and deployment.id is not None else 0
    meetings = sum(len(plan.meetings) for _, plan in plans)
    large = meetings >= settings.fan_out_min_meetings()
    chunks = balanced_chunks(definitions, workers) if workers > 1 and large else []
    with audited("plan-year", {"org": org, "year": year}, settings) as record:
        if chunks:
            children = run_children(
                "plan-organisation", [{"org": ",".join(c), "year": year} for c in chunks]
            )
            record.rows_changed = read_rows_changed(settings, children)
            record.message = (
                f"{len(slugs)} organisationer planerade i {len(children)} delkörningar, "
                f"en per arbetare"
            )
        else:
            outcomes = save_plans(settings, plans, now)
            record.rows_changed = changed_rows(outcomes)
            record.message = "; ".join(
                f"{o.name} {o.year}: {counted(sum(s.meetings for s in o.summary), 'möte', 'möten')}"
                for o in outcomes
            )
        record.feed_files = publish(settings, now, org)  # render: the feeds follow
    return PlanResult(year, slugs, record.rows_changed)


@flow(name="plan-organisation", flow_run_name=run_name("Planera {org} {year}", org="", year=""))
def plan_organisation_flow(org: str, year: int) -> PlanResult:
    """Plan and save the year of one organisation, or of several (``org=a,b,c``): the
    unit plan-year gives each worker."""
    settings = run_settings()
    now = run_moment()
    year = check_year(year)
    slugs = tuple(s.strip() for s in org.split(",") if s.strip())
    definitions = [d for slug in slugs for d in read_cycles(settings, slug)]
    plans = plan_years(
        definitions, [year], read_context(settings, [year])
    )  # all planned before anything is written
    with audited("plan-organisation", {"org": org, "year": year}, settings) as record:
        record.rows_changed = changed_rows(save_plans(settings, plans, now))
    return PlanResult(year, slugs, record.rows_changed)
