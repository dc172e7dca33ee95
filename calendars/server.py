"""The feed server: an exported folder served from memory, with correct caching.

Every file is read once into memory with its strong ETag and Last-Modified, so a request
is a dictionary lookup. This module holds the folder (``FeedStore``) and the rules, and an
ASGI app with them for the web application's static part; ``arshjul feeds serve`` applies
the same rules in the direct HTTP/1.1 server of ``static_http``. Conditional requests get a correct
304; personal feeds are found by the SHA-256 of their token and confirmed with a
constant-time comparison; anything unknown gets the same plain 404, with no hint. There is
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
import hmac
import os
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fetchlog import FetchLog, fetch_dir, token_key

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
}
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


class FeedStore:
    """The exported folder in memory; reloaded when ``index.json`` changes."""

    def __init__(self, root: Path, *, compress: bool = True) -> None:
        self.root = root
        self.compress = compress
        self.public: dict[str, Resource] = {}
        self.personal: dict[bytes, tuple[bytes, Resource]] = {}
        self._stamp: tuple[int, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.reload()

    def reload(self) -> None:
        """Read every servable file under the root."""
        public: dict[str, Resource] = {}
        personal: dict[bytes, tuple[bytes, Resource]] = {}
        stamp = self._index_stamp()
        for path in sorted(self.root.rglob("*")):
            if (
                not path.is_file()
                or path.name.startswith(".")
                or path.suffix not in (CONTENT_TYPES)
            ):
                continue
            relative = path.relative_to(self.root).as_posix()
            if relative.startswith("p/"):
                token = path.stem.encode()
                resource = _resource(path, True, self.compress)
                personal[hashlib.sha256(token).digest()] = (token, resource)
            else:
                public["/" + relative] = _resource(path, False, self.compress)
        if "/index.html" in public:
            public["/"] = public["/index.html"]
        self.public, self.personal, self._stamp = public, personal, stamp

    def _index_stamp(self) -> tuple[int, int] | None:
        # a new index.json arrives by rename (new inode); its mtime is the content's last
        # change, which a token rotation does not move, so the inode and ctime are compared
        try:
            info = (self.root / "index.json").stat()
        except FileNotFoundError:
            return None
        return info.st_ino, info.st_ctime_ns

    def maybe_reload(self) -> None:
        """Notice a new export (checked at most once a second) and load it in a thread, so
        requests keep being served from the previous export meanwhile."""
        now = time.monotonic()
        if now - self._checked < RELOAD_CHECK_SECONDS:
            return
        self._checked = now
        if self._index_stamp() != self._stamp and self._lock.acquire(blocking=False):
            threading.Thread(target=self._reload_and_release, daemon=True).start()

    def _reload_and_release(self) -> None:
        try:
            self.reload()
        finally:
            self._lock.release()

    def find(self, path: str) -> Resource | None:
        """The resource for a request path, or None; tokens are checked in constant time."""
        if path.startswith("/p/") and path.endswith(".ics"):
            token = path[3:-4].encode()
            entry = self.personal.get(hashlib.sha256(token).digest())
            if entry is not None and hmac.compare_digest(entry[0], token):
                return entry[1]
            return None
        found = self.public.get(path)
        if found is None and "." not in path.rsplit("/", 1)[-1]:
            found = self.public.get(path + ".html")  # /o/<org>/<year>, /m/<id>
        return found


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

    def __init__(self, root: Path, *, compress: bool) -> None:
        self.store = FeedStore(root, compress=compress)
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
