"""Who has the latest change in their calendar: the feed server's fetch notes joined with
the people behind the tokens and the time their personal feed last changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from calendars.fetchlog import fetch_dir, read_fetches, token_key
from cycle.subscriptions import Fetch
from models.tables import Person
from models.tokens import FeedToken

from .settings import Settings
from .storage import reading


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A person with a personal feed, and what their calendar client has of it."""

    person: str
    name: str
    organisation: str
    fetch: Fetch | None  # None: never fetched (not subscribed, or not yet)
    changed: dt.datetime | None  # the personal feed's last change (None: not exported)

    @property
    def behind(self) -> bool:
        """Subscribed, but their client has not fetched since the feed last changed."""
        return (
            self.fetch is not None and self.changed is not None and not self.fetch.has(self.changed)
        )


def _live_tokens(settings: Settings, organisation: str | None) -> list[tuple[str, Person]]:
    with reading(settings) as session:
        query = (
            select(FeedToken.token, Person)
            .join(Person, col(Person.key) == col(FeedToken.person))
            .where(col(FeedToken.revoked_at).is_(None))
        )
        if organisation is not None:
            query = query.where(Person.organisation == organisation)
        return [(token, person) for token, person in session.exec(query)]


def subscribers(settings: Settings, *, organisation: str | None = None) -> list[Subscriber]:
    """Everyone with a live token (in ``organisation``), those behind first, then by name."""
    fetches = read_fetches(fetch_dir(settings.publish_dir))
    found = []
    for token, person in _live_tokens(settings, organisation):
        feed = settings.publish_dir / "p" / f"{token}.ics"
        changed = (
            dt.datetime.fromtimestamp(int(feed.stat().st_mtime), tz=dt.UTC)
            if feed.exists()
            else None
        )
        fetch = fetches.get(token_key(token))
        found.append(Subscriber(person.key, person.name, person.organisation, fetch, changed))
    return sorted(found, key=lambda s: (not s.behind, s.fetch is None, s.name, s.person))


def person_fetches(settings: Settings) -> dict[str, Fetch]:
    """The last fetch of each person's live feed, for the reminder run."""
    fetches = read_fetches(fetch_dir(settings.publish_dir))
    return {
        person.key: fetches[digest]
        for token, person in _live_tokens(settings, None)
        if (digest := token_key(token)) in fetches
    }
