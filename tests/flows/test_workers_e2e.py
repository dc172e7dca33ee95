"""Distributed Prefect: a server, a process work pool, two workers on 127.0.0.1; a
country-wide plan-year fans out one sub-flow run per worker online, each with a share of
the organisations, and both workers take part. Everything started here is stopped by PID."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from bench.country import write_country
from models.database import make_engine
from tests.conftest import fresh_database_url
from tests.flows.test_server_e2e import BIN, _get, _stop, _wait_for, server  # noqa: F401

pytestmark = pytest.mark.slow


def test_plan_year_fans_out_over_two_workers(
    server: tuple[str, dict[str, str]],  # noqa: F811
    tmp_path: Path,
) -> None:
    _, env = server
    write_country(tmp_path / "cycles", regions=6)
    env = {
        **env,
        "ARSHJUL_CYCLES_DIR": str(tmp_path / "cycles"),
        "ARSHJUL_DATABASE_URL": fresh_database_url(tmp_path),
        "ARSHJUL_PUBLISH_DIR": str(tmp_path / "publicerat"),
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "ARSHJUL_FANOUT_MIN_MEETINGS": "0",  # a small country is shared out too
    }
    deployed = subprocess.run(
        [str(BIN / "arshjul"), "deploy", "--pool", "arshjul"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    logs = {name: (tmp_path / f"{name}.log").open("w") for name in ("w1", "w2")}
    workers = [
        subprocess.Popen(
            [
                str(BIN / "prefect"),
                "worker",
                "start",
                "--pool",
                "arshjul",
                "--name",
                name,
                "--limit",
                "2",  # the parent holds a slot: the children must spread
            ],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        for name, log in logs.items()
    ]
    try:
        run = subprocess.run(
            [str(BIN / "arshjul"), "run", "plan-year", "--param", "year=2027"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert run.returncode == 0 and "slutade: klar." in run.stdout, run.stdout + run.stderr
    finally:
        for worker in workers:
            _stop(worker)  # type: ignore[arg-type]
        for log in logs.values():
            log.close()
    submitted = {
        name: re.findall(
            r"Worker '\w+' submitting flow run '([0-9a-f-]+)'",
            (tmp_path / f"{name}.log").read_text(encoding="utf-8"),
        )
        for name in logs
    }
    # a worker may try a run another worker has already claimed (Prefect then aborts the
    # second submission), so a run tried by one worker only is a run that worker ran
    w1, w2 = (set(ids) for ids in submitted.values())
    assert len(w1 | w2) == 1 + 2  # the parent and one child per worker online
    assert w1 - w2 and w2 - w1, submitted  # both workers ran flow runs
    history = subprocess.run(
        [str(BIN / "arshjul"), "history", "--limit", "20"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert history.count("plan-organisation(") == 2
    assert "6 organisationer planerade i 2 delkörningar, en per arbetare" in history
    assert all(w.returncode is not None for w in workers)
    engine = make_engine(env["ARSHJUL_DATABASE_URL"])
    with engine.connect() as connection:
        planned = connection.execute(
            text("SELECT COUNT(DISTINCT organisation) FROM meeting WHERE year = 2027")
        ).scalar_one()
    engine.dispose()
    assert planned == 6  # every organisation, whichever worker had it
