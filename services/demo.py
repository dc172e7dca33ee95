"""The demo's tryout: a meeting of the example data where the whole loop can be tried
today – its call for agenda items open, a "Markera som klar" link, its agenda and a
record page ("Beslut och uppdrag") – whatever day the demo runs.

A call for items opens on its step's due day, or earlier when the group marks that step
done (``cycle.agenda.call_window``). On a day when no example meeting's call is open,
the demo does what a beredningsgrupp does when it asks for items early: it marks the
call-for-items step of the next meeting done now. Only example organisations are
touched, and a second run on the same day finds the call open and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cycle.agenda import CALL_STEP, NOTICE_STEP, CallWindow, call_window
from cycle.links import Action, link_expiry, sign_link
from cycle.published import (
    Published,
    PublishedMeeting,
    PublishedPerson,
    PublishedTask,
    publication_window,
)
from cycle.times import local_date
from models.audit import log_act
from models.published import load_published
from models.tasks import complete_task
from models.tokens import ensure_tokens

from .minutes import RECORDING_STEPS
from .settings import Settings
from .storage import reading, writing


@dataclass(frozen=True, slots=True)
class Tryout:
    """A meeting to try the loop on, and the person who coordinates it."""

    meeting: PublishedMeeting
    window: CallWindow
    person: PublishedPerson
    task: PublishedTask | None  # an open task of theirs, for a "klar" link
    held: PublishedMeeting | None  # a meeting of theirs whose day has come (to record)
    opened: bool  # whether this run opened the call


def prepare_tryout(settings: Settings, today: dt.date, *, now: dt.datetime) -> Tryout | None:
    """The demo's tryout meeting, its call for items opened if it was not yet; None when
    the example data has no coming meeting that asks for items.

    Args:
        settings: the demo's settings (its database).
        today: the demo's day, in Stockholm.
        now: the moment the demo runs; an opened call is marked done at it.
    """
    with writing(settings) as session:
        ensure_tokens(session, now=now)  # as the export does: everyone has a page
    found = _find(_published(settings, today, now), now)
    if found is None:
        return None
    published, meeting, window = found
    opened = False
    if not window.is_open(now):
        call = _step(published, meeting, CALL_STEP)
        assert call is not None  # a window exists only for a meeting with a call step
        with writing(settings) as session:
            complete_task(session, call.id, now=now)
            log_act(
                session,
                flow="demo-call-opened",
                parameters={"task": call.id},
                triggered_by="demo",
                rows_changed=1,
                message=f"Demon öppnade inlämningen av ärenden: {call.title}",
                now=now,
            )
        opened = True
        found = _find(_published(settings, today, now), now)
        assert found is not None and found[1].id == meeting.id
        published, meeting, window = found
    return _tryout(published, meeting, window, today, now, opened)


def tryout_links(
    tryout: Tryout, *, base_url: str, link_key: bytes, today: dt.date
) -> list[tuple[str, str]]:
    """(what, address) of each page of the loop, as the demo prints them."""
    base = base_url.rstrip("/")
    token = tryout.person.token
    mine = f"{base}/p/{token}/"
    meeting = f"{mine}moten/{tryout.meeting.id}"
    links = [
        (f"{tryout.person.name}s sida", mine),
        ("Skicka in ett ärende", f"{meeting}/arende"),
        ("Dagordningen (godkänn ärenden)", f"{meeting}/dagordning"),
    ]
    if tryout.task is not None:
        signed = sign_link(
            link_key,
            Action.DONE,
            tryout.person.key,
            tryout.task.id,
            expires=link_expiry(today),
        )
        links.append((f"Markera som klar: {tryout.task.title}", f"{base}/klar/{signed}"))
    recorded = tryout.held or tryout.meeting
    links.append(("Beslut och uppdrag", f"{mine}moten/{recorded.id}/beslut"))
    return links


def has_held_meeting(settings: Settings, today: dt.date, *, now: dt.datetime) -> bool:
    """Whether a meeting's day has come in the stored years: without one (the first
    days of January) there is no meeting to record decisions on."""
    return any(
        not m.cancelled and local_date(m.start) <= today
        for m in _published(settings, today, now).meetings
    )


def _published(settings: Settings, today: dt.date, now: dt.datetime) -> Published:
    with reading(settings) as session:
        return load_published(session, *publication_window(today), now=now)


def _step(published: Published, meeting: PublishedMeeting, step: str) -> PublishedTask | None:
    return next((t for t in published.tasks if t.meeting == meeting.id and t.step == step), None)


def _find(
    published: Published, now: dt.datetime
) -> tuple[Published, PublishedMeeting, CallWindow] | None:
    """The first coming example meeting whose call for items is open now or can be
    opened now (it closes later than now), with a coordinator who has a page."""
    tokens = {p.key for p in published.people if p.token}
    by_meeting: dict[str, list[PublishedTask]] = {}
    for t in published.tasks:
        by_meeting.setdefault(t.meeting, []).append(t)
    coming = sorted(
        (
            m
            for m in published.meetings
            if m.organisation in published.examples and not m.cancelled and m.start > now
        ),
        key=lambda m: (m.start, m.id),
    )
    for m in coming:
        window = call_window(m, by_meeting.get(m.id, ()))
        if window is None or window.closes <= now:
            continue
        if any(p in tokens for p in window.coordinators):
            return published, m, window
    return None


def _tryout(
    published: Published,
    meeting: PublishedMeeting,
    window: CallWindow,
    today: dt.date,
    now: dt.datetime,
    opened: bool,
) -> Tryout:
    people = {p.key: p for p in published.people}
    # the kallelse's holder decides on the items and has a task still to do
    notice = _step(published, meeting, NOTICE_STEP)
    keys = [*(notice.assignees if notice else ()), *window.coordinators]
    person = next(people[k] for k in keys if k in people and people[k].token)
    theirs = sorted(
        (t for t in published.tasks if person.key in t.assignees and t.open and t.due >= today),
        key=lambda t: (t.meeting != meeting.id, t.due, t.id),
    )
    kept = {
        t.meeting
        for t in published.tasks
        if person.key in t.assignees and t.step in RECORDING_STEPS
    }
    held = [
        m
        for m in published.meetings
        if m.id in kept and not m.cancelled and local_date(m.start) <= today
    ]
    return Tryout(
        meeting=meeting,
        window=window,
        person=person,
        task=theirs[0] if theirs else None,
        held=max(held, key=lambda m: (m.start, m.id)) if held else None,
        opened=opened,
    )
