"""The feed server: an exported folder served with correct caching.

A file is read from disk with its strong ETag and Last-Modified and kept, ready to send,
in a cache of bounded size, so a request for a much-asked-for file is a dictionary
lookup and memory does not grow with the number of feeds. This module holds the folder
(``FeedStore``) and the rules, and an
ASGI app with them for the web application's static part; ``arshjul feeds serve`` applies
the same rules in the direct HTTP/1.1 server of ``static_http``. Conditional requests get a correct
304; personal feeds are found by their token, checked for its form before the disk is
asked; anything unknown gets the same plain 404, with no hint. There is
no access log: personal feed URLs are secrets. A fetch of a personal feed is noted only as
the token's hash, the moment and the kind of client (``fetchlog``), beside the export.
Clients that ask for gzip get the export's ``.gz`` copy of a file, as a representation of
its own (``Vary``, its own ETag).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import gzip
import hashlib
import os
import re
import stat
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fetchlog import FetchLog, fetch_dir, token_key
from .policy import headers_for

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

CONTENT_TYPES = {
    ".ics": b"text/calendar; charset=utf-8",
    ".html": b"text/html; charset=utf-8",
    ".json": b"application/json; charset=utf-8",
    ".svg": b"image/svg+xml; charset=utf-8",
    ".pdf": b"application/pdf",
    ".css": b"text/css; charset=utf-8",
    ".js": b"text/javascript; charset=utf-8",
    ".ico": b"image/x-icon",
}
DOCUMENTS = (".html", ".svg")  # what a browser shows as a page: the page policy applies
PUBLIC_CACHE = b"public, max-age=900"
PRIVATE_CACHE = b"private, max-age=900"
NOT_FOUND = b"Hittades inte.\n"
RELOAD_CHECK_SECONDS = 1.0
MAX_HEADER_BYTES = 16 * 1024  # a calendar client sends a few hundred bytes
ENV_COMPRESSION = "ARSHJUL_FEEDS_COMPRESSION"


@dataclass(frozen=True, slots=True)
class Resource:
    """A file ready to send: body and the headers that never change for it; ``gzip`` is
    the same file compressed (from its ``.gz`` sibling), a representation of its own with
    its own ETag, sent to clients that ask for gzip."""

    body: bytes
    etag: bytes
    last_modified: dt.datetime
    headers: tuple[tuple[bytes, bytes], ...]
    gzip: Resource | None = None
    # what a 200 and a 304 send, built once: a request only picks one (as ASGI header
    # pairs, and as the header lines the direct server writes)
    full: tuple[tuple[bytes, bytes], ...] = ()
    unchanged: tuple[tuple[bytes, bytes], ...] = ()
    full_lines: bytes = b""
    unchanged_lines: bytes = b""

    def __post_init__(self) -> None:
        length = (b"content-length", str(len(self.body)).encode())
        object.__setattr__(self, "full", (*self.headers, length))
        representation = (b"content-type", b"content-encoding")
        kept = tuple(h for h in self.headers if h[0] not in representation)
        object.__setattr__(self, "unchanged", kept)
        object.__setattr__(self, "full_lines", _lines(self.full))
        object.__setattr__(self, "unchanged_lines", _lines(self.unchanged))


def _lines(headers: tuple[tuple[bytes, bytes], ...]) -> bytes:
    return b"".join(name + b": " + value + b"\r\n" for name, value in headers)


def _resource(path: Path, private: bool, compress: bool) -> Resource:
    body = path.read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:32].encode()
    # HTTP dates have whole seconds; comparing at that precision keeps 304s correct
    modified = dt.datetime.fromtimestamp(int(path.stat().st_mtime), tz=dt.UTC)
    headers = [
        (b"content-type", CONTENT_TYPES.get(path.suffix, b"application/octet-stream")),
        (b"last-modified", email.utils.format_datetime(modified, usegmt=True).encode()),
        (b"cache-control", PRIVATE_CACHE if private else PUBLIC_CACHE),
        (b"x-content-type-options", b"nosniff"),
    ]
    if private:
        headers.append((b"referrer-policy", b"no-referrer"))
    if path.suffix in DOCUMENTS:  # the same policy whoever serves the page
        have = {name for name, _ in headers}
        headers += [h for h in headers_for(path.as_posix()) if h[0] not in have]
    packed = _sibling(path, body) if compress else None
    if packed is None:
        etag = b'"' + digest + b'"'
        return Resource(body, etag, modified, ((b"etag", etag), *headers))
    vary = (b"vary", b"accept-encoding")  # caches must keep the two apart
    etag, packed_etag = b'"' + digest + b'"', b'"' + digest + b'-gz"'
    compressed = Resource(
        packed,
        packed_etag,
        modified,
        ((b"etag", packed_etag), (b"content-encoding", b"gzip"), vary, *headers),
    )
    return Resource(body, etag, modified, ((b"etag", etag), vary, *headers), compressed)


def _sibling(path: Path, body: bytes) -> bytes | None:
    """The export's gzip copy of ``body``, if there is one and it is of this very body (a
    copy left from an older export is not served)."""
    try:
        packed = (path.with_name(path.name + ".gz")).read_bytes()
        return packed if gzip.decompress(packed) == body else None
    except (OSError, EOFError, gzip.BadGzipFile):
        return None


@functools.lru_cache(maxsize=256)
def accepts_gzip(value: bytes) -> bool:
    """Whether an Accept-Encoding value allows gzip (RFC 9110 §12.5.3: q=0 means "not
    this"); cached, since clients send the same few values over and over.

    Example:
        >>> accepts_gzip(b"gzip, deflate, br")
        True
        >>> accepts_gzip(b"gzip;q=0, identity")
        False
        >>> accepts_gzip(b"*"), accepts_gzip(b"")
        (True, False)
    """
    weights: dict[bytes, float] = {}
    for item in value.split(b","):
        coding, *params = (part.strip() for part in item.split(b";"))
        weight = 1.0
        for param in params:
            key, _, number = param.partition(b"=")
            if key.strip().lower() == b"q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0
        weights[coding.lower()] = weight
    for coding in (b"gzip", b"x-gzip"):
        if coding in weights:
            return weights[coding] > 0
    return weights.get(b"*", 0.0) > 0


# what a worker keeps of the folder in memory, at most: the most asked-for files, ready to
# send; anything else is read from disk when asked for (``--cache-mb``)
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024
_TOKEN = re.compile(r"/([pg])/([A-Za-z0-9_-]{16,128})\.ics")  # a personal or group feed
_Signature = tuple[int, int, int, int, int]  # inode, mtime, size of a file; of its .gz


class FeedStore:
    """The exported folder, served from disk through a bounded cache of ready responses.

    Memory does not grow with the number of feeds: at most ``cache_bytes`` of the most
    recently asked-for files are kept (least recently used go first; a file larger than
    a quarter of that is read for each request and never kept). A request for a kept
    file is a dictionary lookup. When a new export arrives (``index.json`` replaced,
    noticed at most once a second) every kept file is checked against the disk once,
    by inode, modification time and size, before it is served again.

    Personal and group feeds are found by their file name, which is the token: a
    request whose token has the wrong form never reaches the disk.
    """

    def __init__(
        self, root: Path, *, compress: bool = True, cache_bytes: int = DEFAULT_CACHE_BYTES
    ) -> None:
        self.root = root
        self.compress = compress
        self.cache_bytes = cache_bytes
        self.cached_bytes = 0
        self._kept: OrderedDict[str, tuple[int, _Signature, Resource]] = OrderedDict()
        self._generation = 0
        self._stamp = self._index_stamp()
        self._checked = 0.0

    def _index_stamp(self) -> tuple[int, int] | None:
        # a new index.json arrives by rename (new inode); its mtime is the content's last
        # change, which a token rotation does not move, so the inode and ctime are compared
        try:
            info = (self.root / "index.json").stat()
        except FileNotFoundError:
            return None
        return info.st_ino, info.st_ctime_ns

    def maybe_reload(self) -> None:
        """Notice a new export (checked at most once a second): kept files are then
        checked against the disk before they are served again."""
        now = time.monotonic()
        if now - self._checked < RELOAD_CHECK_SECONDS:
            return
        self._checked = now
        stamp = self._index_stamp()
        if stamp != self._stamp:
            self._stamp, self._generation = stamp, self._generation + 1

    def find(self, path: str) -> Resource | None:
        """The resource for a request path, or None (a path that is not a servable file
        of the folder: unknown, hidden, another type, or outside it)."""
        kept = self._kept.get(path)
        if kept is not None and kept[0] == self._generation:
            self._kept.move_to_end(path)
            return kept[2]
        located = self._locate(path)
        if located is None:
            return None
        file, private = located
        signature = _signature(file)
        if signature is None:
            self._forget(path)
            return None
        if kept is not None and kept[1] == signature:  # unchanged by the new export
            self._kept[path] = (self._generation, signature, kept[2])
            self._kept.move_to_end(path)
            return kept[2]
        resource = _resource(file, private, self.compress)
        self._keep(path, signature, resource)
        return resource

    def _locate(self, path: str) -> tuple[Path, bool] | None:
        """(file, private) for a request path; None for anything not to be served."""
        if path.startswith(("/p/", "/g/")):
            match = _TOKEN.fullmatch(path)
            return None if match is None else (self.root / match[1] / f"{match[2]}.ics", True)
        if path == "/":
            path = "/index.html"
        parts = path[1:].split("/") if path.startswith("/") else []
        if not parts or any(not p or p.startswith(".") or "\\" in p or "\0" in p for p in parts):
            return None
        file = self.root.joinpath(*parts)
        if file.suffix not in CONTENT_TYPES:
            if "." in parts[-1]:
                return None
            file = file.with_name(parts[-1] + ".html")  # /o/<org>/<year>, /m/<id>
        return file, False

    def _keep(self, path: str, signature: _Signature, resource: Resource) -> None:
        size = _size(resource)
        if size > self.cache_bytes // 4:
            self._forget(path)
            return  # too large to keep: read for each request
        self._forget(path)
        self._kept[path] = (self._generation, signature, resource)
        self.cached_bytes += size
        while self.cached_bytes > self.cache_bytes and self._kept:
            _, (_, _, oldest) = self._kept.popitem(last=False)
            self.cached_bytes -= _size(oldest)

    def _forget(self, path: str) -> None:
        gone = self._kept.pop(path, None)
        if gone is not None:
            self.cached_bytes -= _size(gone[2])


def _signature(file: Path) -> _Signature | None:
    """What tells a file's version apart (inode, mtime, size, and its .gz sibling's
    inode and mtime); None when it is not a regular file."""
    try:
        info = os.stat(file)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    try:
        packed = os.stat(file.with_name(file.name + ".gz"))
        sibling = (packed.st_ino, packed.st_mtime_ns)
    except (FileNotFoundError, NotADirectoryError):
        sibling = (0, 0)
    return (info.st_ino, info.st_mtime_ns, info.st_size, *sibling)


def _size(resource: Resource) -> int:
    """The memory a kept resource holds, about: its bodies and header lines."""
    packed = resource.gzip
    own = len(resource.body) + len(resource.full_lines) + len(resource.unchanged_lines)
    return own + (0 if packed is None else _size(packed)) + 512


def _not_modified(resource: Resource, headers: list[tuple[bytes, bytes]]) -> bool:
    """RFC 9110 §13.1: If-None-Match wins over If-Modified-Since."""
    none_match = [v for k, v in headers if k == b"if-none-match"]
    if none_match:
        tags = {t.strip().removeprefix(b"W/") for v in none_match for t in v.split(b",")}
        return b"*" in tags or resource.etag in tags
    for k, v in headers:
        if k == b"if-modified-since":
            try:
                since = email.utils.parsedate_to_datetime(v.decode("latin-1"))
            except (TypeError, ValueError, IndexError):
                return False  # an unparseable date is ignored, as the RFC says
            if since.tzinfo is None:
                return False
            return resource.last_modified <= since
    return False


class Feeds:
    """The folder and the fetch notes: what both servers answer from, by the same rules."""

    def __init__(
        self, root: Path, *, compress: bool, cache_bytes: int = DEFAULT_CACHE_BYTES
    ) -> None:
        self.store = FeedStore(root, compress=compress, cache_bytes=cache_bytes)
        self.fetches = FetchLog(fetch_dir(root))

    def answer(
        self,
        path: str,
        *,
        agent: bytes,
        encodings: bytes,
        conditions: list[tuple[bytes, bytes]],
    ) -> tuple[int, Resource | None]:
        """(404, None), (304, resource) or (200, resource) for a GET of ``path``: the
        gzip representation if the client allows it, and a fetch of a personal feed
        noted (``encodings`` is the Accept-Encoding value, ``conditions`` the
        If-None-Match and If-Modified-Since headers)."""
        self.store.maybe_reload()
        resource = self.store.find(path)
        if resource is None:
            return 404, None
        if path.startswith("/p/"):  # a personal feed: note the fetch
            self.fetches.record(token_key(path[3:-4]), agent.decode("latin-1"))
        if resource.gzip is not None and encodings and accepts_gzip(encodings):
            resource = resource.gzip
        if conditions and _not_modified(resource, conditions):
            return 304, resource
        return 200, resource


def create_app(
    root: Path, *, compress: bool | None = None
) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The ASGI app for an exported folder, for the web application's static part; gzip
    for clients that ask for it unless ``compress`` is False (default: on, unless
    ``$ARSHJUL_FEEDS_COMPRESSION`` is ``av``)."""
    if compress is None:
        compress = os.environ.get(ENV_COMPRESSION, "på") != "av"
    feeds = Feeds(root, compress=compress)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # uvicorn runs with lifespan="off"
            return
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await _send(send, 405, [(b"allow", b"GET, HEAD")], b"", method)
            return
        size, agent, encodings, conditions = 0, b"", b"", []
        for name, value in scope["headers"]:  # one pass: this is the hot path
            size += len(name) + len(value)
            if name == b"accept-encoding":
                encodings = encodings + b"," + value if encodings else value
            elif name == b"user-agent":
                agent = value
            elif name in (b"if-none-match", b"if-modified-since"):
                conditions.append((name, value))
        if size > MAX_HEADER_BYTES:
            await _send(
                send,
                431,
                [(b"content-type", b"text/plain; charset=utf-8")],
                b"For stora huvuden.\n",
                method,
            )
            return
        status, resource = feeds.answer(
            scope["path"], agent=agent, encodings=encodings, conditions=conditions
        )
        if resource is None:
            await _send(
                send, 404, [(b"content-type", b"text/plain; charset=utf-8")], NOT_FOUND, method
            )
            return
        headers = resource.unchanged if status == 304 else resource.full
        await send({"type": "http.response.start", "status": status, "headers": headers})
        body = b"" if status == 304 or method == "HEAD" else resource.body
        await send({"type": "http.response.body", "body": body})

    return app


async def _send(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes, method: str
) -> None:
    if status != 304:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
