"""The server's pages, rendered to bytes so they can be exported like the feeds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from cycle.published import EXAMPLE_SUFFIX

from .feeds import Feed, FeedKind

ENV = Environment(
    loader=PackageLoader("calendars", "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


def subscribe_links(base_url: str, path: str) -> tuple[str, str]:
    """(webcal://…, https://…) for a feed path; webcal is what Apple and Outlook open."""
    https = f"{base_url.rstrip('/')}/{path}"
    return "webcal://" + https.split("://", 1)[1], https


GROUPS = (  # how the start page groups an organisation's feeds, in this order
    (FeedKind.ORGANISATION, "Hela organisationen"),
    (FeedKind.BODY, "Organ"),
    (FeedKind.ROLE, "Efter roll"),
)  # a group's feed is behind its token: its members find it on their personal pages


def render_index(
    feeds: Sequence[Feed],
    organisations: Mapping[str, str],
    base_url: str,
    years: Mapping[str, Sequence[int]] | None = None,
) -> bytes:
    """The Swedish start page: how to subscribe first, then each organisation's public
    feeds grouped (the whole organisation, its bodies, roles) and the years
    whose wheel has meetings (``years`` by organisation)."""
    orgs: list[dict[str, Any]] = []
    for slug, name in sorted(organisations.items(), key=lambda item: item[1]):
        groups = []
        for kind, heading in GROUPS:
            listed = []
            for f in feeds:
                if f.organisation != slug or f.kind is not kind or f.audience.secret:
                    continue
                webcal, https = subscribe_links(base_url, f.path)
                # the section already names the organisation
                plain = name.removesuffix(EXAMPLE_SUFFIX)
                label = f.name.removesuffix(EXAMPLE_SUFFIX)
                label = label.removesuffix(f" ({plain})").removeprefix(f"{plain} – ")
                label = label[:1].upper() + label[1:]
                listed.append({"name": label, "webcal": webcal, "https": https})
            if listed:
                groups.append({"heading": heading, "feeds": listed})
        orgs.append(
            {"slug": slug, "name": name, "groups": groups, "years": (years or {}).get(slug, ())}
        )
    return ENV.get_template("index.html").render(organisations=orgs).encode()
