"""``arshjul plan``, ``check`` and ``demo``: plan years from the cycle files."""

from __future__ import annotations

import getpass
from collections.abc import Sequence

from cycle.conflicts import Conflict
from cycle.swedish import counted
from models.database import describe_url
from models.plan import planned_years
from services.conflicts import added, double_bookings_in, stored_double_bookings
from services.cyclefiles import load_cycles
from services.plan import (
    PlanContext,
    SaveAct,
    YearOutcome,
    plan_and_store,
    plan_context,
    plan_years,
)
from services.storage import engine_for, reading

from .arguments import (
    CYCLES,
    PUBLISHING,
    SERVING,
    STORED,
    Command,
    Invocation,
    option,
    year,
)
from .feeds import export_feeds
from .progress import steps
from .web import demo_has_held_meeting, demo_tryout, say_tryout, send_demo_mail, serve_web


def plan(call: Invocation) -> int:
    """Plan one year and say what the save does – then save it and publish the feeds, or,
    with ``--dry-run``, write nothing."""
    _plan(call, [call.args.year], call.args.org, dry_run=call.args.dry_run, command="plan")
    if call.args.dry_run:
        call.say("Provkörning: inget sparades och inga meddelanden köades.")
        return 0
    return export_feeds(call)  # subscribers see the change without another command


def _plan(
    call: Invocation,
    years: Sequence[int],
    organisation: str | None,
    *,
    dry_run: bool = False,
    command: str,
) -> None:
    definitions = load_cycles(call.settings.cycles_dir, organisation)
    context = plan_context(call.settings, years)
    _unread(call, context)
    # what the stored plan already has, so the warnings can say what the change adds
    before = stored_double_bookings(
        call.settings, context.everyone, years, now=call.now, involving=organisation
    )
    # a step for planning them all, then one per organisation and year saved
    total = 1 + len(definitions) * len(years)
    with steps(call.err, "Planerar", total) as progress:
        # every organisation is planned (a person may sit in another's bodies); those
        # asked for are saved, and the double bookings are found in the same plans
        planned = plan_years(context.everyone, years, context)
        outcomes = plan_and_store(
            engine_for(call.settings.database_url),
            definitions,
            years,
            now=call.now,
            progress=progress,
            dry_run=dry_run,
            planned=planned,
            act=SaveAct(command, f"CLI ({getpass.getuser()})"),
        )
    for outcome in outcomes:
        call.say(render_summary(outcome))
    after = double_bookings_in(planned, involving=organisation)
    _warn(call, after, new=None if before is None else added(before, after))
    call.say(f"Databas: {describe_url(call.settings.database_url)}")


def _unread(call: Invocation, context: PlanContext) -> None:
    """Say each calendar to avoid that could not be read (the plan goes on without it)."""
    for line in context.busy.unread:
        call.say(f"Varning, kalender: {line}.")


def _warn(
    call: Invocation, conflicts: Sequence[Conflict], *, new: Sequence[Conflict] | None = None
) -> None:
    """Say each double booking, or that there is none; with ``new`` (a plan was stored
    before), those the change adds are said as new, first."""
    if not conflicts:
        call.say("Inga dubbelbokningar: ingen är kallad till två möten samtidigt.")
    fresh = list(new or ())
    for conflict in fresh:
        call.say(f"Varning, ny dubbelbokning: {conflict.message}.")
    for conflict in conflicts:
        if conflict not in fresh:
            call.say(f"Varning, dubbelbokning: {conflict.message}.")
    if new is not None and conflicts and not fresh:
        call.say("Ändringen lägger inte till någon dubbelbokning.")


def check(call: Invocation) -> int:
    """Check every cycle file and try-plan the years, without the database."""
    years = call.args.year or [call.today.year, call.today.year + 1]
    context = plan_context(call.settings, years)
    definitions = context.everyone
    _unread(call, context)
    plans = plan_years(definitions, years, context)
    for d in definitions:
        meetings = sum(len(plan.meetings) for planned, plan in plans if planned is d)
        call.say(
            f"{d.source}: OK – {d.organisation.name}: {len(d.bodies)} organ, "
            f"{counted(len(d.people), 'person', 'personer')}, "
            f"{counted(len(d.series), 'mötesserie', 'mötesserier')}, "
            f"{counted(meetings, 'möte', 'möten')} {'–'.join(map(str, (min(years), max(years))))}"
        )
        if d.organisation.example:
            call.say("  exempeldata: mötena publiceras som preliminära (example = true)")
        # reminders cannot reach these people: say so instead of skipping them silently
        invented = 0
        for p in d.people:
            if p.example:
                invented += 1
            elif not p.email and any(m.person == p.id for m in d.memberships):
                call.say(
                    f"  saknar e-postadress (får inga påminnelser): {p.name} "
                    f"[{d.organisation.slug}/{p.id}]"
                )
        if invented:
            call.say(f"  {invented} exempelpersoner får aldrig e-post (example = true)")
    _warn(call, double_bookings_in(plans))
    return 0


