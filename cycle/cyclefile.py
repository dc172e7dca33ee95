"""Read a cycle file (TOML text) into a checked :class:`CycleDefinition`.

The file format is documented in ``docs/cycle-files.md``. Every problem becomes a
:class:`DefinitionError` naming the file, line, field and value, because the people who
edit these files are coordinators, not programmers. This module takes text, not a path:
reading the file is the caller's I/O.
"""

from __future__ import annotations

import datetime as dt
import re

from .definitions import (
    CHANGEABLE,
    REGISTRATION_STEP,
    Assignee,
    AssigneeKind,
    Body,
    BusySource,
    Chain,
    ConflictPolicy,
    CycleDefinition,
    HolidayPolicy,
    Membership,
    Organisation,
    Person,
    ReminderPolicy,
    Role,
    Series,
    SeriesChange,
    SeriesKind,
    Side,
    Step,
    SummerBreak,
)
from .locator import Path
from .recurrence import check_rrule
from .suggestions import did_you_mean
from .tomlreader import Context, Table, load_toml, values

FORMAT_VERSION = 1
# "13.00" as Swedes (and the pages) write it, "13:00" as ISO does; "8.30" too
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[.:]([0-5]\d)$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def parse_cycle(text: str, source: str) -> CycleDefinition:
    """Parse and check one cycle file.

    Args:
        text: the TOML text.
        source: the file name to show in errors.

    Returns:
        The checked definition.

    Raises:
        DefinitionError: the first problem found, with file, line, field and value.
    """
    root = load_toml(text, source)
    ctx = root.ctx
    version = root._get("format", int, True)
    if version != FORMAT_VERSION:
        raise root.error("format", f"filformatet {FORMAT_VERSION} stöds, inte detta", version)
    org_table = root.table("organisation")
    if org_table is None:
        raise root.error(None, "tabellen [organisation] saknas")
    organisation = _organisation(org_table)
    body_tables = root.tables("body")
    bodies = tuple(_body(t) for t in body_tables)
    slugs = {b.slug for b in bodies}
    for b, t in zip(bodies, body_tables, strict=True):
        if b.invited_by is not None and (b.invited_by not in slugs or b.invited_by == b.slug):
            hint = did_you_mean(b.invited_by, slugs - {b.slug}) or "; ange ett annat [[body]]"
            raise t.error("invited_by", f"okänt organ{hint}", b.invited_by)
    people = tuple(_person(t) for t in root.tables("person"))
    membership_tables = root.tables("membership")
    memberships = tuple(_membership(t) for t in membership_tables)
    chain_tables = root.tables("chain")
    chains = tuple(_chain(t) for t in chain_tables)
    series_tables = root.tables("series")
    series = tuple(_series(t) for t in series_tables)
    busy_tables = root.tables("busy")
    busy = tuple(_busy(t) for t in busy_tables)
    root.done()
    _unique(ctx, ("body",), [b.slug for b in bodies], "slug")
    _unique(ctx, ("person",), [p.id for p in people], "id")
    _unique(ctx, ("series",), [s.id for s in series], "id")
    _unique(ctx, ("chain",), [c.id for c in chains], "id")
    _unique(ctx, ("busy",), [b.id for b in busy], "id")
    known = {b.id for b in busy}
    for s, t in zip(series, series_tables, strict=True):
        for name in s.avoid:
            if name not in known:
                raise t.error(
                    "avoid",
                    "ingen kalender ([[busy]]) har detta id"
                    + did_you_mean(name, sorted(known))
                    + (f" (kända: {', '.join(sorted(known))})" if known else ""),
                    name,
                )
    definition = CycleDefinition(
        source, organisation, bodies, people, memberships, series, chains, busy
    )
    _check_references(ctx, definition, membership_tables, series_tables, chain_tables)
    return definition


def _unique(ctx: Context, table: Path, values: list[str], key: str) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise ctx.error((*table, index, key), "id:t finns redan tidigare i filen", value)
        seen.add(value)


