"""E-mails from reminders: Swedish subject, plain text and HTML, and the iTIP part.

Rendering is pure (reminder + published state -> ``Draft``); building the MIME message
(``to_email``) happens when it is sent, so its Date is the sending time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from cycle.agenda import call_window
from cycle.decisions import CommissionView, Publicity
from cycle.definitions import Role
from cycle.published import (
    PublishedBody,
    PublishedItem,
    PublishedMeeting,
    PublishedPerson,
    PublishedTask,
)
from cycle.reminders import Kind, Reminder
from cycle.status import ItemStatus
from cycle.swedish import format_date, format_time
from cycle.text import printable
from cycle.times import STOCKHOLM

from .ical import EXAMPLE_LINE, MeetingContext
from .itip import render_itip


@dataclass(frozen=True, slots=True)
class Sender:
    address: str
    name: str = "Årshjul"


@dataclass(frozen=True, slots=True)
class Draft:
    """A rendered message, ready to queue in the outbox."""

    key: str
    kind: Kind
    recipient: str
    address: str
    name: str
    send_on: dt.date
    subject: str
    text: str
    html: str
    ical: bytes | None = None
    method: str | None = None
    stale_at: dt.datetime | None = None  # never sent from this moment on
    error: str | None = None  # could not be built: stored as failed, with this reason


@dataclass(frozen=True, slots=True)
class Link:
    """A line that ends in an address: written out in plain text, a link in HTML. An
    action's link (a button-like "Markera som klar") shows its label, not the long
    signed address; other addresses stay readable, since people copy them."""

    label: str
    url: str
    action: bool = False

    def __str__(self) -> str:
        return f"{self.label}: {self.url}"


Line = str | Link


@dataclass(frozen=True, slots=True)
class Lookup:
    """The published state a message refers to, by id."""

    meetings: Mapping[str, PublishedMeeting]
    tasks: Mapping[str, PublishedTask]
    bodies: Mapping[str, PublishedBody]
    people: Mapping[str, PublishedPerson]
    organisations: Mapping[str, str]
    items: Mapping[str, PublishedItem] = field(default_factory=dict)
    commissions: Mapping[str, CommissionView] = field(default_factory=dict)
    examples: frozenset[str] = frozenset()  # organisations whose cycle is example data


# (person key, task id, the message's day) -> the address of a signed "klar" link
DoneLink = Callable[[str, str, dt.date], str]


def _when(m: PublishedMeeting) -> str:
    start, end = m.start.astimezone(STOCKHOLM), m.end.astimezone(STOCKHOLM)
    return f"{format_date(start.date())} kl. {format_time(start)}–{format_time(end)}"


def render_draft(
    r: Reminder,
    look: Lookup,
    *,
    sender: Sender,
    base_url: str,
    done_link: DoneLink | None = None,
    preview: bool = False,
) -> Draft | None:
    """The message for ``r``, or None when the recipient has no e-mail address or is an
    invented person – unless ``preview`` asks for what they would get (the demo shows it,
    never sends it).

    Args:
        done_link: makes the signed "Markera som klar" address of a task for the
            recipient; without it, task messages name the admin command instead.
    """
    person = look.people[r.recipient]
    if not person.email or (person.example and not preview):
        return None  # nobody to write to, or an invented person: never mailed
    feed = f"{base_url}/p/{person.token}.ics" if person.token else None
    page = f"{base_url}/p/{person.token}/" if person.token else None

    def done(t: PublishedTask) -> Line:
        if done_link is None:
            return f"Markera uppgiften som klar: arshjul tasks done {t.id}"
        return Link("Markera som klar", done_link(r.recipient, t.id, r.send_on), action=True)

    lines: list[Line]
    ical = method = None
    if r.kind is Kind.DIGEST:
        tasks = sorted((look.tasks[t] for t in r.tasks), key=lambda t: (t.due, t.title))
        week = r.send_on.isocalendar().week  # digests go out on the Monday of their week
        subject = f"Att göra vecka {week}: {len(tasks)} uppgift{'er' if len(tasks) != 1 else ''}"
        lines = [f"Hej {person.name}!", "", f"Dina förberedelseuppgifter vecka {week}:", ""]
        for t in tasks:
            m = look.meetings[t.meeting]
            late = " (försenad)" if t.due < r.send_on else ""
            lines.append(
                f"- {format_date(t.due)}{late}: {t.title} – {m.title} "
                f"{format_date(m.start.astimezone(STOCKHOLM).date())}"
            )
            if done_link is not None:
                lines.append(done(t))
    elif r.kind is Kind.LATE:
        t, m = look.tasks[r.task or ""], look.meetings[r.meeting or ""]
        holders = [look.people[key].name for key in t.assignees if key in look.people]
        subject = f"Försenad: {t.title} (senast {format_date(t.due)})"
        lines = [
            f"Hej {person.name}!",
            "",
            f"{t.title} skulle ha varit klart senast {format_date(t.due)} "
            "och är inte markerat som klart.",
            f"Det gäller {m.title} {_when(m)}" + (f", {m.location}." if m.location else "."),
            f"Uppgiften ligger på: {', '.join(holders) or 'ingen'}.",
            "",
            done(t),
        ]
    elif r.kind is Kind.ASSIGNMENT:
        c = look.commissions[r.commission or ""]
        restricted = c.publicity is Publicity.BEGRANSAD
        what = "Ett uppdrag med begränsad offentlighet" if restricted else f"Uppdraget ”{c.title}”"
        subject = (
            f"Uppdrag med begränsad offentlighet – tidsram {format_date(c.due)}"
            if restricted
            else f"Uppdrag: {c.title} – tidsram {format_date(c.due)}"
        )
        lines = [
            f"Hej {person.name}!",
            "",
            f"{what} från {c.body} {format_date(c.decided_on)} ska vara klart senast "
            f"{format_date(c.due)}. Status nu: {c.status.value}.",
        ]
        if c.owner_key != f"person:{r.recipient}":
            lines.append(f"Uppdraget ligger på {c.owner}.")
        lines += ["", "Rapportera hur arbetet går – varje rapport sparas med datum."]
        if restricted:
            lines.append("Detaljerna finns på din sida.")
        if page:
            lines += ["", Link("Rapportera uppdraget", f"{page}#uppdrag", action=True)]
    elif r.task is not None:
        t, m = look.tasks[r.task], look.meetings[r.meeting or ""]
        verb = "Påminnelse" if r.kind is Kind.REMINDER else "Uppgift"
        subject = f"{verb}: {t.title} senast {format_date(t.due)}"
        lines = [
            f"Hej {person.name}!",
            "",
            f"{t.title} ska vara klart senast {format_date(t.due)}.",
            f"Det gäller {m.title} {_when(m)}" + (f", {m.location}." if m.location else "."),
            "",
            done(t),
        ]
    elif r.kind is Kind.WELCOME:
        subject = "Din sida i Årshjul"
        soon = r.send_on + dt.timedelta(days=14)
        backlog = r.send_on - dt.timedelta(days=28)  # as the digest: a month of late work
        mine = sorted(
            (
                t
                for t in look.tasks.values()
                if r.recipient in t.assignees and t.open and backlog <= t.due <= soon
            ),
            key=lambda t: (t.due, t.title),
        )
        lines = [
            f"Hej {person.name}!",
            "",
            "På din personliga sida i Årshjul ser du dina möten och förberedelseuppgifter, "
            "markerar uppgifter som klara och skickar in ärenden till dagordningen.",
        ]
        if page:
            lines += ["", Link("Din sida", page)]
        if mine:
            lines += [
                "",
                "Försenat den senaste månaden och det som ska vara klart de närmaste två veckorna:",
            ]
            for t in mine[:10]:
                m = look.meetings[t.meeting]
                late = " (försenad)" if t.due < r.send_on else ""
                lines.append(f"- {format_date(t.due)}{late}: {t.title} – {m.title}")
                if done_link is not None:
                    lines.append(done(t))
        lines += ["", "Adressen är personlig: dela den inte."]
    elif r.kind is Kind.CALL:
        m = look.meetings[r.meeting or ""]
        window = call_window(m, (t for t in look.tasks.values() if t.meeting == m.id))
        last = (window.closes if window else m.start) - dt.timedelta(seconds=1)
        subject = f"Ärenden till {m.title} {format_date(m.start.astimezone(STOCKHOLM).date())}"
        lines = [
            f"Hej {person.name}!",
            "",
            f"Har du ett ärende till {m.title} {_when(m)}? Skicka in det senast "
            f"{format_date(last.astimezone(STOCKHOLM).date())}.",
            "Ange en rubrik, en kort beskrivning, vem som föredrar och ungefär hur lång tid "
            "det behöver.",
        ]
        if page:
            lines += ["", Link("Skicka in ett ärende", f"{page}moten/{m.id}/arende", action=True)]
    elif r.kind is Kind.ANSWER:
        item, m = look.items[r.item or ""], look.meetings[r.meeting or ""]
        day = format_date(m.start.astimezone(STOCKHOLM).date())
        if item.status is ItemStatus.ACCEPTED:
            subject = f"Ditt ärende är med på dagordningen: {item.title}"
            lines = [
                f"Hej {person.name}!",
                "",
                f"Ärendet ”{item.title}” är med på dagordningen till {m.title} {day}.",
            ]
        else:
            subject = f"Ditt ärende kom inte med: {item.title}"
            lines = [
                f"Hej {person.name}!",
                "",
                f"Ärendet ”{item.title}” kom inte med på dagordningen till {m.title} {day}.",
                f"Skäl: {item.reason}",
            ]
        if page:
            lines += ["", Link("Din sida", page)]
    elif r.kind in (Kind.NOTICE, Kind.UPDATE, Kind.CANCEL):
        m = look.meetings[r.meeting or ""]
        body = look.bodies[m.body]
        example = m.organisation in look.examples
        ctx = MeetingContext(body.name, body.kind, base_url, example)
        role = next((role for key, role in m.invitations if key == r.recipient), Role.LEDAMOT)
        method = "CANCEL" if r.kind is Kind.CANCEL else "REQUEST"
        org_name = look.organisations.get(m.organisation, sender.name)
        ical = render_itip(
            m,
            ctx,
            method=method,
            organizer=(sender.address, org_name),
            attendee=(person.email, person.name),
            role=role,
        )
        if r.kind is Kind.CANCEL:
            subject = f"Inställt: {m.title} {format_date(m.start.astimezone(STOCKHOLM).date())}"
            lines = [
                f"Hej {person.name}!",
                "",
                f"{m.title} {_when(m)} är inställt.",
                *([m.note] if m.note else []),
            ]
        else:
            prefix = "Ändrad kallelse" if r.kind is Kind.UPDATE else "Kallelse"
            subject = f"{prefix}: {m.title} {format_date(m.start.astimezone(STOCKHOLM).date())}"
            lines = [
                f"Hej {person.name}!",
                "",
                f"Du kallas som {role} till {m.title} {_when(m)}."
                + (f" Plats: {m.location}." if m.location else ""),
            ]
            if example:
                lines.append(EXAMPLE_LINE)
            if r.kind is Kind.UPDATE and (m.note or m.moved_because):
                lines.append(m.note or f"Mötet är {m.moved_because}.")
            if m.agenda:
                lines += ["", "Dagordning:", *(f"{n}. {a}" for n, a in enumerate(m.agenda, 1))]
        if base_url:
            lines += ["", Link("Mötet", f"{base_url}/m/{m.id}")]
    else:  # a kind without its wording is a mistake here, never a kallelse by default
        raise ValueError(f"{r.key}: no message is worded for a {r.kind.name} without its subject")
    if feed:
        lines += ["", Link("Din kalender med alla möten och uppgifter", feed)]
    lines += ["", "Det här är ett automatiskt meddelande från Årshjul."]
    text = "\n".join(map(str, lines)) + "\n"
    return Draft(
        r.key,
        r.kind,
        r.recipient,
        person.email,
        person.name,
        r.send_on,
        subject,
        text,
        _html(subject, lines),
        ical,
        method,
        r.stale_at,
    )


def _html(subject: str, lines: list[Line]) -> str:
    body = []
    for line in lines:
        if isinstance(line, Link) and line.action:
            url, label = html.escape(line.url), html.escape(line.label)
            body.append(f'<p><a href="{url}">{label}</a></p>')
        elif isinstance(line, Link):
            url = html.escape(line.url)
            wrap = ' style="overflow-wrap:anywhere"'  # a long address wraps on a phone
            body.append(f'<p>{html.escape(line.label)}: <a href="{url}"{wrap}>{url}</a></p>')
        else:
            body.append(f"<p>{html.escape(line)}</p>" if line else "")
    return (
        f'<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head><body>{''.join(body)}</body></html>\n"
    )


def message_id(key: str) -> str:
    """A stable Message-ID from the idempotency key: a resend after a crash carries the same
    id, so a receiving system that deduplicates by Message-ID shows it once."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@arshjul>"


def to_email(d: Draft, sender: Sender, now: dt.datetime) -> EmailMessage:
    """The MIME message: text and HTML alternatives, plus ``text/calendar; method=…``."""
    msg = EmailMessage()
    # a header cannot carry a line break: names and subjects stored before the cycle-file
    # check refused them lose theirs here rather than stop the run
    msg["From"] = Address(printable(sender.name), addr_spec=sender.address)
    msg["To"] = Address(printable(d.name), addr_spec=d.address)
    msg["Subject"] = printable(d.subject)
    msg["Date"] = format_datetime(now.astimezone(STOCKHOLM))
    msg["Message-ID"] = message_id(d.key)
    msg["Auto-Submitted"] = "auto-generated"
    msg["Content-Language"] = "sv"
    msg.set_content(d.text)
    msg.add_alternative(d.html, subtype="html")
    if d.ical is not None and d.method is not None:
        # Outlook shows Accept/Decline for a text/calendar alternative whose MIME method
        # matches the METHOD inside it
        msg.add_alternative(
            d.ical.decode(), subtype="calendar", params={"method": d.method, "charset": "utf-8"}
        )
    return msg
