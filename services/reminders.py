"""Reminders end to end: schedule (pure) -> render -> outbox (idempotent) -> SMTP.

``queue_reminders`` and ``send_due`` are plain functions, run as Prefect tasks by the
send-reminders flow; each write is its own short transaction, so a crash loses nothing
and repeats nothing but the one case the outbox module documents.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from calendars.messages import DoneLink, Draft, Lookup, Sender, render_draft, to_email
from cycle import CycleDefinition, swedish_calendar
from cycle.definitions import ReminderPolicy, Role
from cycle.links import Action, link_expiry, sign_link
from cycle.published import Published, PublishedPerson, publication_window
from cycle.reminders import Kind, Reminder, schedule_reminders, welcome_reminders
from cycle.subscriptions import Fetch
from cycle.swedish import counted, format_date, format_time
from cycle.text import printable
from cycle.times import STOCKHOLM
from models.database import read_session, write_session
from models.definitions import scoped
from models.outbox import (
    OutboxMessage,
    OutboxStatus,
    add_messages,
    claim_batch,
    due_keys,
    expire_stale,
    mark_failed,
    mark_sent,
    release,
    sync_outbox,
)
from models.published import load_published
from models.tokens import ensure_tokens

from .mailer import Delivery, connect, deliver
from .settings import SmtpSettings

SEND_TIME = dt.time(7, 0)  # messages of a day go out from 07.00, with the morning run
CATCH_UP = dt.timedelta(days=7)  # the default window for days a missed run still owes


@dataclass(frozen=True, slots=True)
class Queued:
    queued: int
    updated: int
    withdrawn: int
    drafts: tuple[Draft, ...]
    without_address: tuple[str, ...]


@dataclass
class Sent:
    sent: int = 0
    temporary: int = 0
    permanent: int = 0
    expired: int = 0  # too late to send: the deadline or the meeting has passed
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Preview:
    """What a run at a moment would send – today's messages and those a missed run still
    owes (catch-up) – and who cannot be reached by e-mail."""

    today: dt.date
    messages: tuple[Draft, ...]
    without_address: tuple[str, ...]

    @property
    def catching_up(self) -> tuple[Draft, ...]:
        """Messages of earlier days that a run that did not happen would have sent."""
        return tuple(d for d in self.messages if d.send_on < self.today)

    @property
    def summary(self) -> str:
        missing = f"; {len(self.without_address)} får ingen e-post" if self.without_address else ""
        return (
            f"{counted(len(self.messages), 'meddelande', 'meddelanden')} skulle skickas{missing} "
            "(inget köat eller skickat)"
        )

    @property
    def details(self) -> tuple[str, ...]:
        """Today's messages, then the catch-up (when, to whom, what), then who has no
        address."""
        late = self.catching_up
        today = [d for d in self.messages if d not in late]
        return (
            f"I dag ({len(today)}):",
            *(_line(d) for d in today),
            *((f"Eftersläpande från dagar utan körning ({len(late)}):",) if late else ()),
            *(_line(d) for d in late),
            *(f"får ingen e-post: {name}" for name in self.without_address),
        )


def unmailed(person: PublishedPerson) -> str:
    """Who gets no message, and why: an invented person, or one without an address."""
    return f"{person.name} ({'exempelperson' if person.example else 'ingen adress'})"


def _line(d: Draft) -> str:
    return (
        f"  {format_date(d.send_on)} kl. {format_time(SEND_TIME)}  "
        f"{printable(d.name)} <{printable(d.address)}>  {d.error or d.subject}"
    )


def policies(definitions: Sequence[CycleDefinition]) -> dict[str, ReminderPolicy]:
    """Reminder offsets per series key, from each series' chain."""
    return {
        f"{d.organisation.slug}/{s.id}": d.chain(s.chain).reminders
        for d in definitions
        for s in d.series
        if s.chain is not None
    }


def group_leads(
    definitions: Sequence[CycleDefinition], today: dt.date
) -> dict[tuple[str, Role], tuple[str, ...]]:
    """Who holds each role in each body on ``today``: (body key, role) -> person keys."""
    leads: dict[tuple[str, Role], list[str]] = {}
    for d in definitions:
        org = d.organisation.slug
        for body in d.bodies:
            for m in d.members_on(body.slug, today):
                leads.setdefault((scoped(org, body.slug), m.role), []).append(scoped(org, m.person))
    return {key: tuple(people) for key, people in leads.items()}