def _organisation(t: Table) -> Organisation:
    org = Organisation(
        slug=t.slug("slug"),
        name=t.text("name"),
        holiday_policy=t.choice(
            "holiday_policy", HolidayPolicy, values(HolidayPolicy), required=False
        )
        or HolidayPolicy.NEXT,
        avoid_klamdagar=t.flag("avoid_klamdagar", True),
        travel_margin=dt.timedelta(minutes=t.minutes("travel_margin_minutes", most=24 * 60)),
        parties=t.texts("parties"),
        description=t.text("description", required=False, lines=True),
        example=t.flag("example", False),
    )
    t.done()
    return org


def _body(t: Table) -> Body:
    body = Body(
        slug=t.slug("slug"),
        name=t.text("name"),
        kind=t.text("kind"),
        public=t.flag("public", True),
        description=t.text("description", required=False, lines=True),
        guests=t.texts("guests"),
        invited_by=t.optional_text("invited_by"),
    )
    t.done()
    return body


def _person(t: Table) -> Person:
    email = t.optional_text("email")
    if email is not None and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        raise t.error("email", "är inte en e-postadress", email)
    person = Person(
        id=t.slug("id"),
        name=t.text("name"),
        title=t.text("title", required=False),
        organisation=t.text("organisation", required=False),
        party=t.optional_text("party"),
        email=email,
        phone=t.optional_text("phone"),
        example=t.flag("example", False),
    )
    t.done()
    return person


# the roles a membership can hold: "inbjuden" is given by a body's invited_by, not held
MEMBER_ROLES = [r.value for r in Role if r is not Role.INBJUDEN]


def _membership(t: Table) -> Membership:
    membership = Membership(
        person=t.slug("person"),
        body=t.slug("body"),
        role=t.choice("role", Role, MEMBER_ROLES),  # type: ignore[arg-type]
        side=t.choice("side", Side, values(Side), required=False),
        valid_from=t.date("from"),
        valid_to=t.date("to"),
    )
    t.done()
    if (
        membership.valid_from
        and membership.valid_to
        and membership.valid_to < membership.valid_from
    ):
        raise t.error(
            "to",
            f"uppdraget slutar innan det börjar ({membership.valid_from})",
            membership.valid_to.isoformat(),
        )
    return membership


def _rrule(t: Table, required: bool = True) -> str | None:
    rrule = t.text("rrule") if required else t.optional_text("rrule")
    if rrule is not None and (problem := check_rrule(rrule)):
        raise t.error("rrule", problem, rrule)
    return rrule


def _clock(t: Table, required: bool = True) -> dt.time | None:
    start = t.text("start") if required else t.optional_text("start")
    if start is None:
        return None
    clock = _CLOCK.match(start)
    if not clock:
        raise t.error("start", 'ska vara ett klockslag, t.ex. "08.30" eller "08:30"', start)
    return dt.time(int(clock.group(1)), int(clock.group(2)))


def _duration(t: Table, required: bool = True) -> int | None:
    duration: int | None = (
        t.integer("duration_minutes") if required else t._get("duration_minutes", int, False)
    )
    if duration is not None and not 0 < duration <= 24 * 60:
        raise t.error("duration_minutes", "ska vara mellan 1 och 1440 minuter", duration)
    return duration


def _change(t: Table) -> SeriesChange:
    valid_from = t.date("from")
    if valid_from is None:
        raise t.error(None, "en ändring behöver ett datum: from = ÅÅÅÅ-MM-DD")
    change = SeriesChange(
        valid_from=valid_from,
        rrule=_rrule(t, required=False),
        start=_clock(t, required=False),
        duration_minutes=_duration(t, required=False),
        location=t.optional_text("location"),
        title=t.optional_text("title"),
        holiday_policy=t.choice(
            "holiday_policy", HolidayPolicy, values(HolidayPolicy), required=False
        ),
    )
    t.done()
    if not change.fields():
        raise t.error(None, f"ändringen ändrar ingenting; ange något av {', '.join(CHANGEABLE)}")
    return change


