"""``arshjul forum-invited`` and ``forum-register``: a forum's invitation list by
organisation, and registrations for the people called and the invited organisations."""

from __future__ import annotations

import getpass

from cycle.swedish import format_date
from cycle.times import local_date

from .arguments import STORED, Command, Invocation, option


def invited(call: Invocation) -> int:
    """The invitation list: organisations with counts, then the people called."""
    from services.forums import invitations

    found = invitations(call.settings, call.args.meeting, now=call.now)
    m = found.meeting
    call.say(f"{m.title} {format_date(local_date(m.start))} – inbjudna per organisation:")
    for o in found.organisations:
        count = f"{o.registered} {'anmäld' if o.registered == 1 else 'anmälda'}"
        if o.guest:
            call.say(f"  {o.name} (inbjuden organisation): {count}")
        else:
            call.say(f"  {o.name}: {o.called} {'kallad' if o.called == 1 else 'kallade'}, {count}")
    call.say("Kallade:")
    for name, affiliation, registered in found.people:
        mark = "anmäld" if registered else "inte anmäld"
        call.say(f"  {name}{f' ({affiliation})' if affiliation else ''}: {mark}")
    return 0


def register(call: Invocation) -> int:
    """Record a registration for a person called or an invited organisation."""
    from services.forums import record_registration

    a = call.args
    changed = record_registration(
        call.settings,
        a.meeting,
        person=a.person,
        guest=a.guest,
        participants=a.antal,
        by=f"admin:{getpass.getuser()}",
        now=call.now,
        triggered_by=f"CLI ({getpass.getuser()})",
    )
    call.say("Anmälan är sparad." if changed else "Samma anmälan som förut; inget ändrat.")
    return 0


MEETING = option("meeting", metavar="MÖTE", help="mötets id (från arshjul meetings)")

COMMANDS = (
    Command(
        "forum-invited",
        "visa vilka som är inbjudna till ett forum och vilka som anmält sig",
        "Per organisation: hur många som är kallade (forumorganets och det inbjudande "
        "organets ledamöter) och hur många som anmält sig; de inbjudna organisationerna "
        "med antal anmälda; sedan de kallade med namn.",
        (MEETING, *STORED),
        invited,
    ),
    Command(
        "forum-register",
        "registrera en anmälan till ett forum",
        "Registrerar att en kallad person eller en inbjuden organisation kommer (med "
        "--antal deltagare; 0 återkallar). Stängs efter sista anmälningsdag.",
        (
            MEETING,
            option("--person", metavar="ORG/ID", help="en kallad person"),
            option("--guest", metavar="NAMN", help="en inbjuden organisation"),
            option("--antal", type=int, default=1, metavar="N", help="antal deltagare (1)"),
            *STORED,
        ),
        register,
    ),
)
