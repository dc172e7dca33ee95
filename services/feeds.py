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
from calendars.feeds import build_feeds, carried_feeds, feed_order
from calendars.pages import render_pages, years_with_meetings
from calendars.rendercache import Kept, RenderCache, forget, intact_files, renderer_version
from calendars.site import render_index
from cycle import DefinitionError
from cycle.published import publication_window
from models.audit import log_act
from models.database import read_session, write_session
from models.published import load_published, organisation_names
from models.tokens import ensure_tokens, group_tokens, live_token, rotate_group_token, rotate_token
from models.version import data_version

from .people import known_body, known_person
from .settings import Settings
from .storage import engine_for, writing

STAMP = ".arshjul-version"  # the data version, day and address the export was made from


@dataclass(frozen=True, slots=True)
class PublishResult:
    feeds: int
    secret: int  # personal and group feeds: their addresses are their secrets
    export: ExportResult
    rendered: int = 0  # events, frames and pages rendered anew (the rest came from the cache)
    # the next moment the clock alone changes what the export shows (a meeting ends)
    changes_at: dt.datetime | None = None
    skipped: bool = False  # nothing could have changed since the last export: not read

    @property
    def files_changed(self) -> int:
        """Files written or removed: none when nothing a subscriber sees has changed."""
        return self.export.written + self.export.removed


@dataclass(slots=True)
class _Turn:
    """An export's view of the stamp beside the folder (see :func:`_export_turn`)."""

    stamp: str  # data version, day, address and renderer now
    recorded: str  # what the folder's stamp says
    changes_at: dt.datetime | None = None  # of the export made in this turn

    def current(self, now: dt.datetime) -> bool:
        """Whether the folder shows what an export now would: the same data version,
        day, address and renderer, and no meeting ended since (a held meeting shows as
        held)."""
        stamp, _, until = self.recorded.partition("\n")
        if stamp != self.stamp:
            return False
        return until.strip() in ("", "-") or now < dt.datetime.fromisoformat(until.strip())


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
    with _export_turn(settings, engine, today, now, complete=organisations is None) as turn:
        if full:
            forget(settings.publish_dir)
        elif organisations is None and turn.current(now):
            checked = intact_files(settings.publish_dir)
            if checked is not None:  # and no file was changed or removed by hand
                return PublishResult(0, 0, ExportResult(0, checked, 0), skipped=True)
        result = _publish(engine, settings, today=today, now=now, organisations=organisations)
        turn.changes_at = result.changes_at
        return result


def publish_changed_feeds(
    settings: Settings, *, today: dt.date, now: dt.datetime
) -> PublishResult | None:
    """:func:`publish_feeds`, or nothing (None) when nothing was written to the
    database since the last export of the same day and address.

    What the web application asks after a click: with several workers, another one's
    export may already carry the change. It does not look at the files themselves (the
    scheduled export does).
    """
    engine = engine_for(settings.database_url)
    with _export_turn(settings, engine, today, now) as turn:
        if turn.current(now):
            return None
        result = _publish(engine, settings, today=today, now=now)
        turn.changes_at = result.changes_at
        return result


@contextmanager
def _export_turn(
    settings: Settings, engine: Engine, today: dt.date, now: dt.datetime, *, complete: bool = True
) -> Iterator[_Turn]:
    """This process's turn to export (see :func:`export_lock`), with a feed token for
    everyone; yields what the folder's stamp says against the current data version,
    day, address and renderer, and records them – with the moment the export's
    content next changes by the clock alone – once a ``complete`` export is done (an
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
        turn = _Turn(stamp, done.read_text("utf-8") if done.exists() else "")
        yield turn
        if complete and turn.changes_at is not None:
            done.write_text(f"{stamp}\n{turn.changes_at.isoformat()}", "utf-8")
        elif complete:
            done.write_text(f"{stamp}\n-", "utf-8")


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
    with read_session(engine) as session:
        names = organisation_names(session)
    others = set(names) - set(organisations or names)
    cache = RenderCache(settings.publish_dir, salt=settings.public_url, scope=organisations)
    try:
        if organisations is not None and not cache.knows(others):
            cache.close()  # no record of the others: all of it
            organisations, others = None, set()
            cache = RenderCache(settings.publish_dir, salt=settings.public_url)
        with read_session(engine) as session:
            published = load_published(session, first, last, now=now, organisations=organisations)
        carried = cache.carry(others)
        own_years = years_with_meetings(published)
        cache.record_years(own_years)
        years = {**cache.years(others), **own_years}
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
    secret = sum(1 for f in feeds if f.audience.secret)
    # a meeting shows as held once it has ended: the first end still to come
    ends = [m.end for m in published.meetings if m.end > now]
    return PublishResult(
        len(feeds) - secret, secret, result, cache.rendered, min(ends, default=None)
    )


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


def replace_token(
    settings: Settings, person: str, *, now: dt.datetime, by: str | None = None
) -> str:
    """Revoke the person's token and issue a new one; the old address stops working at
    the next export.

    Args:
        by: who asked (e.g. ``CLI (sara)``): the act is then in ``arshjul history``.

    Raises:
        DefinitionError: no such person.
    """
    with writing(settings) as session:
        known_person(session, person)
        ensure_tokens(session, now=now)
        token = rotate_token(session, person=person, now=now)
        if by is not None:
            log_act(
                session,
                flow="token-rotated",
                parameters={"person": person},
                triggered_by=by,
                rows_changed=1,
                message=f"Ny personlig länk för {person}",
                now=now,
            )
        return token


def group_feed_url(settings: Settings, token: str) -> str:
    """The secret address of the group feed behind ``token``."""
    return f"{settings.public_url}/g/{token}.ics"


def group_token(settings: Settings, body: str, *, now: dt.datetime) -> str:
    """The body's live group token (issued first, if it has none yet).

    Raises:
        DefinitionError: no such body.
    """
    with writing(settings) as session:
        known_body(session, body)
        ensure_tokens(session, now=now)
        session.flush()
        token = group_tokens(session).get(body)
    if token is None:  # ensure_tokens gave every body one; said rather than assumed
        raise DefinitionError("organet saknar gruppnyckel", field="--body", value=body)
    return token


def replace_group_token(settings: Settings, body: str, *, by: str, now: dt.datetime) -> str:
    """Revoke the body's group token and issue a new one, noted in the history: the old
    address stops working at the next export, and every member subscribes anew.

    Raises:
        DefinitionError: no such body.
    """
    with writing(settings) as session:
        known_body(session, body)
        ensure_tokens(session, now=now)
        token = rotate_group_token(session, body=body, now=now)
        log_act(
            session,
            flow="group-token-rotated",
            parameters={"body": body},
            triggered_by=f"CLI ({by})",
            rows_changed=1,
            message=f"Ny adress till gruppens kalender: {body}",
            now=now,
        )
        return token
