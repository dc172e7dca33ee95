"""``arshjul feeds export|serve|rotate-token|link``: publish, serve and hand out feeds.

The renderers (icalendar, jinja2) load when a feed command runs, not with every command.
"""

from __future__ import annotations

from cycle import DefinitionError

from .arguments import PERSON, PUBLISHING, SERVING, STORED, Command, Invocation, option


def export_feeds(call: Invocation) -> int:
    """Write every feed, the pages and index.json to the publish folder."""
    from services.feeds import publish_feeds

    result = publish_feeds(call.settings, today=call.today, now=call.now)
    e = result.export
    call.say(
        f"Exporterade {result.feeds} flöden och {result.personal} personliga till "
        f"{call.settings.publish_dir}: {e.written} skrivna, {e.unchanged} oförändrade, "
        f"{e.removed} borttagna."
    )
    return 0


def serve_folder(call: Invocation) -> int:
    """Serve the exported folder over HTTP until stopped."""
    from calendars.server import serve  # uvicorn loads only when something is served

    folder = call.settings.publish_dir
    if not (folder / "index.json").exists():
        raise DefinitionError(
            "mappen har ingen export; kör först `arshjul feeds export`", source=str(folder)
        )
    a = call.args
    call.say(f"Serverar {folder} på http://{a.host}:{a.port}/ (avsluta med Ctrl-C)")
    serve(folder, host=a.host, port=a.port, workers=a.workers, compress=not a.no_compression)
    return 0


def rotate(call: Invocation) -> int:
    """Give a person a new private address; the old one stops working."""
    from services.feeds import personal_feed_url, replace_token

    token = replace_token(call.settings, call.args.person, now=call.now)
    call.say("Ny nyckel utfärdad; den gamla adressen slutar fungera vid nästa export.")
    export_feeds(call)
    call.say(f"Privat flöde: {personal_feed_url(call.settings, token)}")
    return 0


def link(call: Invocation) -> int:
    """Print a person's private feed address."""
    from services.feeds import feed_token, personal_feed_url

    token = feed_token(call.settings, call.args.person, now=call.now)
    call.say(f"Privat flöde: {personal_feed_url(call.settings, token)}")
    return 0


COMMANDS = (
    Command(
        "feeds",
        "kalenderflöden: exportera, servera, hantera nycklar",
        actions=(
            Command(
                "export",
                "skriv alla flöden och index.json till en mapp",
                "Skriver varje flöde som en statisk fil plus "
                "index.json och index.html; oförändrade filer lämnas orörda.",
                (*PUBLISHING, *STORED),
                export_feeds,
            ),
            Command(
                "serve",
                "servera en exporterad mapp över HTTP",
                "Serverar flödena med ETag, Last-Modified och "
                "304-svar; personliga flöden under /p/<nyckel>.ics. Klienter som ber om "
                "gzip får exportens .gz-kopia (stäng av med --no-compression).",
                (
                    *PUBLISHING,
                    *SERVING,
                    option(
                        "--no-compression",
                        action="store_true",
                        help="skicka aldrig gzip, inte ens till klienter som ber om det",
                    ),
                ),
                serve_folder,
            ),
            Command(
                "rotate-token",
                "byt en persons hemliga flödesnyckel",
                "Återkallar personens nyckel och ger en ny; den "
                "gamla adressen slutar fungera vid nästa export.",
                (PERSON, *PUBLISHING, *STORED),
                rotate,
            ),
            Command(
                "link",
                "visa en persons privata flödesadress",
                None,
                (PERSON, *PUBLISHING, *STORED),
                link,
            ),
        ),
    ),
)
