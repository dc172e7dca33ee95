"""What every response and every form of the web application gets: strict headers, form
tokens against cross-site requests, and limits on writes and on guessing tokens.

Secret tokens live in the URLs (a person's page, a signed link), so no page may leak its
address to another site (Referrer-Policy: no-referrer), be framed, or load anything from
elsewhere. There are no cookies: a form carries its own token, signed for the page it
was served on and valid for a day, and a write must come from this site.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from calendars.policy import headers_for

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FORM_TOKEN_SECONDS = 24 * 3600


class SecurityHeaders:
    """ASGI middleware: the page policy (:mod:`calendars.policy`) on every response, and
    no caching of pages that carry a person's data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] != b"server"]
                have = {k for k, _ in headers}
                headers += [h for h in headers_for(scope["path"]) if h[0] not in have]
                if b"cache-control" not in have:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def form_token(key: bytes, path: str, *, now: float) -> str:
    """A token for a form served on ``path``: it proves the form came from this site."""
    stamp = str(int(now))
    mac = hmac.new(key, f"form\x00{path}\x00{stamp}".encode(), hashlib.sha256).hexdigest()
    return f"{stamp}.{mac[:32]}"


def check_form_token(key: bytes, path: str, token: str, *, now: float) -> bool:
    """Whether ``token`` was made for ``path`` within the last day."""
    stamp, _, mac = token.partition(".")
    if not stamp.isdigit() or not 0 <= now - int(stamp) <= FORM_TOKEN_SECONDS:
        return False
    expected = hmac.new(key, f"form\x00{path}\x00{stamp}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected[:32], mac)


def same_site(headers: dict[str, str], host: str) -> bool:
    """A write must come from this site: browsers say where a form was sent from
    (Sec-Fetch-Site, else Origin). A request that says neither is not a browser's, so
    no other site can have made it; it still needs the form token."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return True
    return origin != "null" and origin.split("://", 1)[-1] == host


class RateLimit:
    """At most ``limit`` events per ``seconds`` per client (a sliding window, in memory,
    per process: behind a proxy with several workers, each worker counts its own)."""

    def __init__(self, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.limit, self.seconds, self.clock = limit, seconds, clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Count one event for ``client``; False when it is over the limit."""
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(client, deque())
            while events and events[0] <= now - self.seconds:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 10_000:  # forget idle clients rather than grow
                self._events = {k: v for k, v in self._events.items() if v}
            return True

    def blocked(self, client: str) -> bool:
        """Whether ``client`` is over the limit now, without counting an event."""
        now = self.clock()
        with self._lock:
            events = self._events.get(client, deque())
            return sum(1 for t in events if t > now - self.seconds) >= self.limit
