"""Plan years and store them: load -> plan (plain calls) -> save in one transaction.

The ``plan`` and ``demo`` commands and the plan flows run this; every plan is computed
before the first write, so bad rules fail before the database is touched, and the save
is one transaction, so an interrupted run leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from cycle import CycleDefinition, YearPlan, plan_year, swedish_calendar
from models.database import read_session, write_session
from models.definitions import save_definition
from models.plan import SaveResult, save_plan
from models.summary import BodySummary, summarise_year

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class YearOutcome:
    """What planning one organisation-year did, and the stored per-body summary."""

    organisation: str
    name: str
    year: int
    result: SaveResult
    summary: tuple[BodySummary, ...]


def plan_years(
    definitions: Sequence[CycleDefinition], years: Sequence[int]
) -> list[tuple[CycleDefinition, YearPlan]]:
    """Plan every organisation for every year (pure; raises before anything is written)."""
    calendar = swedish_calendar(range(min(years) - 1, max(years) + 2))
    return [(d, plan_year(d, year, calendar)) for d in definitions for year in years]


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
) -> list[YearOutcome]:
    """Plan ``years`` for ``definitions`` and upsert the result in one transaction.

    Args:
        engine: the database, schema already created.
        definitions: checked cycle definitions.
        years: calendar years to plan.
        now: the change time for rows that change.
        progress: receives one Swedish line per step, for long runs.

    Returns:
        One outcome per organisation and year, in the order planned.
    """
    progress(f"Planerar {len(definitions)} organisation(er) för {', '.join(map(str, years))} …")
    return store_plans(engine, plan_years(definitions, years), now=now, progress=progress)


def store_plans(
    engine: Engine,
    plans: Sequence[tuple[CycleDefinition, YearPlan]],
    *,
    now: dt.datetime,
    progress: Progress = lambda _message: None,
) -> list[YearOutcome]:
    """Upsert computed plans (and their definitions) in one transaction; see plan_and_store."""
    definitions = list({d.organisation.slug: d for d, _ in plans}.values())
    results: list[SaveResult] = []
    with write_session(engine, locks=[d.organisation.slug for d in definitions]) as session:
        # definition changes are counted once, on each organisation's first year
        changed = {d.organisation.slug: save_definition(session, d, now=now) for d in definitions}
        for definition, plan in plans:
            progress(
                f"Sparar {definition.organisation.name} {plan.year}: "
                f"{len(plan.meetings)} möten, {len(plan.tasks)} uppgifter"
            )
            result = save_plan(session, plan, now=now)
            result.definitions_changed = changed.pop(definition.organisation.slug, 0)
            results.append(result)
    outcomes = []
    with read_session(engine) as session:
        for (definition, plan), result in zip(plans, results, strict=True):
            slug = definition.organisation.slug
            outcomes.append(
                YearOutcome(
                    slug,
                    definition.organisation.name,
                    plan.year,
                    result,
                    summarise_year(session, slug, plan.year),
                )
            )
    return outcomes
