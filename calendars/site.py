"""The server's pages, rendered to bytes so they can be exported like the feeds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .feeds import Audience, Feed

ENV = Environment(
    loader=PackageLoader("calendars", "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


def subscribe_links(base_url: str, path: str) -> tuple[str, str]:
    """(webcal://…, https://…) for a feed path; webcal is what Apple and Outlook open."""
    https = f"{base_url.rstrip('/')}/{path}"
    return "webcal://" + https.split("://", 1)[1], https


def render_index(
    feeds: Sequence[Feed],
    organisations: Mapping[str, str],
    base_url: str,
    years: Sequence[int] = (),
) -> bytes:
    """The Swedish start page listing every public feed with subscribe links."""
    orgs: list[dict[str, Any]] = []
    for slug, name in sorted(organisations.items(), key=lambda item: item[1]):
        listed = []
        for f in feeds:
            if f.organisation == slug and f.audience is Audience.PUBLIC:
                webcal, https = subscribe_links(base_url, f.path)
                listed.append({"name": f.name, "webcal": webcal, "https": https})
        orgs.append({"slug": slug, "name": name, "feeds": listed})
    return ENV.get_template("index.html").render(organisations=orgs, years=years).encode()
