"""``arshjul remind`` and ``arshjul outbox``: send the day's e-mail, and see the queue.

Prefect and the e-mail renderers load only when ``remind`` runs.
"""

from __future__ import annotations

from cycle.swedish import counted
from cycle.times import STOCKHOLM, parse_local
from models.outbox import OutboxStatus, outbox_rows
from services.storage import reading

from .arguments import STORED, Command, Invocation, option
from .progress import steps


def remind(call: Invocation) -> int:
    """Run the send-reminders flow in this process, with this command's settings (the run
    is recorded on the Prefect server that PREFECT_API_URL names, if any), and print what
    it did."""
    if call.args.now:
        parse_local(call.args.now, field="--now")
    from flows.reminders import send_reminders_flow
    from flows.runtime.context import reporting, using
    from services.reminders import Preview

    with (
        steps(call.err, "send-reminders") as step,  # stdout keeps the result
        reporting(step),
        using(call.settings, now=call.now),
    ):
        result = send_reminders_flow(now=call.args.now, dry_run=call.args.dry_run)
    if isinstance(result, Preview):
        messages = counted(len(result.messages), "meddelande", "meddelanden")
        call.say(f"Skulle skicka {messages} (inget köas eller skickas):")
    else:
        call.say(
            f"Köade {result.queued}, återkallade {result.withdrawn}, skickade "
            f"{result.sent}; {result.temporary} väntar på nytt försök, "
            f"{result.permanent} avvisade, {result.expired} för sena för att skickas."
        )
    for line in result.details:
        call.say(f"  {line}")
    return 0


def outbox(call: Invocation) -> int:
    """The queue, what was sent, errors and next attempts."""
    with reading(call.settings) as session:
        rows = outbox_rows(session, status=call.args.status, limit=call.args.limit)
    if not rows:
        call.say("Utkorgen är tom.")
    for r in rows:
        when = r.send_at.astimezone(STOCKHOLM)
        status = OutboxStatus(r.status)
        call.say(
            f"{when:%Y-%m-%d %H.%M}  {status.label:<12} {r.attempts} försök  "
            f"{r.address}  {r.subject}"
        )
        if r.last_error and status is not OutboxStatus.SENT:
            retry = (
                f"; nytt försök {r.next_attempt_at.astimezone(STOCKHOLM):%Y-%m-%d %H.%M}"
                if status is OutboxStatus.PENDING
                else ""
            )
            call.say(f"    fel: {r.last_error}{retry}")
    return 0


COMMANDS = (
    Command(
        "remind",
        "köa och skicka dagens e-post (flödet send-reminders)",
        "Kör flödet send-reminders: köar uppgifter, påminnelser, kallelser, "
        "inställda möten och veckobrev i utkorgen och skickar det som ska ut via SMTP "
        "(ARSHJUL_SMTP_HOST m.fl.). Med --dry-run visas bara vad som skulle skickas.",
        (
            option(
                "--now",
                metavar="TID",
                help="tidpunkt ÅÅÅÅ-MM-DDTTT:MM i svensk tid "
                "(standard: nu), t.ex. i morgon kl. 07.00 för att förhandsgranska",
            ),
            option(
                "--dry-run",
                action="store_true",
                help="visa vad som skulle skickas, utan att köa eller skicka",
            ),
            *STORED,
        ),
        remind,
    ),
    Command(
        "outbox",
        "visa utkorgen: köade, skickade och misslyckade",
        "Visar utkorgens meddelanden med status, försök och senaste fel.",
        (
            option("--status", choices=[s.value for s in OutboxStatus], help="bara denna status"),
            option("--limit", type=int, default=50, metavar="N", help="antal rader (50)"),
            *STORED,
        ),
        outbox,
    ),
)
