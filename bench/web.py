"""Web benchmark: a personal page and a "Markera som klar" POST under 50 concurrent clients.

The shipped cycle files (the three seeded organisations) are planned for this year and
the next in a fresh database – a SQLite file and a new schema in the PostgreSQL on
127.0.0.1 – and the real ``arshjul web`` is started as its own process(es) on each.
Fifty clients (one asyncio loop in this process, each on its own keep-alive connection)
then, for a fixed time:

- open personal pages ``/p/<token>/``, one person after the other (the same 20 people's
  pages again and again: after its first visit a page comes from the worker's kept
  pages, ``web/pagecache.py``, until a write or the clock changes it);
- mark tasks done through signed links (``POST /klar/<link>``, the confirmation page's
  button) and undo them (``POST /klar/<link>/angra``), each client on tasks of its own, so
  every POST is a real write with its row lock, audit row and feed export afterwards.

Two paces: back to back (each client sends again as soon as its answer is in: the
server's capacity, where latency is only the queue's length over the rate), and paced
(each client waits a random, exponential time between an answer and its next request,
as people do; ``--rates`` sets the total the clients aim for, e.g. 50 = every client
once a second). Printed: requests per second, median, p99 and slowest latency, and
failed responses (anything but 200). The clients share the two cores with the server.
The per-client write limit is raised for the run (``--write-limit``), since all clients
come from 127.0.0.1; everything else is as ``arshjul web`` runs.

Usage: ``.venv/bin/python -m bench.web [--clients 50] [--seconds 10] [--workers 1 2]
[--rates 50 100] [--database sqlite postgres]``
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from cycle.links import Action, link_expiry, sign_link
from cycle.times import local_date
from models.database import make_engine, read_session, write_session
from models.schema import upgrade_schema
from models.tables import Task, TaskAssignee
from models.tokens import ensure_tokens, live_token
from services.cyclefiles import load_cycles
from services.feeds import publish_feeds
from services.plan import plan_and_store
from services.secret import link_key
from services.settings import SHIPPED_CYCLES, Settings
from web.security import form_token

from .feeds import BIN, _free_port, running

POSTGRES = os.environ.get(
    "ARSHJUL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FORM = "application/x-www-form-urlencoded"
LABELS = {"GET": "GET /p/<token>/", "POST": "POST /klar/<link>", "undo": "POST …/angra"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str = ""


@dataclass
class Figures:
    """Latencies (seconds) and failures of one kind of request over one run."""

    seconds: float
    latencies: list[float]
    failed: int

    def line(self, label: str) -> str:
        ms = sorted(x * 1000 for x in self.latencies)
        if not ms:
            return f"{label:<50} no answers ({self.failed} failed)"
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        return (
            f"{label:<50} {len(ms) / self.seconds:5.0f} req/s   median {statistics.median(ms):6.1f}"
            f" ms   p99 {p99:6.1f} ms   max {ms[-1]:6.1f} ms   failed {self.failed}"
        )


class Connection:
    """One keep-alive HTTP/1.1 connection written by hand: httpx's pool costs so much
    processor time per request that it, not the server, set the pace (about 200
    requests per second for a static file). Like a browser, it opens a new connection
    when the server closed an idle one (uvicorn does after 5 s)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: Request) -> int:
        """Send ``request`` and read the whole answer; returns its status."""
        body = request.body.encode()
        head = f"{request.method} {request.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if body:
            head += f"Content-Type: {FORM}\r\nContent-Length: {len(body)}\r\n"
        for attempt in (1, 2):
            if self.writer is None or self.writer.is_closing():
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                self.writer.write(head.encode() + b"\r\n" + body)
                header = await self.reader.readuntil(b"\r\n\r\n")
                break
            except (asyncio.IncompleteReadError, ConnectionError) as error:
                self.close()
                part = error.partial if isinstance(error, asyncio.IncompleteReadError) else b""
                if attempt == 2 or part:  # only an idle connection closed before a byte
                    raise
        lines = header.decode("latin-1").split("\r\n")
        fields = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        await self.reader.readexactly(int(fields["content-length"]))
        if fields.get("connection") == "close":
            self.close()
        return int(lines[0].split(" ")[1])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def _load(
    port: int,
    clients: int,
    seconds: float,
    requests: Callable[[int], Iterator[Request]],
    rate: float | None = None,
) -> dict[str, Figures]:
    """``clients`` loops, each on its own connection sending its own requests one after
    the other until time is up; figures per kind (GET, POST, undo).

    Without ``rate`` each client sends its next request as soon as the answer is in (the
    server's capacity; latency is then the queue's length over the rate). With ``rate``
    (requests per second, all clients together) each client waits a random time after
    an answer – exponential, mean ``clients / rate`` – as people do between clicks."""
    found: dict[str, list[float]] = {}
    failed: dict[str, int] = {}
    connections = [Connection(port) for _ in range(clients)]
    deadline = time.perf_counter() + seconds

    async def client(number: int) -> None:
        pace = random.Random(number)
        if rate:  # the clients start spread out, not all in the first millisecond
            await asyncio.sleep(pace.uniform(0, clients / rate))
        for request in requests(number):
            if time.perf_counter() >= deadline:
                return
            kind = "undo" if request.path.endswith("/angra") else request.method
            start = time.perf_counter()
            status = await connections[number].send(request)
            took = time.perf_counter() - start
            if status == 200:
                found.setdefault(kind, []).append(took)
            else:
                failed[kind] = failed.get(kind, 0) + 1
            if rate:  # think, but not past the end of the run
                left = deadline - time.perf_counter()
                await asyncio.sleep(max(0.0, min(pace.expovariate(rate / clients), left)))

    try:
        await asyncio.gather(*(client(n) for n in range(clients)))
    finally:
        for connection in connections:
            connection.close()
    return {
        kind: Figures(seconds, found.get(kind, []), failed.get(kind, 0))
        for kind in sorted(set(found) | set(failed))
    }