def _series(t: Table) -> Series:
    rrule = _rrule(t)
    start = _clock(t)
    duration = _duration(t)
    assert rrule is not None and start is not None and duration is not None
    valid_from, valid_to = t.date("from"), t.date("to")
    if valid_from and valid_to and valid_to < valid_from:
        raise t.error("to", f"serien slutar innan den börjar ({valid_from})", valid_to.isoformat())
    change_tables = t.tables("change")
    changes = tuple(_change(c) for c in change_tables)
    for i, (change, ct) in enumerate(zip(changes, change_tables, strict=True)):
        if i and change.valid_from <= changes[i - 1].valid_from:
            raise ct.error(
                "from",
                "ändringarna ska stå i datumordning, en per dag",
                change.valid_from.isoformat(),
            )
        if (valid_from and change.valid_from <= valid_from) or (
            valid_to and change.valid_from > valid_to
        ):
            raise ct.error(
                "from", "ändringen ligger utanför seriens from–to", change.valid_from.isoformat()
            )
    pause = t.table("summer_break")
    series = Series(
        id=t.slug("id"),
        body=t.slug("body"),
        title=t.text("title"),
        kind=t.choice("kind", SeriesKind, values(SeriesKind), required=False) or SeriesKind.MOTE,
        rrule=rrule,
        start=start,
        duration_minutes=duration,
        location=t.text("location", required=False),
        chain=t.optional_text("chain"),
        summer_break=None if pause is None else _summer_break(pause),
        holiday_policy=t.choice(
            "holiday_policy", HolidayPolicy, values(HolidayPolicy), required=False
        ),
        description=t.text("description", required=False, lines=True),
        valid_from=valid_from,
        valid_to=valid_to,
        changes=changes,
        on_conflict=t.choice("on_conflict", ConflictPolicy, values(ConflictPolicy), required=False)
        or ConflictPolicy.VARNA,
        avoid=t.texts("avoid"),
    )
    t.done()
    return series


def _busy(t: Table) -> BusySource:
    source = t.text("source")
    if "://" in source and not source.startswith(("https://", "http://")):
        raise t.error("source", "ska vara en fil eller en https-adress", source)
    busy = BusySource(
        id=t.slug("id"), name=t.text("name"), source=source, example=t.flag("example", False)
    )
    t.done()
    return busy


def _summer_break(t: Table) -> SummerBreak:
    ends = []
    for key in ("from", "to"):
        value = t.text(key)
        match = _MONTH_DAY.match(value)
        try:
            if not match:
                raise ValueError
            dt.date(2000, int(match.group(1)), int(match.group(2)))  # 2000: leap year
        except ValueError:
            raise t.error(key, 'ska vara månad-dag MM-DD, t.ex. "06-22"', value) from None
        ends.append((int(match.group(1)), int(match.group(2))))
    t.done()
    return SummerBreak(ends[0], ends[1])


def _chain(t: Table) -> Chain:
    chain_id = t.slug("id")
    name = t.text("name")
    steps = tuple(_step(s) for s in t.tables("step"))
    if not steps:
        raise t.error(None, "kedjan har inga steg ([[chain.step]])")
    _unique(t.ctx, (*t.path, "step"), [s.id for s in steps], "id")
    remind = t.table("remind")
    policy = ReminderPolicy() if remind is None else _policy(remind)
    t.done()
    return Chain(chain_id, name, steps, policy)


def _policy(t: Table) -> ReminderPolicy:
    default = ReminderPolicy()
    days = {}
    for key in ("prompt", "reminder", "notice", "late"):
        value = t._get(key, int, False)
        if value is None:
            value = getattr(default, key)
        if not 0 <= value <= 60:
            raise t.error(key, "ska vara 0–60 arbetsdagar", value)
        days[key] = value
    copy = t.optional_text("late_copy")
    if copy is not None and copy != "ingen" and copy not in MEMBER_ROLES:
        allowed = ", ".join(repr(v) for v in [*MEMBER_ROLES, "ingen"])
        raise t.error("late_copy", f"okänd roll; tillåtna är {allowed}", copy)
    t.done()
    if days["reminder"] > days["prompt"]:
        raise t.error("reminder", "påminnelsen kan inte komma före uppmaningen", days["reminder"])
    late_copy = default.late_copy if copy is None else None if copy == "ingen" else Role(copy)
    return ReminderPolicy(**days, late_copy=late_copy)


