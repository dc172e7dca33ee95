"""Publish the feeds: issue missing tokens -> load -> build (pure) -> write the folder;
and hand out or replace a person's private feed address.
"""

from __future__ import annotations

import datetime as dt
import fcntl
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from calendars.export import ExportResult, export
from calendars.feeds import Audience, build_feeds, carried_feeds, feed_order
from calendars.pages import render_pages, years_with_meetings
from calendars.rendercache import Kept, RenderCache, forget, renderer_version
from calendars.site import render_index
from cycle import DefinitionError
from cycle.published import publication_window
from models.database import read_session, write_session
from models.published import load_published, organisation_names
from models.tokens import ensure_tokens, live_token, rotate_token
from models.version import data_version

from .people import known_person
from .settings import Settings
from .storage import engine_for, writing

STAMP = ".arshjul-version"  # the data version, day and address the export was made from


@dataclass(frozen=True, slots=True)
class PublishResult:
    feeds: int
    personal: int
    export: ExportResult
    rendered: int = 0  # events, frames and pages rendered anew (the rest came from the cache)

    @property
    def files_changed(self) -> int:
        """Files written or removed: none when nothing a subscriber sees has changed."""
        return self.export.written + self.export.removed


def publish_feeds(
    settings: Settings,
    *,
    today: dt.date,
    now: dt.datetime,
    full: bool = False,
    organisations: Collection[str] | None = None,
) -> PublishResult:
    """Write every feed and the start page for the window around ``today``.

    People without a feed token get one first (a stored, random secret), so a re-run
    with unchanged data writes no file at all. Only what changed since the last export
    into the folder is rendered (``calendars.rendercache``); ``full`` forgets that and
    renders everything (the bytes are the same).

    ``organisations``: what a flow that changed those organisations only (a moved
    meeting) asks for: their files are brought up to date and the other organisations'
    files and index entries carried over unread – when the last export left a record
    of them; otherwise everything is exported.
    """
    engine = engine_for(settings.database_url)
    with _export_turn(settings, engine, today, now, complete=organisations is None):
        if full:
            forget(settings.publish_dir)
        return _publish(engine, settings, today=today, now=now, organisations=organisations)


def publish_changed_feeds(
    settings: Settings, *, today: dt.date, now: dt.datetime
) -> PublishResult | None:
    """:func:`publish_feeds`, or nothing (None) when nothing was written to the
    database since the last export of the same day and address.

    What the web application asks after a click: with several workers, another one's
    export may already carry the change. Time-driven changes (meetings held, tasks
    late) are the scheduled export's, which always exports.
    """
    engine = engine_for(settings.database_url)
    with _export_turn(settings, engine, today, now) as current:
        return None if current else _publish(engine, settings, today=today, now=now)


@contextmanager
def _export_turn(
    settings: Settings, engine: Engine, today: dt.date, now: dt.datetime, *, complete: bool = True
) -> Iterator[bool]:
    """This process's turn to export (see :func:`export_lock`), with a feed token for
    everyone; yields whether the folder already shows the current data version, day,
    address and renderer, and records them once a ``complete`` export is done (an
    export of some organisations cannot tell whether others changed too). The version
    is read before the export reads its data, so what is exported is at least that new."""
    settings.publish_dir.mkdir(parents=True, exist_ok=True)
    with export_lock(settings.publish_dir):
        with write_session(engine) as session:  # first: issuing one is a write
            ensure_tokens(session, now=now)
        with engine.connect() as connection:
            version = data_version(connection)
        stamp = f"{version} {today.isoformat()} {settings.public_url} {renderer_version()}"
        done = settings.publish_dir / STAMP
        yield done.exists() and done.read_text("utf-8") == stamp
        if complete:
            done.write_text(stamp, "utf-8")


@contextmanager
def export_lock(folder: Path) -> Iterator[None]:
    """One export at a time per folder, from reading the data to pruning: otherwise an
    export that read the data before another issued a token would prune that token's
    brand-new feed. Waits for a running export rather than failing."""
    with (folder / ".arshjul-export.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _publish(
    engine: Engine,
    settings: Settings,
    *,
    today: dt.date,
    now: dt.datetime,
    organisations: Collection[str] | None = None,
) -> PublishResult:
    first, last = publication_window(today)
    cache = RenderCache(settings.publish_dir, salt=settings.public_url)
    try:
        with read_session(engine) as session:
            names = organisation_names(session)
            others = set(names) - set(organisations or names)
            if organisations is not None and not cache.knows(others):
                organisations, others = None, set()  # no record of the others: all of it
            published = load_published(session, first, last, now=now, organisations=organisations)
        carried = cache.carry(others)
        years = {**cache.years(others), **years_with_meetings(published)}
        cache.record_years(years_with_meetings(published))
        built = build_feeds(published, base_url=settings.public_url, cache=cache)
        feeds = sorted(built + carried_feeds(carried), key=feed_order)
        pages: dict[str, bytes | Kept] = {
            "index.html": render_index(feeds, names, settings.public_url, years),
            **render_pages(published, today=today, base_url=settings.public_url, cache=cache),
            **{c.path: Kept(c.digest) for c in carried if c.meta is None},
        }
        result = export(settings.publish_dir, feeds, pages, cache)
        # after the files: a cache never names a file that was not written
        cache.save(complete=organisations is None)
    finally:
        cache.close()
    personal = sum(1 for f in feeds if f.audience is Audience.PERSONAL)
    return PublishResult(len(feeds) - personal, personal, result, cache.rendered)


def personal_feed_url(settings: Settings, token: str) -> str:
    """The private address of the feed behind ``token``."""
    return f"{settings.public_url}/p/{token}.ics"


def feed_token(settings: Settings, person: str, *, now: dt.datetime) -> str:
    """The person's live feed token (issued first, if nobody has one yet).

    Raises:
        DefinitionError: no such person.
    """
    with writing(settings) as session:
        known_person(session, person)
        ensure_tokens(session, now=now)
        session.flush()
        token = live_token(session, person)
    if token is None:  # ensure_tokens gave everyone one; said rather than assumed
        raise DefinitionError("personen saknar flödesnyckel", field="--person", value=person)
    return token


def replace_token(settings: Settings, person: str, *, now: dt.datetime) -> str:
    """Revoke the person's token and issue a new one; the old address stops working at
    the next export.

    Raises:
        DefinitionError: no such person.
    """
    with writing(settings) as session:
        known_person(session, person)
        ensure_tokens(session, now=now)
        return rotate_token(session, person=person, now=now)
