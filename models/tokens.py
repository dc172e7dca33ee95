"""Personal feed tokens: unguessable, stored, revocable and rotatable.

A person's private feed lives at ``/p/<token>.ics``. The token is the only secret, so it
is long (192 random bits), never derived from the person, and a rotation revokes the old
one for good.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import Column
from sqlmodel import Field, Session, SQLModel, col, select

from .tables import Person, stamp_column
from .types import UTCDateTime


class FeedToken(SQLModel, table=True):
    token: str = Field(primary_key=True)
    person: str = Field(foreign_key="person.key", index=True)
    created_at: dt.datetime = Field(sa_column=stamp_column())
    revoked_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


def new_token() -> str:
    """A fresh URL-safe token of 192 random bits."""
    return secrets.token_urlsafe(24)


def ensure_tokens(session: Session, *, now: dt.datetime) -> int:
    """Issue a token to every person without a live one; returns how many were issued."""
    live = select(FeedToken.person).where(col(FeedToken.revoked_at).is_(None))
    # one query for those without (every export asks, and nearly always nobody is)
    missing = session.exec(select(Person.key).where(col(Person.key).not_in(live))).all()
    for person in missing:
        session.add(FeedToken(token=new_token(), person=person, created_at=now))
    return len(missing)


def rotate_token(session: Session, *, person: str, now: dt.datetime) -> str:
    """Revoke the person's live token(s) and issue a new one.

    Raises:
        LookupError: no such person.
    """
    if session.get(Person, person) is None:
        raise LookupError(person)
    for old in session.exec(
        select(FeedToken).where(FeedToken.person == person, col(FeedToken.revoked_at).is_(None))
    ):
        old.revoked_at = now
        session.add(old)
    token = new_token()
    session.add(FeedToken(token=token, person=person, created_at=now))
    return token


def live_token(session: Session, person: str) -> str | None:
    """The person's current token, if any."""
    row = session.exec(
        select(FeedToken).where(FeedToken.person == person, col(FeedToken.revoked_at).is_(None))
    ).first()
    return None if row is None else row.token


def holder_of_token(session: Session, token: str) -> Person | None:
    """The person whose live token this is, read with the token in one query."""
    if not 16 <= len(token) <= 64:
        return None
    found = session.exec(
        select(FeedToken, Person)
        .join(Person, col(Person.key) == col(FeedToken.person))
        .where(FeedToken.token == token, col(FeedToken.revoked_at).is_(None))
    ).first()
    if found is None or not secrets.compare_digest(found[0].token, token):
        return None
    return found[1]
