"""Feed benchmark on the synthetic whole country, at one or more scales.

For each scale (``bench.country --scale``), in a fresh subprocess, on SQLite, with the
years of the publication window stored: a full export (nothing cached), a re-export of
unchanged data (the stamp says nothing can have changed, and every file is looked at),
one after the next meeting has ended (all of it read and fingerprinted again) and the
same asked with ``--if-changed``; one
meeting moved through the real ``reschedule-meeting`` flow (Prefect's test server) and
how long after the flow's save every affected file was on disk; the peak RSS of
``arshjul feeds export`` (a full and an incremental one) and of ``arshjul feeds serve``
after every file was asked for once. Then, when ``wrk`` is installed, requests per
second for one feed from ``arshjul feeds serve`` (200, gzip, 304) next to nginx serving
the same file in the same run, when ``nginx`` is installed: ``apt-get install wrk
nginx``.

Targets at scale 10: full export < 60 s; re-export of unchanged data < 2 s; a moved
meeting's files < 1 s after the save; peak RSS < 1 GiB for every command and < 300 MiB
for the feed server; 200s and 304s at least 2/3 of nginx's rate.

Usage: ``.venv/bin/python -m bench.feeds [--scale 1,10] [--regions 21] [--seconds 10]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from cycle.published import publication_window
from cycle.times import STOCKHOLM
from models.database import make_engine, read_session, write_session
from models.published import load_published
from models.schema import upgrade_schema
from models.tokens import ensure_tokens
from services.cyclefiles import load_cycles
from services.feeds import publish_feeds
from services.plan import plan_and_store
from services.settings import Settings

from .country import write_country

T = TypeVar("T")
TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
# the years are planned ahead, as an admin does: a plan stored on NOW would leave the
# past it may no longer write (the frozen past) empty, and the country a third its size
PLANNED = dt.datetime(2024, 12, 1, 8, 0, tzinfo=dt.UTC)
ADDRESS = "https://kalender.example.se"
BIN = Path(sys.executable).parent
GZIP = "Accept-Encoding: gzip"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("the server exited") from None
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


@contextmanager
def running(argv: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[None]:
    """Run a server we start ourselves; stop it by its PID (process group) afterwards."""
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
    )
    try:
        _wait_listening(port, proc)
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def wrk(url: str, seconds: int, header: str | None = None) -> float:
    argv = ["wrk", "-t2", "-c32", f"-d{seconds}s", url]
    if header:
        argv[1:1] = ["-H", header]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    statuses = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if statuses:
        raise RuntimeError(f"{statuses.group(1)} failed responses from {url}")
    return float(match.group(1)) if match else 0.0


def nginx_conf(root: Path, port: int, prefix: Path) -> Path:
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"""
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    types {{ text/calendar ics; }}
    client_body_temp_path {prefix}; proxy_temp_path {prefix}; fastcgi_temp_path {prefix};
    uwsgi_temp_path {prefix}; scgi_temp_path {prefix};
    gzip_static on;
    gzip_vary on;
    server {{ listen 127.0.0.1:{port}; root {root}; etag on; }}
}}
""",
        encoding="utf-8",
    )
    return conf


def _peak_of(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of a command run to its end."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        errors = proc.stderr.read().decode() if proc.stderr else ""
        raise RuntimeError(f"{argv} failed: {errors}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def _server_rss(pid: int) -> float:
    """The largest peak RSS (VmHWM) of the server process and its workers, in MiB."""
    pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    peaks = []
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks)


def _move_one_meeting(settings: Settings, now: dt.datetime) -> tuple[float, bool]:
    """Move one 2027 meeting of a public body a week on through the real flow; returns
    the seconds from the end of the flow's save to the end of its export, and whether
    the organisation's feed on disk then shows the new time."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from flows.meetings import reschedule_meeting_flow
    from flows.runtime.context import reporting, using
    from models.published import meetings_of

    engine = make_engine(settings.database_url)
    with read_session(engine) as s:
        meeting = next(m for m in meetings_of(s, "varmland", 2027, now=now) if "radet" in m.body)
    start = (meeting.start + dt.timedelta(days=7)).replace(hour=10, minute=0)
    steps: list[tuple[str, float]] = []
    with (
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
        using(settings, now=now),
        reporting(lambda line: steps.append((line, time.perf_counter()))),
    ):
        reschedule_meeting_flow(
            meeting=meeting.id, start=start.strftime("%Y-%m-%dT%H:%M"), reason="benchmark"
        )
    published = next(i for i, (line, _) in enumerate(steps) if "publicera" in line)
    latency = steps[published][1] - steps[published - 1][1]
    feed = (settings.publish_dir / "feeds" / "varmland.ics").read_text("utf-8")
    return latency, f"Europe/Stockholm:{start.strftime('%Y%m%dT%H%M%S')}" in feed


