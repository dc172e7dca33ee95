"""What the last export rendered, kept beside it, so the next export renders only what
changed.

An export of the whole country renders tens of thousands of events and pages; between two
exports a handful of them change. Each piece (an event, a feed's frame) and each file is
known by a **fingerprint**: a hash of everything its bytes are made from – the published
values it shows, the public address, and the renderer's own version (the source of this
package, its templates and the versions of icalendar and ReportLab), so a changed row, a
new base URL, another window or another release of the code each renders it again.

Kept in ``.arshjul-render.sqlite`` in the export folder (a dot file: the web server
never serves it, the export never prunes it):

- ``piece``: the bytes of each rendered event and feed frame, by key and fingerprint;
  a feed that must be composed again takes the pieces that did not change from here;
- ``file``: per exported path, the fingerprint it was written from, its SHA-256 and the
  size and modification time it had, so an unchanged file is neither rendered, composed,
  read nor written – only looked at (``stat``). A file someone changed or removed by hand
  no longer matches and is written again. Each file also records its organisation (and
  a feed what the index says of it), and ``site`` each organisation's years: an export
  of one organisation after a change there (a moved meeting) renders that
  organisation only and carries the others' files and index entries over.

The cache is an optimisation only: removing the file gives a full render whose bytes are
the same (tested), and a cache written by another version of the code is never used.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import sqlite3
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FILE = ".arshjul-render.sqlite"
FORMAT = 3  # the layout below; a cache of another layout is dropped, not read
SCHEMA = (
    "CREATE TABLE piece (key TEXT PRIMARY KEY, fingerprint TEXT, content BLOB)",
    # scope: the organisation a file belongs to ("" for the site's own files); meta: a
    # feed's kind, name, audience and last change (META, joined by _SEPARATOR), for an
    # export of one organisation to list the others' feeds without reading them
    "CREATE TABLE file (path TEXT PRIMARY KEY, fingerprint TEXT, digest TEXT,"
    " size INTEGER, mtime_ns INTEGER, scope TEXT, meta TEXT)",
    "CREATE TABLE site (organisation TEXT PRIMARY KEY, years TEXT)",
)


META = ("kind", "name", "audience", "last_modified")  # what the index says of a feed
_SEPARATOR = "\x1f"  # a character no name holds (cycle files refuse control characters)


def _in_scope(organisations: Collection[str]) -> str:
    """`` WHERE scope IN (?, ?, …)`` for as many organisations."""
    return f" WHERE scope IN ({', '.join('?' * len(organisations))})"


@cache
def renderer_version() -> str:
    """A hash of what turns published values into bytes: this package's source and
    templates, the pure core's (labels, Swedish dates, text cleaning) and the versions
    of the libraries that write the bytes."""
    h = hashlib.sha256()
    package = Path(__file__).parent
    core = package.parent / "cycle"
    files = [*package.glob("*.py"), *(package / "templates").rglob("*"), *core.glob("*.py")]
    for path in sorted(files):
        if path.is_file():
            h.update(path.relative_to(package.parent).as_posix().encode())
            h.update(b"\0" + path.read_bytes())
    for dist in ("icalendar", "reportlab", "jinja2"):
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist}=-".encode())
    return h.hexdigest()


def fingerprint(*inputs: object) -> str:
    """The fingerprint of a piece or a file made from ``inputs`` (values whose ``repr``
    shows all they hold: frozen dataclasses, tuples, dates, strings)."""
    return hashlib.blake2b(repr(inputs).encode(), digest_size=16).hexdigest()


def digest(content: bytes) -> str:
    """The SHA-256 of a file's bytes (its ETag is the first 32 characters)."""
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True, slots=True)
class Kept:
    """A file the export folder already holds as it would be rendered now."""

    digest: str


@dataclass(slots=True)
class _File:
    fingerprint: str
    digest: str
    size: int
    mtime_ns: int
    scope: str = ""
    meta: str | None = None


@dataclass(frozen=True, slots=True)
class Carried:
    """A file of an organisation an export of others leaves as it is."""

    path: str
    digest: str
    scope: str
    meta: dict[str, str] | None  # a feed's name, kind, audience, last change


