"""Save a cycle file's definitions: the organisation, its bodies, people, memberships and
series, as idempotent upserts.

Bodies, people and series that leave the file stay stored (meetings refer to them);
memberships are replaced by the file's, since the file is their only source. Functions
flush but never commit: the caller's ``write_session`` makes the save one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import column
from sqlmodel import Session, SQLModel, select

from cycle.definitions import CycleDefinition, Series, SummerBreak
from cycle.ids import stable_id

from .revisions import columns_of, insert_many, upsert, upsert_if_changed
from .tables import Body, Membership, Organisation, Person
from .tables import Series as SeriesRow

Row = TypeVar("Row", bound=SQLModel)


def scoped(organisation: str, local: str) -> str:
    """The stored key of an organisation's body, person or series, e.g. ``varmland/kil``.

    Example:
        >>> scoped("varmland", "kil")
        'varmland/kil'
    """
    return f"{organisation}/{local}"


def unscoped(key: str) -> str:
    """The cycle file's own id in a stored key: ``varmland/kil`` -> ``kil``.

    Example:
        >>> unscoped("varmland/kil")
        'kil'
    """
    return key.split("/", 1)[1]


def _by_key(
    session: Session, model: type[Row], key_field: str, organisation: str
) -> dict[str, Any]:
    """The organisation's stored rows of ``model`` by key, as plain rows."""
    # every scoped table names its owner column "organisation"
    rows = session.exec(select(*columns_of(model)).where(column("organisation") == organisation))
    return {getattr(row, key_field): row for row in rows}


def _upsert_all(
    session: Session,
    model: type[Row],
    key_field: str,
    desired: Mapping[str, dict[str, Any]],
    stored: Mapping[str, Any],
    now: dt.datetime,
) -> int:
    """Bring the stored rows (plain, by key) to ``desired``; new rows go in together."""
    new = [{key_field: key, **values} for key, values in desired.items() if key not in stored]
    changed = sum(
        upsert_if_changed(session, model, stored[key], values, now=now) is not None
        for key, values in desired.items()
        if key in stored
    )
    return changed + insert_many(session, model, new, now=now)


def _change_entries(series: Series) -> list[dict[str, str]]:
    """A series' dated changes as plain entries, in date order."""
    return [
        {"from": c.valid_from.isoformat()}
        | {
            k: v.strftime("%H:%M") if isinstance(v, dt.time) else str(v)
            for k, v in c.fields().items()
        }
        for c in series.changes
    ]


def _changes(series: Series) -> str:
    return json.dumps(_change_entries(series), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True, slots=True)
