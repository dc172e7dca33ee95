"""The demo's mail sink: an SMTP server on 127.0.0.1 that keeps every message it
receives as a file, so a new user can read what Årshjul sends – and click in it –
without a mail server. Never for production: it accepts mail for anyone.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import html
import socket
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class _Keep:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        number = len(list(self.folder.glob("*.eml"))) + 1
        (self.folder / f"{number:04d}.eml").write_bytes(envelope.content)
        return "250 OK"


class MailSink:
    """Receives mail on ``127.0.0.1:port`` into ``folder`` while started."""

    def __init__(self, folder: Path, port: int = 0) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.port = port or _free_port()
        self._controller = Controller(_Keep(folder), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> MailSink:
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def kept_message_ids(folder: Path) -> frozenset[str]:
    """The Message-IDs of the messages kept in ``folder``: what a re-run must not add."""
    found = set()
    for path in folder.glob("*.eml"):
        with path.open("rb") as file:
            headers = email.parser.BytesHeaderParser(policy=email.policy.default).parse(file)
        if headers["message-id"]:
            found.add(str(headers["message-id"]).strip())
    return frozenset(found)


def read_message(path: Path) -> tuple[str, str, str]:
    """(subject, recipient, HTML) of a kept message, the HTML fit to show inside a page
    of the site (:func:`page_content`); a text body is shown as is."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    part = message.get_body(preferencelist=("html", "plain"))
    body = "" if part is None else part.get_content()
    if part is not None and part.get_content_type() == "text/plain":
        body = f"<pre>{html.escape(body)}</pre>"
    else:
        body = page_content(body)
    return str(message["subject"]), str(message["to"]), body


class _Content(HTMLParser):
    """Rebuilds an e-mail's HTML body without what a page under the site's policy may
    not carry: ``style`` and event attributes, ``<style>``, ``<script>``, the head."""

    SKIPPED = frozenset({"head", "style", "script", "title"})
    FRAME = frozenset({"html", "body"})
    VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += tag not in self.VOID
            return
        if self.skipping or tag in self.FRAME or tag in ("meta", "link"):
            return
        kept = "".join(
            f' {name}="{html.escape(value or "")}"'
            for name, value in attrs
            if name != "style" and not name.startswith("on")
        )
        self.out.append(f"<{tag}{kept}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif not self.skipping and tag not in self.FRAME and tag not in self.VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(html.escape(data, quote=False))


def page_content(body: str) -> str:
    """An e-mail's HTML as content for a page of the site: what is inside ``<body>``,
    without inline styles or scripts (the page's policy blocks them, and the site's
    stylesheet does their work); the message as sent keeps them for mail clients.

    Example:
        >>> page_content('<html><head><title>T</title></head><body><p>Din sida: '
        ...              '<a href="/p/x/" style="overflow-wrap:anywhere">/p/x/</a></p>'
        ...              '</body></html>')
        '<p>Din sida: <a href="/p/x/">/p/x/</a></p>'
    """
    parser = _Content()
    parser.feed(body)
    parser.close()
    return "".join(parser.out)
