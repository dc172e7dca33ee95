"""Which events go into which feed: organisation, body, role, group and person feeds.

Public feeds (organisation, body, role) carry meetings of public bodies only: time, place,
title and agenda, never a person. Group feeds add the tasks a body's rule assigns to it.
Personal feeds carry a person's own meetings and tasks and live behind a secret token.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from cycle.decisions import CommissionView
from cycle.definitions import Role
from cycle.published import (
    Published,
    PublishedMeeting,
    PublishedPerson,
    PublishedTask,
    shown_name,
)
from cycle.text import printable
from cycle.times import STOCKHOLM

from .ical import (
    MeetingContext,
    add_alarms,
    calendar_frame,
    calendar_frame_tail,
    compose,
    render_commission,
    render_meeting,
    render_task,
    wants_alarm,
)
from .rendercache import Carried, RenderCache, digest

log = logging.getLogger(__name__)


class Audience(StrEnum):
    PUBLIC = "offentlig"
    GROUP = "grupp"  # a body's members, behind the body's group token
    PERSONAL = "personlig"

    @property
    def secret(self) -> bool:
        """Whether the feed's address is its secret: then no index or page lists it."""
        return self is not Audience.PUBLIC


class FeedKind(StrEnum):
    """What a feed gathers; the value is what ``index.json`` says."""

    ORGANISATION = "organisation"
    BODY = "organ"
    ROLE = "roll"
    GROUP = "grupp"
    PERSON = "person"


@dataclass(frozen=True, slots=True)
class Feed:
    """One rendered feed and where it is published (a path relative to the export root).

    ``content`` is None when a render cache found the export folder already holding this
    feed as it would be rendered now: the file is left as it is. ``digest`` is the
    SHA-256 of the bytes either way."""

    kind: FeedKind
    name: str
    path: str
    audience: Audience
    organisation: str
    content: bytes | None
    last_modified: dt.datetime
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest:
            if self.content is None:
                raise ValueError(f"{self.path}: a feed needs its bytes or their digest")
            object.__setattr__(self, "digest", digest(self.content))

    @property
    def etag(self) -> str:
        """A strong ETag from the bytes themselves."""
        return '"' + self.digest[:32] + '"'


EXAMPLE_FEED = "Exempeldata: tider, platser och personer är inte beslutade."


def _alone(render: Callable[[], bytes], what: str, key: str, title: str) -> bytes:
    """One component's bytes; a row that cannot be rendered is left out of every feed
    and named in the log (``what`` ``key`` (``title``)), so it never stops the export of
    all the others."""
    try:
        return render()
    except Exception:
        log.exception(
            "%s %s (%s) kunde inte skrivas som iCalendar och saknas i flödena",
            what,
            key,
            printable(title),
        )
        return b""


def _meeting_key(m: PublishedMeeting) -> str:
    return f"meeting {m.id}"


def _task_key(t: PublishedTask) -> str:
    return f"task {t.id}"


def _commission_key(c: CommissionView) -> str:
    return f"uppdrag {c.id}"


def _frame_key(name: str, description: str) -> str:
    return f"frame {name}\n{description}"


