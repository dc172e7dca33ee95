"""Distributed Prefect: a server, a process work pool, two workers on 127.0.0.1; a
country-wide plan-year fans out one sub-flow run per worker online, each with a share of
the organisations, and both workers take part. Everything started here is stopped by PID.

That both take part must not hang on the children happening to overlap: a child run
that ends before the other worker polls leaves its slot to the other child. A barrier
makes them overlap. Every run reads the calendar one organisation avoids, from a server
here: the parent's read is answered at once, and each child's is held until the other
child's has arrived. A run reads one address at a time, so the two held reads are two
runs at once; with the parent waiting for both, that is three runs at once, and a
worker takes at most two (``--limit 2``). While it holds a read, the server sends the
calendar a byte at a time, so the reader's 10-second timeout never ends the wait."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import text

from bench.country import write_country
from models.database import make_engine
from tests.conftest import fresh_database_url
from tests.flows.test_server_e2e import BIN, _get, _stop, _wait_for, server  # noqa: F401

pytestmark = pytest.mark.slow
BARRIER_SECONDS = 300  # generous: the second child waits for a worker's poll and start
CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//arshjul-test//barrier//SV\r\n"
    b"BEGIN:VEVENT\r\nUID:lov-2027@test\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Sportlov\r\n"
    b"DTSTART;VALUE=DATE:20270301\r\nDTEND;VALUE=DATE:20270306\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


class _Barrier:
    """The reads of the calendar so far, and whether the children's two reads met."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.reads = 0
        self.met = False


@contextmanager
def _barrier_calendar() -> Iterator[tuple[str, _Barrier]]:
    """A calendar server on a free port: its address and its barrier."""
    barrier = _Barrier()

    class Calendar(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with barrier.changed:
                barrier.reads += 1
                read = barrier.reads
                barrier.met = barrier.met or barrier.reads >= 3
                barrier.changed.notify_all()
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(CALENDAR)))
            self.end_headers()
            sent = 0
            if read > 1:  # a child's read: held until the other child's has arrived
                deadline = time.monotonic() + BARRIER_SECONDS
                while True:
                    if sent < len(CALENDAR) - 1:
                        self.wfile.write(CALENDAR[sent : sent + 1])
                        self.wfile.flush()
                        sent += 1
                    with barrier.changed:  # woken at once by the other read, or in 3 s
                        met = barrier.changed.wait_for(lambda: barrier.met, timeout=3)
                    if met or time.monotonic() >= deadline:
                        break
            self.wfile.write(CALENDAR[sent:])

        def log_message(self, *_args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Calendar)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/lov.ics", barrier
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _avoid_calendar(cycle_file: Path, url: str) -> None:
    """Let the council's series of ``cycle_file`` avoid the calendar at ``url``."""
    text = cycle_file.read_text(encoding="utf-8")
    series = '[[series]]\nid = "rad"\n'
    assert series in text
    text = text.replace(series, f'{series}avoid = ["lov"]\n', 1)
    text += f'\n[[busy]]\nid = "lov"\nname = "Skollov"\nsource = "{url}"\n'
    cycle_file.write_text(text, encoding="utf-8")


def test_plan_year_fans_out_over_two_workers(
    server: tuple[str, dict[str, str]],  # noqa: F811
    tmp_path: Path,
) -> None:
    _, env = server
    with _barrier_calendar() as (url, barrier):
        _fan_out(env, tmp_path, url)
    assert barrier.met, (
        f"the two child runs never ran at once (within {BARRIER_SECONDS} s of the first "
        f"child's read; {barrier.reads} reads of the calendar): no second worker took one"
    )


def _fan_out(env: dict[str, str], tmp_path: Path, url: str) -> None:
    """Deploy, start two workers, run a country-wide plan-year; check where it ran."""
    first, *_ = write_country(tmp_path / "cycles", regions=6)
    _avoid_calendar(first, url)
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
