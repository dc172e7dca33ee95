""" "Menade du …?": the nearest known name to one an admin mistyped.

Every reference typed on the command line or in a cycle file (an organisation, a person,
a flow, a parameter, a command) is checked against what exists; where one known name is
close, the error says it, as git and cargo do.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(value: str, known: Iterable[str]) -> str | None:
    """The known name nearest to ``value``, if one is near enough.

    Example:
        >>> closest("plan-yaer", ["plan-year", "send-reminders"])
        'plan-year'
        >>> closest("varmlnd/anna-lind", ["varmland/anna-lindqvist", "varmland/per-ek"])
        'varmland/anna-lindqvist'
        >>> closest("xyz", ["plan-year"]) is None
        True
    """
    found = difflib.get_close_matches(value, list(known), n=1, cutoff=0.75)
    return found[0] if found else None


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """``"; menade du X?"`` for the nearest known name, or ``""``.

    Example:
        >>> "okänt flöde" + did_you_mean("plan-yaer", ["plan-year"])
        'okänt flöde; menade du plan-year?'
    """
    found = closest(value, known)
    return f"; menade du {found}?" if found else ""