class _Renderer:
    """Renders each meeting and task once and composes feeds from the rendered bytes.

    With a :class:`RenderCache`, a piece is rendered only when its fingerprint differs
    from the last export's, and a feed whose pieces and frame are all unchanged is not
    composed at all (its ``content`` is None: the folder already holds it)."""

    def __init__(
        self, published: Published, base_url: str, cache: RenderCache | None = None
    ) -> None:
        self.published = published
        self.bodies = {b.key: b for b in published.bodies}
        self.meetings = {m.id: m for m in published.meetings}
        self.base_url = base_url.rstrip("/")
        self.cache = cache
        self._meeting_bytes: dict[str, bytes] = {}
        self._task_bytes: dict[str, bytes] = {}
        self._meeting_prints: dict[str, str] = {}
        self._task_prints: dict[tuple[str, bool], str] = {}
        self._commission_bytes: dict[str, bytes] = {}
        # when each item last changed, as its feeds' Last-Modified takes it
        self._changed = {m.id: m.last_changed for m in published.meetings} | {
            t.id: t.last_changed for t in published.tasks
        }

    def _context(self, m: PublishedMeeting) -> MeetingContext:
        body = self.bodies[m.body]
        example = m.organisation in self.published.examples
        return MeetingContext(body.name, body.kind, self.base_url, example)

    def meeting_print(self, m: PublishedMeeting) -> str:
        """The fingerprint of a meeting's event (only with a cache)."""
        found = self._meeting_prints.get(m.id)
        if found is None:
            assert self.cache is not None
            found = self._meeting_prints[m.id] = self.cache.fingerprint(
                "meeting", m, self._context(m)
            )
        return found

    def task_print(self, t: PublishedTask, alarm: bool) -> str:
        """The fingerprint of a task's to-do: the task, its meeting's and the alarm."""
        found = self._task_prints.get((t.id, alarm))
        if found is None:
            assert self.cache is not None
            meeting = self.meeting_print(self.meetings[t.meeting])
            found = self.cache.fingerprint("task", t, alarm, meeting)
            self._task_prints[(t.id, alarm)] = found
        return found

    def meeting(self, m: PublishedMeeting) -> bytes:
        if m.id not in self._meeting_bytes:
            ctx = self._context(m)

            def render() -> bytes:
                return _alone(lambda: render_meeting(m, ctx), "mötet", m.id, m.title)

            self._meeting_bytes[m.id] = (
                render()
                if self.cache is None
                else self.cache.piece(_meeting_key(m), self.meeting_print(m), render)
            )
        return self._meeting_bytes[m.id]

    def task(self, t: PublishedTask, alarm: bool) -> bytes:
        """A task's to-do, rendered once; a personal feed's (``alarm``) is the same
        bytes with its alarms put in."""
        if t.id not in self._task_bytes:

            def render() -> bytes:
                return _alone(
                    lambda: render_task(t, self.meetings[t.meeting], alarm=False),
                    "uppgiften",
                    t.id,
                    t.title,
                )

            self._task_bytes[t.id] = (
                render()
                if self.cache is None
                else self.cache.piece(_task_key(t), self.task_print(t, False), render)
            )
        plain = self._task_bytes[t.id]
        return add_alarms(plain) if alarm and wants_alarm(t, self.meetings[t.meeting]) else plain

    def commission_print(self, c: CommissionView) -> str:
        """The fingerprint of an assignment's to-do (only with a cache)."""
        assert self.cache is not None
        return self.cache.fingerprint("commission", c)

    def commission(self, c: CommissionView) -> bytes:
        """An assignment's to-do and time-frame event, rendered once."""
        if c.id not in self._commission_bytes:

            def render() -> bytes:
                return _alone(lambda: render_commission(c), "uppdraget", c.id, c.title)

            self._commission_bytes[c.id] = (
                render()
                if self.cache is None
                else self.cache.piece(_commission_key(c), self.commission_print(c), render)
            )
        return self._commission_bytes[c.id]

    def frame(self, name: str, description: str) -> tuple[bytes, bytes]:
        """A feed's frame; with a cache, rendered once for each name and description."""
        if self.cache is None:
            return calendar_frame(name, description)
        head = self.cache.piece(
            _frame_key(name, description),
            self.cache.fingerprint("frame", name, description),
            lambda: calendar_frame(name, description)[0],
        )
        return head, calendar_frame_tail()

    def feed(
        self,
        *,
        kind: FeedKind,
        name: str,
        path: str,
        audience: Audience,
        organisation: str,
        description: str,
        meetings: Iterable[PublishedMeeting],
        tasks: Iterable[PublishedTask] = (),
        alarms: bool = False,
        commissions: Iterable[CommissionView] = (),
    ) -> Feed:
        meetings, tasks, commissions = list(meetings), list(tasks), list(commissions)
        if organisation in self.published.examples:  # said in the calendar's own name
            name, description = shown_name(name, True), f"{EXAMPLE_FEED} {description}"
        stamps = [self._changed[m.id] for m in meetings] + [self._changed[t.id] for t in tasks]
        stamps += [c.updated_at for c in commissions if c.updated_at is not None]
        empty = dt.datetime.combine(self.published.first_day, dt.time(0), tzinfo=dt.UTC)
        modified = max(stamps, default=empty)
        if self.cache is not None:
            parts = [self.meeting_print(m) for m in meetings]
            parts += [self.task_print(t, alarms) for t in tasks]
            parts += [self.commission_print(c) for c in commissions]
            # the pieces stay stored while a feed that holds them is kept
            self.cache.use(_frame_key(name, description))
            self.cache.use(*map(_meeting_key, meetings))
            self.cache.use(*map(_task_key, tasks))
            self.cache.use(*map(_commission_key, commissions))
            print_ = self.cache.fingerprint("feed", name, description, modified, " ".join(parts))
            kept = self.cache.kept(path, print_, organisation)
            if kept is not None:
                return Feed(kind, name, path, audience, organisation, None, modified, kept.digest)
        content = compose(
            self.frame(name, description),
            [
                *map(self.meeting, meetings),
                *(self.task(t, alarms) for t in tasks),
                *map(self.commission, commissions),
            ],
        )
        return Feed(kind, name, path, audience, organisation, content, modified)