def draft_reminders(
    engine: Engine,
    definitions: Sequence[CycleDefinition],
    *,
    today: dt.date,
    sender: Sender,
    base_url: str,
    now: dt.datetime,
    catch_up: dt.timedelta = CATCH_UP,
    link_key: bytes | None = None,
    fetched: Mapping[str, Fetch] | None = None,
) -> tuple[list[Draft], list[str]]:
    """Every message due from ``catch_up`` before ``today`` up to ``today``, rendered as
    things stand at ``now``; and who has no address. With ``link_key``, task messages
    carry signed "Markera som klar" links (the same link for the same message, so
    queueing twice changes nothing)."""
    with write_session(engine) as session:
        ensure_tokens(session, now=now)  # every message links to the person's own feed
    with read_session(engine) as session:
        published = load_published(session, *publication_window(today), now=now)
    # published tasks reach into the year after next (steps after a late-December meeting)
    calendar = swedish_calendar(range(today.year - 2, today.year + 3))
    reminders = schedule_reminders(
        published,
        policies(definitions),
        calendar,
        first=today - catch_up,
        last=today,
        leads=group_leads(definitions, today),
        fetched=fetched,
    )
    look = _lookup(published)
    done_link = _done_links(link_key, base_url)

    drafts, missing = [], set()
    for r in reminders:
        if r.stale_at is not None and r.stale_at <= now:
            continue  # its moment has passed: too late to queue, too late to send
        draft = _render(r, look, sender=sender, base_url=base_url, done_link=done_link)
        if draft is None:
            missing.add(unmailed(look.people[r.recipient]))
        else:
            drafts.append(draft)
    return drafts, sorted(missing)


def _render(
    r: Reminder, look: Lookup, *, sender: Sender, base_url: str, done_link: DoneLink | None
) -> Draft | None:
    """The message, or – when a stored name, address or title cannot be carried (a row
    from before the checks) – a draft that is stored as failed with the reason, so that
    it fails alone and every other message of the run goes out."""
    try:
        return render_draft(r, look, sender=sender, base_url=base_url, done_link=done_link)
    except (ValueError, TypeError) as broken:
        person = look.people[r.recipient]
        return Draft(
            r.key,
            r.kind,
            r.recipient,
            person.email or "",
            person.name,
            r.send_on,
            "",
            "",
            "",
            stale_at=r.stale_at,
            error=f"Meddelandet kunde inte byggas: {broken}",
        )


def _lookup(published: Published) -> Lookup:
    return Lookup(
        {m.id: m for m in published.meetings},
        {t.id: t for t in published.tasks},
        {b.key: b for b in published.bodies},
        {p.key: p for p in published.people},
        published.organisations,
        {i.id: i for i in published.items},
        {c.id: c for c in published.commissions},
        published.examples,
    )


def _done_links(link_key: bytes | None, base_url: str) -> DoneLink | None:
    """Signed "Markera som klar" addresses, or None without a key."""
    if link_key is None:
        return None
    key = link_key

    def done_link(person: str, task: str, day: dt.date) -> str:
        token = sign_link(key, Action.DONE, person, task, expires=link_expiry(day))
        return f"{base_url}/klar/{token}"

    return done_link


def _row(d: Draft) -> dict[str, object]:
    send_at = send_time(d.send_on)
    row: dict[str, object] = {
        "key": d.key,
        "kind": d.kind.value,
        "recipient": d.recipient,
        "address": d.address,
        "name": d.name,
        "send_on": d.send_on,
        "send_at": send_at,
        "subject": d.subject,
        "text": d.text,
        "html": d.html,
        "ical": d.ical,
        "method": d.method,
        "stale_at": d.stale_at,
    }
    if d.error:  # history from the start: failed, with its reason
        row |= {"status": OutboxStatus.FAILED, "last_error": d.error}
    return row


