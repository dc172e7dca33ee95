"""``arshjul archive``, ``archive-check`` and ``archive-import``: an organisation's year as
a package for e-archive intake, checked against its manifest, and read back into an
empty database (docs/archive.md)."""

from __future__ import annotations

from pathlib import Path

from cycle.errors import PlanError
from cycle.swedish import counted

from .arguments import DATABASE, ORG, STORED, YEAR, Command, Invocation, option


def archive(call: Invocation) -> int:
    """Write the package and say where."""
    from services.archive import archive_year

    a = call.args
    made = archive_year(
        call.settings, a.org, a.year, now=call.now, folder=Path(a.till) if a.till else None
    )
    call.say(f"Arkivpaketet för {a.org} {a.year} är skrivet: {made.folder}")
    call.say(
        f"{made.files} filer, {made.size / 1024:.0f} kB; kontrollera med `arshjul "
        f"archive-check {made.folder}` eller `sha256sum -c sha256sums.txt` i mappen."
    )
    return 0


def check(call: Invocation) -> int:
    """Compare every file of a package with its manifest."""
    from services.archive import check_archive

    found = check_archive(Path(call.args.mapp))
    for problem in found.problems:
        call.say(problem)
    if found.problems:
        call.say(f"{len(found.problems)} av {found.files} filer stämmer inte med manifestet.")
        return 1
    call.say(f"Alla {found.files} filer stämmer med manifestet.")
    return 0


def import_package(call: Invocation) -> int:
    """Read a package into the (empty) database and make its report again."""
    from services.archive import import_archive

    done = import_archive(call.settings, Path(call.args.mapp))
    call.say(f"Inläst: {done.organisation} {done.year}, {counted(done.rows, 'rad', 'rader')}.")
    for path in done.reproduced:
        call.say(f"Återskapad byte för byte: {path}")
    for path in done.differing:
        call.say(f"Skiljer sig från paketets: {path}")
    if done.differing:
        raise PlanError(
            "årsuppföljningen blev inte densamma som i paketet", field="mapp", value=call.args.mapp
        )
    return 0


FOLDER = option("mapp", metavar="MAPP", help="paketets mapp")

COMMANDS = (
    Command(
        "archive",
        "skriv ett års arkivpaket för e-arkivet",
        "Skriver organisationens år som en mapp: cykelfilen, årets möten och uppgifter, "
        "beslut, uppdrag och rapporter (CSV), årsuppföljningen (Markdown, HTML, PDF), årets "
        "offentliga kalendrar och de lagrade raderna (JSON), med ett manifest med "
        "SHA-256-kontrollsummor och en beskrivning (LASMIG.txt). Se docs/archive.md.",
        (
            ORG,
            YEAR,
            option("--till", metavar="MAPP", help="paketets mapp (<datahem>/arkiv/ORG-ÅR)"),
            *STORED,
        ),
        archive,
    ),
    Command(
        "archive-check",
        "kontrollera ett arkivpaket mot dess manifest",
        "Jämför varje fils storlek och kontrollsumma med manifest.json och letar efter "
        "filer som inte står där. Avslutar med 1 om något inte stämmer.",
        (FOLDER,),
        check,
    ),
    Command(
        "archive-import",
        "läs in ett arkivpaket i en tom databas",
        "Kontrollerar paketet, läser in dess rader i databasen (som inte får ha "
        "organisationen sedan tidigare) och gör årsuppföljningen på nytt; den ska bli "
        "densamma byte för byte som paketets.",
        (FOLDER, DATABASE),
        import_package,
    ),
)
