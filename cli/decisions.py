"""``arshjul decisions import|list|remove``, ``assignments`` and ``report-assignment``:
decisions with the assignments (uppdrag) they give, their statuses and reports
(docs/decisions.md)."""

from __future__ import annotations

import getpass

from cycle.decisions import REPORTABLE, CommissionStatus, reportable
from cycle.errors import PlanError
from cycle.swedish import counted, format_date

from .arguments import ORG, STORED, Command, Invocation, option, year
from .yearly import FILE, import_file


def assignments(call: Invocation) -> int:
    """List the organisation's assignments, filtered, with their derived status."""
    from services.decisions import list_commissions

    a = call.args
    status = CommissionStatus(a.status) if a.status else None
    found = list_commissions(
        call.settings, a.org, now=call.now, year=a.year, status=status, owner=a.owner, body=a.body
    )
    if not found:
        call.say(f"Inga uppdrag för {a.org}" + (f" {a.year}" if a.year else "") + ".")
        return 0
    for v in found:
        restricted = " (begränsad)" if v.publicity.value == "begränsad" else ""
        call.say(
            f"{v.id}  {v.title}{restricted}  – {v.owner}, senast {format_date(v.due)}  "
            f"[{v.status.value}]  ({v.body}, {format_date(v.decided_on)}: {v.decision})"
            + (f"  Senaste rapport: {v.last_report}" if v.last_report else "")
        )
    late = sum(1 for v in found if v.status is CommissionStatus.FORSENAT)
    call.say(f"{len(found)} uppdrag, varav {counted(late, 'försenat', 'försenade')}.")
    return 0


def report(call: Invocation) -> int:
    """Record an assignment's status, as its owner reported it."""
    from services.decisions import report as record

    a = call.args
    changed = record(
        call.settings,
        a.commission,
        reportable(a.status),
        a.text or "",
        by=f"admin:{getpass.getuser()}",
        now=call.now,
        triggered_by=f"CLI ({getpass.getuser()})",
    )
    call.say("Rapporten är sparad." if changed else "Samma status som senast; inget ändrat.")
    return 0


def listed(call: Invocation) -> int:
    """The organisation's recorded decisions with their ids."""
    from services.decisions import list_decisions

    found = list_decisions(call.settings, call.args.org, year=call.args.year)
    for d in found:
        call.say(f"{d.id}  {format_date(d.day)}  {d.body}: {d.title}  ({d.commissions} uppdrag)")
    call.say(f"{len(found)} beslut.")
    return 0


def remove(call: Invocation) -> int:
    """Take back a decision or assignment recorded by mistake."""
    from services.decisions import remove_recorded

    try:
        title = remove_recorded(
            call.settings, call.args.id, by=f"CLI ({getpass.getuser()})", now=call.now
        )
    except LookupError:
        raise PlanError(
            "inget beslut eller uppdrag har det id:t (se arshjul decisions list)",
            field="ID",
            value=call.args.id,
        ) from None
    call.say(f"Borttaget: {title}")
    return 0


COMMANDS = (
    Command(
        "decisions",
        "registrera beslut och de uppdrag de ger",
        actions=(
            Command(
                "import",
                "läs beslut och uppdrag från en TOML-fil",
                "Läser en beslutsfil (docs/decisions.md): prioriteringar, satsningar, "
                "statusar och beslut med uppdrag, var och en knuten till sitt möte. Samma "
                "fil två gånger ändrar ingenting; ett fel i filen sparar ingenting.",
                (FILE, *STORED),
                import_file,
            ),
            Command(
                "list",
                "visa registrerade beslut med sina id:n",
                None,
                (
                    ORG,
                    option("--year", type=year, metavar="ÅR", help="beslut detta år"),
                    *STORED,
                ),
                listed,
            ),
            Command(
                "remove",
                "ta bort ett beslut eller uppdrag som registrerats av misstag",
                "Tar bort beslutet (med dess uppdrag) eller uppdraget, och dess punkt på "
                "återrapporteringsmötets dagordning om mötet inte har börjat. Ett uppdrag "
                "som har fått rapporter är historia och tas inte bort; sätt status avbrutet "
                "i stället. Används t.ex. när en rubrik har rättats i beslutsfilen.",
                (option("id", metavar="ID", help="beslutets eller uppdragets id"), *STORED),
                remove,
            ),
        ),
    ),
    Command(
        "assignments",
        "visa uppdragen och rapportera deras status",
        "Utan åtgärd: organisationens uppdrag med ägare, tidsram och status (försenat "
        "när tidsramen har passerat utan att uppdraget är klart), filtrerade på år, status, "
        "ägare och organ.",
        (
            ORG,
            option("--year", type=year, metavar="ÅR", help="uppdrag från beslut detta år"),
            option(
                "--status", choices=[s.value for s in CommissionStatus], help="bara denna status"
            ),
            option(
                "--owner", metavar="NAMN", help="ägarens namn, eller person:ORG/ID / body:ORG/SLUG"
            ),
            option("--body", metavar="NAMN", help="organet som beslutade"),
            *STORED,
        ),
        assignments,
        actions=(),
    ),
    Command(
        "report-assignment",
        "rapportera ett uppdrags status",
        "Sparar en statusrapport för uppdraget; varje rapport behålls med vem och när.",
        (
            option("commission", metavar="ID", help="uppdragets id (från arshjul assignments)"),
            option("--status", required=True, choices=[s.value for s in REPORTABLE], help="status"),
            option("--text", metavar="TEXT", help="en kort redovisning"),
            *STORED,
        ),
        report,
    ),
)
