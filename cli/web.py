"""``arshjul web``: the web application where people answer back, with the exported
feeds and pages served behind it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from cycle import DefinitionError

from .arguments import PUBLISHING, SERVING, STORED, Command, Invocation, option, positive

if TYPE_CHECKING:
    from services.demo import Tryout


def serve_web(call: Invocation, *, mail_dir: Path | None = None) -> int:
    """Run the web application until stopped (Ctrl-C); ``mail_dir`` is the demo's.

    Each of ``--workers`` processes builds the app from the environment this sets
    (``web.serving``), so one worker and several run the same code."""
    import os

    import uvicorn

    from web.serving import DEFAULT_WRITE_LIMIT, WebOptions

    settings = call.settings
    folder = settings.publish_dir
    if not (folder / "index.json").exists():
        raise DefinitionError(
            "mappen har ingen export; kör först `arshjul feeds export`", source=str(folder)
        )
    a = call.args
    options = WebOptions(
        static_dir=None if getattr(a, "no_static", False) else folder,
        mail_dir=mail_dir,
        behind_proxy=getattr(a, "behind_proxy", False),
        write_limit=getattr(a, "write_limit", None) or DEFAULT_WRITE_LIMIT,
    )
    os.environ.update(settings.environment() | options.environment())
    call.say(f"Webbapplikationen på http://{a.host}:{a.port}/ (avsluta med Ctrl-C)")
    uvicorn.run(
        "web.serving:app_from_env",
        factory=True,
        host=a.host,
        port=a.port,
        workers=a.workers,
        access_log=False,  # personal pages and links carry secrets in their paths
        server_header=False,
        log_level="warning",
        lifespan="off",
        proxy_headers=False,
    )
    return 0


WEB_OPTIONS = (
    option(
        "--behind-proxy",
        action="store_true",
        help="lita på X-Forwarded-For från en omvänd proxy (för gränser per klient)",
    ),
    option(
        "--write-limit",
        type=positive,
        metavar="N",
        help="högsta antal ändringar per klient och minut (60); höj den när många "
        "användare delar en adress bakom NAT eller en proxy utan --behind-proxy",
    ),
    option(
        "--no-static",
        action="store_true",
        help="servera inte den exporterade mappen (webbservern gör det)",
    ),
)


def send_demo_mail(call: Invocation, folder: Path) -> tuple[int, int]:
    """Send everyone in the demo their "Din sida i Årshjul" and today's reminders, to a
    mail sink on 127.0.0.1 that keeps them in ``folder``; and put beside them, marked as
    previews, what invented people would get – they are never sent mail; a preview the
    folder already holds is not added again. Returns how many were sent and how many
    previews were added."""
    from calendars.messages import Sender, message_id, to_email
    from services.mailsink import MailSink, kept_message_ids
    from services.reminders import preview_example_welcome, queue_welcome, send_due
    from services.secret import link_key
    from services.settings import SmtpSettings
    from services.storage import engine_for

    engine = engine_for(call.settings.database_url)
    sender = Sender("arshjul@region.example")
    queue_welcome(
        engine,
        today=call.today,
        sender=sender,
        base_url=call.settings.public_url,
        now=call.now,
        link_key=link_key(call.settings),
    )
    with MailSink(folder) as sink:
        smtp = SmtpSettings(host="127.0.0.1", port=sink.port, sender=sender.address)
        sent = send_due(engine, smtp, now=call.now).sent
    previews = preview_example_welcome(
        engine,
        today=call.today,
        sender=sender,
        base_url=call.settings.public_url,
        now=call.now,
        link_key=link_key(call.settings),
    )
    # a second demo renders the same previews again: keep only what the mailbox lacks
    # (a message's identity is its Message-ID, derived from its idempotency key)
    kept = kept_message_ids(folder)
    new = [d for d in previews if message_id(d.key) not in kept]
    number = len(list(folder.glob("*.eml")))
    for n, draft in enumerate(new, start=number + 1):
        (folder / f"{n:04d}.eml").write_bytes(bytes(to_email(draft, sender, call.now)))
    return sent, len(new)


def demo_has_held_meeting(call: Invocation) -> bool:
    """Whether the demo has a meeting to record decisions on (none in early January
    until last year is planned too)."""
    from services.demo import has_held_meeting

    return has_held_meeting(call.settings, call.today, now=call.now)


def demo_tryout(call: Invocation) -> Tryout | None:
    """The example meeting to try the loop on today, its call for items opened if need
    be (``services.demo``)."""
    from services.demo import prepare_tryout

    return prepare_tryout(call.settings, call.today, now=call.now)


def say_tryout(call: Invocation, tryout: Tryout | None) -> None:
    """Where to try the whole loop today: the item form, the agenda, a "klar" link and
    the record page, all of an example meeting whose call for items is open."""
    from cycle.swedish import format_date
    from cycle.times import local_date
    from services.demo import tryout_links
    from services.secret import link_key

    if tryout is None:
        return
    m = tryout.meeting
    last = local_date(tryout.window.closes - dt.timedelta(minutes=1))
    call.say(
        f"Prova hela kedjan: ärenden till {m.title} {format_date(local_date(m.start))} "
        f"tas emot till och med {format_date(last)}"
        + (" (demon öppnade inlämningen i dag)" if tryout.opened else "")
        + f". {tryout.person.name} (exempelperson) sammankallar:"
    )
    for what, url in tryout_links(
        tryout,
        base_url=call.settings.public_url,
        link_key=link_key(call.settings),
        today=call.today,
    ):
        call.say(f"  {what}: {url}")


COMMANDS = (
    Command(
        "web",
        "starta webbapplikationen för personliga sidor och ärenden",
        "Personliga sidor (/p/NYCKEL/), länkarna ”Markera som klar” i e-posten och "
        "formulären för ärenden. Serverar också den exporterade mappen, om inte "
        "--no-static anges. Se docs/deploy.md för drift bakom en omvänd proxy med TLS.",
        (*STORED, *PUBLISHING, *SERVING, *WEB_OPTIONS),
        serve_web,
    ),
)
