"""The send-reminders flow: queue today's reminders in the outbox, then send what is due.

``arshjul remind [--now ISO] [--dry-run]`` runs it; ``--dry-run`` shows what would be sent
at that moment without queueing or sending anything.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from prefect import flow

from calendars.messages import Sender
from cycle import DefinitionError
from cycle.swedish import format_date, format_time

from .catalogue import parse_local
from .mailer import SmtpSettings
from .reminding import Queued, Sent, draft_reminders, preview, queue_reminders, send_due
from .runtime import audited, engine_for, io_task, local_today, once_task, run_moment, run_name
from .settings import Settings
from .steps import read_cycles


@io_task("köa-påminnelser")
def queue(
    settings: Settings, org: str | None, today: dt.date, sender: Sender, now: dt.datetime
) -> Queued:
    """Bring the outbox in line with the schedule."""
    definitions = read_cycles.fn(str(settings.cycles_dir), org)
    return queue_reminders(
        engine_for(settings.database_url),
        definitions,
        today=today,
        sender=sender,
        base_url=settings.public_url,
        now=now,
    )


@once_task("skicka-e-post")
def send(settings: Settings, smtp: SmtpSettings, now: dt.datetime) -> Sent:
    """Send every due message; failures are recorded per message in the outbox."""
    return send_due(engine_for(settings.database_url), smtp, now=now)


@once_task("förhandsgranska-påminnelser")
def dry_run_preview(
    settings: Settings, org: str | None, today: dt.date, sender: Sender, now: dt.datetime
) -> list[str]:
    """What a real run would send now, as Swedish lines; nothing is written."""
    engine = engine_for(settings.database_url)
    definitions = read_cycles.fn(str(settings.cycles_dir), org)
    drafts, missing = draft_reminders(
        engine, definitions, today=today, sender=sender, base_url=settings.public_url, now=now
    )
    lines = [
        f"{format_date(d.send_on)} kl. {format_time(dt.time(7))}  {d.name} <{d.address}>"
        f"  {d.subject}"
        for d in preview(engine, drafts, now)
    ]
    return lines + [f"saknar e-postadress: {name}" for name in missing]


@flow(name="send-reminders", flow_run_name=run_name("Påminnelser {now}", now="nu"))
def send_reminders_flow(now: str | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Queue the day's prompts, reminders, notices, cancellations and digests, and send
    what is due over SMTP (``ARSHJUL_SMTP_*``); ``dry_run`` only lists them."""
    settings = Settings.load()
    moment = parse_local(now, "now") if now else run_moment()
    today = local_today(moment)
    smtp = SmtpSettings.from_env(os.environ)
    sender = Sender(smtp.sender if smtp else "arshjul@localhost")
    if dry_run:
        lines = dry_run_preview(settings, None, today, sender, moment)
        return {"dry_run": True, "messages": lines}
    if smtp is None:
        raise DefinitionError(
            "e-post är inte inställt: sätt ARSHJUL_SMTP_HOST (och "
            "ARSHJUL_SMTP_PORT, _FROM, _TLS, _USER, _PASSWORD)",
            field="ARSHJUL_SMTP_HOST",
        )
    with audited("send-reminders", {"now": now}, settings) as record:
        queued = queue(settings, None, today, sender, moment)
        # a scheduled run that starts late sends by the wall clock, not its planned start
        sent = send(settings, smtp, moment if now else max(moment, dt.datetime.now(dt.UTC)))
        record.rows_changed = queued.queued + queued.updated + queued.withdrawn + sent.sent
        record.message = (
            f"{queued.queued} köade, {queued.withdrawn} återkallade, "
            f"{sent.sent} skickade, {sent.temporary} försenade, "
            f"{sent.permanent} avvisade"
        )
        if queued.without_address:
            record.message += f"; saknar e-postadress: {', '.join(queued.without_address)}"
    return {
        "queued": queued.queued,
        "updated": queued.updated,
        "withdrawn": queued.withdrawn,
        "sent": sent.sent,
        "temporary": sent.temporary,
        "permanent": sent.permanent,
        "rejected": sent.errors,
        "without_address": list(queued.without_address),
    }