def _step(t: Table) -> Step:
    step_id = t.slug("id")
    title = t.text("title")
    offset = t.integer("offset")
    if not -260 <= offset <= 260:
        raise t.error("offset", "ska vara högst 260 arbetsdagar före eller efter mötet", offset)
    spec = t.optional_text("assign")
    if spec is None:
        raise t.error(
            "assign",
            "steget är inte tilldelat någon; ange t.ex. "
            '"body:beredningsgrupp", "role:sammankallande" eller "person:id"',
        )
    step = Step(
        step_id,
        title,
        offset,
        _assignee(t, spec),
        t.text("description", required=False, lines=True),
    )
    t.done()
    return step


def _assignee(t: Table, spec: str) -> Assignee:
    kind_text, _, rest = spec.partition(":")
    ref, _, body = rest.partition("@")
    try:
        kind = AssigneeKind(kind_text)
    except ValueError:
        raise t.error("assign", "ska börja med body:, role: eller person:", spec) from None
    if not ref or (body and kind is not AssigneeKind.ROLE):
        raise t.error("assign", "ofullständig tilldelning", spec)
    if kind is AssigneeKind.ROLE and ref not in MEMBER_ROLES:
        raise t.error(
            "assign", f"okänd roll; tillåtna är {', '.join(map(repr, MEMBER_ROLES))}", spec
        )
    return Assignee(kind, ref, body or None)


def _check_references(
    ctx: Context,
    d: CycleDefinition,
    membership_tables: list[Table],
    series_tables: list[Table],
    chain_tables: list[Table],
) -> None:
    """Every reference points at something declared, and every step has someone to do it."""
    bodies = {b.slug for b in d.bodies}
    people = {p.id for p in d.people}
    chains = {c.id for c in d.chains}
    for m, t in zip(d.memberships, membership_tables, strict=True):
        if m.person not in people:
            hint = did_you_mean(m.person, people) or "; deklarera den som [[person]]"
            raise t.error("person", f"okänd person{hint}", m.person)
        if m.body not in bodies:
            hint = did_you_mean(m.body, bodies) or "; deklarera det som [[body]]"
            raise t.error("body", f"okänt organ{hint}", m.body)
    for s, t in zip(d.series, series_tables, strict=True):
        if s.body not in bodies:
            hint = did_you_mean(s.body, bodies) or "; deklarera det som [[body]]"
            raise t.error("body", f"okänt organ{hint}", s.body)
        if s.chain is not None and s.chain not in chains:
            hint = did_you_mean(s.chain, chains) or "; deklarera den som [[chain]]"
            raise t.error("chain", f"okänd förberedelsekedja{hint}", s.chain)
        if s.kind is SeriesKind.FORUM and (
            s.chain is None or REGISTRATION_STEP not in {st.id for st in d.chain(s.chain).steps}
        ):
            raise t.error(
                "chain",
                f"ett forum behöver en förberedelsekedja med steget {REGISTRATION_STEP!r} "
                "(sista anmälningsdag för inbjudna)",
                s.chain,
            )
    series_bodies: dict[str, set[str]] = {}
    for s in d.series:
        if s.chain is not None:
            series_bodies.setdefault(s.chain, set()).add(s.body)
    for chain, t in zip(d.chains, chain_tables, strict=True):
        for step, st in zip(chain.steps, t.tables("step"), strict=True):
            _check_assignee(
                st, d, step.assignee, bodies, people, series_bodies.get(chain.id, set())
            )


def _check_assignee(
    t: Table,
    d: CycleDefinition,
    a: Assignee,
    bodies: set[str],
    people: set[str],
    meeting_bodies: set[str],
) -> None:
    if a.kind is AssigneeKind.PERSON:
        if a.ref not in people:
            raise t.error("assign", f"okänd person{did_you_mean(a.ref, people)}", str(a))
        return
    if a.kind is AssigneeKind.BODY or a.body:
        target = a.ref if a.kind is AssigneeKind.BODY else str(a.body)
        if target not in bodies:
            raise t.error("assign", f"okänt organ{did_you_mean(target, bodies)}", str(a))
        targets = {target}
    else:
        targets = meeting_bodies
    for body in sorted(targets):
        if not any(
            m.body == body and (a.kind is AssigneeKind.BODY or m.role == a.ref)
            for m in d.memberships
        ):
            raise t.error(
                "assign", f"steget är tilldelat ingen: {body!r} har ingen sådan medlem", str(a)
            )