def build_feeds(
    published: Published, *, base_url: str = "", cache: RenderCache | None = None
) -> list[Feed]:
    """Every feed of every organisation, in a stable order (:func:`feed_order`).

    Args:
        published: the stored wheel for the window (usually last, this and next year).
        base_url: public address of the server, for links in descriptions ("" = none).
        cache: what the last export into the same folder rendered; then only what
            changed is rendered, and unchanged feeds come without ``content``.
    """
    r = _Renderer(published, base_url, cache)
    feeds: list[Feed] = []
    by_org: dict[str, list[PublishedMeeting]] = defaultdict(list)
    for m in published.meetings:
        by_org[m.organisation].append(m)
    public_body = {b.key for b in published.bodies if b.public}
    for_body: dict[str | None, list[PublishedTask]] = defaultdict(list)
    for t in published.tasks:
        for_body[t.target_body].append(t)
    for org, name in sorted(published.organisations.items()):
        public = [m for m in by_org[org] if m.body in public_body]
        feeds.append(
            r.feed(
                kind=FeedKind.ORGANISATION,
                name=f"{name} – alla möten",
                path=f"feeds/{org}.ics",
                audience=Audience.PUBLIC,
                organisation=org,
                description=f"Alla offentliga möten i {name}.",
                meetings=public,
            )
        )
        bodies = [b for b in published.bodies if b.organisation == org]
        for body in bodies:
            own = [m for m in by_org[org] if m.body == body.key]
            if body.public:
                feeds.append(
                    r.feed(
                        kind=FeedKind.BODY,
                        name=f"{body.name} ({name})",
                        path=f"feeds/{org}/{body.slug}.ics",
                        audience=Audience.PUBLIC,
                        organisation=org,
                        description=f"Möten i {body.name}.",
                        meetings=own,
                    )
                )
            tasks = for_body[body.key]
            if body.token is not None:  # empty too: its members' link always works
                feeds.append(
                    r.feed(
                        kind=FeedKind.GROUP,
                        name=f"{body.name} – möten och uppgifter ({name})",
                        path=f"g/{body.token}.ics",
                        audience=Audience.GROUP,
                        organisation=org,
                        description=f"Alla möten och förberedelseuppgifter för {body.name}. "
                        "Adressen är gruppens egen: dela den bara inom gruppen.",
                        meetings=own,
                        tasks=tasks,
                    )
                )
        feeds.extend(_role_feeds(r, org, name, public))
    feeds.extend(_person_feeds(r, published))
    return sorted(feeds, key=feed_order)


