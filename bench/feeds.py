"""Feed benchmark on the synthetic whole country: render, export, serve.

Prints: planning and storing 3 years; rendering every feed; one person's feed; a full
export and a re-export of unchanged data; and, when ``wrk`` is installed, requests per
second for a cached feed (plain and gzip) and for 304s from ``arshjul feeds serve`` on
127.0.0.1, next to nginx serving the same file (plain, and its ``.gz`` sibling through
``gzip_static``), when ``nginx`` is installed: ``apt-get install wrk nginx``.

Usage: ``.venv/bin/python -m bench.feeds [--regions 21] [--seconds 10]``
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from calendars.feeds import Audience, build_feeds, person_feed
from cycle.published import publication_window
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
BIN = Path(sys.executable).parent
GZIP = "Accept-Encoding: gzip"


def timed(label: str, action: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = action()
    print(f"{label:<52} {time.perf_counter() - start:8.2f} s")
    return result


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=21)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="feed server processes")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="arshjul-bench-"))
    try:
        cycles = work / "cycles"
        write_country(cycles, regions=args.regions)
        definitions = load_cycles(cycles)
        engine = make_engine(f"sqlite:///{work / 'arshjul.db'}")
        upgrade_schema(engine)
        years = [TODAY.year - 1, TODAY.year, TODAY.year + 1]
        timed(
            f"plan and store {len(definitions)} regions × 3 years",
            lambda: plan_and_store(engine, definitions, years, now=PLANNED),
        )
        with write_session(engine) as s:
            ensure_tokens(s, now=NOW)
        with read_session(engine) as s:
            published = timed(
                "load the published view",
                lambda: load_published(s, *publication_window(TODAY), now=NOW),
            )
        print(
            f"  {len(published.meetings)} meetings, {len(published.tasks)} tasks, "
            f"{len(published.people)} people"
        )
        feeds = timed(
            "render every feed (build_feeds)",
            lambda: build_feeds(published, base_url="https://kalender.example.se"),
        )
        personal = sum(1 for f in feeds if f.audience is Audience.PERSONAL)
        print(
            f"  {len(feeds) - personal} shared feeds, {personal} personal, "
            f"{sum(len(f.content or b'') for f in feeds) / 1e6:.1f} MB"
        )
        someone = next(p.key for p in published.people if p.token)
        timed("render one person's feed", lambda: person_feed(published, someone))
        settings = Settings.load(
            {},
            database_url=engine.url.render_as_string(hide_password=False),
            publish_dir=work / "publicerat",
            home=work,
        )
        first = timed(
            "full export (tokens, load, render, write)",
            lambda: publish_feeds(settings, today=TODAY, now=NOW),
        )
        print(f"  {first.export.written} files written")
        again = timed(
            "re-export of unchanged data",
            lambda: publish_feeds(settings, today=TODAY, now=NOW),
        )
        print(f"  {again.export.written} files written, {again.export.unchanged} unchanged")
        if shutil.which("wrk") is None:
            print("wrk is not installed: HTTP figures skipped (apt-get install wrk nginx)")
            return
        target = "/feeds/varmland/radet.ics" if args.regions > 12 else "/feeds/stockholm.ics"
        port = _free_port()
        with running(
            [
                str(BIN / "arshjul"),
                "feeds",
                "serve",
                "--out",
                str(settings.publish_dir),
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            port,
        ):
            url = f"http://127.0.0.1:{port}{target}"
            etag = subprocess.run(
                ["curl", "-sI", url], capture_output=True, text=True, check=True
            ).stdout
            tag = re.search(r"(?i)^etag: (.+?)\r?$", etag, re.M)
            ours = wrk(url, args.seconds)
            print(f"{'arshjul feeds serve: cached feed':<52} {ours:8.0f} req/s")
            ours_gz = wrk(url, args.seconds, GZIP)
            print(f"{'arshjul feeds serve: cached feed, gzip':<52} {ours_gz:8.0f} req/s")
            if tag:
                not_modified = wrk(url, args.seconds, f"If-None-Match: {tag.group(1)}")
                print(f"{'arshjul feeds serve: 304 Not Modified':<52} {not_modified:8.0f} req/s")
        if shutil.which("nginx") is None:
            print("nginx is not installed: comparison skipped")
            return
        port = _free_port()
        conf = nginx_conf(settings.publish_dir, port, work)
        with running(["nginx", "-c", str(conf), "-p", str(work), "-g", "daemon off;"], port):
            theirs = wrk(f"http://127.0.0.1:{port}{target}", args.seconds)
            theirs_gz = wrk(f"http://127.0.0.1:{port}{target}", args.seconds, GZIP)
        print(f"{'nginx, same file':<52} {theirs:8.0f} req/s")
        print(f"{'nginx, same file, gzip_static':<52} {theirs_gz:8.0f} req/s")
        print(f"{'ratio plain (ours / nginx; target ≥ 0.67)':<52} {ours / theirs:8.2f}")
        print(f"{'ratio gzip (ours / nginx; target ≥ 0.67)':<52} {ours_gz / theirs_gz:8.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
