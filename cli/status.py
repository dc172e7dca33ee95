"""``arshjul status``: where the data is, what ran, what runs next, the outbox and the
export's age, in one screen."""

from __future__ import annotations

import datetime as dt

from cycle.swedish import counted, format_moment
from flows.runtime.catalogue import CATALOGUE
from models.outbox import OutboxStatus

from .arguments import PUBLISHING, STORED, Command, Invocation


def ago(seconds: float) -> str:
    """How long ago, in Swedish words.

    Example:
        >>> ago(30), ago(600), ago(7200), ago(3 * 86400)
        ('nyss', 'för 10 minuter sedan', 'för 2 timmar sedan', 'för 3 dagar sedan')
    """
    if seconds < 60:
        return "nyss"
    for size, one, many in ((86400, "dag", "dagar"), (3600, "timme", "timmar")):
        if seconds >= size:
            n = int(seconds // size)
            return f"för {n} {one if n == 1 else many} sedan"
    n = int(seconds // 60)
    return f"för {n} {'minut' if n == 1 else 'minuter'} sedan"


def _when(moment: dt.datetime) -> str:
    return format_moment(moment)


def status(call: Invocation) -> int:
    """Print the installation's state."""
    # loads the export's renderers (through the export stamp): only when status runs,
    # not with every command
    from services.status import elsewhere, read_status

    schedules = {
        name: (info.schedule.cron, info.schedule.text)
        for name, info in CATALOGUE.items()
        if info.schedule is not None
    }
    s = read_status(call.settings, schedules, now=call.now)
    call.say(f"Datamapp:     {s.home}")
    call.say(f"Databas:      {s.database}")
    files = ", ".join(s.cycle_files) or "inga"
    call.say(f"Cykelfiler:   {len(s.cycle_files)} i {s.cycles_dir} ({files})")
    for folder, names in elsewhere(s).items():
        call.say(f"  planen kom från en annan mapp: {folder} ({', '.join(names)})")
    if s.planned:
        years: dict[str, list[str]] = {}
        for org, year, count in s.planned:
            years.setdefault(org, []).append(f"{year} ({counted(count, 'möte', 'möten')})")
        call.say("Planerat:")
        for org, parts in years.items():
            call.say(f"  {org}: {', '.join(parts)}")
    else:
        call.say("Planerat:     inget ännu (kör arshjul plan eller arshjul demo)")
    call.say("Senaste körningar:" if s.runs else "Senaste körningar: inga")
    for r in s.runs:
        call.say(f"  {_when(r.started_at)}  {r.flow}  {r.outcome}  ({r.triggered_by})")
    call.say("Nästa schemalagda körningar (när arshjul serve eller en worker kör):")
    for n in s.next_runs:
        call.say(f"  {_when(n.at)}  {n.flow}  – {n.schedule}")
    counts = ", ".join(
        f"{s.outbox.get(state, 0)} {state.label}"
        for state in (OutboxStatus.PENDING, OutboxStatus.SENT, OutboxStatus.FAILED)
    )
    call.say(f"Utkorgen:     {counts}")
    if s.exported_at is None:
        call.say(f"Export:       ingen ännu i {s.export_dir} (kör arshjul feeds export)")
    else:
        age = ago((call.now - s.exported_at).total_seconds())
        call.say(f"Export:       {s.export_dir}, senast {_when(s.exported_at)} ({age})")
    return 0


COMMANDS = (
    Command(
        "status",
        "visa läget: data, körningar, scheman, utkorg och export",
        "Visar datamappen och databasen, cykelfilerna, planerade år, de senaste "
        "körningarna, när de schemalagda flödena körs nästa gång, utkorgen och hur "
        "gammal exporten av kalenderflödena är.",
        (*STORED, *PUBLISHING),
        status,
    ),
)
