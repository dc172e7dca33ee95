"""Feeds follow the web's writes without making anyone wait for an export.

A write asks for an export; one background thread runs it, and requests that arrive
while it runs are folded into one more export after it. So a click returns at once, and
the feeds show every change within one export's time (plus ``pause``: under a stream of
writes the exports keep that much distance, so that they take at most a share of the
processor and the clicks keep theirs; calendar clients poll every few hours anyway).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class FeedPublisher:
    """Runs ``publish`` after writes, at most one at a time, coalescing requests."""

    def __init__(self, publish: Callable[[], object], *, pause: float = 0) -> None:
        self._publish = publish
        self._pause = pause
        self._wanted = False
        self._running = False
        self._done = threading.Condition()
        self.exports = 0

    def request(self) -> None:
        """Ask for an export of what is stored now."""
        with self._done:
            self._wanted = True
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._run, name="arshjul-export", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self._done:
                if not self._wanted:
                    self._running = False
                    self._done.notify_all()
                    return
                self._wanted = False
            try:
                self._publish()
                self.exports += 1
            except Exception:  # the next write tries again; the click itself succeeded
                log.exception("export after a web change failed")
            with self._done:
                again = self._wanted
            if again and self._pause:  # a stream of writes: keep the distance
                time.sleep(self._pause)

    def wait(self, timeout: float = 60) -> bool:
        """Block until no export is wanted or running (tests, shutdown)."""
        with self._done:
            return self._done.wait_for(lambda: not self._running and not self._wanted, timeout)
