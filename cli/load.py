"""``arshjul load``: what the year asks of each person and group, and the heavy weeks."""

from __future__ import annotations

from collections.abc import Sequence

from cycle import DefinitionError
from cycle.load import DEFAULT_DEADLINE_LIMIT, Load, week_label
from services.cyclefiles import load_cycles

from .arguments import STORED, Command, Invocation, option, year


def load(call: Invocation) -> int:
    """Print the groups' and people's year (meetings, hours, deadlines) and each person's
    weeks with more deadlines than ``--grans``."""
    from services.load import organisation_load

    org, year_, limit = call.args.org, call.args.year, call.args.grans
    if limit < 0:
        raise DefinitionError("gränsen ska vara 0 eller mer", field="--grans", value=limit)
    load_cycles(call.settings.cycles_dir, org)  # an unknown organisation: a Swedish error
    found = organisation_load(call.settings, org, year_, now=call.now)
    if not found.groups:
        call.say(f"Inga sparade möten för {org} {year_}; kör `arshjul plan --year {year_}`.")
        return 0
    call.say(f"Belastning {year_} – {found.name}")
    _table(call, "Grupp", found.groups, None)
    _table(call, "Person", found.people, limit)
    heavy = [(name, p.heavy_weeks(limit), p) for name, p in found.people if p.heavy_weeks(limit)]
    if not heavy:
        call.say(f"\nIngen har fler än {limit} uppgifter med sista dag samma vecka.")
        return 0
    call.say(f"\nTunga veckor – fler än {limit} uppgifter med sista dag samma vecka:")
    for name, weeks, person in heavy:
        listed = ", ".join(f"{week_label(w)} ({person.weeks[w].deadlines})" for w in weeks)
        call.say(f"  {name}: {listed}")
    return 0


def _table(
    call: Invocation, first: str, rows: Sequence[tuple[str, Load]], limit: int | None
) -> None:
    headers = [first, "Möten", "Timmar", "Uppgifter"] + ([] if limit is None else ["Tunga v."])
    width = max(len(first), *(len(name) for name, _ in rows)) if rows else len(first)

    def line(cells: Sequence[object]) -> str:
        return "  ".join(
            [str(cells[0]).ljust(width)]
            + [str(c).rjust(len(h)) for c, h in zip(cells[1:], headers[1:], strict=True)]
        )

    call.say("")
    call.say(line(headers))
    call.say("-" * len(line(headers)))
    for name, counted in rows:
        t = counted.total()
        hours = f"{t.hours:.1f}".replace(".", ",")
        extra = [] if limit is None else [len(counted.heavy_weeks(limit))]
        call.say(line([name, t.meetings, hours, t.deadlines, *extra]))


COMMANDS = (
    Command(
        "load",
        "visa vad året kräver av varje person och grupp",
        "Räknar möten (med timmar) och uppgifter med sista dag per person och grupp för "
        "ett år som det är sparat, och visar de veckor då någon har fler uppgifter än "
        "gränsen. Namnen visas bara här; den offentliga sidan /o/ORG/ÅR/belastning visar "
        "grupper och roller.",
        (
            option("--org", required=True, metavar="SLUG", help="organisationen"),
            option("--year", type=year, required=True, metavar="ÅR", help="året"),
            option(
                "--grans",
                type=int,
                default=DEFAULT_DEADLINE_LIMIT,
                metavar="N",
                help="fler uppgifter med sista dag samma vecka än så är en tung vecka "
                f"({DEFAULT_DEADLINE_LIMIT})",
            ),
            *STORED,
        ),
        load,
    ),
)
