"""Record what the yearly processes decide: priorities, initiatives and year-end
statuses, from the command line or a decisions file (docs/decisions.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cycle.decisionfile import Decisions, parse_decisions
from models.audit import log_act
from models.definitions import save_definition
from models.yearly import record_decisions

from .cyclefiles import load_cycles, read_source
from .settings import Settings
from .storage import writing


def store_decisions(
    settings: Settings, decisions: Decisions, *, now: dt.datetime, by: str | None = None
) -> int:
    """Store decided priorities, initiatives and statuses in one transaction; returns how
    many rows were new or changed.

    The organisation's definitions are saved first, so decisions can be recorded before
    its first plan.

    Args:
        by: who stores them (e.g. ``CLI (sara)``); a store that changes rows is then an
            act in ``arshjul history``, logged in the same transaction.

    Raises:
        DefinitionError: an unknown organisation, priority or title.
    """
    (definition,) = load_cycles(settings.cycles_dir, decisions.organisation)
    with writing(settings, locks=[decisions.organisation]) as session:
        save_definition(session, definition, now=now)
        session.flush()
        changed = record_decisions(session, decisions, now=now)
        if by is not None and changed:
            d = decisions
            parts = [
                f"{n} {word}"
                for n, word in (
                    (len(d.decisions), "beslut"),
                    (len(d.priorities), "prioritering(ar)"),
                    (len(d.initiatives), "satsning(ar)"),
                    (len(d.statuses), "status(ar)"),
                )
                if n
            ]
            log_act(
                session,
                flow="decisions-stored",
                parameters={"organisation": d.organisation, "year": d.year},
                triggered_by=by,
                rows_changed=changed,
                message=f"Sparat för {definition.organisation.name} {d.year}: "
                f"{', '.join(parts)}; {changed} nya eller ändrade rader",
                now=now,
            )
        return changed


def read_decisions(path: Path) -> Decisions:
    """Read and check a decisions file.

    Raises:
        DefinitionError: the file cannot be read or is not valid, naming file and line.
    """
    return parse_decisions(read_source(path), str(path))
