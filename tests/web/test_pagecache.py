"""Kept pages: one data version, up to a moment, at most a minute, the least recently
used forgotten first."""

from __future__ import annotations

import datetime as dt

from web.pagecache import MAX_AGE, PageCache

T0 = dt.datetime(2027, 3, 5, 9, 0, tzinfo=dt.UTC)
LATER = T0 + dt.timedelta(hours=1)


def test_a_page_is_kept_for_its_version_only() -> None:
    pages = PageCache()
    pages.put("a", b"sidan", version=7, now=T0, until=LATER)
    assert pages.get("a", 7, T0) == b"sidan"
    assert pages.get("a", 8, T0) is None
    assert pages.get("a", 7, T0) is None  # a stale page is dropped, not kept for later


def test_a_page_is_kept_until_its_moment_and_at_most_a_minute() -> None:
    pages = PageCache()
    soon = T0 + dt.timedelta(seconds=20)
    pages.put("a", b"x", version=1, now=T0, until=soon)
    assert pages.get("a", 1, soon - dt.timedelta(microseconds=1)) == b"x"
    assert pages.get("a", 1, soon) is None
    pages.put("b", b"y", version=1, now=T0, until=LATER)
    assert pages.get("b", 1, T0 + MAX_AGE - dt.timedelta(seconds=1)) == b"y"
    assert pages.get("b", 1, T0 + MAX_AGE) is None


def test_the_least_recently_used_page_goes_first() -> None:
    pages = PageCache(size=2)
    pages.put("a", b"1", version=1, now=T0, until=LATER)
    pages.put("b", b"2", version=1, now=T0, until=LATER)
    assert pages.get("a", 1, T0) == b"1"  # "a" is now the most recent
    pages.put("c", b"3", version=1, now=T0, until=LATER)
    assert pages.get("b", 1, T0) is None
    assert pages.get("a", 1, T0) == b"1" and pages.get("c", 1, T0) == b"3"
