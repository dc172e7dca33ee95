"""Record what the yearly processes decide: priorities, initiatives and year-end
statuses, from the command line or a decisions file (docs/decisions.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cycle.decisionfile import Decisions, parse_decisions
from models.definitions import save_definition
from models.yearly import record_decisions

from .cyclefiles import load_cycles, read_source
from .settings import Settings
from .storage import writing


def store_decisions(settings: Settings, decisions: Decisions, *, now: dt.datetime) -> int:
    """Store decided priorities, initiatives and statuses in one transaction; returns how
    many rows were new or changed.

    The organisation's definitions are saved first, so decisions can be recorded before
    its first plan.

    Raises:
        DefinitionError: an unknown organisation, priority or title.
    """
    (definition,) = load_cycles(settings.cycles_dir, decisions.organisation)
    with writing(settings, locks=[decisions.organisation]) as session:
        save_definition(session, definition, now=now)
        session.flush()
        return record_decisions(session, decisions, now=now)


def read_decisions(path: Path) -> Decisions:
    """Read and check a decisions file.

    Raises:
        DefinitionError: the file cannot be read or is not valid, naming file and line.
    """
    return parse_decisions(read_source(path), str(path))
