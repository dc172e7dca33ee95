"""The send-reminders flow: queue today's reminders in the outbox, then send what is due.

``arshjul remind [--now ISO] [--dry-run]`` runs it; a dry run shows what would be sent at
that moment without queueing or sending anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefect import flow

from calendars.messages import Sender
from cycle import DefinitionError
from cycle.reminders import catch_up_days
from cycle.swedish import counted
from cycle.times import local_date, parse_local
from services.reminders import Preview

from .runtime.context import audited, run_moment, run_name, run_settings, wall_clock
from .runtime.prefect_tasks import preview, queue, read_cycles, read_last_run, send

LOCAL_SENDER = "arshjul@localhost"  # the From of a dry run when no mail server is set


@dataclass(frozen=True, slots=True)
class ReminderResult:
    """What a real run queued, withdrew and sent, and what the mail server refused."""

    queued: int
    updated: int
    withdrawn: int
    sent: int
    temporary: int
    permanent: int
    expired: int
    rejected: tuple[str, ...] = ()
    without_address: tuple[str, ...] = ()

    @property
    def rows_changed(self) -> int:
        return self.queued + self.updated + self.withdrawn + self.sent

    @property
    def summary(self) -> str:
        text = (
            # participles agree with the messages counted (meddelande: neuter)
            f"{counted(self.queued, 'köat', 'köade')}, "
            f"{counted(self.withdrawn, 'återkallat', 'återkallade')}, "
            f"{counted(self.sent, 'skickat', 'skickade')}, "
            f"{counted(self.temporary, 'försenat', 'försenade')}, "
            f"{counted(self.permanent, 'avvisat', 'avvisade')}, "
            f"{self.expired} för sena för att skickas"
        )
        if self.without_address:
            text += f"; får ingen e-post: {', '.join(self.without_address)}"
        return text

    @property
    def details(self) -> tuple[str, ...]:
        return (
            *(f"avvisad: {line}" for line in self.rejected),
            *(f"får ingen e-post: {name}" for name in self.without_address),
        )


@flow(name="send-reminders", flow_run_name=run_name("Påminnelser {now}", now="nu"))
def send_reminders_flow(now: str | None = None, dry_run: bool = False) -> ReminderResult | Preview:
    """Queue the day's prompts, reminders, notices, cancellations and digests, and send
    what is due over SMTP (the settings' mail server); ``dry_run`` only lists them."""
    settings = run_settings()
    moment = parse_local(now, field="now") if now else run_moment()
    smtp = settings.smtp()
    sender = Sender(smtp.sender if smtp else LOCAL_SENDER)
    definitions = read_cycles(settings, None)
    last = read_last_run(settings, "send-reminders")
    today = local_date(moment)
    catch_up = catch_up_days(today, local_date(last) if last else None, settings.catch_up_days())
    if dry_run:
        return preview(settings, definitions, sender, moment, catch_up)
    if now and local_date(moment) < local_date(wall_clock()):
        raise DefinitionError(
            "e-post skickas inte för en morgon som har passerat; använd --dry-run för att "
            "se vad den skulle ha skickat",
            field="now",
            value=now,
        )
    if smtp is None:
        raise DefinitionError(
            "e-post är inte inställt: sätt ARSHJUL_SMTP_HOST (och "
            "ARSHJUL_SMTP_PORT, _FROM, _TLS, _USER, _PASSWORD)",
            field="ARSHJUL_SMTP_HOST",
        )
    with audited("send-reminders", {"now": now}, settings, moment=moment) as record:
        queued = queue(settings, definitions, sender, moment, catch_up)
        # a run that starts late sends by the wall clock, not its planned start: nothing
        # goes out after its moment
        sent = send(settings, smtp, max(moment, wall_clock()))
        result = ReminderResult(
            queued.queued,
            queued.updated,
            queued.withdrawn,
            sent.sent,
            sent.temporary,
            sent.permanent,
            sent.expired,
            tuple(sent.errors),
            queued.without_address,
        )
        record.rows_changed = result.rows_changed
        record.message = result.summary
    return result