class DatedEdit:
    """A rule of a series newly dated in the cycle file: from ``day`` on (a change, a new
    last day) or before it (a new first day), the series' meetings may differ from what is
    stored – those between ``first`` and ``last``."""

    day: dt.date
    first: dt.date = dt.date.min
    last: dt.date = dt.date.max

    def reaches(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def new_dated_edits(session: Session, definition: CycleDefinition) -> dict[str, list[DatedEdit]]:
    """Per series key, the dated rules the file adds or edits: a new or edited change, a
    new first or last day. Only what differs from the stored rules counts: a change
    accepted before is not new."""
    stored = {
        row.key: row
        for row in session.exec(
            select(SeriesRow).where(SeriesRow.organisation == definition.organisation.slug)
        )
    }
    found: dict[str, list[DatedEdit]] = {}
    for s in definition.series:
        key = scoped(definition.organisation.slug, s.id)
        row = stored.get(key)
        if row is None:
            continue  # a new series: nothing of it is stored
        old, new = (json.loads(row.changes) if row.changes else []), _change_entries(s)
        edits = [
            DatedEdit(day, first=day)
            for day in sorted(
                {dt.date.fromisoformat(e["from"]) for e in [*old, *new] if (e in old) != (e in new)}
            )
        ]
        if row.valid_to != s.valid_to:  # the days between the old and the new last day
            ends = [d for d in (row.valid_to, s.valid_to) if d is not None]
            day = min(ends) + dt.timedelta(days=1)
            edits.append(
                DatedEdit(day, first=day, last=max(ends) if len(ends) == 2 else dt.date.max)
            )
        if row.valid_from != s.valid_from:  # the days between the old and the new first day
            starts = [d for d in (row.valid_from, s.valid_from) if d is not None]
            edits.append(
                DatedEdit(
                    s.valid_from or min(starts),
                    first=min(starts) if len(starts) == 2 else dt.date.min,
                    last=max(starts) - dt.timedelta(days=1),
                )
            )
        if edits:
            found[key] = edits
    return found


def _summer(span: SummerBreak | None) -> str | None:
    if span is None:
        return None
    return "{:02d}-{:02d}/{:02d}-{:02d}".format(*span.start, *span.end)


def save_definition(session: Session, definition: CycleDefinition, *, now: dt.datetime) -> int:
    """Upsert the organisation, bodies, people, memberships and series of a cycle file.

    Returns:
        The number of rows inserted, updated or deleted.
    """
    org = definition.organisation
    slug = org.slug
    written = int(
        upsert(
            session,
            Organisation,
            {"slug": slug},
            {
                "name": org.name,
                "holiday_policy": org.holiday_policy.value,
                "avoid_klamdagar": org.avoid_klamdagar,
                "parties": "\n".join(org.parties),
                "description": org.description,
                "source": definition.source,
                "example": org.example,
            },
            now=now,
        )
    )
    session.flush()
    written += _upsert_all(
        session,
        Body,
        "key",
        {
            scoped(slug, b.slug): {
                "organisation": slug,
                "slug": b.slug,
                "name": b.name,
                "kind": b.kind,
                "public": b.public,
                "description": b.description,
            }
            for b in definition.bodies
        },
        _by_key(session, Body, "key", slug),
        now,
    )
    written += _upsert_all(
        session,
        Person,
        "key",
        {
            scoped(slug, p.id): {
                "organisation": slug,
                "slug": p.id,
                "name": p.name,
                "title": p.title,
                "affiliation": p.organisation,
                "party": p.party,
                "email": p.email,
                "phone": p.phone,
                "example": p.example,
            }
            for p in definition.people
        },
        _by_key(session, Person, "key", slug),
        now,
    )
    session.flush()
    wanted = {
        _membership_key(slug, m.person, m.body, m.role.value, m.valid_from): {
            "organisation": slug,
            "person": scoped(slug, m.person),
            "body": scoped(slug, m.body),
            "role": m.role.value,
            "side": m.side.value if m.side else None,
            "valid_from": m.valid_from,
            "valid_to": m.valid_to,
        }
        for m in definition.memberships
    }
    stored = _by_key(session, Membership, "key", slug)
    written += _upsert_all(session, Membership, "key", wanted, stored, now)
    for key in stored:
        if key not in wanted:
            session.delete(session.get(Membership, key))
            written += 1
    written += _upsert_all(
        session,
        SeriesRow,
        "key",
        {
            scoped(slug, s.id): {
                "organisation": slug,
                "slug": s.id,
                "body": scoped(slug, s.body),
                "title": s.title,
                "kind": s.kind.value,
                "rrule": s.rrule,
                "start_time": s.start,
                "duration_minutes": s.duration_minutes,
                "location": s.location,
                "chain": s.chain,
                "holiday_policy": s.holiday_policy.value if s.holiday_policy else None,
                "summer_break": _summer(s.summer_break),
                "description": s.description,
                "valid_from": s.valid_from,
                "valid_to": s.valid_to,
                "changes": _changes(s),
            }
            for s in definition.series
        },
        _by_key(session, SeriesRow, "key", slug),
        now,
    )
    session.flush()
    return written


def _membership_key(org: str, person: str, body: str, role: str, start: dt.date | None) -> str:
    return stable_id(org, person, body, role, start.isoformat() if start else "-")