_KIND_RANK = {kind: rank for rank, kind in enumerate(FeedKind)}
_ROLE_RANK = {role.slug: rank for rank, role in enumerate(Role)}


def feed_order(feed: Feed) -> tuple[bool, str, int, int, str]:
    """Where a feed stands in an export: personal feeds last; the others by
    organisation, then whole organisation, bodies, groups, roles (in the roles' own
    order), then path. An export of some organisations merges its feeds with the
    others' by this order, so it lists them exactly as a full export does."""
    personal = feed.audience is Audience.PERSONAL
    role = _ROLE_RANK.get(feed.path.rsplit("/", 1)[-1].removesuffix(".ics"), 0)
    return (
        personal,
        "" if personal else feed.organisation,
        _KIND_RANK[feed.kind],
        role if feed.kind is FeedKind.ROLE else 0,
        feed.path,
    )


def carried_feeds(carried: Iterable[Carried]) -> list[Feed]:
    """The feeds among files an export of other organisations carries over, as the index
    lists them (their bytes stay on disk)."""
    return [
        Feed(
            FeedKind(c.meta["kind"]),
            c.meta["name"],
            c.path,
            Audience(c.meta["audience"]),
            c.scope,
            None,
            dt.datetime.fromisoformat(c.meta["last_modified"]),
            c.digest,
        )
        for c in carried
        if c.meta is not None
    ]


def feed_meta(feed: Feed) -> dict[str, str]:
    """What the render cache keeps of a feed for :func:`carried_feeds`."""
    return {
        "kind": feed.kind.value,
        "name": feed.name,
        "audience": feed.audience.value,
        "last_modified": feed.last_modified.isoformat(),
    }


def _role_feeds(
    r: _Renderer, org: str, name: str, public: list[PublishedMeeting]
) -> Iterable[Feed]:
    roles = sorted({role for m in public for _, role in m.invitations}, key=list(Role).index)
    for role in roles:
        yield r.feed(
            kind=FeedKind.ROLE,
            name=f"{name} – möten för {role.plural}",
            path=f"feeds/{org}/roll/{role.slug}.ics",
            audience=Audience.PUBLIC,
            organisation=org,
            description=f"Offentliga möten dit {role.plural} kallas i {name}.",
            meetings=[m for m in public if any(x == role for _, x in m.invitations)],
        )


def _person_feeds(r: _Renderer, published: Published) -> Iterable[Feed]:
    invited: dict[str, list[PublishedMeeting]] = defaultdict(list)
    for m in published.meetings:
        for person, _ in m.invitations:
            invited[person].append(m)
    assigned: dict[str, list[PublishedTask]] = defaultdict(list)
    for t in published.tasks:
        for person in t.assignees:
            assigned[person].append(t)
    owned = _owned(published)
    for p in published.people:
        if p.token is not None:
            yield _personal(r, p, invited[p.key], assigned[p.key], owned[p.key])


def _owned(published: Published) -> dict[str, list[CommissionView]]:
    """Each person's assignments: their own, and their bodies' (members on the day the
    statuses are for)."""
    members = published.members_on(published.as_of.astimezone(STOCKHOLM).date())
    owned: dict[str, list[CommissionView]] = defaultdict(list)
    for c in published.commissions:
        kind, _, key = c.owner_key.partition(":")
        held = [key] if kind == "person" else [m.person for m in members.get(key, ())]
        for person in dict.fromkeys(held):
            owned[person].append(c)
    return owned


def _personal(
    r: _Renderer,
    p: PublishedPerson,
    meetings: list[PublishedMeeting],
    tasks: list[PublishedTask],
    commissions: list[CommissionView] | None = None,
) -> Feed:
    return r.feed(
        kind=FeedKind.PERSON,
        name=f"Årshjul – {p.name}",
        path=f"p/{p.token}.ics",
        audience=Audience.PERSONAL,
        organisation=p.organisation,
        description="Dina möten, förberedelseuppgifter och uppdrag.",
        meetings=meetings,
        tasks=tasks,
        alarms=True,
        commissions=commissions or (),
    )
