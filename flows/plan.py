"""Plan a year: plan-year (one or all organisations) and plan-organisation (the unit
plan-year fans out to workers when it runs as a deployment).

load -> plan (plain call) -> save -> render; a second run with the same parameters
writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefect import flow
from prefect.runtime import deployment

from cycle.times import check_year, local_date
from services.plan import changed_rows, plan_years

from .runtime.context import audited, run_moment, run_name, run_settings
from .runtime.deployments import run_children
from .runtime.prefect_tasks import publish, read_cycles, read_rows_changed, save_plans


@dataclass(frozen=True, slots=True)
class PlanResult:
    """What a plan run did."""

    year: int
    organisations: tuple[str, ...]
    rows_changed: int
    details: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return f"{', '.join(self.organisations)} {self.year}: {self.rows_changed} rader ändrade"


@flow(name="plan-year", flow_run_name=run_name("Planera {org} {year}", org="alla", year="nästa år"))
def plan_year_flow(org: str | None = None, year: int | None = None) -> PlanResult:
    """Plan and save a year (default: the year after the run) for one or all organisations."""
    settings = run_settings()
    now = run_moment()
    year = check_year(year if year is not None else local_date(now).year + 1)
    definitions = read_cycles(settings, org)
    slugs = tuple(d.organisation.slug for d in definitions)
    # deployed (served or on a work pool): one child run per organisation, so the workers
    # of the pool share the country between them; otherwise every plan is made before
    # anything is written, so bad rules fail with nothing stored
    fan_out = org is None and deployment.id is not None
    plans = [] if fan_out else plan_years(definitions, [year])
    with audited("plan-year", {"org": org, "year": year}, settings) as record:
        if fan_out:
            children = run_children("plan-organisation", [{"org": s, "year": year} for s in slugs])
            record.rows_changed = read_rows_changed(settings, children)
            record.message = f"{len(children)} organisationer planerade som egna körningar"
        else:
            outcomes = save_plans(settings, plans, now)
            record.rows_changed = changed_rows(outcomes)
            record.message = "; ".join(
                f"{o.name} {o.year}: {sum(s.meetings for s in o.summary)} möten" for o in outcomes
            )
        record.feed_files = publish(settings, now)  # render: the feeds follow
    return PlanResult(year, slugs, record.rows_changed)


@flow(name="plan-organisation", flow_run_name=run_name("Planera {org} {year}", org="", year=""))
def plan_organisation_flow(org: str, year: int) -> PlanResult:
    """Plan and save one organisation's year: the unit plan-year fans out to workers."""
    settings = run_settings()
    now = run_moment()
    year = check_year(year)
    plans = plan_years(read_cycles(settings, org), [year])
    with audited("plan-organisation", {"org": org, "year": year}, settings) as record:
        record.rows_changed = changed_rows(save_plans(settings, plans, now))
    return PlanResult(year, (org,), record.rows_changed)
