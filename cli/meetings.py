"""``arshjul meetings``: an organisation-year's meetings with their ids, for admin actions."""

from __future__ import annotations

import getpass

from cycle import DefinitionError
from cycle.swedish import format_date, format_time
from cycle.times import STOCKHOLM, parse_local
from models.published import meetings_of
from services.cyclefiles import load_cycles
from services.history import correct_meeting
from services.storage import reading

from .arguments import PUBLISHING, STORED, Command, Invocation, option, year
from .feeds import export_feeds


def meetings(call: Invocation) -> int:
    """List an organisation-year's meetings with id, time, status and sequence, or – with
    ``correct ID`` – correct history."""
    if call.args.correct:
        return correct(call)
    org, year = call.args.org, call.args.year
    if not org or not year:
        raise DefinitionError("ange --org och --year, eller `correct ID`", field="--org")
    load_cycles(call.settings.cycles_dir, org)  # an unknown organisation: a Swedish error
    with reading(call.settings) as session:
        found = meetings_of(session, org, year, now=call.now)
    if not found:
        call.say(f"Inga sparade möten för {org} {year}; kör `arshjul plan --year {year}`.")
    for m in found:
        local = m.start.astimezone(STOCKHOLM)
        call.say(
            f"{m.id}  {format_date(local.date())} kl. {format_time(local)}  {m.title}  "
            f"[{m.status.label}, sekvens {m.sequence}]"
            + "".join(f"  – {why}" for why in (m.moved_because, m.note) if why)
        )
    return 0


def correct(call: Invocation) -> int:
    """``arshjul meetings correct ID --reason …``: the explicit act that changes history."""
    a = call.args
    if not a.meeting:
        raise DefinitionError("ange mötets id: arshjul meetings correct ID", field="ID")
    note = correct_meeting(
        call.settings,
        a.meeting,
        reason=a.reason or "",
        now=call.now,
        by=getpass.getuser(),
        start=parse_local(a.start, field="--start") if a.start else None,
        location=a.location,
        cancelled=a.cancelled,
    )
    call.say(f"{note}. Rättelsen är loggad (se `arshjul history`).")
    return export_feeds(call)  # subscribers see the corrected meeting at once


COMMANDS = (
    Command(
        "meetings",
        "lista ett års möten med id:n, eller rätta ett hållet möte",
        "`arshjul meetings --org ORG --year ÅR` listar sparade möten med id, tid, status "
        "och sekvens. Ett möte som har hållits ändras aldrig av planer eller flöden; "
        "`arshjul meetings correct ID --reason …` rättar det uttryckligen, och rättelsen "
        "loggas.",
        (
            option("correct", nargs="?", choices=["correct"], help="rätta ett hållet möte"),
            option("meeting", nargs="?", metavar="ID", help="mötets id"),
            option("--org", metavar="SLUG", help="organisationen"),
            option("--year", type=year, metavar="ÅR", help="året"),
            option("--reason", metavar="TEXT", help="skälet till rättelsen (krävs)"),
            option("--start", metavar="TID", help="när mötet egentligen började, ÅÅÅÅ-MM-DDTTT:MM"),
            option("--location", metavar="TEXT", help="var mötet egentligen hölls"),
            option("--cancelled", action="store_true", help="mötet blev aldrig av"),
            *STORED,
            *PUBLISHING,
        ),
        meetings,
    ),
)
