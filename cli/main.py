"""The ``arshjul`` entry point: parse, build the settings once, run the command, and turn
bad input into one Swedish line and exit status 2."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from cycle import CycleError
from cycle.times import local_date
from models.database import StorageError

from .arguments import Invocation, build_parser, settings_from
from .commands import COMMANDS, DESCRIPTION

EXIT_BAD_INPUT = 2
# Prefect reports usage to its makers unless told not to. Årshjul sends nothing anywhere
# unless an admin opts in, by setting one of these to another value themselves; every
# process the CLI starts (the local Prefect server, `arshjul serve`'s runs) inherits them.
NO_TELEMETRY = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
}


def main(
    argv: Sequence[str] | None = None,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the CLI; returns the exit status (0 ok, 2 bad input).

    ``today``, ``now`` and the streams are parameters so tests need neither a clock nor a
    terminal; what lies before ``now`` is history to every command and flow it runs.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    for name, value in NO_TELEMETRY.items():  # before anything imports Prefect
        os.environ.setdefault(name, value)
    args = build_parser(DESCRIPTION, COMMANDS).parse_args(argv)
    now = now or dt.datetime.now(dt.UTC)
    try:
        # the edge: the only place the command line meets the environment
        settings = settings_from(args, os.environ)
        call = Invocation(args, settings, now, today or local_date(now), out, err)
        code: int = args.run(call)
        return code
    except (CycleError, StorageError) as error:
        print(f"arshjul: fel: {error}", file=err)
        return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
