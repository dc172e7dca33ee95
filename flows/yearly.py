"""The yearly processes: january-prioritisation and year-end-follow-up.

Each is load -> compute (plain calls into ``cycle.yearly``) -> save -> render, and each
is idempotent: a second run with the same parameters writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow

from calendars.reports import render_follow_up_files, render_priorities
from cycle import swedish_calendar
from cycle.definitions import SeriesKind, with_series
from cycle.swedish import counted
from cycle.times import check_year, local_date
from cycle.yearly import (
    draft_assignments,
    draft_prioritisation_agenda,
    plan_status_tasks,
    prioritisation_year,
)
from services.plan import changed_rows, plan_years
from services.reports import report_path

from .runtime.context import audited, run_moment, run_name, run_settings
from .runtime.prefect_tasks import (
    publish,
    read_commissions,
    read_context,
    read_cycles,
    read_follow_up,
    read_meetings,
    read_year,
    save_plans,
    store_agenda,
    store_follow_up,
    store_report,
)


@dataclass(frozen=True, slots=True)
class YearlyResult:
    """What a yearly process did: the reports it wrote (or found unchanged)."""

    year: int
    reports: tuple[Path, ...]
    rows_changed: int

    @property
    def summary(self) -> str:
        reports = counted(len(self.reports), "rapport", "rapporter")
        return f"{self.year}: {reports}; {counted(self.rows_changed, 'rad', 'rader')} ändrade"

    @property
    def details(self) -> tuple[str, ...]:
        return tuple(f"rapport: {path}" for path in self.reports)


@flow(
    name="january-prioritisation",
    flow_run_name=run_name("Januariprioritering {org} {year}", org="alla", year="kommande"),
)
def january_prioritisation_flow(org: str | None = None, year: int | None = None) -> YearlyResult:
    """Put last year's follow-up and open assignments on the January meeting's agenda,
    make sure its preparation tasks exist, and publish the priorities once decided."""
    settings = run_settings()
    now = run_moment()
    year = check_year(year if year is not None else prioritisation_year(local_date(now)))
    definitions = with_series(read_cycles(settings, org), SeriesKind.PRIORITERING, org)
    published: list[Path] = []
    with audited("january-prioritisation", {"org": org, "year": year}, settings) as record:
        record.rows_changed += changed_rows(
            save_plans(
                settings, plan_years(definitions, [year], read_context(settings, [year])), now
            )
        )
        for d in definitions:
            slug = d.organisation.slug
            meetings = read_meetings(settings, slug, year, now, SeriesKind.PRIORITERING)
            followed_up, _ = read_year(settings, slug, year - 1)
            decided, assignments = read_year(settings, slug, year)
            if meetings:
                agenda = draft_prioritisation_agenda(year, followed_up, assignments)
                record.rows_changed += store_agenda(settings, slug, meetings[0].id, agenda, now)
            if decided:
                path = report_path(settings, slug, "prioriteringar", year)
                store_report(path, render_priorities(d.organisation.name, year, decided))
                published.append(path)
        record.message = (
            f"publicerat: {', '.join(map(str, published))}"
            if published
            else "inga beslutade prioriteringar att publicera ännu"
        )
        record.feed_files = publish(settings, now)  # render: the feeds follow
    return YearlyResult(year, tuple(published), record.rows_changed)


@flow(
    name="year-end-follow-up",
    flow_run_name=run_name("Årsuppföljning {org} {year}", org="alla", year="i år"),
)
def year_end_follow_up_flow(org: str | None = None, year: int | None = None) -> YearlyResult:
    """Create a status task per priority and initiative, compile the follow-up report and
    draft next year's assignments, which the next January prioritisation picks up."""
    settings = run_settings()
    now = run_moment()
    year = check_year(year if year is not None else local_date(now).year)
    definitions = with_series(read_cycles(settings, org), SeriesKind.UPPFOLJNING, org)
    calendar = swedish_calendar(range(year - 1, year + 2))
    reports: list[Path] = []
    with audited("year-end-follow-up", {"org": org, "year": year}, settings) as record:
        record.rows_changed += changed_rows(
            save_plans(
                settings, plan_years(definitions, [year], read_context(settings, [year])), now
            )
        )
        for d in definitions:
            slug = d.organisation.slug
            meetings = read_meetings(settings, slug, year, now, SeriesKind.UPPFOLJNING)
            items, _ = read_year(settings, slug, year)
            meeting = meetings[0] if meetings else None
            tasks = plan_status_tasks(d, meeting, items, calendar) if meeting else ()
            commissions = read_commissions(settings, slug, year, now)
            drafts = draft_assignments(slug, year, items, commissions)
            record.rows_changed += store_follow_up(settings, slug, year, items, tasks, drafts, now)
            path = report_path(settings, slug, "uppfoljning", year)
            # the report as Markdown, an accessible page and a PDF to file, side by side –
            # made from what is now stored, as an archive of the year makes it again
            report = read_follow_up(settings, slug, year, now)
            for suffix, data in render_follow_up_files(report).items():
                store_report(path.with_suffix(suffix), data)
            reports.append(path)
        record.message = f"rapporter: {', '.join(map(str, reports))}"
        record.feed_files = publish(settings, now)  # render: the feeds follow
    return YearlyResult(year, tuple(reports), record.rows_changed)
