"""Feed tokens: unguessable, stored, revocable and rotatable.

A person's private feed lives at ``/p/<token>.ics``, a body's group feed (all its
meetings, public or not, and its tasks) at ``/g/<token>.ics``. The token is the only
secret, so it is long (192 random bits), never derived from the person or body, and a
rotation revokes the old one for good.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import Column, or_
from sqlmodel import Field, Session, SQLModel, col, select

from .tables import Body, Membership, Person, stamp_column
from .types import UTCDateTime


class FeedToken(SQLModel, table=True):
    token: str = Field(primary_key=True)
    person: str = Field(foreign_key="person.key", index=True)
    created_at: dt.datetime = Field(sa_column=stamp_column())
    revoked_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class GroupToken(SQLModel, table=True):
    """The secret address of one body's group feed, shared by its members: a group's
    tasks and its non-public meetings never sit at an address anyone can guess."""

    token: str = Field(primary_key=True)
    body: str = Field(foreign_key="body.key", index=True)
    created_at: dt.datetime = Field(sa_column=stamp_column())
    revoked_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


def new_token() -> str:
    """A fresh URL-safe token of 192 random bits."""
    return secrets.token_urlsafe(24)


def ensure_tokens(session: Session, *, now: dt.datetime) -> int:
    """Issue a token to every person and every body without a live one; returns how
    many were issued."""
    live = select(FeedToken.person).where(col(FeedToken.revoked_at).is_(None))
    # one query for those without (every export asks, and nearly always nobody is)
    missing = session.exec(select(Person.key).where(col(Person.key).not_in(live))).all()
    for person in missing:
        session.add(FeedToken(token=new_token(), person=person, created_at=now))
    live_groups = select(GroupToken.body).where(col(GroupToken.revoked_at).is_(None))
    bodies = session.exec(select(Body.key).where(col(Body.key).not_in(live_groups))).all()
    for body in bodies:
        session.add(GroupToken(token=new_token(), body=body, created_at=now))
    return len(missing) + len(bodies)


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


def rotate_group_token(session: Session, *, body: str, now: dt.datetime) -> str:
    """Revoke the body's live group token and issue a new one: for when the address has
    reached someone outside the group. Every member needs to subscribe anew.

    Raises:
        LookupError: no such body.
    """
    if session.get(Body, body) is None:
        raise LookupError(body)
    for old in session.exec(
        select(GroupToken).where(GroupToken.body == body, col(GroupToken.revoked_at).is_(None))
    ):
        old.revoked_at = now
        session.add(old)
    token = new_token()
    session.add(GroupToken(token=token, body=body, created_at=now))
    return token


def group_tokens(session: Session) -> dict[str, str]:
    """Every body's live group token, by body key."""
    return {
        t.body: t.token
        for t in session.exec(select(GroupToken).where(col(GroupToken.revoked_at).is_(None)))
    }


def member_groups(session: Session, person: str, on: dt.date) -> list[tuple[str, str]]:
    """(body name, live group token) of every body ``person`` is a member of on ``on``,
    by name: the group feeds their personal page links to."""
    rows = session.exec(
        select(Body.name, GroupToken.token)
        .join(Membership, col(Membership.body) == col(Body.key))
        .join(GroupToken, col(GroupToken.body) == col(Body.key))
        .where(
            Membership.person == person,
            col(GroupToken.revoked_at).is_(None),
            or_(col(Membership.valid_from).is_(None), col(Membership.valid_from) <= on),
            or_(col(Membership.valid_to).is_(None), col(Membership.valid_to) >= on),
        )
        .distinct()
        .order_by(col(Body.name))
    ).all()
    return [(name, token) for name, token in rows]
