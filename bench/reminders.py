"""Reminder benchmark: queue ≥10,000 messages for the synthetic whole country and send them
to a local SMTP sink in another process; print messages per second, peak memory, and the
duplicates the sink saw (must be 0).

Usage: ``.venv/bin/python -m bench.reminders [--days 200]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from calendars.messages import Sender
from cycle.times import STOCKHOLM
from models.database import make_engine
from models.schema import upgrade_schema
from services.cyclefiles import load_cycles
from services.plan import plan_and_store
from services.reminders import queue_reminders, send_due
from services.settings import SmtpSettings

from .country import write_country
from .feeds import NOW, _free_port, running

SINK = """
import sys
from aiosmtpd.controller import Controller
class Handler:
    def __init__(self, path): self.out = open(path, "a", buffering=1)
    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\\r\\n"):
            if line.lower().startswith(b"message-id:"):
                self.out.write(line.split(b":", 1)[1].strip().decode() + "\\n")
                break
        return "250 OK"
controller = Controller(Handler(sys.argv[2]), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
import signal; signal.sigwait([signal.SIGTERM, signal.SIGINT])
controller.stop()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=200, help="days of reminders to queue")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="arshjul-bench-mail-"))
    try:
        cycles = work / "cycles"
        write_country(cycles)
        definitions = load_cycles(cycles)
        engine = make_engine(f"sqlite:///{work / 'arshjul.db'}")
        upgrade_schema(engine)
        plan_and_store(engine, definitions, [2026, 2027], now=NOW)
        today = dt.date(2027, 6, 30)
        when = dt.datetime.combine(today, dt.time(7), tzinfo=STOCKHOLM)
        start = time.perf_counter()
        queued = queue_reminders(
            engine,
            definitions,
            today=today,
            sender=Sender("arshjul@example.se"),
            base_url="",
            now=when,
            catch_up=dt.timedelta(days=args.days),
        )
        took = time.perf_counter() - start
        print(
            f"{'queue reminders (schedule, render, outbox)':<48} {took:8.2f} s  "
            f"{queued.queued} messages"
        )
        port, ids = _free_port(), work / "ids.txt"
        with running([sys.executable, "-c", SINK, str(port), str(ids)], port):
            smtp = SmtpSettings(host="127.0.0.1", port=port, sender="arshjul@example.se")
            start = time.perf_counter()
            sent = send_due(engine, smtp, now=when)
            took = time.perf_counter() - start
        print(
            f"{'send over SMTP to the local sink':<48} {took:8.2f} s  {sent.sent} sent, "
            f"{sent.sent / took:.0f} messages/s"
        )
        received = ids.read_text().splitlines()
        print(
            f"{'sink received':<48} {len(received):8d} messages, "
            f"{len(received) - len(set(received))} duplicates"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{'peak memory (this process)':<48} {peak:8.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
