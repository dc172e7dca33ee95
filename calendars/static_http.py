"""``arshjul feeds serve``: the exported folder over HTTP/1.1, without an ASGI layer.

Serving a feed is a dictionary lookup; in uvicorn most of a request's time went to
building and checking ASGI messages, and the server managed about two thirds of nginx's
rate for the same file. Here a small asyncio protocol reads requests with ``httptools``
(the parser uvicorn uses) and writes responses whose header lines were built once per
file. The rules – which file, gzip or not, 304 or 200, the fetch note – are the ones the
ASGI app (``server.py``) applies for the web application's static part.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import email.utils
import os
import signal
import socket
import time
from pathlib import Path
from urllib.parse import unquote

import httptools

from .server import DEFAULT_CACHE_BYTES, MAX_HEADER_BYTES, NOT_FOUND, Feeds

MAX_URL_BYTES = 8 * 1024
IDLE_SECONDS = 15.0
_REASONS = {
    200: b"OK",
    304: b"Not Modified",
    400: b"Bad Request",
    404: b"Not Found",
    405: b"Method Not Allowed",
    414: b"URI Too Long",
    431: b"Request Header Fields Too Large",
}
_PLAIN = b"content-type: text/plain; charset=utf-8\r\n"


class _Clock:
    """The Date header, rendered once a second."""

    def __init__(self) -> None:
        self._second = -1
        self._line = b""

    def line(self) -> bytes:
        now = int(time.time())
        if now != self._second:
            stamp = email.utils.formatdate(now, usegmt=True).encode()
            self._second, self._line = now, b"date: " + stamp + b"\r\n"
        return self._line


class _Connection(asyncio.Protocol):
    def __init__(self, feeds: Feeds, clock: _Clock):
        self.feeds, self.clock = feeds, clock
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.WriteTransport | None = None
        self._reset()

    def _reset(self) -> None:
        self.url = b""
        self.size = 0
        self.agent = self.encodings = b""
        self.conditions: list[tuple[bytes, bytes]] = []
        self.refused: int | None = None

    # -- asyncio ----------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's TCP transport
        self.idle: asyncio.TimerHandle | None = None
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.idle is not None:
            self.idle.cancel()

    def _arm(self) -> None:
        """Close a connection that sends nothing for IDLE_SECONDS: idle keep-alives and
        requests that never finish must not hold the server's sockets."""
        if self.idle is not None:
            self.idle.cancel()
        assert self.transport is not None
        self.idle = asyncio.get_running_loop().call_later(IDLE_SECONDS, self.transport.close)

    def data_received(self, data: bytes) -> None:
        self._arm()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._error(400)
        except httptools.HttpParserError:
            self._error(self.refused or 400)

    # -- httptools callbacks ------------------------------------------------------------
    def on_message_begin(self) -> None:
        self._reset()

    def on_url(self, url: bytes) -> None:
        self.url += url
        if len(self.url) > MAX_URL_BYTES:
            self.refused = 414
            raise httptools.HttpParserCallbackError("url")

    def on_header(self, name: bytes, value: bytes) -> None:
        self.size += len(name) + len(value)
        if self.size > MAX_HEADER_BYTES:
            self.refused = 431
            raise httptools.HttpParserCallbackError("headers")
        name = name.lower()
        if name == b"accept-encoding":
            self.encodings = self.encodings + b"," + value if self.encodings else value
        elif name == b"user-agent":
            self.agent = value
        elif name in (b"if-none-match", b"if-modified-since"):
            self.conditions.append((name, value))

    def on_message_complete(self) -> None:
        keep = self.parser.should_keep_alive()
        method = self.parser.get_method()
        if method not in (b"GET", b"HEAD"):
            self._write(405, b"allow: GET, HEAD\r\n" + _PLAIN, b"", head=False, keep=keep)
            return
        head = method == b"HEAD"
        try:
            path = unquote(httptools.parse_url(self.url).path.decode("ascii"))
        except (httptools.HttpParserInvalidURLError, UnicodeDecodeError):
            self._write(400, _PLAIN, b"", head=head, keep=False)
            return
        status, resource = self.feeds.answer(
            path, agent=self.agent, encodings=self.encodings, conditions=self.conditions
        )
        if resource is None:
            self._write(404, _PLAIN, NOT_FOUND, head=head, keep=keep)
        elif status == 304:
            self._send(304, resource.unchanged_lines, b"", keep)
        else:
            self._send(200, resource.full_lines, b"" if head else resource.body, keep)

    # -- answers ------------------------------------------------------------------------
    def _send(self, status: int, lines: bytes, body: bytes, keep: bool) -> None:
        assert self.transport is not None
        start = b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status])
        close = b"" if keep else b"connection: close\r\n"
        self.transport.write(start + self.clock.line() + lines + close + b"\r\n" + body)
        if not keep:
            self.transport.close()

    def _write(self, status: int, lines: bytes, body: bytes, *, head: bool, keep: bool) -> None:
        length = b"content-length: %d\r\n" % len(body)
        self._send(status, lines + length, b"" if head else body, keep)

    def _error(self, status: int) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._write(status, _PLAIN, b"", head=False, keep=False)


def _serve_forever(sock: socket.socket, root: Path, compress: bool, cache_bytes: int) -> None:
    import uvloop

    feeds = Feeds(root, compress=compress, cache_bytes=cache_bytes)
    clock = _Clock()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: _Connection(feeds, clock), sock=sock, backlog=2048
        )
        async with server:
            await server.serve_forever()

    uvloop.run(main())


def serve_static(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    compress: bool = True,
    cache_bytes: int = DEFAULT_CACHE_BYTES,
) -> None:
    """Serve ``root`` until interrupted. With several workers, one listening socket is
    shared by that many forked processes (each keeps at most ``cache_bytes`` of the
    folder in memory); this process only waits for them and passes on SIGTERM/SIGINT."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    # SIGTERM ends a server at once, as it always has (the CLI's own handler would
    # raise inside the event loop, which does not stop it)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if workers <= 1:
        with contextlib.suppress(KeyboardInterrupt):
            _serve_forever(sock, root, compress, cache_bytes)
        return
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            _die_with_parent()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _serve_forever(sock, root, compress, cache_bytes)
            os._exit(0)
        children.append(pid)
    sock.close()

    def stop(signum: int, _frame: object) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for pid in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _die_with_parent() -> None:
    """Linux: a worker gets SIGTERM when the process that started it goes, however."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
