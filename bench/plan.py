"""Plan-year benchmark on the synthetic country: how cost grows from 1 to 21 regions.

For each size, in a fresh subprocess (so peak memory is that size's own): pure planning
of three years, storing them on SQLite and on PostgreSQL (when one answers at
``ARSHJUL_BENCH_POSTGRES_URL``, default the local test database), rows written, and peak
RSS. Then the whole country once more through the Prefect ``plan-year`` flow.

Usage: ``.venv/bin/python -m bench.plan [--sizes 1,3,7,14,21]``
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
from pathlib import Path

YEARS = [2026, 2027, 2028]
POSTGRES = os.environ.get(
    "ARSHJUL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def measure(regions: int) -> dict[str, float]:
    """One size, in this process."""
    from sqlalchemy import text

    from calendars.messages import Sender
    from models.database import StorageError, make_engine
    from models.schema import upgrade_schema
    from services.cyclefiles import load_cycles
    from services.feeds import publish_feeds
    from services.plan import plan_years, store_plans
    from services.reminders import queue_reminders
    from services.settings import Settings

    from .country import write_country
    from .feeds import NOW, TODAY

    work = Path(tempfile.mkdtemp(prefix="arshjul-bench-plan-"))
    try:
        write_country(work / "cycles", regions=regions)
        definitions = load_cycles(work / "cycles")
        start = time.perf_counter()
        plans = plan_years(definitions, YEARS)
        result: dict[str, float] = {
            "plan_s": time.perf_counter() - start,
            "meetings": sum(len(p.meetings) for _, p in plans),
            "tasks": sum(len(p.tasks) for _, p in plans),
        }
        url = f"sqlite:///{work / 'arshjul.db'}"
        engine = make_engine(url)
        upgrade_schema(engine)
        start = time.perf_counter()
        outcomes = store_plans(engine, plans, now=NOW)
        result["sqlite_s"] = time.perf_counter() - start
        result["rows"] = sum(o.result.changed for o in outcomes)
        settings = Settings.load({}, database_url=url, publish_dir=work / "publicerat", home=work)
        start = time.perf_counter()
        publish_feeds(settings, today=TODAY, now=NOW)
        result["export_s"] = time.perf_counter() - start
        start = time.perf_counter()
        queued = queue_reminders(
            engine,
            definitions,
            today=dt.date(2027, 6, 30),
            sender=Sender("arshjul@example.se"),
            base_url="",
            now=NOW,
            catch_up=dt.timedelta(days=60),
        )
        result["queue_s"] = time.perf_counter() - start
        result["queued"] = queued.queued
        try:
            admin = make_engine(POSTGRES)
        except StorageError:
            result["postgres_s"] = float("nan")
        else:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                pg = make_engine(f"{POSTGRES}?options=-csearch_path%3D{schema}")
                upgrade_schema(pg)
                start = time.perf_counter()
                store_plans(pg, plans, now=NOW)
                result["postgres_s"] = time.perf_counter() - start
                pg.dispose()
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def through_prefect() -> float:
    """The whole country's plan-year for next year as a Prefect flow run (server started
    before timing)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from flows.plan import plan_year_flow
    from flows.runtime.context import using
    from services.settings import Settings

    from .country import write_country

    work = Path(tempfile.mkdtemp(prefix="arshjul-bench-flow-"))
    try:
        write_country(work / "cycles")
        settings = Settings.load(
            {},
            cycles_dir=work / "cycles",
            database_url=f"sqlite:///{work / 'arshjul.db'}",
            publish_dir=work / "publicerat",
            home=work,
        )
        with (
            prefect_test_harness(server_startup_timeout=120),
            temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
            using(settings),
        ):
            start = time.perf_counter()
            plan_year_flow(year=2027)
            return time.perf_counter() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,3,7,14,21")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--flow", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    if args.flow:
        print(json.dumps({"flow_s": through_prefect()}))
        return
    print(
        f"{'regions':>7} {'meetings':>9} {'tasks':>7} {'rows':>7} {'plan s':>7} "
        f"{'SQLite s':>9} {'Postgres s':>10} {'export s':>9} {'mails':>6} {'queue s':>8} "
        f"{'peak MiB':>9}"
    )
    for size in map(int, args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, "-m", "bench.plan", "--one", str(size)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{size:>7} {r['meetings']:>9.0f} {r['tasks']:>7.0f} {r['rows']:>7.0f} "
            f"{r['plan_s']:>7.2f} {r['sqlite_s']:>9.2f} {r['postgres_s']:>10.2f} "
            f"{r['export_s']:>9.2f} {r['queued']:>6.0f} {r['queue_s']:>8.2f} "
            f"{r['peak_mib']:>9.0f}"
        )
    home = tempfile.mkdtemp(prefix="arshjul-bench-prefect-")
    env = {
        **os.environ,
        "PREFECT_HOME": home,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    env.pop("PREFECT_API_URL", None)
    out = subprocess.run(
        [sys.executable, "-m", "bench.plan", "--flow"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    flow = json.loads(out.strip().splitlines()[-1])["flow_s"]
    shutil.rmtree(home, ignore_errors=True)
    print(f"plan-year flow, whole country, one year, through Prefect: {flow:.2f} s")


if __name__ == "__main__":
    main()
