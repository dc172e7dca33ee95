"""The ``arshjul`` entry point: parse, build the settings once, run the command, and turn
bad input into one Swedish line and exit status 2.

The process's edge is here too: Prefect's telemetry off and its logs quiet unless asked
for, SIGTERM and SIGHUP ending a command the way Ctrl-C does (so what it started – the
temporary Prefect server of a local run – is stopped), and a closed output pipe
(``arshjul tasks | head``) ending it quietly.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from types import FrameType
from typing import TextIO

from cycle import CycleError
from cycle.times import local_date
from flows.runtime.errors import EngineError
from models.database import StorageError, describe_url

from .arguments import Invocation, build_parser, settings_from
from .commands import COMMANDS, DESCRIPTION

EXIT_ENGINE = 1  # Prefect could not do its part: nothing wrong with the input
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_CLOSED_PIPE = 128 + signal.SIGPIPE  # as a program ended by SIGPIPE
# Prefect reports usage to its makers unless told not to. Årshjul sends nothing anywhere
# unless an admin opts in, by setting one of these to another value themselves; every
# process the CLI starts (the local Prefect server, `arshjul serve`'s runs) inherits them.
NO_TELEMETRY = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
}
# Prefect's own log lines (English: one per task, its errors with their tracebacks) only
# with --verbose; without, an error is the one Swedish line below. An admin's
# PREFECT_LOGGING_LEVEL wins over both.
QUIET_PREFECT = {"PREFECT_LOGGING_LEVEL": "CRITICAL"}
# `arshjul serve` is a service: the warnings and errors of the runs it starts belong in
# its log and in Prefect's UI (the lost-connection tracebacks of a stopped server are
# left out: flows.runtime.server_watch says that in Swedish)
SERVICE_PREFECT = {"PREFECT_LOGGING_LEVEL": "WARNING"}
VERBOSE_PREFECT = {"PREFECT_LOGGING_LEVEL": "INFO"}
# Prefect gives its temporary server 20 s to start; a first run on a loaded 2-core machine
# (a fresh Prefect database, migrations) takes longer. An admin's value wins.
STARTUP_LIMIT = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}
# Prefect keeps its database, results and profiles in PREFECT_HOME (~/.prefect unless
# set): by default in the data folder, so a local run leaves nothing in the user's home.
PREFECT_FOLDER = "prefect"


def main(
    argv: Sequence[str] | None = None,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 Prefect failed, 2 bad input,
    130 interrupted, 141 output closed).

    ``today``, ``now`` and the streams are parameters so tests need neither a clock nor a
    terminal; what lies before ``now`` is history to every command and flow it runs.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser(DESCRIPTION, COMMANDS).parse_args(argv)
    for name, value in NO_TELEMETRY.items():
        os.environ.setdefault(name, value)  # before anything imports Prefect
    # the log level holds for this command only: a process that calls main() again (a
    # test) or starts others afterwards (a worker) gets its own
    logging = (
        VERBOSE_PREFECT
        if args.verbose
        else SERVICE_PREFECT
        if args.command == "serve"
        else QUIET_PREFECT
    )
    prefect = logging | STARTUP_LIMIT
    added = [name for name in prefect if name not in os.environ]
    os.environ.update({name: prefect[name] for name in added})
    now = now or dt.datetime.now(dt.UTC)
    try:
        # the edge: the only place the command line meets the environment
        settings = settings_from(args, os.environ)
        settings.home.mkdir(parents=True, exist_ok=True)
        if "PREFECT_HOME" not in os.environ:  # before anything imports Prefect
            os.environ["PREFECT_HOME"] = str(settings.home / PREFECT_FOLDER)
            added.append("PREFECT_HOME")
        call = Invocation(args, settings, now, today or local_date(now), out, err, COMMANDS)
        if args.verbose:
            print(f"arshjul: datamapp {settings.home}", file=err)
            print(f"arshjul: databas {describe_url(settings.database_url)}", file=err)
        code: int = args.run(call)
        return code
    except (CycleError, StorageError) as error:
        print(f"arshjul: fel: {error}", file=err)
        return EXIT_BAD_INPUT
    except EngineError as error:
        if args.verbose:
            traceback.print_exception(error, file=err)
        print(f"arshjul: fel: {error}", file=err)
        return EXIT_ENGINE
    finally:
        for name in added:
            os.environ.pop(name, None)


def _end_like_ctrl_c(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def entry() -> None:
    """The console script: :func:`main` with the process's signals and pipes handled.

    SIGTERM and SIGHUP raise ``SystemExit`` like Ctrl-C raises ``KeyboardInterrupt``,
    so ``finally`` blocks and exit handlers run and nothing the command started is left
    behind. A closed output pipe ends the command quietly (no traceback) with 141."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _end_like_ctrl_c)
    try:
        code = main()
        sys.stdout.flush()
    except KeyboardInterrupt:
        print("\narshjul: avbrutet.", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        code = EXIT_CLOSED_PIPE
    if code == EXIT_CLOSED_PIPE or _pipe_closed():
        # what is still buffered has nowhere to go; without this Python complains at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_CLOSED_PIPE
    raise SystemExit(code)


def _pipe_closed() -> bool:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return True
    return False


if __name__ == "__main__":  # pragma: no cover
    entry()
