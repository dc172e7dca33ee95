"""Signed action links: "Markera som klar" in an e-mail, without a login.

A link carries what it may do (the action), for whom (the person), on what (the task),
and until when (the last day it works), signed with HMAC-SHA256 under the server's
secret. Changing any part breaks the signature; the server also checks, when the link is
used, that the person still holds the task. Signing is pure: the key and the day are
passed in.

Example:
    >>> key = b"k" * 32
    >>> token = sign_link(key, Action.DONE, "mini/anna", "t1", expires=dt.date(2027, 3, 1))
    >>> verify_link(key, token, today=dt.date(2027, 2, 1)).task
    't1'
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

SIGNATURE_BYTES = 16  # 128 bits: forging one is out of reach, the URL stays short
LINK_DAYS = 60  # a link in a message works this long after the message's day
MAX_TOKEN = 400  # longer input is refused before any decoding


class Action(StrEnum):
    DONE = "klar"


class LinkError(ValueError):
    """A link that may not be used; the message is Swedish and shown as is."""


class LinkExpired(LinkError):
    """A genuine link past its last day: gone for good (HTTP 410), not unknown."""


@dataclass(frozen=True, slots=True)
class SignedLink:
    action: Action
    person: str
    task: str
    expires: dt.date  # the last day the link works


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, b"arshjul-link\x00" + payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def sign_link(key: bytes, action: Action, person: str, task: str, *, expires: dt.date) -> str:
    """A URL-safe token for ``action`` by ``person`` on ``task`` until ``expires``."""
    payload = "\x1f".join((action.value, person, task, expires.isoformat())).encode()
    return f"{_b64(payload)}.{_b64(_signature(key, payload))}"


def link_expiry(sent_on: dt.date) -> dt.date:
    """The last day a link in a message of ``sent_on`` works."""
    return sent_on + dt.timedelta(days=LINK_DAYS)


def verify_link(key: bytes, token: str, *, today: dt.date) -> SignedLink:
    """The link's content if its signature holds and it has not expired.

    Raises:
        LinkError: a malformed or forged link (Swedish message).
        LinkExpired: a genuine link past its last day.

    Example:
        >>> key = b"k" * 32
        >>> token = sign_link(key, Action.DONE, "mini/anna", "t1", expires=dt.date(2027, 3, 1))
        >>> verify_link(b"x" * 32, token, today=dt.date(2027, 2, 1))
        Traceback (most recent call last):
        ...
        cycle.links.LinkError: Länken är inte giltig. Använd länken i ditt senaste e-brev.
    """
    invalid = LinkError("Länken är inte giltig. Använd länken i ditt senaste e-brev.")
    if len(token) > MAX_TOKEN or token.count(".") != 1:
        raise invalid
    encoded, signature = token.split(".")
    try:
        payload, given = _unb64(encoded), _unb64(signature)
    except ValueError:
        raise invalid from None
    if not hmac.compare_digest(given, _signature(key, payload)):
        raise invalid
    try:
        action, person, task, expires = payload.decode().split("\x1f")
        link = SignedLink(Action(action), person, task, dt.date.fromisoformat(expires))
    except ValueError:
        raise invalid from None
    if today > link.expires:
        raise LinkExpired(
            "Länken har gått ut. Markera uppgiften som klar från din personliga sida "
            "eller från ett senare e-brev."
        )
    return link