class RenderCache:
    """The pieces and files of the last export into ``root`` (see the module docstring).

    One export uses one cache: :meth:`piece` and :meth:`kept` while rendering,
    :meth:`written` as files are written, and :meth:`save` at the end, which stores what
    this export rendered and forgets what it no longer uses. The count of what was
    rendered again (``rendered``) is for the export's report.
    """

    def __init__(self, root: Path, *, salt: str = "", scope: Collection[str] | None = None) -> None:
        self.root = root
        # an export of some organisations (``scope``) reads the record of theirs only
        # and asks for a piece when it needs one; a full export reads it all at once
        self.scope = None if scope is None else sorted(scope)
        self._root = str(root)
        self.salt = f"{renderer_version()} {salt}"
        root.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(root / FILE, isolation_level=None)
        if self._db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
            for table in ("piece", "file", "site"):
                self._db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in SCHEMA:
                self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {FORMAT}")
        self._pieces: dict[str, str] = (
            dict(self._db.execute("SELECT key, fingerprint FROM piece").fetchall())
            if self.scope is None
            else {}
        )
        files = "SELECT * FROM file" + ("" if self.scope is None else _in_scope(self.scope))
        self._files: dict[str, _File] = {
            path: _File(*rest) for path, *rest in self._db.execute(files, self.scope or ())
        }
        self._used: set[str] = set()
        self._values: dict[int, tuple[object, str]] = {}
        self._new_pieces: dict[str, tuple[str, bytes]] = {}
        self._planned: dict[str, tuple[str, str]] = {}  # path -> (fingerprint, scope)
        self._years: dict[str, list[int]] = {
            slug: json.loads(years) for slug, years in self._db.execute("SELECT * FROM site")
        }
        self._new_files: dict[str, _File] = {}
        self._new_years: dict[str, list[int]] = {}
        self.rendered = 0

    def fingerprint(self, *inputs: object) -> str:
        """:func:`fingerprint` with this cache's salt (renderer version, address); each
        published value (a dataclass) in ``inputs`` counts by its own fingerprint, made
        once per export (a meeting is in many feeds and pages)."""
        return fingerprint(self.salt, self._flat(inputs))

    def _flat(self, value: object) -> object:
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None:
            return value  # the common case first: this runs hundreds of thousands of times
        if kind is list or kind is tuple:
            return tuple(map(self._flat, value))  # type: ignore[call-overload]
        if hasattr(kind, "__dataclass_fields__"):
            known = self._values.get(id(value))
            if known is None:
                # the value is kept beside its print, so its id is not reused meanwhile
                known = self._values[id(value)] = (value, fingerprint(value))
            return known[1]
        return value

    def piece(self, key: str, print_: str, render: Callable[[], bytes]) -> bytes:
        """The bytes of the piece ``key`` with fingerprint ``print_``: the stored ones when
        the fingerprint is the same, otherwise ``render()`` (and stored at :meth:`save`)."""
        self._used.add(key)
        fresh = self._new_pieces.get(key)
        if fresh is not None and fresh[0] == print_:
            return fresh[1]
        if self.scope is not None or self._pieces.get(key) == print_:
            row = self._db.execute(
                "SELECT fingerprint, content FROM piece WHERE key = ?", (key,)
            ).fetchone()
            if row is not None and row[0] == print_:
                return bytes(row[1])
        content = render()
        self.rendered += 1
        self._new_pieces[key] = (print_, content)
        return content

    def use(self, *keys: str) -> None:
        """Keep these pieces stored although this export does not need their bytes (a
        feed that holds them is unchanged)."""
        self._used.update(keys)

    def kept(self, path: str, print_: str, scope: str = "") -> Kept | None:
        """:class:`Kept` when the file at ``path`` (and its gzip sibling) is what
        ``print_`` renders, as the last export wrote it; otherwise None, and the caller
        renders it (and the export calls :meth:`written`). ``scope`` is the organisation
        the file belongs to."""
        self._planned[path] = (print_, scope)
        known = self._files.get(path)
        if known is None or known.fingerprint != print_:
            return None
        if not _as_written(self._root, path, known.size, known.mtime_ns):
            return None
        self._new_files[path] = known
        return Kept(known.digest)

    def written(self, path: str, content_digest: str, meta: dict[str, str] | None = None) -> None:
        """The export has written ``path`` (or found it already so): remember it as the
        rendering of the fingerprint :meth:`kept` was asked about (and, for a feed, what
        the site's index says of it: ``meta``)."""
        planned = self._planned.get(path)
        if planned is None:
            return  # rendered without the cache: nothing to remember
        print_, scope = planned
        stat = os.stat(self.root / path)
        encoded = None if meta is None else _SEPARATOR.join(meta[k] for k in META)
        self._new_files[path] = _File(
            print_, content_digest, stat.st_size, stat.st_mtime_ns, scope, encoded
        )

    def knows(self, organisations: Iterable[str]) -> bool:
        """Whether the last exports left a complete record of these organisations' files,
        so an export of others can leave them as they are."""
        return all(slug in self._years for slug in organisations)

    def carry(self, organisations: Collection[str]) -> list[Carried]:
        """The files of ``organisations`` as the last export left them: an export of
        other organisations keeps them (and their record) unchanged."""
        if not organisations:
            return []
        assert self.scope is not None, "an export of all organisations carries nothing"
        rows = self._db.execute(
            "SELECT path, digest, scope, meta FROM file" + _in_scope(organisations),
            sorted(organisations),
        )
        return [
            Carried(
                path,
                sha,
                scope,
                None if meta is None else dict(zip(META, meta.split(_SEPARATOR), strict=True)),
            )
            for path, sha, scope, meta in rows
        ]

    def gone(self) -> list[str]:
        """Files the last export wrote for this export's organisations that this one
        did not (a meeting moved out of the window, a replaced token's feed): what an
        export of some organisations removes, instead of looking through the folder."""
        return sorted(set(self._files) - set(self._planned))

    def years(self, organisations: Collection[str]) -> dict[str, list[int]]:
        """The years with a wheel of these organisations, as last exported."""
        return {slug: self._years[slug] for slug in organisations if slug in self._years}

    def record_years(self, years: Mapping[str, list[int]]) -> None:
        """The years with a wheel of the organisations this export rendered."""
        self._new_years = dict(years)

    def save(self, *, complete: bool = True) -> None:
        """Store what this export rendered and wrote; forget pieces and files it did not
        use (a meeting gone from the window, a revoked token's feed). An export of some
        organisations only (not ``complete``) forgets no pieces: the others' are unused
        but not gone."""
        db = self._db
        db.execute("BEGIN")
        try:
            if complete:
                db.execute("DELETE FROM site")
            db.executemany(
                "INSERT OR REPLACE INTO site VALUES (?, ?)",
                ((slug, json.dumps(years)) for slug, years in self._new_years.items()),
            )
            db.executemany(
                "INSERT OR REPLACE INTO piece VALUES (?, ?, ?)",
                ((k, p, c) for k, (p, c) in self._new_pieces.items()),
            )
            gone = set(self._pieces) - self._used if complete else set()
            db.executemany("DELETE FROM piece WHERE key = ?", ((k,) for k in gone))
            changed = [
                (path, f.fingerprint, f.digest, f.size, f.mtime_ns, f.scope, f.meta)
                for path, f in self._new_files.items()
                if self._files.get(path) != f
            ]
            db.executemany("INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, ?, ?, ?)", changed)
            stale = set(self._files) - set(self._new_files)
            db.executemany("DELETE FROM file WHERE path = ?", ((p,) for p in stale))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._years = self._new_years if complete else {**self._years, **self._new_years}
        self._pieces = {k: p for k, p in self._pieces.items() if k not in gone}
        self._pieces.update((k, p) for k, (p, _) in self._new_pieces.items())
        self._files, self._new_files = dict(self._new_files), {}
        self._new_pieces, self._used, self._planned, self._values = {}, set(), {}, {}
        self._new_years = {}

    def close(self) -> None:
        self._db.close()


