"""Fan-out benchmark: the deployed plan-year on one worker and on two, each worker
pinned to its own core (``taskset``), as two machines would be.

A real ``prefect server start`` on 127.0.0.1, the deployments registered on a process
work pool (``arshjul deploy``), workers started with ``prefect worker start``, and
``arshjul run plan-year`` timed from the command to its end. Each case stores into a new
PostgreSQL schema (the database two machines would share; SQLite would make the
workers wait for each other's writes) and exports into its own folder. With two workers
online, plan-year gives each a child run with half the country's work.

Usage: ``.venv/bin/python -m bench.fanout [--scale 10] [--regions 21]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import text

from models.database import make_engine
from services.settings import DEFAULT_FANOUT_MIN_MEETINGS

from .country import write_country
from .feeds import _free_port
from .plan import POSTGRES

BIN = Path(sys.executable).parent


@contextmanager
def started(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[str]]:
    """A process we start in its own group and stop by its PID afterwards."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=30)


def _healthy(api: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _online(api: str, pool: str) -> int:
    request = urllib.request.Request(
        f"{api}/work_pools/{pool}/workers/filter",
        data=b"{}",
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return sum(1 for w in json.loads(response.read()) if w.get("status") == "ONLINE")


def case(
    env: dict[str, str], work: Path, api: str, workers: int, name: str, least: int
) -> dict[str, float]:
    """plan-year for 2027 with ``workers`` pinned workers, shared out from ``least``
    meetings; seconds and child runs."""
    schema = f"fanout_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    env = {
        **env,
        "ARSHJUL_DATABASE_URL": f"{POSTGRES}?options=-csearch_path%3D{schema}",
        "ARSHJUL_PUBLISH_DIR": str(work / f"publicerat-{name}"),
        "ARSHJUL_FANOUT_MIN_MEETINGS": str(least),
    }
    try:
        subprocess.run(
            [str(BIN / "arshjul"), "db", "upgrade"], env=env, check=True, capture_output=True
        )
        with ExitStack() as stack:
            for core in range(workers):
                argv = ["taskset", "-c", str(core), str(BIN / "prefect"), "worker", "start"]
                argv += ["--pool", "bench", "--name", f"{name}-{core}", "--limit", "2"]
                stack.enter_context(started(argv, env, work / f"{name}-{core}.log"))
            deadline = time.monotonic() + 120
            while _online(api, "bench") < workers:
                if time.monotonic() > deadline:
                    raise RuntimeError("the workers did not come online")
                time.sleep(0.5)  # polling an external process
            start = time.perf_counter()
            run = subprocess.run(
                [str(BIN / "arshjul"), "run", "plan-year", "--param", "year=2027"],
                env=env,
                cwd=work,
                capture_output=True,
                text=True,
                timeout=1800,
                check=False,
            )
            seconds = time.perf_counter() - start
        if run.returncode != 0:
            raise RuntimeError(run.stdout + run.stderr)
        history = subprocess.run(
            # the children start after their parent, so the parent is not the last row
            [str(BIN / "arshjul"), "history", "--flow", "plan-year", "--limit", "1"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        children = re.search(r"i (\d+) delkörningar", history)
        return {"seconds": seconds, "children": float(children.group(1)) if children else 0.0}
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--regions", type=int, default=21)
    args = parser.parse_args()
    if shutil.which("taskset") is None:
        raise SystemExit("taskset is missing (util-linux)")
    work = Path(tempfile.mkdtemp(prefix="arshjul-bench-fanout-"))
    try:
        write_country(work / "cycles", regions=args.regions, scale=args.scale)
        port = _free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_API_KEY"}
        }
        env |= {
            "PREFECT_HOME": str(work / "prefect-home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "ARSHJUL_HOME": str(work),
            "ARSHJUL_CYCLES_DIR": str(work / "cycles"),
        }
        server = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1"]
        with started([*server, "--port", str(port)], env, work / "server.log") as proc:
            api = f"http://127.0.0.1:{port}/api"
            deadline = time.monotonic() + 120
            while not _healthy(api):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((work / "server.log").read_text())
                time.sleep(0.5)  # polling an external process
            env["PREFECT_API_URL"] = api
            deploy = [str(BIN / "arshjul"), "deploy", "--pool", "bench"]
            subprocess.run(deploy, env=env, check=True, capture_output=True)
            one = case(env, work, api, 1, "one", 0)
            shared = case(env, work, api, 2, "shared", 0)
            default = case(env, work, api, 2, "default", DEFAULT_FANOUT_MIN_MEETINGS)
        print(f"plan-year 2027, {args.regions} regions × scale {args.scale}, PostgreSQL")
        rows = (
            ("one worker (core 0)", one),
            ("two workers, shared out (ARSHJUL_FANOUT_MIN_MEETINGS=0)", shared),
            (f"two workers, default ({DEFAULT_FANOUT_MIN_MEETINGS} meetings)", default),
        )
        for label, found in rows:
            runs = f"{int(found['children'])} child runs"
            print(f"{label:<60} {runs:>14} {found['seconds']:8.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
