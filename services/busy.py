"""Read the other calendars organisations avoid – files beside the cycle files or
http(s) addresses – into busy time for the planner (``cycle.busy``).

An address is fetched with the ETag and Last-Modified of the copy kept from last
time, so an unchanged calendar costs a 304 and no download; the copy lives in
``<data home>/kalendrar/`` under the SHA-256 of its address. A calendar that cannot be
read (no answer, an error status, not iCalendar) does not stop the plan: the plan is
made with what is known – the last good copy of an address, if there is one – and the
report names the calendar and why, in Swedish.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from calendars.busyfile import busy_periods
from cycle import CycleDefinition, PlanError
from cycle.busy import BusyPeriod, BusyTime
from cycle.definitions import BusySource

TIMEOUT_SECONDS = 10.0
USER_AGENT = "Arshjul (kalender att undvika)"


@dataclass(frozen=True)
class BusyCalendars:
    """Each organisation's busy time, and what could not be read (Swedish lines)."""

    by_organisation: dict[str, BusyTime] = field(default_factory=dict)
    unread: tuple[str, ...] = ()
    fetched: tuple[str, ...] = ()  # addresses downloaded anew (not 304, not cached)


NO_CALENDARS = BusyCalendars()


def read_busy_calendars(
    definitions: Sequence[CycleDefinition],
    years: Sequence[int],
    *,
    cycles_dir: Path,
    cache_dir: Path,
) -> BusyCalendars:
    """Read every calendar the organisations of ``definitions`` list, for ``years``.

    Only calendars some series avoids are read: one nobody uses costs nothing.
    """
    first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
    by_org: dict[str, BusyTime] = {}
    unread: list[str] = []
    fetched: list[str] = []
    for d in definitions:
        used = {name for s in d.series for name in s.avoid}
        periods: list[BusyPeriod] = []
        for source in d.busy:
            if source.id not in used:
                continue
            where = f"{d.organisation.name}: kalendern ”{source.name}” ({source.source})"
            try:
                text, downloaded, problem = _read(source, cycles_dir, cache_dir)
                periods.extend(busy_periods(text, source.id, first, last, source=source.source))
            except PlanError as error:
                unread.append(f"{where} lästes inte – {error.message}; planen görs utan den")
                continue
            if downloaded:
                fetched.append(source.source)
            if problem:
                unread.append(
                    f"{where} kunde inte hämtas – {problem}; den senast hämtade kopian används"
                )
        if used:
            by_org[d.organisation.slug] = BusyTime({b.id: b.name for b in d.busy}, tuple(periods))
    return BusyCalendars(by_org, tuple(unread), tuple(fetched))


def _read(source: BusySource, cycles_dir: Path, cache_dir: Path) -> tuple[bytes, bool, str]:
    """The calendar's bytes, whether they were downloaded anew, and what went wrong when
    an address fell back on its kept copy ("" otherwise)."""
    if source.source.startswith(("https://", "http://")):
        return _fetch(source.source, cache_dir)
    path = Path(source.source)
    path = path if path.is_absolute() else cycles_dir / path
    try:
        return path.read_bytes(), False, ""
    except FileNotFoundError:
        raise PlanError("filen finns inte") from None
    except OSError:
        raise PlanError("filen kan inte läsas") from None


def _fetch(url: str, cache_dir: Path) -> tuple[bytes, bool, str]:
    """GET ``url`` with the kept copy's validators: on 304 the kept copy; on a failure
    the kept copy and the reason when there is one, the error otherwise."""
    key = hashlib.sha256(url.encode()).hexdigest()
    body_path, meta_path = cache_dir / f"{key}.ics", cache_dir / f"{key}.json"
    meta: dict[str, str] = {}
    try:
        if body_path.exists() and meta_path.exists():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}  # a damaged copy is no copy: fetched anew
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if meta.get("etag"):
        request.add_header("If-None-Match", meta["etag"])
    if meta.get("last_modified"):
        request.add_header("If-Modified-Since", meta["last_modified"])
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read()
            validators = {
                "etag": response.headers.get("ETag") or "",
                "last_modified": response.headers.get("Last-Modified") or "",
            }
    except urllib.error.HTTPError as error:
        if error.code == 304 and meta:
            return body_path.read_bytes(), False, ""
        problem = f"adressen svarade med felkod {error.code}"
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
        problem = "adressen kunde inte nås"
    else:
        try:  # only a calendar that parses replaces the kept copy
            busy_periods(body, "prov", dt.date(2000, 1, 1), dt.date(2000, 1, 1), source=url)
        except PlanError as error:
            problem = error.message
        else:
            try:
                _keep(cache_dir, body_path, body)
                _keep(cache_dir, meta_path, json.dumps(validators).encode())
            except OSError:
                pass  # read, but not kept: the next plan fetches it again
            return body, True, ""
    if meta:
        return body_path.read_bytes(), False, problem
    raise PlanError(problem)


def _keep(folder: Path, path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a rename), so a crash leaves the
    last good copy."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
