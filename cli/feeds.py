"""``arshjul feeds export|serve|rotate-token|link``: publish, serve and hand out feeds.

The renderers (icalendar, jinja2) load when a feed command runs, not with every command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass

from cycle import DefinitionError
from cycle.swedish import counted, format_moment

from .arguments import BODY, PERSON, PUBLISHING, SERVING, STORED, Command, Invocation, option
from .progress import steps


def export_feeds(call: Invocation) -> int:
    """Write every feed, the pages and index.json to the publish folder."""
    from services.feeds import publish_changed_feeds, publish_feeds

    with steps(call.err, "Exporterar kalenderflöden och sidor"):  # a spinner at a terminal
        if getattr(call.args, "if_changed", False):
            found = publish_changed_feeds(call.settings, today=call.today, now=call.now)
        else:
            full = getattr(call.args, "full", False)
            found = publish_feeds(call.settings, today=call.today, now=call.now, full=full)
    if found is None:
        call.say("Inget har sparats sedan förra exporten; mappen är aktuell.")
        return 0
    result = found
    if result.skipped:
        call.say(
            f"Inget har ändrats sedan förra exporten; mappen {call.settings.publish_dir} är "
            f"aktuell ({result.export.unchanged} filer kontrollerade)."
        )
        return 0
    e = result.export
    call.say(
        f"Exporterade {result.feeds} öppna flöden och {result.secret} med hemlig adress "
        f"(personliga och gruppers) till "
        f"{call.settings.publish_dir}: {e.written} skrivna, {e.unchanged} oförändrade, "
        f"{e.removed} borttagna."
    )
    return 0


def _megabytes(text: str) -> int:
    """A whole number of megabytes, 0 or more (argparse names the option on error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} är inget heltal") from None
    if value < 0:
        raise argparse.ArgumentTypeError("kan inte vara negativt")
    return value


def serve_folder(call: Invocation) -> int:
    """Serve the exported folder over HTTP until stopped."""
    from calendars.static_http import serve_static  # loads only when something is served

    folder = call.settings.publish_dir
    if not (folder / "index.json").exists():
        raise DefinitionError(
            "mappen har ingen export; kör först `arshjul feeds export`", source=str(folder)
        )
    a = call.args
    call.say(f"Serverar {folder} på http://{a.host}:{a.port}/ (avsluta med Ctrl-C)")
    serve_static(
        folder.resolve(),
        host=a.host,
        port=a.port,
        workers=a.workers,
        compress=not a.no_compression,
        cache_bytes=a.cache_mb * 1024 * 1024,
    )
    return 0


def status(call: Invocation) -> int:
    """Who has the latest change of their personal feed, and who does not."""
    from services.subscribers import subscribers

    org = call.args.org
    found = subscribers(call.settings, organisation=org)
    if not found:
        call.say("Inga personliga flöden" + (f" i {org}." if org else "."))
        return 0
    behind = [s for s in found if s.behind]
    never = [s for s in found if s.fetch is None]
    current = [s for s in found if s.fetch is not None and not s.behind]
    call.say(
        f"Personliga flöden{f' i {org}' if org else ''}: "
        f"{counted(len(found), 'person', 'personer')}; "
        f"{len(behind)} har inte hämtat den senaste ändringen, {len(current)} har den, "
        f"{len(never)} har aldrig hämtat sitt flöde."
    )
    for title, group in (
        ("Har inte den senaste ändringen (påminnelserna mejlar ändrade möten till dem)", behind),
        ("Har den senaste ändringen", current),
        ("Har aldrig hämtat (prenumererar inte, eller inte ännu)", never),
    ):
        if not group:
            continue
        call.say(f"{title}:")
        for s in group:
            line = f"  {s.name} ({s.person})"
            if s.fetch is not None:
                line += f": hämtat {_moment(s.fetch.at)} med {s.fetch.client}"
            if s.changed is not None and s.behind:
                line += f"; flödet ändrat {_moment(s.changed)}"
            call.say(line)
    return 0


