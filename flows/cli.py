"""``arshjul``: the command line. It parses, calls the core or a flow, and prints.

Every message a user sees is Swedish; bad input prints one sentence naming the file,
line, field and value, and exits with status 2 without writing anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from typing import TextIO
from zoneinfo import ZoneInfo

from cycle import CycleError, plan_year, swedish_calendar
from models.database import StorageError, create_schema, describe_url, make_engine

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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with Swedish help for every command and option."""
    parser = argparse.ArgumentParser(
        prog="arshjul",
        description="Årshjul – årscykeln för regionala samverkansorgan: planera året, "
        "kontrollera cykelfilerna och kör demot.",
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

    demo = sub.add_parser(
        "demo",
        help="kör huvudjobbet på standardinställningarna",
        description="Planerar innevarande och nästa år för alla "
        "organisationer i cykelfilerna och sparar dem i databasen.",
    )
    common(demo, db=True)
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
    settings = Settings.load(database_url=getattr(args, "db", None), cycles_dir=args.cycles)
    try:
        if args.command == "check":
            return _check(settings, args.year or [today.year, today.year + 1], out)
        years = [args.year] if args.command == "plan" else [today.year, today.year + 1]
        organisation = args.org if args.command == "plan" else None
        return _plan(settings, years, organisation, now, out, err)
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
