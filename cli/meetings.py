"""``arshjul meetings``: an organisation-year's meetings with their ids, for admin actions."""

from __future__ import annotations

from cycle.swedish import format_date, format_time
from cycle.times import STOCKHOLM
from models.published import meetings_of
from services.cyclefiles import load_cycles
from services.storage import reading

from .arguments import ORG, STORED, YEAR, Command, Invocation


def meetings(call: Invocation) -> int:
    """List an organisation-year's meetings with id, time, status and sequence."""
    org, year = call.args.org, call.args.year
    load_cycles(call.settings.cycles_dir, org)  # an unknown organisation: a Swedish error
    with reading(call.settings) as session:
        found = meetings_of(session, org, year)
    if not found:
        call.say(f"Inga sparade möten för {org} {year}; kör `arshjul plan --year {year}`.")
    for m in found:
        local = m.start.astimezone(STOCKHOLM)
        call.say(
            f"{m.id}  {format_date(local.date())} kl. {format_time(local)}  {m.title}  "
            f"[{m.status.label}, sekvens {m.sequence}]" + (f"  – {m.note}" if m.note else "")
        )
    return 0


COMMANDS = (
    Command(
        "meetings",
        "lista ett års möten med id:n",
        "Listar sparade möten med id, tid, status och sekvens.",
        (ORG, YEAR, *STORED),
        meetings,
    ),
)
