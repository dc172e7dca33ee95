"""Plan-and-save benchmark on the synthetic whole country, at one or more scales.

For each scale (``bench.country --scale``), in a fresh subprocess so that peak memory is
that scale's own: pure planning of one year; storing it on SQLite and on PostgreSQL
(when one answers at ``ARSHJUL_BENCH_POSTGRES_URL``, default the local test database),
first into an empty database and then once more unchanged; queueing the reminders of
60 days; finding the double bookings of the year (pure); and the peak RSS of the whole
measurement. Printed side by side, one column
per scale. Targets at scale 10: plan and store one year < 30 s on both databases,
PostgreSQL no slower than SQLite, reminders for 60 days < 60 s, peak RSS < 1 GiB.

Usage: ``.venv/bin/python -m bench.plan [--scale 1,10] [--regions 21]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

YEAR = 2027
POSTGRES = os.environ.get(
    "ARSHJUL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# the plan is stored ahead of its year, as an admin does (nothing is history yet)
PLANNED = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def _seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(scale: int, regions: int) -> dict[str, float]:
    """One scale, in this process."""
    from dataclasses import replace

    from sqlalchemy import text

    from calendars.messages import Sender
    from cycle import CycleDefinition, YearPlan
    from cycle.conflicts import double_bookings, person_identities
    from cycle.definitions import ConflictPolicy
    from models.database import StorageError, make_engine
    from models.schema import upgrade_schema
    from services.cyclefiles import load_cycles
    from services.plan import plan_years, store_plans
    from services.reminders import queue_reminders

    from .country import write_country

    work = Path(tempfile.mkdtemp(prefix="arshjul-bench-plan-"))
    try:
        write_country(work / "cycles", regions=regions, scale=scale)
        definitions = load_cycles(work / "cycles")
        start = time.perf_counter()
        plans = plan_years(definitions, [YEAR])
        result: dict[str, float] = {
            "plan_s": time.perf_counter() - start,
            "meetings": sum(len(p.meetings) for _, p in plans),
            "tasks": sum(len(p.tasks) for _, p in plans),
            "people": sum(len(d.people) for d in definitions),
            "memberships": sum(len(d.memberships) for d in definitions),
        }
        meetings = [m for _, plan in plans for m in plan.meetings]
        names = {f"{d.organisation.slug}/{p.id}": p.name for d in definitions for p in d.people}
        identities = person_identities(definitions)
        conflicts: list[object] = []
        result["conflicts_s"] = _seconds(
            lambda: conflicts.extend(double_bookings(meetings, identities, names))
        )
        result["conflicts"] = len(conflicts)
        # every series asks to be moved off a double booking: plan-year's cost then
        movable = [
            replace(
                d, series=tuple(replace(x, on_conflict=ConflictPolicy.FLYTTA) for x in d.series)
            )
            for d in definitions
        ]
        # …and a crowded country: the n-th person of every organisation is one person (one
        # address), so the regions' meetings collide for many
        movable = [
            replace(
                d,
                people=tuple(
                    replace(p, email=f"person{i}@samma.example") for i, p in enumerate(d.people)
                ),
            )
            for d in movable
        ]
        crowded = [
            m
            for _, plan in plan_years(
                [
                    replace(
                        d,
                        series=tuple(
                            replace(x, on_conflict=ConflictPolicy.VARNA) for x in d.series
                        ),
                    )
                    for d in movable
                ],
                [YEAR],
            )
            for m in plan.meetings
        ]
        result["crowded"] = len(double_bookings(crowded, person_identities(movable), names))
        moved: list[tuple[CycleDefinition, YearPlan]] = []
        result["flytta_s"] = _seconds(lambda: moved.extend(plan_years(movable, [YEAR])))
        left = [m for _, year_plan in moved for m in year_plan.meetings]
        result["left"] = len(double_bookings(left, person_identities(movable), names))
        result["moved"] = sum(
            1
            for _, year_plan in moved
            for m in year_plan.meetings
            if m.moved_because and "dubbelbokning" in m.moved_because
        )
        engine = make_engine(f"sqlite:///{work / 'arshjul.db'}")
        upgrade_schema(engine)
        outcomes: list[object] = []
        result["sqlite_s"] = _seconds(
            lambda: outcomes.extend(store_plans(engine, plans, now=PLANNED))
        )
        result["rows"] = sum(o.result.changed for o in outcomes)  # type: ignore[attr-defined]
        result["sqlite_again_s"] = _seconds(lambda: store_plans(engine, plans, now=PLANNED))
        queued: list[int] = []
        result["queue_s"] = _seconds(
            lambda: queued.append(
                queue_reminders(
                    engine,
                    definitions,
                    today=dt.date(YEAR, 6, 30),
                    sender=Sender("arshjul@example.se"),
                    base_url="",
                    now=PLANNED,
                    catch_up=dt.timedelta(days=60),
                ).queued
            )
        )
        result["queued"] = queued[0]
        result["postgres_s"] = result["postgres_again_s"] = float("nan")
        try:
            admin = make_engine(POSTGRES)
        except StorageError:
            pass
        else:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                pg = make_engine(f"{POSTGRES}?options=-csearch_path%3D{schema}")
                upgrade_schema(pg)
                result["postgres_s"] = _seconds(lambda: store_plans(pg, plans, now=PLANNED))
                result["postgres_again_s"] = _seconds(lambda: store_plans(pg, plans, now=PLANNED))
                pg.dispose()
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


ROWS = (  # (label, key, format)
    ("organisations × scale", "", ""),
    ("meetings in the year", "meetings", "{:.0f}"),
    ("preparation tasks", "tasks", "{:.0f}"),
    ("people", "people", "{:.0f}"),
    ("memberships", "memberships", "{:.0f}"),
    ("rows written (definitions, meetings, tasks)", "rows", "{:.0f}"),
    ("plan one year (pure), s", "plan_s", "{:.2f}"),
    ("find double bookings (pure), s (< 2)", "conflicts_s", "{:.2f}"),
    ("  double bookings found", "conflicts", "{:.0f}"),
    ("crowded country (the n-th person of each file is one): double bookings", "crowded", "{:.0f}"),
    ('  plan it with every series on_conflict = "flytta", s', "flytta_s", "{:.2f}"),
    ("  meetings moved off a double booking", "moved", "{:.0f}"),
    ("  double bookings left (no free day within 30)", "left", "{:.0f}"),
    ("store it, SQLite, s", "sqlite_s", "{:.2f}"),
    ("store it, PostgreSQL, s", "postgres_s", "{:.2f}"),
    ("store again unchanged, SQLite, s", "sqlite_again_s", "{:.2f}"),
    ("store again unchanged, PostgreSQL, s", "postgres_again_s", "{:.2f}"),
    ("plan + store, slower database, s (< 30)", "worst_s", "{:.2f}"),
    ("queue 60 days of reminders, s (< 60)", "queue_s", "{:.2f}"),
    ("messages queued", "queued", "{:.0f}"),
    ("peak RSS of all the above, MiB (< 1024)", "peak_mib", "{:.0f}"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1,10", help="scales to measure, e.g. 1,10")
    parser.add_argument("--regions", type=int, default=21)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.regions)))
        return
    scales = [int(s) for s in args.scale.split(",")]
    found = {}
    for scale in scales:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.plan",
                "--one",
                str(scale),
                "--regions",
                str(args.regions),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        r["worst_s"] = r["plan_s"] + max(r["sqlite_s"], r["postgres_s"])
        found[scale] = r
    print(f"{'':<44}" + "".join(f"{f'scale {s}':>12}" for s in scales))
    for label, key, fmt in ROWS:
        if not key:
            print(f"{label:<44}" + "".join(f"{f'{args.regions} × {s}':>12}" for s in scales))
            continue
        print(f"{label:<44}" + "".join(f"{fmt.format(found[s][key]):>12}" for s in scales))


if __name__ == "__main__":
    main()
