"""The wheel pages: one per organisation and year (with its SVG and its load page), one
per public meeting.

Rendered to bytes at export time like the feeds, so the folder works on any static host;
the feed server maps ``/o/<org>/<year>`` and ``/m/<id>`` to these files. Only public
bodies' meetings appear, and no person is named: task rows show title, due date and
status only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial

from markupsafe import Markup

from cycle.decisions import CommissionStatus, CommissionView, Publicity, is_open
from cycle.definitions import Role, SeriesKind
from cycle.forums import InvitedOrganisation, invited_by_organisation
from cycle.load import DEFAULT_DEADLINE_LIMIT, Load, Tally, by_role, loads, week_label, weeks_of
from cycle.published import (
    EXAMPLE_SUFFIX,
    Published,
    PublishedBody,
    PublishedMeeting,
    PublishedRegistration,
    PublishedSeries,
    PublishedTask,
    shown_name,
)
from cycle.status import TaskStatus
from cycle.swedish import format_date, format_time
from cycle.times import MONTHS, STOCKHOLM

from .ical import MeetingContext, calendar_frame, compose, render_meeting
from .poster import render_poster
from .rendercache import Kept, RenderCache
from .site import ENV
from .wheel import HIGHLIGHT, legend_for, render_wheel, symbol
from .wheellayout import MONTH_RADIUS, periods_for, rings_for


def years_with_meetings(published: Published) -> dict[str, list[int]]:
    """The years whose wheel shows a meeting, by organisation (public bodies only): the
    years pages link to."""
    public = {b.key for b in published.bodies if b.public}
    found: dict[str, set[int]] = defaultdict(set)
    for m in published.meetings:
        if m.body in public:
            found[m.organisation].add(m.start.astimezone(STOCKHOLM).year)
    return {slug: sorted(found[slug]) for slug in published.organisations}


Pages = dict[str, bytes | Kept]


def _cached(
    pages: Pages,
    cache: RenderCache | None,
    paths: Sequence[str],
    inputs: tuple[object, ...],
    render: Callable[[], dict[str, bytes]],
    scope: str,
) -> None:
    """Add the files ``paths`` (of organisation ``scope``) made from ``inputs`` to
    ``pages``: rendered, or – when the cache finds every one of them already exported
    from the same inputs – kept."""
    if cache is not None:
        print_ = cache.fingerprint(*inputs)
        kept = [cache.kept(path, print_, scope) for path in paths]  # each learns its print
        found = [k for k in kept if k is not None]
        if len(found) == len(paths):
            pages.update(zip(paths, found, strict=True))
            return
    pages.update(render())


def render_pages(
    published: Published, *, today: dt.date, base_url: str, cache: RenderCache | None = None
) -> Pages:
    """Every wheel page, wheel SVG, poster, meeting page and single-meeting .ics, by
    path; with a cache, those already exported from the same data are :class:`Kept`
    rather than rendered."""
    pages: Pages = {}
    public = {b.key: b for b in published.bodies if b.public}
    years = list(range(published.first_day.year, published.last_day.year + 1))
    by_org_year: dict[tuple[str, int], list[PublishedMeeting]] = defaultdict(list)
    for m in published.meetings:
        if m.body in public:
            by_org_year[(m.organisation, m.start.astimezone(STOCKHOLM).year)].append(m)
    tasks: dict[str, list[PublishedTask]] = defaultdict(list)
    for t in published.tasks:
        tasks[t.meeting].append(t)
    every: dict[tuple[str, int], list[PublishedMeeting]] = defaultdict(list)  # all bodies
    for m in published.meetings:
        every[(m.organisation, m.start.astimezone(STOCKHOLM).year)].append(m)
    linked = years_with_meetings(published)
    series = {s.key: s for s in published.series}
    people = {p.key: p for p in published.people}
    guests: dict[str, list[str]] = defaultdict(list)
    for meeting, guest in published.guests:
        guests[meeting].append(guest)
    registrations: dict[str, list[PublishedRegistration]] = defaultdict(list)
    for r in published.registrations:
        registrations[r.meeting].append(r)
    as_of = published.as_of.astimezone(STOCKHOLM).date()
    for slug, plain in published.organisations.items():
        name = shown_name(plain, slug in published.examples)  # every page says "exempel"
        bodies = [
            b
            for b in published.bodies
            if b.organisation == slug
            and b.public
            and any(m.body == b.key for y in years for m in by_org_year[(slug, y)])
        ]
        own_series = tuple(s for s in published.series if s.key.startswith(f"{slug}/"))
        kinds = {b.key: b.kind for b in published.bodies if b.organisation == slug}
        # open assignments decided by the organisation's public bodies
        public_names = {b.name for b in published.bodies if b.organisation == slug and b.public}
        own = tuple(
            c
            for c in published.commissions
            if c.organisation == slug
            and is_open(c)
            and c.body in public_names
            and c.publicity is Publicity.OFFENTLIG
        )
        _cached(
            pages,
            cache,
            [f"o/{slug}/uppdrag.html"],
            ("commissions", name, slug, own, linked[slug], as_of),
            partial(_commissions_page, name, slug, own, linked[slug], as_of),
            slug,
        )
        for year in years:
            meetings = by_org_year[(slug, year)]
            year_tasks = [t for m in meetings for t in tasks[m.id]]
            wheel = (name, slug, year, bodies, meetings, year_tasks, own_series)
            shown = today if today.year == year else None  # only this year marks today
            _cached(
                pages,
                cache,
                [
                    f"o/{slug}/{year}.svg",
                    f"o/{slug}/{year}.html",
                    f"o/{slug}/{year}/inbaddning.html",
                ],
                ("wheel", *wheel, shown, linked[slug]),
                partial(_wheel_pages, *wheel, today, linked[slug], base_url),
                slug,
            )
            _cached(
                pages,
                cache,
                [f"o/{slug}/{year}.pdf"],
                ("poster", *wheel),
                partial(_poster, *wheel, base_url),
                slug,
            )
            # what the year asks of each group and role (every body's meetings count
            # towards a role's load; only public bodies are named)
            whole = tuple(every[(slug, year)])
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            roles = tuple(
                (ms.person, ms.role, kinds[ms.body])
                for ms in published.memberships
                if ms.body in kinds and ms.overlaps(first, last)
            )
            load = _LoadInputs(
                name,
                slug,
                year,
                tuple(bodies),
                whole,
                tuple(t for m in whole for t in tasks[m.id]),
                roles,
            )
            _cached(
                pages,
                cache,
                [f"o/{slug}/{year}/belastning.html"],
                # only what the counts read: a task falling late or a meeting being
                # held changes no count, so the page is kept from day to day
                ("load", *load.counted(), linked[slug]),
                partial(_load_page, load, linked[slug]),
                slug,
            )
            for m in meetings:
                invited = (
                    invited_by_organisation(m, people, guests[m.id], registrations[m.id])
                    if guests[m.id] or m.kind is SeriesKind.FORUM
                    else ()
                )
                inputs = (
                    m,
                    series.get(m.series),
                    public[m.body],
                    name,
                    tuple(tasks[m.id]),
                    invited,
                )
                _cached(
                    pages,
                    cache,
                    [f"m/{m.id}.html", f"m/{m.id}.ics"],
                    ("meeting", *inputs),
                    partial(_meeting_pages, *inputs, base_url),
                    slug,
                )
    return pages


def _poster(
    name: str,
    slug: str,
    year: int,
    bodies: list[PublishedBody],
    meetings: list[PublishedMeeting],
    tasks: list[PublishedTask],
    series: tuple[PublishedSeries, ...],
    base_url: str,
) -> dict[str, bytes]:
    """The poster to print (A3, vector PDF, with a QR code to the subscribe page)."""
    periods = periods_for(meetings, tasks, series, year)
    poster = render_poster(
        name, year, bodies, meetings, periods=periods, subscribe_url=f"{base_url.rstrip('/')}/"
    )
    return {f"o/{slug}/{year}.pdf": poster}


def _wheel_pages(
    name: str,
    slug: str,
    year: int,
    bodies: list[PublishedBody],
    meetings: list[PublishedMeeting],
    tasks: list[PublishedTask],
    series: tuple[PublishedSeries, ...],
    today: dt.date,
    linked: list[int],
    base_url: str,
) -> dict[str, bytes]:
    """A year's wheel: the page, its SVG file and the page to embed."""
    periods = periods_for(meetings, tasks, series, year)
    svg = render_wheel(name, year, bodies, meetings, today, periods=periods)
    shown = today.year == year
    legend = legend_for(rings_for(bodies, meetings), meetings, periods, shown)
    names = {b.key: b.name for b in bodies}
    rows = [
        {
            "id": m.id,
            "date": format_date(m.start.astimezone(STOCKHOLM).date()),
            "time": format_time(m.start.astimezone(STOCKHOLM)),
            "body": names[m.body],
            "title": m.title,
            "status": m.status.label,
            "highlight": HIGHLIGHT.get(m.kind),
        }
        for m in sorted(meetings, key=lambda m: (m.start, m.id))
    ]
    page = ENV.get_template("year.html").render(
        organisation=name,
        slug=slug,
        year=year,
        years=linked,
        svg=svg,
        legend=[(e, symbol(e)) for e in legend],
        rings=[e.label for e in legend if e.kind == "ring"],
        months=MONTHS,
        month_radius=MONTH_RADIUS,
        base_url=base_url.rstrip("/"),
        rows=rows,
    )
    # for an <iframe> on an intranet: the wheel and its legend, nothing around them
    embed = ENV.get_template("embed.html").render(
        organisation=name,
        slug=slug,
        year=year,
        svg=svg,
        legend=[(e, symbol(e)) for e in legend],
        base_url=base_url.rstrip("/"),
    )
    return {
        # the exported file stands on its own (intranets): its legend inside it
        f"o/{slug}/{year}.svg": render_wheel(
            name, year, bodies, meetings, today, periods=periods, legend=True
        ).encode(),
        f"o/{slug}/{year}.html": page.encode(),
        f"o/{slug}/{year}/inbaddning.html": embed.encode(),
    }