def _moment(at: dt.datetime) -> str:
    return format_moment(at)


def rotate(call: Invocation) -> int:
    """Give a person a new private address; the old one stops working."""
    from services.feeds import personal_feed_url, replace_token

    token = replace_token(
        call.settings, call.args.person, now=call.now, by=f"CLI ({getpass.getuser()})"
    )
    call.say("Ny nyckel utfärdad; den gamla adressen slutar fungera vid nästa export.")
    export_feeds(call)
    call.say(f"Privat flöde: {personal_feed_url(call.settings, token)}")
    return 0


def rotate_group(call: Invocation) -> int:
    """Give a body's group feed a new address; the old one stops working."""
    from services.feeds import group_feed_url, replace_group_token

    token = replace_group_token(call.settings, call.args.body, by=getpass.getuser(), now=call.now)
    call.say(
        "Ny gruppnyckel utfärdad; den gamla adressen slutar fungera vid nästa export. "
        "Medlemmarna hittar den nya på sina personliga sidor."
    )
    export_feeds(call)
    call.say(f"Gruppens flöde: {group_feed_url(call.settings, token)}")
    return 0


def group_link(call: Invocation) -> int:
    """Print a body's group feed address."""
    from services.feeds import group_feed_url, group_token

    token = group_token(call.settings, call.args.body, now=call.now)
    call.say(f"Gruppens flöde: {group_feed_url(call.settings, token)}")
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
                (
                    *PUBLISHING,
                    *STORED,
                    option(
                        "--if-changed",
                        action="store_true",
                        help="exportera bara om något har sparats sedan förra exporten "
                        "(samma dag och adress)",
                    ),
                    option(
                        "--full",
                        action="store_true",
                        help="rendera allt på nytt i stället för bara det som ändrats "
                        "(samma filer blir resultatet)",
                    ),
                ),
                export_feeds,
            ),
            Command(
                "serve",
                "servera en exporterad mapp över HTTP",
                "Serverar flödena med ETag, Last-Modified och "
                "304-svar; personliga flöden under /p/<nyckel>.ics, gruppers under "
                "/g/<nyckel>.ics. Klienter som ber om gzip får exportens .gz-kopia "
                "(stäng av med --no-compression).",
                (
                    *PUBLISHING,
                    *SERVING,
                    option(
                        "--no-compression",
                        action="store_true",
                        help="skicka aldrig gzip, inte ens till klienter som ber om det",
                    ),
                    option(
                        "--cache-mb",
                        type=_megabytes,
                        default=64,
                        metavar="MB",
                        help="hur mycket av mappen varje process håller i minnet "
                        "(standard 64; 0 = läs varje fil från disk)",
                    ),
                ),
                serve_folder,
            ),
            Command(
                "status",
                "vem har hämtat den senaste ändringen av sitt flöde",
                "Visar för varje person med personligt flöde när det senast hämtades och "
                "med vilken sorts kalender (Google, Outlook, Apple …), och vilka som inte "
                "har hämtat sedan flödet senast ändrades. Bygger på anteckningar som "
                "`arshjul feeds serve` och `arshjul web` för i mappen bredvid exporten.",
                (
                    option("--org", metavar="SLUG", help="bara den här organisationen"),
                    *PUBLISHING,
                    *STORED,
                ),
                status,
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
            Command(
                "rotate-group-token",
                "byt adressen till ett organs gruppkalender",
                "Återkallar organets gruppnyckel och ger en ny, när adressen har nått "
                "någon utanför gruppen; den gamla adressen slutar fungera vid nästa export "
                "och bytet står i historiken.",
                (BODY, *PUBLISHING, *STORED),
                rotate_group,
            ),
            Command(
                "group-link",
                "visa adressen till ett organs gruppkalender",
                "Gruppkalendern har alla organets möten, också de som inte är offentliga, "
                "och dess förberedelseuppgifter. Medlemmarna ser den på sina personliga sidor.",
                (BODY, *PUBLISHING, *STORED),
                group_link,
            ),
        ),
    ),
)