def measure(scale: int, regions: int, seconds: int, workers: int) -> dict[str, float]:
    """One scale, in this process (numbers for the table)."""
    from services.feeds import publish_changed_feeds

    work = Path(tempfile.mkdtemp(prefix="arshjul-bench-feeds-"))
    result: dict[str, float] = {}
    try:
        cycles = work / "cycles"
        write_country(cycles, regions=regions, scale=scale)
        definitions = load_cycles(cycles)
        url = f"sqlite:///{work / 'arshjul.db'}"
        engine = make_engine(url)
        upgrade_schema(engine)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        today = now.astimezone(STOCKHOLM).date()
        first, last = publication_window(today)
        plan_and_store(engine, definitions, list(range(first.year, last.year + 1)), now=PLANNED)
        with write_session(engine) as s:
            ensure_tokens(s, now=now)
        with read_session(engine) as s:
            published = load_published(s, first, last, now=now)
        result |= {
            "meetings": len(published.meetings),
            "tasks": len(published.tasks),
            "people": len(published.people),
        }
        out = work / "publicerat"
        settings = Settings.load(
            {}, database_url=url, publish_dir=out, public_url=ADDRESS, home=work, cycles_dir=cycles
        )
        env = {
            **os.environ,
            "ARSHJUL_HOME": str(work),
            "ARSHJUL_DATABASE_URL": url,
            "ARSHJUL_PUBLISH_DIR": str(out),
            "ARSHJUL_PUBLIC_URL": ADDRESS,
            "ARSHJUL_CYCLES_DIR": str(cycles),
        }
        export = [str(BIN / "arshjul"), "feeds", "export"]
        result["export_s"], result["export_mib"] = _peak_of(export, env)
        files = [p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")]
        result["files"] = sum(1 for p in files if not p.name.endswith(".gz"))
        result["folder_mb"] = sum(p.stat().st_size for p in files) / 1e6
        again = timed_quietly(lambda: publish_feeds(settings, today=today, now=now))
        result["again_s"], result["again_written"] = again[0], again[1].export.written
        # the hourly export after the next meeting has ended: everything is read and
        # fingerprinted again, and what that one meeting shows (held) is written
        ended = min(m.end for m in published.meetings if m.end > now) + dt.timedelta(seconds=1)
        later = ended.astimezone(STOCKHOLM).date()
        checked = timed_quietly(lambda: publish_feeds(settings, today=later, now=ended))
        result["checked_s"], result["checked_written"] = checked[0], checked[1].export.written
        result["if_changed_s"] = timed_quietly(
            lambda: publish_changed_feeds(settings, today=later, now=ended)
        )[0]
        result["incremental_export_s"], result["incremental_export_mib"] = _peak_of(export, env)
        latency, shown = _move_one_meeting(settings, now)
        result["moved_s"], result["moved_shown"] = latency, float(shown)
        port = _free_port()
        serve = [*export[:2], "serve", "--port", str(port), "--workers", str(workers)]
        proc = subprocess.Popen(
            serve,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            _wait_listening(port, proc)
            paths = ["/" + p.relative_to(out).as_posix() for p in files]
            for path in paths:
                for _ in range(workers):  # each worker keeps its own cache
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    conn.request("GET", path)
                    conn.getresponse().read()
                    conn.close()
            result["serve_mib"] = _server_rss(proc.pid)
            if shutil.which("wrk"):
                result |= _rates(port, out, work, seconds)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def timed_quietly(action: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    found = action()
    return time.perf_counter() - start, found


def _rates(port: int, out: Path, work: Path, seconds: int) -> dict[str, float]:
    """Requests per second for one feed from our server (running on ``port``) and, when
    installed, from nginx serving the same folder right after."""
    target = "/feeds/varmland/radet.ics"
    found = {}
    url = f"http://127.0.0.1:{port}{target}"
    head = subprocess.run(["curl", "-sI", url], capture_output=True, text=True, check=True)
    tag = re.search(r"(?i)^etag: (.+?)\r?$", head.stdout, re.M)
    found["ours_200"] = wrk(url, seconds)
    found["ours_gzip"] = wrk(url, seconds, GZIP)
    found["ours_304"] = wrk(url, seconds, f"If-None-Match: {tag.group(1)}") if tag else 0.0
    if shutil.which("nginx") is None:
        return found
    nginx_port = _free_port()
    conf = nginx_conf(out, nginx_port, work)
    argv = ["nginx", "-c", str(conf), "-p", str(work), "-g", "daemon off;"]
    with running(argv, nginx_port):
        theirs = f"http://127.0.0.1:{nginx_port}{target}"
        head = subprocess.run(["curl", "-sI", theirs], capture_output=True, text=True, check=True)
        their_tag = re.search(r"(?i)^etag: (.+?)\r?$", head.stdout, re.M)
        found["nginx_200"] = wrk(theirs, seconds)
        found["nginx_gzip"] = wrk(theirs, seconds, GZIP)
        found["nginx_304"] = (
            wrk(theirs, seconds, f"If-None-Match: {their_tag.group(1)}") if their_tag else 0.0
        )
    return found


ROWS = (  # (label, key, format)
    ("meetings in the window (3 years)", "meetings", "{:.0f}"),
    ("tasks in the window", "tasks", "{:.0f}"),
    ("people (a personal feed each)", "people", "{:.0f}"),
    ("files exported (+ as many .gz)", "files", "{:.0f}"),
    ("export folder, MB", "folder_mb", "{:.0f}"),
    ("full export, nothing cached, s (< 60)", "export_s", "{:.2f}"),
    ("  its peak RSS, MiB (< 1024)", "export_mib", "{:.0f}"),
    ("re-export, unchanged data, s (< 2)", "again_s", "{:.2f}"),
    ("  files written", "again_written", "{:.0f}"),
    ("re-export after a meeting ended (all checked), s", "checked_s", "{:.2f}"),
    ("  files written", "checked_written", "{:.0f}"),
    ("re-export --if-changed, unchanged, s", "if_changed_s", "{:.3f}"),
    ("arshjul feeds export, later (all checked), s", "incremental_export_s", "{:.2f}"),
    ("  its peak RSS, MiB (< 1024)", "incremental_export_mib", "{:.0f}"),
    ("moved meeting: save -> files on disk, s (< 1)", "moved_s", "{:.2f}"),
    ("  the new time is in the feed (1 = yes)", "moved_shown", "{:.0f}"),
    ("feed server, every file asked for, MiB (< 300)", "serve_mib", "{:.0f}"),
    ("ours: one feed, 200, req/s", "ours_200", "{:.0f}"),
    ("nginx: the same file, 200, req/s", "nginx_200", "{:.0f}"),
    ("ours: gzip, req/s", "ours_gzip", "{:.0f}"),
    ("nginx: gzip_static, req/s", "nginx_gzip", "{:.0f}"),
    ("ours: 304, req/s", "ours_304", "{:.0f}"),
    ("nginx: 304, req/s", "nginx_304", "{:.0f}"),
    ("ratio 200 (ours / nginx, >= 0.67)", "ratio_200", "{:.2f}"),
    ("ratio gzip (>= 0.67)", "ratio_gzip", "{:.2f}"),
    ("ratio 304 (>= 0.67)", "ratio_304", "{:.2f}"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1,10", help="scales to measure, e.g. 1,10")
    parser.add_argument("--regions", type=int, default=21)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--workers", type=int, default=2, help="feed server processes")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        found = measure(args.one, args.regions, args.seconds, args.workers)
        print(json.dumps(found))
        return
    scales = [int(s) for s in args.scale.split(",")]
    home = tempfile.mkdtemp(prefix="arshjul-bench-prefect-")
    env = {**os.environ, "PREFECT_HOME": home, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    results = {}
    try:
        for scale in scales:
            argv = [sys.executable, "-m", "bench.feeds", "--one", str(scale)]
            argv += ["--regions", str(args.regions), "--seconds", str(args.seconds)]
            argv += ["--workers", str(args.workers)]
            out = subprocess.run(argv, capture_output=True, text=True, check=True, env=env)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            for kind in ("200", "gzip", "304"):
                if r.get(f"nginx_{kind}"):
                    r[f"ratio_{kind}"] = r[f"ours_{kind}"] / r[f"nginx_{kind}"]
            results[scale] = r
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"{'':<48}" + "".join(f"{f'scale {s}':>12}" for s in scales))
    for label, key, fmt in ROWS:
        cells = [fmt.format(results[s][key]) if key in results[s] else "–" for s in scales]
        print(f"{label:<48}" + "".join(f"{c:>12}" for c in cells))


if __name__ == "__main__":
    main()
