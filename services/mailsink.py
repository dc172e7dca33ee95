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
    """(subject, recipient, HTML body) of a kept message; a text body is shown as is."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    part = message.get_body(preferencelist=("html", "plain"))
    body = "" if part is None else part.get_content()
    if part is not None and part.get_content_type() == "text/plain":
        body = f"<pre>{html.escape(body)}</pre>"
    return str(message["subject"]), str(message["to"]), body
