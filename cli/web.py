"""``arshjul web``: the web application where people answer back, with the exported
feeds and pages served behind it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cycle import DefinitionError
from cycle.times import local_date

from .arguments import PUBLISHING, SERVING, STORED, Command, Invocation, option


def serve_web(call: Invocation, *, mail_dir: Path | None = None) -> int:
    """Run the web application until stopped (Ctrl-C); ``mail_dir`` is the demo's."""
    import uvicorn

    from services.feeds import publish_feeds
    from web.app import create_app

    settings = call.settings
    folder = settings.publish_dir
    if not (folder / "index.json").exists():
        raise DefinitionError(
            "mappen har ingen export; kör först `arshjul feeds export`", source=str(folder)
        )

    def publish() -> None:
        moment = dt.datetime.now(dt.UTC)
        publish_feeds(settings, today=local_date(moment), now=moment)

    a = call.args
    app = create_app(
        settings,
        publish=publish,
        static_dir=None if getattr(a, "no_static", False) else folder,
        mail_dir=mail_dir,
        behind_proxy=getattr(a, "behind_proxy", False),
    )
    call.say(f"Webbapplikationen på http://{a.host}:{a.port}/ (avsluta med Ctrl-C)")
    uvicorn.run(
        app,
        host=a.host,
        port=a.port,
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
        "--no-static",
        action="store_true",
        help="servera inte den exporterade mappen (webbservern gör det)",
    ),
)


def send_demo_mail(call: Invocation, folder: Path) -> int:
    """Send everyone in the demo their "Din sida i Årshjul" and today's reminders, to a
    mail sink on 127.0.0.1 that keeps them in ``folder``; returns how many were sent."""
    from calendars.messages import Sender
    from services.mailsink import MailSink
    from services.reminders import queue_welcome, send_due
    from services.secret import link_key
    from services.settings import SmtpSettings
    from services.storage import engine_for

    engine = engine_for(call.settings.database_url)
    sender = Sender("arshjul@example.se")
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
        return send_due(engine, smtp, now=call.now).sent


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
