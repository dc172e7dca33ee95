"""Commands and options as data, turned into a Swedish ``argparse`` parser.

argparse builds its headings and errors with gettext; Python ships no Swedish
catalogue, so the few strings it uses are translated here.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from cycle import PlanError
from cycle.suggestions import did_you_mean
from cycle.times import FIRST_YEAR, LAST_YEAR, check_year
from services.settings import Settings

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


@dataclass(frozen=True, slots=True)
class Invocation:
    """Everything a command gets: its parsed arguments, the settings built at the edge,
    the moment it runs, where to write, and the command table itself (for the one
    command that describes the others, ``completion``). Tests pass ``now`` and the
    streams in."""

    args: argparse.Namespace
    settings: Settings
    now: dt.datetime
    today: dt.date
    out: TextIO
    err: TextIO
    commands: tuple[Command, ...] = ()

    def say(self, text: str = "") -> None:
        """Print a line of output (flushed, so long runs show progress)."""
        print(text, file=self.out, flush=True)


Run = Callable[[Invocation], int]


@dataclass(frozen=True, slots=True)
class Option:
    """One argument or flag: its names and argparse's keyword arguments."""

    flags: tuple[str, ...]
    spec: dict[str, Any] = field(default_factory=dict)

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(*self.flags, **self.spec)


def option(*flags: str, **spec: Any) -> Option:
    """An :class:`Option`, written like ``add_argument``."""
    return Option(flags, spec)


@dataclass(frozen=True, slots=True)
class Command:
    """A command (or an action under one): name, Swedish help, options, and either what
    it runs or its actions (``arshjul feeds export``)."""

    name: str
    help: str
    description: str | None = None
    options: tuple[Option, ...] = ()
    run: Run | None = None
    actions: tuple[Command, ...] = ()
    epilog: str | None = None

    def add_to(self, sub: Any) -> None:
        parser = sub.add_parser(
            self.name,
            help=self.help,
            description=self.description,
            epilog=self.epilog,
            # an epilog is a preformatted list (the flows of `run`); other help is wrapped
            formatter_class=argparse.RawDescriptionHelpFormatter
            if self.epilog
            else argparse.HelpFormatter,
        )
        for opt in self.options:
            opt.add_to(parser)
        VERBOSE_HERE.add_to(parser)
        if self.run is not None:
            parser.set_defaults(run=self.run)
        if self.actions:
            actions = parser.add_subparsers(dest="action", metavar="ÅTGÄRD", required=True)
            for action in self.actions:
                action.add_to(actions)


def year(text: str) -> int:
    """An argparse type: a year the engine plans."""
    try:
        return check_year(int(text))
    except (ValueError, PlanError):
        raise argparse.ArgumentTypeError(
            f"{text!r} är inget år som planeras; ange ett år mellan {FIRST_YEAR} och {LAST_YEAR}"
        ) from None


year.__name__ = "år"  # argparse shows the type's name in its error message


def positive(text: str) -> int:
    """An argparse type: a whole number above zero."""
    number = int(text)
    if number < 1:
        raise ValueError(text)
    return number


positive.__name__ = "positivt heltal"


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose "invalid choice" (a mistyped command, action or value
    from a list) names the nearest choice."""

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is not None and value not in choices:
            names = [str(c) for c in choices]
            raise argparse.ArgumentError(
                action,
                f"ogiltigt val: {value!r}{did_you_mean(str(value), names)} "
                f"(välj bland {', '.join(names)})",
            )


def build_parser(description: str, commands: tuple[Command, ...]) -> argparse.ArgumentParser:
    """The argument parser, with Swedish help for every command and option."""
    parser = Parser(prog="arshjul", description=description)
    VERBOSE.add_to(parser)
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)
    for command in commands:
        command.add_to(sub)
    return parser


# -- options shared by several commands ---------------------------------------------------

_VERBOSE_HELP = "visa vilken databas som används och Prefects egna loggrader"
VERBOSE = option("-v", "--verbose", action="store_true", help=_VERBOSE_HELP)
# after the command too (`arshjul run -v …`); SUPPRESS keeps the top level's value
VERBOSE_HERE = option(
    "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=_VERBOSE_HELP
)

CYCLES = option(
    "--cycles",
    metavar="MAPP",
    help="mapp med cykelfiler (*.toml); standard: ARSHJUL_CYCLES_DIR "
    "eller de medföljande i cycles/",
)
DATABASE = option(
    "--db",
    metavar="URL",
    help="SQLAlchemy-URL till databasen; standard: ARSHJUL_DATABASE_URL "
    "eller arshjul.db i datamappen (ARSHJUL_HOME, annars ~/.local/share/arshjul)",
)
OUT = option(
    "--out",
    metavar="MAPP",
    help="exportmapp; standard: ARSHJUL_PUBLISH_DIR eller publicerat/ i datamappen",
)
BASE_URL = option(
    "--base-url",
    metavar="URL",
    help="adressen prenumeranter använder; standard: ARSHJUL_PUBLIC_URL eller http://127.0.0.1:8000",
)
REPORTS = option(
    "--reports",
    metavar="MAPP",
    help="mapp för rapporter; standard: ARSHJUL_REPORTS_DIR eller rapporter/ i datamappen",
)
STORED = (CYCLES, DATABASE)  # commands that read the cycle files and the database
PUBLISHING = (OUT, BASE_URL)  # commands that write the feeds
EVERYTHING = (*STORED, *PUBLISHING, REPORTS)  # commands that run flows
SERVING = (
    option("--host", default="127.0.0.1", help="adress att lyssna på (127.0.0.1)"),
    option("--port", type=int, default=8000, help="port (8000)"),
    option("--workers", type=positive, default=1, metavar="N", help="antal serverprocesser (1)"),
)
ORG = option("--org", required=True, metavar="SLUG", help="organisationen")
YEAR = option("--year", type=year, required=True, metavar="ÅR", help="året")
PERSON = option("--person", required=True, metavar="ORG/ID", help="t.ex. varmland/karin-axelsson")
BODY = option("--body", required=True, metavar="ORG/ORGAN", help="t.ex. varmland/beredningsgrupp")


def settings_from(args: argparse.Namespace, environ: Any) -> Settings:
    """The one settings object, from the options a command has over the environment."""
    return Settings.load(
        environ,
        database_url=getattr(args, "db", None),
        cycles_dir=getattr(args, "cycles", None),
        reports_dir=getattr(args, "reports", None),
        publish_dir=getattr(args, "out", None),
        public_url=getattr(args, "base_url", None),
    )