def demo(call: Invocation) -> int:
    """This year and next for every organisation, the feeds exported, then served.

    A fresh database is planned as any first plan is, now: the year so far is stored as
    history – meetings held, and tasks whose due dates passed before anyone used
    Årshjul of unknown outcome ("före Årshjul"), never late. Its e-mail (everyone's
    "Din sida i Årshjul" with their "Markera som klar" links) goes to a mail sink on
    127.0.0.1 that keeps it in ``demo-post/`` and shows it at ``/_/post/``; nothing
    leaves the machine, and nothing is sent for the past.
    """
    with reading(call.settings) as session:
        fresh = not planned_years(session)
    _plan(call, [call.today.year, call.today.year + 1], None, command="demo")
    if not demo_has_held_meeting(call):  # early January: last year too, as history
        _plan(call, [call.today.year - 1], None, command="demo")
    if fresh:  # example decisions with assignments, marked as examples (never on live data)
        from services.decisions import record_example_decisions

        record_example_decisions(call.settings, call.today, now=call.now)
        call.say(
            "Exempelbeslut med uppdrag (märkta ”Exempel”) finns på "
            + ", ".join(
                f"{call.settings.public_url.rstrip('/')}/o/{d.organisation.slug}/uppdrag"
                for d in load_cycles(call.settings.cycles_dir)
            )
        )
    tryout = demo_tryout(call)  # a meeting to try the whole loop on, today
    export_feeds(call)
    mail = call.settings.home / DEMO_MAIL
    sent, shown = send_demo_mail(call, mail)
    call.say(
        f"E-post: {sent} meddelanden till demons lokala e-postmottagare och {shown} nya "
        f"förhandsvisningar av vad exempelpersoner skulle få (de får aldrig e-post), sparade i "
        f"{mail}/"
        + ("" if call.args.no_serve else f" och att läsa på {call.settings.public_url}/_/post/")
    )
    base = call.settings.public_url.rstrip("/")
    for d in load_cycles(call.settings.cycles_dir):
        call.say(
            f"Belastning {call.today.year}, {d.organisation.name}: "
            f"{base}/o/{d.organisation.slug}/{call.today.year}/belastning"
        )
    say_tryout(call, tryout)
    return 0 if call.args.no_serve else serve_web(call, mail_dir=mail)


def render_summary(outcome: YearOutcome) -> str:
    """The Swedish per-body table for one organisation-year, plus what the save changed."""
    headers = ("Organ", "Möten", "Uppgifter", "Flyttade p.g.a. helgdag", "Inställda")
    rows: list[tuple[object, ...]] = [
        (s.body, s.meetings, s.tasks, s.moved_for_holidays, s.cancelled) for s in outcome.summary
    ]
    rows.append(("Summa", *(sum(int(str(r[i])) for r in rows) for i in range(1, 5))))
    width = max(len(headers[0]), *(len(str(r[0])) for r in rows))

    def line(cells: Sequence[object]) -> str:
        return "  ".join(
            [str(cells[0]).ljust(width)]
            + [str(c).rjust(len(h)) for c, h in zip(cells[1:], headers[1:], strict=True)]
        )

    r = outcome.result
    meetings = _changes(r.meetings_added, r.meetings_changed, r.meetings_cancelled, MEETINGS)
    tasks = _changes(r.tasks_added, r.tasks_changed, r.tasks_cancelled, TASKS)
    definitions = counted(r.definitions_changed, "ny eller ändrad", "nya eller ändrade") + (
        " definitionsrad" if r.definitions_changed == 1 else " definitionsrader"
    )
    text = [
        f"\n{outcome.name} – årsplan {outcome.year}",
        line(headers),
        "-" * len(line(headers)),
        *(line(row) for row in rows[:-1]),
        "-" * len(line(headers)),
        line(rows[-1]),
        f"Ändringar: {meetings}; {tasks}; {definitions}.",
    ]
    n = outcome.notices
    if n.updates or n.cancellations:
        text.append(
            f"Utskick: {counted(n.updates, 'ändrad kallelse', 'ändrade kallelser')} och "
            f"{counted(n.cancellations, 'avbokning', 'avbokningar')} "
            f"till {counted(n.people, 'person', 'personer')}."
        )
    if r.history_meetings or r.history_tasks:
        text.append(
            f"Historik: året hittills sparades som reglerna beskriver det – "
            f"{counted(r.history_meetings, 'möte', 'möten')} som redan har hållits och "
            f"{counted(r.history_tasks, 'uppgift', 'uppgifter')} vars sista dag har passerat; "
            "om de uppgifterna blev gjorda vet Årshjul inte (”före Årshjul”, inte försenade)."
        )
    if r.history_kept:
        text.append(
            f"Förflutet: {counted(r.history_kept, 'ändring', 'ändringar')} av möten som har "
            "hållits och uppgifter vars sista dag har passerat lämnades som de var."
        )
    return "\n".join(text)


