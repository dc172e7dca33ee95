"""Static export: every feed and page as a file, so any web server or CDN can serve them.

Each file is written to a temporary name and renamed into place, so a reader never sees
half a file; an unchanged file is left alone, and its modification time is set to the
content's last change, so ``Last-Modified`` from any server is stable across exports.

Next to each file goes its gzip sibling (``feed.ics.gz``), compressed once at export
rather than on every request: ``arshjul feeds serve`` and nginx's ``gzip_static`` send it
to clients that ask for gzip. It is made again only when its file changed (or is gone).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .assets import assets
from .feeds import Feed, feed_meta
from .rendercache import Kept, RenderCache, digest

# Only these sub-folders are ours to prune; anything else in the export root is left alone.
MANAGED = ("feeds", "p", "g", "o", "m", "_")


@dataclass(frozen=True, slots=True)
class ExportResult:
    written: int
    unchanged: int
    removed: int


def write_atomically(path: Path, content: bytes, modified: dt.datetime | None = None) -> bool:
    """Write ``content`` to ``path`` via rename; returns False when it was already there."""
    changed = not (path.exists() and path.read_bytes() == content)
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    if modified is not None:
        stamp = modified.timestamp()
        if path.stat().st_mtime != stamp:
            os.utime(path, (stamp, stamp))
    return changed


def gzip_sibling(path: Path) -> Path:
    """Where the compressed copy of ``path`` lives."""
    return path.with_name(path.name + ".gz")


def _write_with_sibling(path: Path, content: bytes, modified: dt.datetime | None) -> bool:
    """Write ``path`` and its gzip sibling (same mtime: nginx's gzip_static and our server
    send the sibling's Last-Modified); returns whether the file itself changed."""
    changed = write_atomically(path, content, modified)
    sibling = gzip_sibling(path)
    if changed or not sibling.exists():
        # mtime=0 in the gzip header: the same content always gives the same bytes
        write_atomically(sibling, gzip.compress(content, compresslevel=6, mtime=0))
    stamp = path.stat().st_mtime_ns
    if sibling.stat().st_mtime_ns != stamp:
        os.utime(sibling, ns=(stamp, stamp))
    return changed


def feed_index(feeds: Iterable[Feed], pages: Mapping[str, str] | None = None) -> bytes:
    """``index.json``: one entry per public feed, and a fingerprint.

    Personal and group feeds are left out on purpose: their paths are their secrets. The fingerprint
    (a hash over every file's path and content) changes whenever any file changes – feeds,
    personal ones included, and pages (``pages``: path -> SHA-256 of its bytes) – so a
    server watching ``index.json`` notices a new token or a new day's wheel too.
    """
    feeds = list(feeds)
    parts = [f"{f.path} {f.etag}" for f in feeds] + [
        f"{name} {sha}" for name, sha in (pages or {}).items()
    ]
    fingerprint = hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()
    entries = [
        {
            "kind": f.kind.value,
            "name": f.name,
            "path": f.path,
            "audience": f.audience.value,
            "organisation": f.organisation,
            "etag": f.etag,
            "last_modified": f.last_modified.astimezone(dt.UTC).isoformat(),
        }
        for f in feeds
        if not f.audience.secret
    ]
    document = {"fingerprint": fingerprint, "feeds": entries}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def export(
    root: Path,
    feeds: list[Feed],
    pages: Mapping[str, bytes | Kept],
    cache: RenderCache | None = None,
) -> ExportResult:
    """Write ``feeds`` and ``pages`` (path -> bytes) under ``root``, with the stylesheet
    and script the pages use (:mod:`calendars.assets`); prune stale feeds.

    A feed without content, or a :class:`Kept` page, is one the render ``cache`` found
    already in the folder as it would be written: it is left alone (and kept from
    pruning). ``index.json`` is written after the feeds it lists, and stale files are
    removed last, so at every moment the index points at files that exist.
    """
    written = unchanged = 0
    keep: set[str] = set()  # relative paths (strings: tens of thousands of them)

    def put(
        path: str,
        content: bytes | None,
        modified: dt.datetime | None,
        meta: dict[str, str] | None = None,
        sha: str | None = None,
    ) -> str | None:
        """Write one file unless it is kept; returns the digest of new bytes (``sha``
        when the caller has it already)."""
        nonlocal written, unchanged
        keep.update((path, f"{path}.gz"))
        if content is None:
            unchanged += 1
            return None
        if _write_with_sibling(root / path, content, modified):
            written += 1
        else:
            unchanged += 1
        sha = sha or digest(content)
        if cache is not None:
            cache.written(path, sha, meta)
        return sha

    for feed in feeds:
        put(feed.path, feed.content, feed.last_modified, feed_meta(feed), feed.digest)
    latest = max((f.last_modified for f in feeds), default=None)
    page_digests: dict[str, str] = {}
    for name, page in pages.items():
        # pages change with the date (today's mark), not only with the data: their mtime
        # is their write time, so Last-Modified moves when they do
        if isinstance(page, Kept):
            put(name, None, None)
            page_digests[name] = page.digest
        else:
            page_digests[name] = put(name, page, None) or ""
    for name, asset in assets().items():  # the stylesheet and script every page uses
        page_digests[name] = put(name, asset, None) or ""
    put("index.json", feed_index(feeds, page_digests), latest)
    removed = 0
    if cache is not None and cache.scope is not None:
        # an export of some organisations: what they had and no longer have, nothing else
        for path in cache.gone():
            for stale in (root / path, gzip_sibling(root / path)):
                if stale.exists() and path not in keep:
                    stale.unlink()
                    removed += stale.suffix != ".gz"
        return ExportResult(written, unchanged, removed)
    for folder in MANAGED:
        for where, _, names in sorted(os.walk(root / folder)):
            relative = Path(where).relative_to(root).as_posix()
            for name in sorted(names):
                if not name.startswith(".") and f"{relative}/{name}" not in keep:
                    os.unlink(os.path.join(where, name))
                    removed += 1
    return ExportResult(written, unchanged, removed)