def queue_reminders(
    engine: Engine,
    definitions: Sequence[CycleDefinition],
    *,
    today: dt.date,
    sender: Sender,
    base_url: str,
    now: dt.datetime,
    catch_up: dt.timedelta = CATCH_UP,
    window: dt.timedelta = CATCH_UP,
    link_key: bytes | None = None,
    fetched: Mapping[str, Fetch] | None = None,
) -> Queued:
    """Bring the outbox in line with the schedule of ``today`` and the ``catch_up`` days
    before it (idempotent); waiting messages older than the configured catch-up
    ``window`` expire – a second run on the same day, with nothing to catch up, leaves
    the first run's waiting messages to be retried."""
    drafts, missing = draft_reminders(
        engine,
        definitions,
        today=today,
        sender=sender,
        base_url=base_url,
        now=now,
        catch_up=catch_up,
        link_key=link_key,
        fetched=fetched,
    )
    with write_session(engine) as session:
        queued, updated, withdrawn = sync_outbox(
            session,
            [_row(d) for d in drafts],
            first=today - catch_up,
            last=today,
            now=now,
            expire_before=today - max(window, catch_up),
        )
    return Queued(queued, updated, withdrawn, tuple(drafts), tuple(missing))


def queue_welcome(
    engine: Engine,
    *,
    today: dt.date,
    sender: Sender,
    base_url: str,
    now: dt.datetime,
    link_key: bytes | None,
    organisation: str | None = None,
) -> Queued:
    """Queue "Din sida i Årshjul" for everyone taking part who has not had it for their
    current link; the next send sends them."""
    with write_session(engine) as session:
        ensure_tokens(session, now=now)
    with read_session(engine) as session:
        published = load_published(session, *publication_window(today), now=now)
    look = _lookup(published)
    done_link = _done_links(link_key, base_url)
    drafts, missing = [], set()
    for r in welcome_reminders(published, today=today, organisation=organisation):
        draft = _render(r, look, sender=sender, base_url=base_url, done_link=done_link)
        if draft is None:
            missing.add(unmailed(look.people[r.recipient]))
        else:
            drafts.append(draft)
    with write_session(engine) as session:
        queued = add_messages(session, [_row(d) for d in drafts], now=now)
    return Queued(queued, 0, 0, tuple(drafts), tuple(sorted(missing)))


PREVIEW = "Förhandsvisning – skickas aldrig: "  # the subject of a message shown, not sent


def preview_example_welcome(
    engine: Engine,
    *,
    today: dt.date,
    sender: Sender,
    base_url: str,
    now: dt.datetime,
    link_key: bytes | None,
) -> list[Draft]:
    """The "Din sida i Årshjul" that invented people would get, rendered for the demo to
    show and never queued: nothing for them ever enters the outbox."""
    with read_session(engine) as session:
        published = load_published(session, *publication_window(today), now=now)
    look = _lookup(published)
    done_link = _done_links(link_key, base_url)
    found = []
    for r in welcome_reminders(published, today=today):
        if not look.people[r.recipient].example:
            continue
        draft = render_draft(
            r, look, sender=sender, base_url=base_url, done_link=done_link, preview=True
        )
        if draft is not None:
            found.append(replace(draft, subject=PREVIEW + draft.subject))
    return found


def preview_reminders(
    engine: Engine,
    definitions: Sequence[CycleDefinition],
    *,
    today: dt.date,
    sender: Sender,
    base_url: str,
    now: dt.datetime,
    catch_up: dt.timedelta = CATCH_UP,
    link_key: bytes | None = None,
    fetched: Mapping[str, Fetch] | None = None,
) -> Preview:
    """What a real run at ``now`` would send; nothing is queued or sent."""
    drafts, missing = draft_reminders(
        engine,
        definitions,
        today=today,
        sender=sender,
        base_url=base_url,
        now=now,
        catch_up=catch_up,
        link_key=link_key,
        fetched=fetched,
    )
    return Preview(today, tuple(_unsent(engine, drafts, now)), tuple(missing))


def send_time(day: dt.date) -> dt.datetime:
    """When the messages of ``day`` go out (aware UTC): 07.00 Stockholm time."""
    return dt.datetime.combine(day, SEND_TIME, tzinfo=STOCKHOLM).astimezone(dt.UTC)