@contextmanager
def database(kind: str, work: Path) -> Iterator[str]:
    """A fresh database URL of ``kind``; a PostgreSQL schema is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{work / 'arshjul.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass(frozen=True)
class Data:
    pages: list[str]  # personal page paths
    links: list[str]  # one signed "klar" link per open task, each task once
    tasks_per_page: float


def prepare(settings: Settings, now: dt.datetime) -> Data:
    """Plan this year and the next from the shipped cycle files, export the feeds, and
    collect the personal pages and one done link per open task."""
    engine = make_engine(settings.database_url)
    upgrade_schema(engine)
    today = local_date(now)
    plan_and_store(engine, load_cycles(SHIPPED_CYCLES), [today.year, today.year + 1], now=now)
    with write_session(engine) as s:
        ensure_tokens(s, now=now)
    publish_feeds(settings, today=today, now=now)
    key = link_key(settings)
    expires = link_expiry(today)
    with read_session(engine) as s:
        held: dict[str, str] = {}
        counts: dict[str, int] = {}
        for task, person in s.exec(
            select(Task.id, TaskAssignee.person)
            .join(TaskAssignee, TaskAssignee.task == Task.id)  # type: ignore[arg-type]
            .where(Task.status == "open")
            .order_by(Task.id, TaskAssignee.person)
        ):
            held.setdefault(task, person)
            counts[person] = counts.get(person, 0) + 1
        tokens = {person: live_token(s, person) for person in counts}
    engine.dispose()
    return Data(
        pages=[f"/p/{token}/" for token in tokens.values() if token],
        links=[
            f"/klar/{sign_link(key, Action.DONE, person, task, expires=expires)}"
            for task, person in held.items()
        ],
        tasks_per_page=sum(counts.values()) / len(counts),
    )


def measure(
    kind: str,
    workers: list[int],
    rates: list[float],
    clients: int,
    seconds: float,
    now: dt.datetime,
) -> None:
    work = Path(tempfile.mkdtemp(prefix="arshjul-bench-web-"))
    try:
        with database(kind, work) as url:
            settings = Settings.load(
                {},
                database_url=url,
                publish_dir=work / "publicerat",
                reports_dir=work / "rapporter",
                secret_file=work / "nyckel.secret",
                home=work,
            )
            data = prepare(settings, now)
            print(
                f"\n{kind}: {len(data.pages)} personal pages ({data.tasks_per_page:.0f} tasks "
                f"each on average), {len(data.links)} open tasks; {clients} clients, "
                f"{seconds:.0f} s per run"
            )
            key = link_key(settings)

            def pages(number: int) -> Iterator[Request]:
                n = number
                while True:
                    yield Request("GET", data.pages[n % len(data.pages)])
                    n += clients

            def writes(number: int) -> Iterator[Request]:
                own = data.links[number::clients]
                while True:
                    for link in own:
                        for path in (link, f"{link}/angra"):
                            token = form_token(key, path, now=time.time())
                            yield Request("POST", path, f"csrf={token}")

            for count in workers:
                port = _free_port()
                argv = [
                    str(BIN / "arshjul"),
                    "web",
                    "--db",
                    url,
                    "--out",
                    str(settings.publish_dir),
                    "--no-static",
                    "--port",
                    str(port),
                    "--workers",
                    str(count),
                    "--write-limit",
                    str(10**9),
                ]
                env = os.environ | settings.environment()
                with running(argv, port, env=env):
                    asyncio.run(_load(port, clients, 2, pages))  # warm up each process
                    # pages first: the exports the writes start would otherwise still
                    # be running while the next run reads pages
                    for load, kinds in ((pages, ("GET",)), (writes, ("POST", "undo"))):
                        for rate in [None, *rates]:
                            got = asyncio.run(_load(port, clients, seconds, load, rate))
                            pace = "back to back" if rate is None else f"paced {rate:.0f}/s"
                            for kind in kinds:
                                print(got[kind].line(f"  {count} proc., {pace}: {LABELS[kind]}"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--rates", type=float, nargs="+", default=[50, 100], help="paced runs (req/s, all)"
    )
    parser.add_argument(
        "--database", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    args = parser.parse_args()
    now = dt.datetime.now(dt.UTC)
    print(f"{sys.platform}, {os.cpu_count()} cores; target p99 < 50 ms")
    for kind in args.database:
        measure(kind, args.workers, args.rates, args.clients, args.seconds, now)


if __name__ == "__main__":
    main()