def intact_files(root: Path) -> int | None:
    """How many files the last export into ``root`` recorded, when every one of them
    (and its gzip sibling) is still as it wrote them; None when one was changed or
    removed, or there is no record: then only an export can tell what to write."""
    if not (root / FILE).exists():
        return None
    db = sqlite3.connect(root / FILE)
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
            return None
        rows = db.execute("SELECT path, size, mtime_ns FROM file").fetchall()
    except sqlite3.Error:
        return None
    finally:
        db.close()
    base = str(root)
    if not all(_as_written(base, path, size, mtime_ns) for path, size, mtime_ns in rows):
        return None
    return len(rows) or None


def _as_written(root: str, path: str, size: int, mtime_ns: int) -> bool:
    """Whether the file at ``path`` under ``root`` and its gzip sibling are as the export
    recorded them: the same size and modification time (the sibling's is the file's).
    Paths as strings: this runs for every file of an export, and pathlib costs more."""
    try:
        info = os.stat(f"{root}/{path}")
        sibling = os.stat(f"{root}/{path}.gz")
    except FileNotFoundError:
        return False
    return (info.st_size, info.st_mtime_ns, sibling.st_mtime_ns) == (size, mtime_ns, mtime_ns)


def forget(root: Path) -> None:
    """Remove the cache of the export in ``root`` (the next export renders everything)."""
    (root / FILE).unlink(missing_ok=True)
