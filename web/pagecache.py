"""Rendered personal pages, kept while nothing they show can have changed.

A personal page costs a handful of queries and a template; people reload it, come back
to it after a click, and open it from several messages. A page is kept under the data
version it was built from (``models.version``: any write anywhere makes it stale) and
until the first moment at which time alone would change it (see ``Overview.changes_at``),
so a kept page is the page a fresh build would give – apart from its form tokens, which
are then up to :data:`MAX_AGE` older and valid for a day. Each worker process keeps its
own pages; the cache is bounded and forgets the least recently used first.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

MAX_AGE = dt.timedelta(seconds=60)
SIZE = 2000  # pages of about 5 kB: 10 MB at most per process


@dataclass(frozen=True, slots=True)
class _Kept:
    version: int
    until: dt.datetime
    body: bytes


class PageCache:
    """Page bodies by key, each valid for one data version and up to a moment."""

    def __init__(self, size: int = SIZE) -> None:
        self._pages: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: int, now: dt.datetime) -> bytes | None:
        """The body kept for ``key`` if it was built from ``version`` and is still
        valid at ``now``."""
        with self._lock:
            kept = self._pages.get(key)
            if kept is None:
                return None
            if kept.version != version or now >= kept.until:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return kept.body

    def put(
        self, key: Hashable, body: bytes, *, version: int, now: dt.datetime, until: dt.datetime
    ) -> None:
        """Keep ``body``, built from ``version`` at ``now``, until ``until`` (and at
        most :data:`MAX_AGE`)."""
        with self._lock:
            self._pages[key] = _Kept(version, min(until, now + MAX_AGE), body)
            self._pages.move_to_end(key)
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)