def _unsent(engine: Engine, drafts: Sequence[Draft], now: dt.datetime) -> list[Draft]:
    """The drafts that a real run at ``now`` would send (not already sent or failed)."""
    with read_session(engine) as session:
        done = set(
            session.exec(
                select(OutboxMessage.key).where(
                    col(OutboxMessage.status).in_([OutboxStatus.SENT, OutboxStatus.FAILED])
                )
            )
        )
    return [d for d in drafts if d.key not in done and send_time(d.send_on) <= now]


CLAIM_BATCH = 200  # rows claimed per transaction; each outcome is still committed alone


def _draft(row: OutboxMessage) -> Draft:
    return Draft(
        row.key,
        Kind(row.kind),
        row.recipient,
        row.address,
        row.name,
        row.send_on,
        row.subject,
        row.text,
        row.html,
        row.ical,
        row.method,
        row.stale_at,
    )


def _record(
    engine: Engine,
    draft: Draft,
    claimant: str,
    now: dt.datetime,
    outcome: Delivery,
    error: str | None,
    result: Sent,
) -> None:
    """Commit one message's outcome at once: the guarantee rests on this commit."""
    with write_session(engine) as session:
        if outcome is Delivery.SENT:
            mark_sent(session, draft.key, claimant=claimant, now=now)
            result.sent += 1
            return
        mark_failed(
            session,
            draft.key,
            claimant=claimant,
            error=error or "",
            permanent=outcome is Delivery.PERMANENT,
            now=now,
        )
    if outcome is Delivery.PERMANENT:
        result.permanent += 1
        result.errors.append(f"{draft.address}: {error}")
    else:
        result.temporary += 1


def send_due(
    engine: Engine, smtp_settings: SmtpSettings, *, now: dt.datetime, limit: int = 100_000
) -> Sent:
    """Claim and send every due row, one SMTP connection; each outcome committed at once.

    Leases, backoffs and sent-times use ``now`` advanced by the time this call has taken,
    so a long run's later batches take fresh leases instead of ones already expired.
    """
    started = time.monotonic()

    def clock() -> dt.datetime:
        return now + dt.timedelta(seconds=time.monotonic() - started)

    claimant = str(uuid.uuid4())
    result = Sent()
    sender = Sender(smtp_settings.sender)
    with write_session(engine) as session:
        result.expired = expire_stale(session, now)
    with read_session(engine) as session:
        keys = due_keys(session, now, limit)
    smtp: smtplib.SMTP | None = None
    try:
        for begin in range(0, len(keys), CLAIM_BATCH):
            with write_session(engine) as session:
                claimed = [
                    _draft(row)
                    for row in claim_batch(
                        session,
                        keys[begin : begin + CLAIM_BATCH],
                        claimant=claimant,
                        now=clock(),
                    )
                ]
            for n, draft in enumerate(claimed):
                if draft.stale_at is not None and clock() >= draft.stale_at:
                    with write_session(engine) as session:  # went stale while it waited
                        result.expired += expire_stale(session, clock(), keys=[draft.key])
                    continue
                try:
                    message = to_email(draft, sender, now)
                except (ValueError, TypeError) as broken:  # it alone fails, with its reason
                    reason = f"Meddelandet kunde inte byggas: {broken}"
                    _record(engine, draft, claimant, clock(), Delivery.PERMANENT, reason, result)
                    continue
                try:
                    smtp = smtp or connect(smtp_settings)
                    outcome, error = deliver(smtp, message, sender.address, draft.address)
                except (smtplib.SMTPException, OSError) as failure:
                    smtp = None
                    outcome, error = Delivery.TEMPORARY, f"SMTP-servern svarar inte: {failure}"
                _record(engine, draft, claimant, clock(), outcome, error, result)
                if smtp is None:  # the server went away: the rest of the batch, untried
                    with write_session(engine) as session:
                        release(session, [d.key for d in claimed[n + 1 :]], claimant=claimant)
                    break
            if smtp is None and claimed:
                break  # the rest wait, unclaimed, for the next run
    finally:
        if smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
    return result
