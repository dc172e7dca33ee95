"""The feed server's note of who fetched their personal feed, when, and with what.

Kept per served token as the SHA-256 of the token (the token itself is the secret), the
moment and the client's family (``cycle.subscriptions``) – no address, no full
User-Agent. Each server process keeps its notes in memory and writes them, at most every
few seconds, to a file of its own in a folder beside the export (never inside it: a web
server would publish it). ``arshjul feeds status`` and the reminder run read the folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

from cycle.subscriptions import Fetch, client_family

FLUSH_SECONDS = 5.0
log = logging.getLogger(__name__)


def token_key(token: str) -> str:
    """What the notes keep of a token: its SHA-256 (hex), never the secret itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def fetch_dir(export_root: Path) -> Path:
    """Where the notes for ``export_root`` live: ``publicerat-hamtningar`` beside it."""
    root = export_root.resolve()
    return root.with_name(root.name + "-hamtningar")


class FetchLog:
    """One process's notes; :meth:`record` is cheap, the file is written now and then."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / f"{os.getpid()}.json"
        self._notes: dict[str, tuple[float, str]] = {}
        self._dirty = False
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def record(self, digest: str, user_agent: str, *, at: float | None = None) -> None:
        """Note a fetch of the feed whose token hashes to ``digest`` (hex); the file is
        written within :data:`FLUSH_SECONDS`, in a thread of its own."""
        with self._lock:
            self._notes[digest] = (time.time() if at is None else at, client_family(user_agent))
            self._dirty = True
            if self._timer is None:
                self._timer = threading.Timer(FLUSH_SECONDS, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        """Write the notes (atomically) if anything changed since the last write. A
        folder that cannot be written loses the notes, never a feed request."""
        with self._lock:
            self._timer = None
            if not self._dirty:
                return
            document = {k: {"at": at, "client": c} for k, (at, c) in self._notes.items()}
            self._dirty = False
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle)
            os.replace(tmp, self.path)
        except OSError:
            log.warning("hämtningar kunde inte skrivas till %s", self.folder, exc_info=True)


def read_fetches(folder: Path) -> dict[str, Fetch]:
    """The latest fetch per token digest, over every process's file."""
    latest: dict[str, Fetch] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            notes = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a file being replaced, or not ours
        for digest, note in notes.items():
            at = dt.datetime.fromtimestamp(float(note["at"]), tz=dt.UTC)
            if digest not in latest or latest[digest].at < at:
                latest[digest] = Fetch(at, str(note["client"]))
    return latest
