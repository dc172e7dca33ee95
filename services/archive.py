"""Archive packages: an organisation's year exported as a folder for e-archive intake
(``calendars.archive`` documents its structure), checked against its manifest, and
imported into an empty database – after which the year's follow-up report is made again
from the imported rows and must equal the archived one byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from calendars.archive import (
    CHECKSUMS,
    FORMAT,
    MANIFEST,
    README,
    VIEWS,
    Package,
    render_checksums,
    render_csv,
    render_manifest,
    render_readme,
    render_rows,
    sha256,
)
from calendars.feeds import Audience, build_feeds
from calendars.followup import FollowUp
from calendars.reports import render_follow_up_files
from cycle.errors import PlanError
from cycle.times import check_year
from models.archive import TABLES, put_rows, table_name, year_rows
from models.published import load_published

from .cyclefiles import load_cycles
from .followup import follow_up_of
from .settings import Settings
from .storage import reading, writing


def report_files(report: FollowUp, year: int) -> dict[str, bytes]:
    """The follow-up report's three files, by their path in a package."""
    name = f"rapporter/uppfoljning-{year}"
    return {f"{name}{suffix}": data for suffix, data in render_follow_up_files(report).items()}


@dataclass(frozen=True, slots=True)
class Archived:
    folder: Path
    files: int
    size: int


def default_folder(settings: Settings, organisation: str, year: int) -> Path:
    return settings.home / "arkiv" / f"{organisation}-{year}"


def archive_year(
    settings: Settings,
    organisation: str,
    year: int,
    *,
    now: dt.datetime,
    folder: Path | None = None,
) -> Archived:
    """Write the organisation's ``year`` as a package in ``folder`` (replacing an earlier
    package there, whole, once the new one is complete).

    Raises:
        DefinitionError: an unknown organisation.
        PlanError: a year with no stored meetings (nothing to archive yet).
    """
    check_year(year)
    (definition,) = load_cycles(settings.cycles_dir, organisation)
    with reading(settings) as session:
        tables = year_rows(session, organisation, year, now=now)
        published = load_published(
            session,
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
            now=now,
            organisations=[organisation],
        )
    if not any(m["year"] == year for m in tables["meeting"]):
        raise PlanError(
            f"{organisation} har inga sparade möten {year}; planera året först",
            field="year",
            value=year,
        )
    files: dict[str, bytes] = {}
    described: dict[str, str] = {}
    cycle = f"cykel/{organisation}.toml"
    files[cycle] = Path(definition.source).read_bytes()
    described[cycle] = "cykelfilen som året planerades från (som den ser ut när paketet skapas)"
    for path, table, columns, what in VIEWS:
        files[path], described[path] = render_csv(tables[table], columns), what
    for path, data in report_files(
        follow_up_of(settings, organisation, year, now=now), year
    ).items():
        files[path], described[path] = data, "årsuppföljningen"
    # a group feed is kept under its body's name, tokens or not: a token is no record
    # (and an archive imported into an empty database has none)
    named = replace(published, bodies=tuple(replace(b, token=b.slug) for b in published.bodies))
    group_paths = {f"g/{b.slug}.ics": f"grupp/{b.slug}.ics" for b in published.bodies}
    for feed in build_feeds(named, base_url=settings.public_url):
        if feed.organisation == organisation and feed.audience is not Audience.PERSONAL:
            path = "kalendrar/" + group_paths.get(feed.path, feed.path.removeprefix("feeds/"))
            assert feed.content is not None  # rendered without a cache: always bytes
            files[path], described[path] = feed.content, f"kalender: {feed.name}"
    for model in TABLES:
        path = f"data/{table_name(model)}.json"
        files[path] = render_rows(tables[table_name(model)])
        described[path] = "lagrade rader för import"
    package = Package(organisation, definition.organisation.name, year, now)
    files[README] = render_readme(package, described | {README: "den här beskrivningen"})
    described[README] = "beskrivning av paketet"
    files[MANIFEST] = render_manifest(package, files, described)
    files[CHECKSUMS] = render_checksums(files)
    target = folder or default_folder(settings, organisation, year)
    _write_whole(target, files)
    return Archived(target, len(files), sum(len(d) for d in files.values()))


def _write_whole(target: Path, files: dict[str, bytes]) -> None:
    """Write the files into a new folder beside ``target`` and then put it in its place,
    so a reader never sees half a package."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for path, data in files.items():
            file = staging / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(data)
        staging.chmod(0o755)
        if target.exists():
            old = target.with_name(f".{target.name}-gammal")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@dataclass(frozen=True, slots=True)
class Checked:
    """A package checked against its manifest."""

    manifest: dict[str, Any]
    files: int
    problems: tuple[str, ...]  # Swedish, one per file that does not match


def check_archive(folder: Path) -> Checked:
    """Compare every file with the manifest's size and checksum, and look for files the
    manifest does not list.

    Raises:
        PlanError: no readable manifest (not a package).
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        listed = {f["path"]: f for f in manifest["files"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise PlanError(
            f"inget läsbart arkivpaket ({MANIFEST} saknas eller är trasig: {type(error).__name__})",
            field="mapp",
            value=str(folder),
        ) from None
    if manifest.get("format") != FORMAT:
        raise PlanError(
            f"okänt paketformat; väntade {FORMAT}", field="format", value=manifest.get("format")
        )
    problems = []
    inside = folder.resolve()
    for path, entry in sorted(listed.items()):
        file = folder / path
        if not file.resolve().is_relative_to(inside):
            problems.append(f"{path}: sökvägen pekar ut ur paketet")
        elif not file.is_file():
            problems.append(f"{path}: filen saknas")
        elif sha256(data := file.read_bytes()) != entry["sha256"] or len(data) != entry["bytes"]:
            problems.append(f"{path}: kontrollsumman stämmer inte – filen har ändrats")
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {
        MANIFEST,
        CHECKSUMS,
    }
    problems += [f"{path}: filen finns inte i manifestet" for path in sorted(present - set(listed))]
    return Checked(manifest, len(listed), tuple(problems))


@dataclass(frozen=True, slots=True)
class Imported:
    organisation: str
    year: int
    rows: int
    reproduced: tuple[str, ...]  # the report files made again byte for byte
    differing: tuple[str, ...]  # those that came out different


def import_archive(settings: Settings, folder: Path) -> Imported:
    """Check the package, store its rows in the settings' database (which must not hold
    the organisation), and make the year's follow-up report again from them.

    Raises:
        PlanError: a package that does not match its manifest (nothing is stored), or an
            organisation already in the database.
    """
    checked = check_archive(folder)
    if checked.problems:
        raise PlanError(
            "paketet stämmer inte med sitt manifest: " + "; ".join(checked.problems),
            field="mapp",
            value=str(folder),
        )
    manifest = checked.manifest
    organisation, year = manifest["organisation"]["slug"], int(manifest["year"])
    tables = {
        table_name(model): json.loads(
            (folder / "data" / f"{table_name(model)}.json").read_text(encoding="utf-8")
        )
        for model in TABLES
    }
    with writing(settings, locks=[organisation]) as session:
        try:
            rows = put_rows(session, tables)
        except ValueError as error:  # the organisation is there, or a row does not fit
            raise PlanError(str(error), field="mapp", value=str(folder)) from None
    created = dt.datetime.fromisoformat(manifest["created"])
    again = report_files(follow_up_of(settings, organisation, year, now=created), year)
    same = tuple(p for p, data in again.items() if (folder / p).read_bytes() == data)
    return Imported(organisation, year, rows, same, tuple(p for p in again if p not in same))
