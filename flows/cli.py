"""``arshjul``: the command line. It parses, calls the core or a flow, and prints.

Every message a user sees is Swedish; bad input prints one sentence naming the file,
line, field and value, and exits with status 2 without writing anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from cycle import CycleError, plan_year, swedish_calendar
from models.database import StorageError, create_schema, describe_url, make_engine

from . import commands
from .catalogue import describe_flows
from .commands import status_choices
from .planning import YearOutcome, plan_and_store
from .settings import Settings
from .sources import load_cycles

STOCKHOLM = ZoneInfo("Europe/Stockholm")
EXIT_BAD_INPUT = 2

# argparse builds its headings and errors with gettext; Python ships no Swedish catalogue,
# so the few strings it uses are translated here.
_ARGPARSE_SV = {
    "usage: ": "användning: ",
    "options": "flaggor",
    "positional arguments": "argument",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "the following arguments are required: %s": "följande argument krävs: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "ogiltigt val: %(value)r (välj bland %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "expected one argument": "förväntade ett värde",
    "invalid %(type)s value: %(value)r": "ogiltigt värde för %(type)s: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tvetydig flagga: %(option)s kan vara %(matches)s"
    ),
}
argparse._ = lambda text: _ARGPARSE_SV.get(text, text)  # type: ignore[attr-defined]


def _year(text: str) -> int:
    value = int(text)
    if not 2000 <= value <= 2100:
        raise ValueError(text)
    return value


_year.__name__ = "år"  # argparse shows the type's name in its error message


def _decisions(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "import":
        return commands.import_decisions(settings, Path(args.file), out)
    return commands.record_decisions(settings, commands.decisions_from_args(args), out)


ADMIN_COMMANDS: dict[str, Callable[[Settings, argparse.Namespace, TextIO], int]] = {
    "run": lambda s, a, o: commands.run_flow(s, a.flow, a.param, o),
    "serve": lambda s, a, o: commands.serve(o),
    "deploy": lambda s, a, o: commands.deploy(a.pool, o),
    "history": lambda s, a, o: commands.history(s, a.flow, a.limit, o),
    "meetings": lambda s, a, o: commands.meetings(s, a.org, a.year, o),
    "priorities": _decisions,
    "followups": _decisions,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with Swedish help for every command and option."""
    parser = argparse.ArgumentParser(
        prog="arshjul",
        description="Årshjul – årscykeln för regionala samverkansorgan: planera året, "
        "kör årshjulets flöden, publicera kalenderflöden och skicka påminnelser.",
    )
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)

    def common(p: argparse.ArgumentParser, *, db: bool) -> None:
        p.add_argument(
            "--cycles",
            metavar="MAPP",
            help="mapp med cykelfiler (*.toml); standard: ARSHJUL_CYCLES_DIR "
            "eller de medföljande i cycles/",
        )
        if db:
            p.add_argument(
                "--db",
                metavar="URL",
                help="SQLAlchemy-URL till databasen; standard: ARSHJUL_DATABASE_URL "
                "eller sqlite:///arshjul.db i arbetskatalogen",
            )

    plan = sub.add_parser(
        "plan",
        help="planera ett år och spara det i databasen",
        description="Läser cykelfilerna, planerar året och sparar möten och "
        "uppgifter. Att köra samma plan två gånger ändrar ingenting.",
    )
    plan.add_argument("--year", type=_year, required=True, metavar="ÅR", help="året att planera")
    plan.add_argument("--org", metavar="SLUG", help="bara denna organisation (t.ex. varmland)")
    common(plan, db=True)

    check = sub.add_parser(
        "check",
        help="kontrollera cykelfilerna utan att röra databasen",
        description="Kontrollerar varje cykelfil och provplanerar åren, "
        "utan att läsa eller skriva databasen.",
    )
    check.add_argument(
        "--year",
        type=_year,
        action="append",
        metavar="ÅR",
        help="år att provplanera (kan upprepas); standard: i år och nästa år",
    )
    common(check, db=False)

    run = sub.add_parser(
        "run",
        help="starta ett flöde (på Prefect-servern om PREFECT_API_URL är satt)",
        description="Startar ett av årshjulets flöden. Med PREFECT_API_URL satt startas "
        "flödets deployment på servern (som `arshjul serve` kör); annars körs det lokalt.",
        epilog=describe_flows(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("flow", metavar="FLÖDE", help="flödets namn, se listan nedan")
    run.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NYCKEL=VÄRDE",
        help="en parameter till flödet (kan upprepas)",
    )
    common(run, db=True)

    dep = sub.add_parser(
        "deploy",
        help="registrera flödena på en arbetspool för workers",
        description="Registrerar alla flöden med scheman på en Prefect-arbetspool av typen "
        "process (skapas om den saknas). Starta sedan `prefect worker start --pool NAMN` "
        "på en eller flera maskiner.",
    )
    dep.add_argument("--pool", default="arshjul", metavar="NAMN", help="arbetspoolen (arshjul)")

    sub.add_parser(
        "serve",
        help="kör flödenas deployments och scheman mot Prefect-servern",
        description="Registrerar alla flöden som deployments med scheman i svensk "
        "tid och kör dem tills du avbryter. Kräver PREFECT_API_URL.",
    )

    hist = sub.add_parser(
        "history",
        help="visa loggade flödeskörningar",
        description="Visar de senaste körningarna: flöde, parametrar, vem eller "
        "vad som startade dem, utfall och antal ändrade rader.",
    )
    hist.add_argument("--flow", metavar="FLÖDE", help="bara detta flöde")
    hist.add_argument("--limit", type=int, default=20, metavar="N", help="antal rader (20)")
    common(hist, db=True)

    meet = sub.add_parser(
        "meetings",
        help="lista ett års möten med id:n",
        description="Listar sparade möten med id, tid, status och sekvens.",
    )
    meet.add_argument("--org", required=True, metavar="SLUG", help="organisationen")
    meet.add_argument("--year", type=_year, required=True, metavar="ÅR", help="året")
    common(meet, db=True)

    prio = sub.add_parser("priorities", help="registrera beslutade prioriteringar och satsningar")
    prio_sub = prio.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    add = prio_sub.add_parser("add", help="lägg till ett prioriterat område eller en satsning")
    add.add_argument("--org", required=True, metavar="SLUG", help="organisationen")
    add.add_argument("--year", type=_year, required=True, metavar="ÅR", help="året")
    add.add_argument("--title", required=True, metavar="RUBRIK", help="rubrik")
    add.add_argument("--description", metavar="TEXT", help="beskrivning")
    add.add_argument(
        "--initiative",
        action="store_true",
        help="en gemensam satsning i stället för ett prioriterat område",
    )
    add.add_argument("--under", metavar="RUBRIK", help="satsningens prioriterade område")
    add.add_argument("--owner", metavar="TEXT", help="satsningens ansvariga")
    common(add, db=True)
    imp = prio_sub.add_parser("import", help="läs beslut från en TOML-fil")
    imp.add_argument("file", metavar="FIL", help="fil enligt docs/decisions.md")
    common(imp, db=True)

    fol = sub.add_parser("followups", help="rapportera status vid årsuppföljningen")
    fol_sub = fol.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
    fset = fol_sub.add_parser("set", help="sätt status för ett område eller en satsning")
    fset.add_argument("--org", required=True, metavar="SLUG", help="organisationen")
    fset.add_argument("--year", type=_year, required=True, metavar="ÅR", help="året")
    fset.add_argument(
        "--title", required=True, metavar="RUBRIK", help="områdets eller satsningens rubrik"
    )
    fset.add_argument("--status", required=True, choices=status_choices(), help="status")
    fset.add_argument("--comment", metavar="TEXT", help="kommentar")
    common(fset, db=True)
    fimp = fol_sub.add_parser("import", help="läs statusar från en TOML-fil")
    fimp.add_argument("file", metavar="FIL", help="fil enligt docs/decisions.md")
    common(fimp, db=True)

    db = sub.add_parser(
        "db",
        help="databasens schema: uppgradera eller visa version",
        description="Kör databasmigreringarna (Alembic) till senaste "
        "versionen, eller visar vilken version databasen har.",
    )
    db.add_argument(
        "action",
        choices=["upgrade", "current"],
        metavar="ÅTGÄRD",
        help="upgrade (till senaste versionen) eller current (visa versionen)",
    )
    common(db, db=True)

    remind = sub.add_parser(
        "remind",
        help="köa och skicka dagens e-post (flödet send-reminders)",
        description="Kör flödet send-reminders: köar uppgifter, påminnelser, kallelser, "
        "inställda möten och veckobrev i utkorgen och skickar det som ska ut via SMTP "
        "(ARSHJUL_SMTP_HOST m.fl.). Med --dry-run visas bara vad som skulle skickas.",
    )
    remind.add_argument(
        "--now",
        metavar="TID",
        help="tidpunkt ÅÅÅÅ-MM-DDTTT:MM i svensk tid "
        "(standard: nu), t.ex. i morgon kl. 07.00 för att förhandsgranska",
    )
    remind.add_argument(
        "--dry-run",
        action="store_true",
        help="visa vad som skulle skickas, utan att köa eller skicka",
    )
    common(remind, db=True)

    outbox = sub.add_parser(
        "outbox",
        help="visa utkorgen: köade, skickade och misslyckade",
        description="Visar utkorgens meddelanden med status, försök och senaste fel.",
    )
    outbox.add_argument(
        "--status",
        choices=["pending", "sending", "sent", "failed", "withdrawn", "expired"],
        help="bara denna status",
    )
    outbox.add_argument("--limit", type=int, default=50, metavar="N", help="antal rader (50)")
    common(outbox, db=True)

    tasks = sub.add_parser(
        "tasks",
        help="visa eller klarmarkera förberedelseuppgifter",
        description="`arshjul tasks --person ORG/ID` visar personens "
        "öppna uppgifter; `arshjul tasks done ID` markerar en uppgift klar, "
        "så att den inte påminns om mer.",
    )
    tasks.add_argument("done", nargs="?", choices=["done"], help="markera en uppgift klar")
    tasks.add_argument("task", nargs="?", metavar="ID", help="uppgiftens id")
    tasks.add_argument("--person", metavar="ORG/ID", help="personen, t.ex. varmland/anna-lind")
    tasks.add_argument("--all", action="store_true", help="visa även klara uppgifter")
    common(tasks, db=True)

    feeds = sub.add_parser("feeds", help="kalenderflöden: exportera, servera, hantera nycklar")
    feeds_sub = feeds.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)

    def publishing(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--out",
            metavar="MAPP",
            help="exportmapp; standard: ARSHJUL_PUBLISH_DIR eller publicerat/",
        )
        p.add_argument(
            "--base-url",
            metavar="URL",
            help="adressen prenumeranter använder; "
            "standard: ARSHJUL_PUBLIC_URL eller http://127.0.0.1:8000",
        )

    def serving(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1", help="adress att lyssna på (127.0.0.1)")
        p.add_argument("--port", type=int, default=8000, help="port (8000)")
        p.add_argument(
            "--workers", type=int, default=1, metavar="N", help="antal serverprocesser (1)"
        )

    fexp = feeds_sub.add_parser(
        "export",
        help="skriv alla flöden och index.json till en mapp",
        description="Skriver varje flöde som en statisk fil plus "
        "index.json och index.html; oförändrade filer lämnas orörda.",
    )
    publishing(fexp)
    common(fexp, db=True)
    fserve = feeds_sub.add_parser(
        "serve",
        help="servera en exporterad mapp över HTTP",
        description="Serverar flödena med ETag, Last-Modified och "
        "304-svar; personliga flöden under /p/<nyckel>.ics.",
    )
    publishing(fserve)
    serving(fserve)
    frot = feeds_sub.add_parser(
        "rotate-token",
        help="byt en persons hemliga flödesnyckel",
        description="Återkallar personens nyckel och ger en ny; den "
        "gamla adressen slutar fungera vid nästa export.",
    )
    frot.add_argument("--person", required=True, metavar="ORG/ID", help="t.ex. varmland/anna-lind")
    publishing(frot)
    common(frot, db=True)
    flink = feeds_sub.add_parser("link", help="visa en persons privata flödesadress")
    flink.add_argument("--person", required=True, metavar="ORG/ID", help="t.ex. varmland/anna-lind")
    publishing(flink)
    common(flink, db=True)

    demo = sub.add_parser(
        "demo",
        help="kör huvudjobbet på standardinställningarna",
        description="Planerar innevarande och nästa år för alla organisationer i "
        "cykelfilerna, sparar dem, exporterar kalenderflödena och serverar dem på "
        "127.0.0.1 tills du avbryter med Ctrl-C.",
    )
    common(demo, db=True)
    publishing(demo)
    serving(demo)
    demo.add_argument("--no-serve", action="store_true", help="exportera bara, starta ingen server")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    today: dt.date | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the CLI; returns the exit status (0 ok, 2 bad input).

    ``today`` and the streams are parameters so tests need neither a clock nor a terminal.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    now = dt.datetime.now(dt.UTC)
    today = today or now.astimezone(STOCKHOLM).date()
    settings = Settings.load(
        database_url=getattr(args, "db", None),
        cycles_dir=getattr(args, "cycles", None),
        publish_dir=getattr(args, "out", None),
        public_url=getattr(args, "base_url", None),
    )
    try:
        if args.command == "check":
            return _check(settings, args.year or [today.year, today.year + 1], out)
        if args.command == "db":
            return commands.database(settings, args.action, out)
        if args.command in ("remind", "outbox", "tasks"):
            command: Callable[..., int] = getattr(commands, args.command)
            return command(settings, args, now=now, out=out)
        if args.command == "feeds":
            return commands.feeds(settings, args, today=today, now=now, out=out)
        if args.command in ADMIN_COMMANDS:
            return ADMIN_COMMANDS[args.command](settings, args, out)
        years = [args.year] if args.command == "plan" else [today.year, today.year + 1]
        organisation = args.org if args.command == "plan" else None
        code = _plan(settings, years, organisation, now, out, err)
        if args.command == "demo":
            code = commands.demo_publish(settings, args, today=today, now=now, out=out)
        return code
    except (CycleError, StorageError) as error:
        print(f"arshjul: fel: {error}", file=err)
        return EXIT_BAD_INPUT


def _check(settings: Settings, years: Sequence[int], out: TextIO) -> int:
    definitions = load_cycles(settings.cycles_dir)
    calendar = swedish_calendar(range(min(years) - 1, max(years) + 2))
    for d in definitions:
        meetings = sum(len(plan_year(d, year, calendar).meetings) for year in years)
        print(
            f"{d.source}: OK – {d.organisation.name}: {len(d.bodies)} organ, "
            f"{len(d.people)} personer, {len(d.series)} mötesserier, "
            f"{meetings} möten {'–'.join(map(str, (min(years), max(years))))}",
            file=out,
        )
        # reminders cannot reach these people: say so instead of skipping them silently
        for p in d.people:
            if not p.email and any(m.person == p.id for m in d.memberships):
                print(
                    f"  saknar e-postadress (får inga påminnelser): {p.name} "
                    f"[{d.organisation.slug}/{p.id}]",
                    file=out,
                )
    return 0


def _plan(
    settings: Settings,
    years: Sequence[int],
    organisation: str | None,
    now: dt.datetime,
    out: TextIO,
    err: TextIO,
) -> int:
    definitions = load_cycles(settings.cycles_dir, organisation)
    engine = make_engine(settings.database_url)
    try:
        create_schema(engine)
        outcomes = plan_and_store(
            engine,
            definitions,
            years,
            now=now,
            progress=lambda line: print(line, file=err, flush=True),
        )
    finally:
        engine.dispose()
    for outcome in outcomes:
        print(render_summary(outcome), file=out)
    print(f"Databas: {describe_url(settings.database_url)}", file=out)
    return 0


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
    text = [
        f"\n{outcome.name} – årsplan {outcome.year}",
        line(headers),
        "-" * len(line(headers)),
        *(line(row) for row in rows[:-1]),
        "-" * len(line(headers)),
        line(rows[-1]),
        f"Ändringar: {r.meetings_added} nya, {r.meetings_changed} ändrade och "
        f"{r.meetings_cancelled} inställda möten; {r.tasks_added} nya, {r.tasks_changed} "
        f"ändrade och {r.tasks_cancelled} inställda uppgifter; "
        f"{r.definitions_changed} nya eller ändrade definitionsrader.",
    ]
    return "\n".join(text)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
