"""The files of an archive package (``arshjul archive``) that are made from values: the
year's plan and decisions as CSV for people, the rows as JSON for machines, a
description in Swedish, and a manifest with a SHA-256 checksum per file.

Pure: values in, bytes out – the same year gives the same bytes, so a package can be
made twice and compared, and its checksums say whether anything changed since.

The structure (``LASMIG.txt`` in each package says the same):

    <org>-<år>/
      LASMIG.txt             what the package is, its structure, how to check it
      manifest.json          organisation, year, when made, every file with its checksum
      sha256sums.txt         the same checksums: `sha256sum -c sha256sums.txt`
      cykel/<org>.toml       the cycle file the year was planned from
      plan/moten.csv         the year's meetings          plan/uppgifter.csv  their tasks
      beslut/beslut.csv      decisions                    beslut/uppdrag.csv  assignments
      beslut/rapporter.csv   every status report on them
      rapporter/uppfoljning-<år>.md|.html|.pdf   the year-end follow-up report
      kalendrar/…            the year's public and group feeds (.ics)
      data/<tabell>.json     the stored rows, for import into an empty database
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cycle.swedish import format_date
from cycle.times import STOCKHOLM

FORMAT = "arshjul-arkiv/1"
MANIFEST, CHECKSUMS, README = "manifest.json", "sha256sums.txt", "LASMIG.txt"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    key: str
    moment: bool = False  # a stored UTC instant, shown in Stockholm time
    order: bool = False  # rows are in the order of this column (then the others)


# the CSV files people read: (path, table, columns, what it is)
VIEWS: tuple[tuple[str, str, tuple[Column, ...], str], ...] = (
    (
        "plan/moten.csv",
        "meeting",
        (
            Column("id", "id"),
            Column("organ", "body"),
            Column("serie", "series"),
            Column("rubrik", "title"),
            Column("start", "start", moment=True, order=True),
            Column("slut", "end", moment=True),
            Column("plats", "location"),
            Column("status", "status"),
            Column("ändringar", "sequence"),
            Column("flyttat_eftersom", "moved_because"),
            Column("anteckning", "note"),
        ),
        "årets möten (och möten andra år som årets beslut pekar på)",
    ),
    (
        "plan/uppgifter.csv",
        "task",
        (
            Column("id", "id"),
            Column("möte", "meeting"),
            Column("steg", "step"),
            Column("rubrik", "title"),
            Column("senast", "due", order=True),
            Column("ansvar", "assignee"),
            Column("status", "status"),
            Column("klar", "done_at", moment=True),
        ),
        "förberedelseuppgifterna till mötena",
    ),
    (
        "beslut/beslut.csv",
        "decision",
        (
            Column("id", "id"),
            Column("möte", "meeting"),
            Column("ärende", "item"),
            Column("typ", "kind"),
            Column("rubrik", "title"),
            Column("text", "text"),
            Column("offentlighet", "publicity"),
            Column("skäl", "reason"),
            Column("registrerat", "created_at", moment=True, order=True),
        ),
        "beslut och ställningstaganden",
    ),
    (
        "beslut/uppdrag.csv",
        "commission",
        (
            Column("id", "id"),
            Column("beslut", "decision"),
            Column("rubrik", "title"),
            Column("beskrivning", "description"),
            Column("ägare_person", "owner_person"),
            Column("ägare_organ", "owner_body"),
            Column("tidsram", "due", order=True),
            Column("återrapporteras_på", "report_meeting"),
            Column("status", "status"),
            Column("offentlighet", "publicity"),
            Column("skäl", "reason"),
        ),
        "uppdrag från besluten, med senast rapporterade status",
    ),
    (
        "beslut/rapporter.csv",
        "commissionreport",
        (
            Column("id", "id"),
            Column("uppdrag", "commission"),
            Column("när", "at", moment=True, order=True),
            Column("av", "by"),
            Column("status", "status"),
            Column("text", "text"),
        ),
        "varje statusrapport om uppdragen",
    ),
)


def _value(row: Mapping[str, Any], column: Column) -> str:
    value = row.get(column.key)
    if value is None:
        return ""
    if column.moment:
        moment = dt.datetime.fromisoformat(str(value)).astimezone(STOCKHOLM)
        return moment.isoformat(timespec="minutes")
    return str(value)


def render_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> bytes:
    """RFC 4180 CSV in UTF-8, a header row first, in date order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    first = [i for i, c in enumerate(columns) if c.order]
    lines = sorted(
        ([_value(r, c) for c in columns] for r in rows),
        key=lambda line: ([line[i] for i in first], line),
    )
    writer.writerows(lines)
    return out.getvalue().encode()


def render_rows(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """A table's rows as JSON (UTF-8, keys sorted, one row a line), for import."""
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class Package:
    """What a package says about itself."""

    organisation: str
    name: str
    year: int
    created: dt.datetime  # the moment the report and statuses are as of


def render_readme(package: Package, described: Mapping[str, str]) -> bytes:
    """LASMIG.txt: what the package is, file by file, and how to check and import it."""
    made = package.created.astimezone(STOCKHOLM)
    lines = [
        f"Arkivpaket från Årshjul: {package.name}, år {package.year}",
        "",
        f"Skapat {format_date(made.date())} kl. {made:%H.%M} (svensk tid). Statusar och "
        "årsuppföljningen gäller den tidpunkten.",
        f"Format: {FORMAT}. Alla textfiler är UTF-8.",
        "",
        "Innehåll:",
        *(f"  {path}  –  {what}" for path, what in sorted(described.items())),
        "",
        "Kontroll: manifest.json anger varje fils storlek och SHA-256-kontrollsumma;",
        "sha256sums.txt har samma summor i det format som `sha256sum -c sha256sums.txt`",
        "läser. `arshjul archive-check <mapp>` gör samma kontroll.",
        "",
        "Tider i CSV-filerna är svensk tid (Europe/Stockholm) med UTC-förskjutning; i",
        "data/ är de UTC. data/ innehåller de lagrade raderna för organisationens år och",
        "kan läsas in i en tom databas med `arshjul archive-import <mapp>`, som därefter",
        "gör årsuppföljningen på nytt och jämför den byte för byte med rapporter/.",
        "",
        "Personuppgifter: paketet innehåller namn och kontaktuppgifter till dem som",
        "deltar i organisationens organ (data/person.json) och uppgifter med begränsad",
        "offentlighet (markerade med offentlighet = begränsad och ett skäl). Hantera",
        "paketet därefter.",
        "",
    ]
    return "\n".join(lines).encode()


def render_manifest(
    package: Package, files: Mapping[str, bytes], described: Mapping[str, str]
) -> bytes:
    """manifest.json: the package's identity and every file with size and checksum."""
    body = {
        "format": FORMAT,
        "organisation": {"slug": package.organisation, "name": package.name},
        "year": package.year,
        "created": package.created.astimezone(STOCKHOLM).isoformat(),
        "files": [
            {
                "path": path,
                "bytes": len(data),
                "sha256": sha256(data),
                "description": described.get(path, ""),
            }
            for path, data in sorted(files.items())
        ],
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode()


def render_checksums(files: Mapping[str, bytes]) -> bytes:
    """sha256sums.txt in the format of GNU coreutils' sha256sum."""
    return "".join(f"{sha256(data)}  {path}\n" for path, data in sorted(files.items())).encode()
