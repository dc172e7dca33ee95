"""``arshjul priorities add|import`` and ``arshjul followups set|import``: record what
the yearly processes decide (docs/decisions.md)."""

from __future__ import annotations

import getpass
from pathlib import Path

from cycle.decisionfile import (
    DecidedInitiative,
    DecidedPriority,
    Decisions,
    ReportedStatus,
    reported_status,
)
from cycle.swedish import counted
from cycle.yearly import REPORTABLE
from services.yearly import read_decisions, store_decisions

from .arguments import ORG, STORED, YEAR, Command, Invocation, option


def _store(call: Invocation, decisions: Decisions) -> int:
    changed = store_decisions(
        call.settings, decisions, now=call.now, by=f"CLI ({getpass.getuser()})"
    )
    call.say(
        f"Sparat för {decisions.organisation} {decisions.year}: "
        f"{counted(changed, 'ny eller ändrad rad', 'nya eller ändrade rader')}."
    )
    return 0


def add_priority(call: Invocation) -> int:
    """One decided priority area, or with ``--initiative`` one joint initiative."""
    a = call.args
    if a.initiative:
        initiative = DecidedInitiative(a.title, a.description or "", a.under, a.owner or "")
        return _store(call, Decisions(a.org, a.year, (), (initiative,), ()))
    priority = DecidedPriority(a.title, a.description or "")
    return _store(call, Decisions(a.org, a.year, (priority,), (), ()))


def set_status(call: Invocation) -> int:
    """The year-end status of one priority or initiative."""
    a = call.args
    status = ReportedStatus(a.title, reported_status(a.status), a.comment or "")
    return _store(call, Decisions(a.org, a.year, (), (), (status,)))


def import_file(call: Invocation) -> int:
    """Priorities, initiatives and statuses from a decisions file."""
    return _store(call, read_decisions(Path(call.args.file)))


FILE = option("file", metavar="FIL", help="fil enligt docs/decisions.md")
TITLE = option("--title", required=True, metavar="RUBRIK", help="rubrik")

COMMANDS = (
    Command(
        "priorities",
        "registrera beslutade prioriteringar och satsningar",
        actions=(
            Command(
                "add",
                "lägg till ett prioriterat område eller en satsning",
                None,
                (
                    ORG,
                    YEAR,
                    TITLE,
                    option("--description", metavar="TEXT", help="beskrivning"),
                    option(
                        "--initiative",
                        action="store_true",
                        help="en gemensam satsning i stället för ett prioriterat område",
                    ),
                    option("--under", metavar="RUBRIK", help="satsningens prioriterade område"),
                    option("--owner", metavar="TEXT", help="satsningens ansvariga"),
                    *STORED,
                ),
                add_priority,
            ),
            Command("import", "läs beslut från en TOML-fil", None, (FILE, *STORED), import_file),
        ),
    ),
    Command(
        "followups",
        "rapportera status vid årsuppföljningen",
        actions=(
            Command(
                "set",
                "sätt status för ett område eller en satsning",
                None,
                (
                    ORG,
                    YEAR,
                    option(
                        "--title",
                        required=True,
                        metavar="RUBRIK",
                        help="områdets eller satsningens rubrik",
                    ),
                    option(
                        "--status",
                        required=True,
                        choices=[s.value for s in REPORTABLE],
                        help="status",
                    ),
                    option("--comment", metavar="TEXT", help="kommentar"),
                    *STORED,
                ),
                set_status,
            ),
            Command("import", "läs statusar från en TOML-fil", None, (FILE, *STORED), import_file),
        ),
    ),
)