# (new, changed, cancelled, noun) for one and for several: möte is neuter, uppgift common
MEETINGS = (("nytt", "nya"), ("ändrat", "ändrade"), ("inställt", "inställda"), ("möte", "möten"))
TASKS = (("ny", "nya"), ("ändrad", "ändrade"), ("inställd", "inställda"), ("uppgift", "uppgifter"))


def _changes(added: int, changed: int, cancelled: int, words: tuple[tuple[str, str], ...]) -> str:
    """'21 nya, 1 ändrat och 0 inställda möten': each count with its own agreeing word,
    the noun after the last one, in the number of that one.

    Example:
        >>> _changes(1, 0, 2, MEETINGS)
        '1 nytt, 0 ändrade och 2 inställda möten'
        >>> _changes(3, 2, 1, TASKS)
        '3 nya, 2 ändrade och 1 inställd uppgift'
    """
    new, edited, gone, noun = words
    return (
        f"{counted(added, *new)}, {counted(changed, *edited)} och "
        f"{counted(cancelled, *gone)} {noun[0] if cancelled == 1 else noun[1]}"
    )


DEMO_MAIL = "demo-post"

COMMANDS = (
    Command(
        "plan",
        "planera ett år och spara det i databasen",
        "Läser cykelfilerna, planerar året, säger vad sparandet ändrar (möten som "
        "flyttas, skapas och ställs in, och vilka kallelser det skickar), sparar det och "
        "uppdaterar kalenderflödena. Det som redan har hänt ändras aldrig. Att köra samma "
        "plan två gånger ändrar ingenting.",
        (
            option("--year", type=year, required=True, metavar="ÅR", help="året att planera"),
            option("--org", metavar="SLUG", help="bara denna organisation (t.ex. varmland)"),
            option(
                "--dry-run",
                action="store_true",
                help="visa vad som skulle ändras och skickas, utan att spara något",
            ),
            *STORED,
            *PUBLISHING,
        ),
        plan,
    ),
    Command(
        "check",
        "kontrollera cykelfilerna utan att röra databasen",
        "Kontrollerar varje cykelfil och provplanerar åren, utan att läsa eller skriva databasen.",
        (
            option(
                "--year",
                type=year,
                action="append",
                metavar="ÅR",
                help="år att provplanera (kan upprepas); standard: i år och nästa år",
            ),
            CYCLES,
        ),
        check,
    ),
    Command(
        "demo",
        "kör huvudjobbet på standardinställningarna",
        "Planerar innevarande och nästa år för alla organisationer i "
        "cykelfilerna, sparar dem, exporterar kalenderflödena, skickar allas ”Din sida i "
        "Årshjul” till en lokal e-postmottagare (läs dem på /_/post/) och startar "
        "webbapplikationen med flödena på 127.0.0.1 tills du avbryter med Ctrl-C.",
        (
            *STORED,
            *PUBLISHING,
            *SERVING,
            option("--no-serve", action="store_true", help="exportera bara, starta ingen server"),
        ),
        demo,
    ),
)