@dataclass(frozen=True, slots=True)
class _LoadInputs:
    """What an organisation-year's load page is made from."""

    name: str
    slug: str
    year: int
    bodies: tuple[PublishedBody, ...]  # the public ones, named on the page
    meetings: tuple[PublishedMeeting, ...]  # of every body
    tasks: tuple[PublishedTask, ...]
    roles: tuple[tuple[str, Role, str], ...]  # (person key, role, body kind) held that year

    def counted(self) -> tuple[object, ...]:
        """The inputs as the counts read them (``cycle.load``), for the fingerprint: a
        task falling late or a meeting being held changes no count."""
        return (
            self.name,
            self.slug,
            self.year,
            tuple((b.key, b.name) for b in self.bodies),
            tuple(
                (m.id, m.body, m.start, m.end, m.cancelled, tuple(p for p, _ in m.invitations))
                for m in self.meetings
            ),
            tuple(
                (t.meeting, t.due, t.status is TaskStatus.CANCELLED, t.assignees)
                for t in self.tasks
            ),
            self.roles,
        )


def _load_page(inputs: _LoadInputs, linked: list[int]) -> dict[str, bytes]:
    """The year's load: per public group and per role in a kind of body (the heaviest
    holder of it, never a name), a heatmap of deadlines per week and a table per month."""
    name, slug, year, bodies = inputs.name, inputs.slug, inputs.year, inputs.bodies
    people, groups = loads(inputs.meetings, inputs.tasks, year)
    held: dict[str, list[tuple[Role, str]]] = defaultdict(list)
    for person, role, kind in inputs.roles:
        held[person].append((role, kind))
    rows = [(b.name, "", groups.get(b.key, Load())) for b in bodies] + [
        (
            f"{role.role.value.capitalize()} i {role.kind}",
            f"den mest belastade av {role.holders}" if role.holders > 1 else "en person",
            role.load,
        )
        for role in by_role(people, held)
    ]
    weeks = weeks_of(year)
    limit = DEFAULT_DEADLINE_LIMIT
    top = max((t.deadlines for _, _, load in rows for t in load.weeks.values()), default=0)

    labels = [week_label(w) for w in weeks]
    empty = Tally()

    def cells(load: Load, role: bool) -> Markup:
        """A row's week cells as HTML, built here: 53 cells a row, hundreds of pages an
        export, are too many for the template to loop over (only numbers and our own
        week labels go in, nothing to escape)."""
        out = []
        for w, label in zip(weeks, labels, strict=True):
            t = load.weeks.get(w, empty)
            heavy = role and t.deadlines > limit
            level = 0 if not t.deadlines else min(4, 1 + 4 * t.deadlines // (top + 1))
            out.append(
                f'<td class="l{level}{" heavy" if heavy else ""}" title="{label}: '
                f"{t.deadlines} {'uppgift' if t.deadlines == 1 else 'uppgifter'}, "
                f'{t.meetings} {"möte" if t.meetings == 1 else "möten"} ({_hours(t)})">'
                f"{t.deadlines}{'!' if heavy else ''}</td>"
            )
        return Markup("".join(out))

    table = [
        {
            "label": label,
            "note": note,
            "role": bool(note),
            "cells": cells(load, bool(note)),
            "months": [load.months.get(month, Tally()) for month in range(1, 13)],
            "total": load.total(),
            "heavy": len(load.heavy_weeks(limit)) if note else 0,
        }
        for label, note, load in rows
    ]
    page = ENV.get_template("load.html").render(
        organisation=name,
        slug=slug,
        year=year,
        years=linked,
        weeks=[(w, week_label(w), format_date(w)) for w in weeks],
        months=MONTHS,
        rows=table,
        limit=limit,
        counts=_counts,
    )
    return {f"o/{slug}/{year}/belastning.html": page.encode()}


def _commissions_page(
    name: str,
    slug: str,
    commissions: tuple[CommissionView, ...],
    linked: list[int],
    as_of: dt.date,
) -> dict[str, bytes]:
    """The organisation's open assignments, with filters by body, owner and status; a
    person is shown by title, never by name, and the free texts people write (the
    description, their reports) stay off this public page."""
    rows = [
        {
            "title": c.title,
            "owner": c.owner_public,
            "due": format_date(c.due),
            "status": c.status.value,
            "late": c.status is CommissionStatus.FORSENAT,
            "body": c.body,
            "decided_on": format_date(c.decided_on),
            "decision": c.decision,
        }
        for c in sorted(commissions, key=lambda c: (c.due, c.title))
    ]
    page = ENV.get_template("commissions.html").render(
        organisation=name,
        slug=slug,
        years=linked,
        rows=rows,
        late=sum(1 for r in rows if r["late"]),
        bodies=sorted({r["body"] for r in rows}),
        owners=sorted({r["owner"] for r in rows}),
        statuses=sorted({r["status"] for r in rows}),
        as_of=format_date(as_of),
    )
    return {f"o/{slug}/uppdrag.html": page.encode()}


def _counts(tally: Tally) -> str:
    """ "2 möten, 5 h; 4 uppg." – what a month asks, in words short enough for a cell."""
    parts = []
    if tally.meetings:
        parts.append(
            f"{tally.meetings} {'möte' if tally.meetings == 1 else 'möten'}, {_hours(tally)}"
        )
    if tally.deadlines:
        parts.append(f"{tally.deadlines} uppg.")
    return "; ".join(parts) or "–"


def _hours(tally: Tally) -> str:
    """ "7,5 h" as Swedes write it."""
    return _hours_of(tally.minutes)


@cache
def _hours_of(minutes: int) -> str:
    text = f"{minutes / 60:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} h"


def _meeting_pages(
    m: PublishedMeeting,
    series: PublishedSeries | None,
    public_body: PublishedBody,
    organisation: str,
    tasks: tuple[PublishedTask, ...],
    invited: tuple[InvitedOrganisation, ...],
    base_url: str,
) -> dict[str, bytes]:
    """A public meeting's page and its single-meeting .ics; a forum's page lists who is
    invited by organisation, with counts (never names)."""
    body, kind = public_body.name, public_body.kind
    start, end = m.start.astimezone(STOCKHOLM), m.end.astimezone(STOCKHOLM)
    roles = Counter(role for _, role in m.invitations)
    called = [  # roles, never names: a public page
        f"{n} {role.value if n == 1 else role.plural}"
        for role, n in sorted(roles.items(), key=lambda item: list(Role).index(item[0]))
    ]
    html = ENV.get_template("meeting.html").render(
        id=m.id,
        title=m.title,
        body=body,
        kind=kind,
        called=called,
        description=series.description if series else "",
        organisation=organisation,
        slug=m.organisation,
        year=start.year,
        date=format_date(start.date()),
        when=f"{format_date(start.date())} kl. {format_time(start)}–{format_time(end)}",
        location=m.location,
        status=m.status.label,
        note=m.note or (f"mötet är {m.moved_because}" if m.moved_because else None),
        agenda=m.agenda,
        held=m.held,
        invited=invited,
        tasks=[
            {
                "title": t.title,
                "due": format_date(t.due),
                "status": t.status.label,
            }
            for t in sorted(tasks, key=lambda t: (t.due, t.title))
        ],
    )
    frame = calendar_frame(f"{m.title} {format_date(start.date())}", f"{body} ({organisation})")
    example = organisation.endswith(EXAMPLE_SUFFIX)
    single = compose(frame, [render_meeting(m, MeetingContext(body, kind, base_url, example))])
    return {f"m/{m.id}.html": html.encode(), f"m/{m.id}.ics": single}
