"""Subscribed calendars refresh slowly: who has a change, and who cannot have it yet.

A person's calendar client fetches their personal feed on its own schedule – Google every
12–24 hours, Outlook on the web about every 3 hours and sometimes more than a day,
Nextcloud once a week by default. The feed server notes when each feed was last fetched
and by which kind of client (the User-Agent's family, never an address). A change made
after that fetch has not reached the person; if the meeting comes before their client
can be expected to fetch again, an e-mail must carry it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# (family, substrings of the User-Agent that name it), the first match wins
_FAMILIES = (
    ("Google", ("google-calendar-importer", "google")),
    ("Outlook", ("outlook", "microsoft", "exchange")),
    ("Nextcloud", ("nextcloud",)),
    ("Thunderbird", ("thunderbird", "lightning")),
    ("Evolution", ("evolution", "libsoup")),
    ("DAVx⁵", ("davx5", "davdroid")),
    ("vdirsyncer", ("vdirsyncer",)),
    ("Apple", ("calendaragent", "dataaccessd", "ios/", "macos/", "mac os x", "iphone")),
)
OTHER = "annan"
# how long a client may go between fetches by default, on the long side: Google 12–24 h,
# Outlook on the web about 3 h and sometimes more than a day, Nextcloud a week; desktop
# clients poll about hourly; anything else is given 36 hours
REFRESH = {
    "Google": dt.timedelta(hours=24),
    "Outlook": dt.timedelta(hours=36),
    "Nextcloud": dt.timedelta(days=7),
    "Thunderbird": dt.timedelta(hours=1),
    "Evolution": dt.timedelta(hours=1),
    "DAVx⁵": dt.timedelta(hours=24),
    "vdirsyncer": dt.timedelta(hours=24),
    "Apple": dt.timedelta(hours=24),
}
UNKNOWN_REFRESH = dt.timedelta(hours=36)


def client_family(user_agent: str) -> str:
    """The kind of client a User-Agent names (no version, nothing that tells people apart).

    Example:
        >>> client_family("Google-Calendar-Importer")
        'Google'
        >>> client_family("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0)")
        'Outlook'
        >>> client_family("iOS/17.4 (21E219) dataaccessd/1.0"), client_family("")
        ('Apple', 'annan')
    """
    lowered = user_agent.lower()
    for family, marks in _FAMILIES:
        if any(mark in lowered for mark in marks):
            return family
    return OTHER


@dataclass(frozen=True, slots=True)
class Fetch:
    """The last time a person's feed was fetched, and by what kind of client."""

    at: dt.datetime
    client: str

    def has(self, changed_at: dt.datetime) -> bool:
        """Whether a change made at ``changed_at`` was in what the client fetched."""
        return self.at >= changed_at

    @property
    def refresh(self) -> dt.timedelta:
        """How long this kind of client may go before it fetches again."""
        return REFRESH.get(self.client, UNKNOWN_REFRESH)


def must_mail_change(
    fetch: Fetch | None, changed_at: dt.datetime, starts: dt.datetime, now: dt.datetime
) -> bool:
    """Whether a change to a meeting must reach a subscriber by e-mail now: their client
    has not fetched it, and the meeting may begin before the client fetches again (within
    its refresh time from now). Someone who never subscribed relies on e-mail already.

    Example:
        >>> at = dt.datetime(2027, 3, 1, 8, tzinfo=dt.UTC)
        >>> google = Fetch(at, "Google")
        >>> must_mail_change(google, at + dt.timedelta(hours=1), at + dt.timedelta(hours=20),
        ...                  at + dt.timedelta(hours=1))
        True
        >>> must_mail_change(google, at + dt.timedelta(hours=1), at + dt.timedelta(days=3),
        ...                  at + dt.timedelta(hours=1))
        False
    """
    if fetch is None or fetch.has(changed_at):
        return False
    return starts <= now + fetch.refresh
