"""The admin commands behind ``arshjul run|serve|history|meetings|priorities|followups``.

Each function takes parsed arguments and the settings, calls a flow or a store function,
and prints Swedish text. Prefect is imported only by the commands that need it, so the
everyday commands start in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from pathlib import Path
from typing import Any, TextIO, cast

from sqlalchemy.engine import Engine

from cycle import DefinitionError
from cycle.decisions import (
    DecidedInitiative,
    DecidedPriority,
    Decisions,
    ReportedStatus,
    parse_decisions,
)
from cycle.plan import STOCKHOLM
from cycle.swedish import format_date, format_time
from cycle.wheel import Status
from models.audit import recent_runs
from models.database import (
    create_schema,
    describe_url,
    make_engine,
    read_session,
    write_session,
)
from models.outbox import OutboxStatus, outbox_rows
from models.processes import (
    add_initiative,
    add_priority,
    complete_task,
    meetings_of,
    person_tasks,
    set_follow_up,
)
from models.store import save_definition
from models.tables import MeetingStatus
from models.tokens import ensure_tokens, live_token, rotate_token

from .catalogue import flow_info, parse_local, parse_parameters
from .settings import Settings
from .sources import load_cycles


def _engine(settings: Settings) -> Engine:
    engine = make_engine(settings.database_url)
    create_schema(engine)
    return engine


def run_flow(settings: Settings, name: str, pairs: list[str], out: TextIO) -> int:
    """Trigger a flow: on the Prefect server when PREFECT_API_URL is set, else in-process."""
    info = flow_info(name)
    params = parse_parameters(info, pairs)
    if params.get("org"):
        load_cycles(settings.cycles_dir, params["org"])  # unknown organisation: fail now
    # Prefect loads in a second; only now that the parameters are known to be good
    from prefect import tags

    from .deployments import DEPLOYMENT
    from .registry import FLOWS
    from .runtime import CLI_TAG_PREFIX

    tag = f"{CLI_TAG_PREFIX}{getpass.getuser()}"
    if os.environ.get("PREFECT_API_URL"):
        from prefect.client.schemas.objects import FlowRun
        from prefect.deployments import run_deployment

        print(f"Startar {name}/{DEPLOYMENT} på Prefect-servern …", file=out, flush=True)
        run = cast(
            FlowRun,
            run_deployment(f"{name}/{DEPLOYMENT}", parameters=params, tags=[tag], poll_interval=1),
        )
        state = run.state.name if run.state else "okänt"
        print(f"Körningen {run.name} slutade: {state}. Se `arshjul history`.", file=out)
        return 0 if run.state and run.state.is_completed() else 1
    print(f"Kör {name} lokalt (ingen PREFECT_API_URL satt) …", file=out, flush=True)
    with tags(tag):
        result = FLOWS[name](**params)
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str), file=out)
    return 0


def serve(out: TextIO) -> int:
    """Serve every deployment until stopped (Ctrl-C)."""
    # An admin's `arshjul run` waits for the runner's next poll; Prefect's default is 10 s.
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "2")
    from .deployments import SCHEDULES, serve_deployments

    print("Startar Årshjuls deployments (avsluta med Ctrl-C). Scheman i svensk tid:", file=out)
    for name, (_, text) in SCHEDULES.items():
        print(f"  {name}: {text}", file=out)
    out.flush()
    serve_deployments()
    return 0


def history(settings: Settings, flow: str | None, limit: int, out: TextIO) -> int:
    """Print the audit log, newest first."""
    with read_session(_engine(settings)) as session:
        runs = recent_runs(session, limit=limit, flow=flow)
    if not runs:
        print("Inga körningar loggade ännu.", file=out)
        return 0
    for r in runs:
        started = r.started_at.astimezone(STOCKHOLM)
        took = f"{(r.finished_at - r.started_at).total_seconds():.1f} s" if r.finished_at else "–"
        params = ", ".join(f"{k}={v}" for k, v in json.loads(r.parameters).items() if v is not None)
        print(
            f"{started:%Y-%m-%d %H.%M.%S}  {r.flow}({params})  {r.outcome}  {took}  "
            f"{r.rows_changed} rader  utlöst av: {r.triggered_by}",
            file=out,
        )
        if r.message:
            print(f"    {r.message}", file=out)
    return 0


def meetings(settings: Settings, org: str, year: int, out: TextIO) -> int:
    """List an organisation-year's meetings with their ids, for admin actions."""
    load_cycles(settings.cycles_dir, org)
    with read_session(_engine(settings)) as session:
        rows = meetings_of(session, org, year)
    if not rows:
        print(f"Inga sparade möten för {org} {year}; kör `arshjul plan --year {year}`.", file=out)
    for m in rows:
        local = m.start.astimezone(STOCKHOLM)
        print(
            f"{m.id}  {format_date(local.date())} kl. {format_time(local)}  {m.title}  "
            f"[{MeetingStatus(m.status).label}, sekvens {m.sequence}]"
            + (f"  – {m.note}" if m.note else ""),
            file=out,
        )
    return 0


def record_decisions(settings: Settings, decisions: Decisions, out: TextIO) -> int:
    """Store decided priorities, initiatives and statuses in one transaction.

    The organisation's definitions are saved first, so decisions can be recorded before
    its first plan.
    """
    (definition,) = load_cycles(settings.cycles_dir, decisions.organisation)
    now = dt.datetime.now(dt.UTC)
    org, year = decisions.organisation, decisions.year
    changed = 0
    with write_session(_engine(settings), locks=[org]) as session:
        save_definition(session, definition, now=now)
        session.flush()
        for p in decisions.priorities:
            changed += add_priority(
                session,
                organisation=org,
                year=year,
                title=p.title,
                description=p.description,
                now=now,
            )
        session.flush()
        for i in decisions.initiatives:
            try:
                changed += add_initiative(
                    session,
                    organisation=org,
                    year=year,
                    title=i.title,
                    description=i.description,
                    priority=i.priority,
                    owner=i.owner,
                    now=now,
                )
            except LookupError:
                raise DefinitionError(
                    f"det finns ingen prioritering med den rubriken för {year}",
                    field="initiative.priority",
                    value=i.priority,
                ) from None
        session.flush()
        for s in decisions.statuses:
            try:
                changed += set_follow_up(
                    session,
                    organisation=org,
                    year=year,
                    title=s.title,
                    status=s.status,
                    comment=s.comment,
                    now=now,
                )
            except LookupError:
                raise DefinitionError(
                    f"ingen prioritering eller satsning för {year} har den rubriken",
                    field="status.title",
                    value=s.title,
                ) from None
    print(f"Sparat för {org} {year}: {changed} nya eller ändrade rader.", file=out)
    return 0


def import_decisions(settings: Settings, path: Path, out: TextIO) -> int:
    """Read a decisions file and store it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DefinitionError(
            f"filen kan inte läsas ({error.strerror})", source=str(path)
        ) from None
    return record_decisions(settings, parse_decisions(text, str(path)), out)


def status_choices() -> list[str]:
    return [s.value for s in Status if s is not Status.EJ_RAPPORTERAD]


def decisions_from_args(args: Any) -> Decisions:
    """One priority, initiative or status given on the command line."""
    priorities: tuple[DecidedPriority, ...] = ()
    initiatives: tuple[DecidedInitiative, ...] = ()
    statuses: tuple[ReportedStatus, ...] = ()
    if getattr(args, "status", None):
        statuses = (ReportedStatus(args.title, Status(args.status), args.comment or ""),)
    elif args.initiative:
        initiatives = (
            DecidedInitiative(args.title, args.description or "", args.under, args.owner or ""),
        )
    else:
        priorities = (DecidedPriority(args.title, args.description or ""),)
    return Decisions(args.org, args.year, priorities, initiatives, statuses)


def feeds(settings: Settings, args: Any, *, today: dt.date, now: dt.datetime, out: TextIO) -> int:
    """``arshjul feeds export|serve|rotate-token|link``."""
    if args.action == "serve":
        return _serve_feeds(settings, args, out)
    engine = _engine(settings)
    if args.action == "export":
        return _export(engine, settings, today=today, now=now, out=out)
    with write_session(engine) as session:
        ensure_tokens(session, now=now)
        if args.action == "rotate-token":
            try:
                token = rotate_token(session, person=args.person, now=now)
            except LookupError:
                raise DefinitionError(
                    "okänd person; ange ORG/ID, t.ex. varmland/anna-lind",
                    field="--person",
                    value=args.person,
                ) from None
        else:
            session.flush()
            found = live_token(session, args.person)
            if found is None:
                raise DefinitionError(
                    "okänd person; ange ORG/ID, t.ex. varmland/anna-lind",
                    field="--person",
                    value=args.person,
                )
            token = found
    if args.action == "rotate-token":
        print("Ny nyckel utfärdad; den gamla adressen slutar fungera vid nästa export.", file=out)
        _export(engine, settings, today=today, now=now, out=out)
    print(f"Privat flöde: {settings.public_url}/p/{token}.ics", file=out)
    return 0


def _export(
    engine: Engine, settings: Settings, *, today: dt.date, now: dt.datetime, out: TextIO
) -> int:
    from .publishing import publish_feeds

    result = publish_feeds(engine, settings, today=today, now=now)
    e = result.export
    print(
        f"Exporterade {result.feeds} flöden och {result.personal} personliga till "
        f"{settings.publish_dir}: {e.written} skrivna, {e.unchanged} oförändrade, "
        f"{e.removed} borttagna.",
        file=out,
    )
    return 0


def _serve_feeds(settings: Settings, args: Any, out: TextIO) -> int:
    from calendars.server import serve as serve_folder

    if not (settings.publish_dir / "index.json").exists():
        raise DefinitionError(
            "mappen har ingen export; kör först `arshjul feeds export`",
            source=str(settings.publish_dir),
        )
    print(
        f"Serverar {settings.publish_dir} på http://{args.host}:{args.port}/ (avsluta med Ctrl-C)",
        file=out,
        flush=True,
    )
    serve_folder(settings.publish_dir, host=args.host, port=args.port, workers=args.workers)
    return 0


def demo_publish(
    settings: Settings, args: Any, *, today: dt.date, now: dt.datetime, out: TextIO
) -> int:
    """The demo's second half: export the feeds, then serve them unless told not to."""
    _export(_engine(settings), settings, today=today, now=now, out=out)
    if args.no_serve:
        return 0
    return _serve_feeds(settings, args, out)


def remind(settings: Settings, args: Any, *, now: dt.datetime, out: TextIO) -> int:
    """``arshjul remind``: run the send-reminders flow (in-process, or against the Prefect
    server that PREFECT_API_URL names) and print what it did."""
    if args.now:
        parse_local(args.now, "--now")
    os.environ["ARSHJUL_DATABASE_URL"] = settings.database_url
    os.environ["ARSHJUL_CYCLES_DIR"] = str(settings.cycles_dir)
    from .reminders import send_reminders_flow

    result = send_reminders_flow(now=args.now, dry_run=args.dry_run)
    if args.dry_run:
        lines = result["messages"]
        print(
            f"Skulle skicka {sum(1 for x in lines if not x.startswith('saknar'))} "
            "meddelanden (inget köas eller skickas):",
            file=out,
        )
        for line in lines:
            print(f"  {line}", file=out)
        return 0
    print(
        f"Köade {result['queued']}, återkallade {result['withdrawn']}, skickade "
        f"{result['sent']}; {result['temporary']} väntar på nytt försök, "
        f"{result['permanent']} avvisade.",
        file=out,
    )
    for line in result["rejected"]:
        print(f"  avvisad: {line}", file=out)
    for name in result["without_address"]:
        print(f"  saknar e-postadress: {name}", file=out)
    return 0


def outbox(settings: Settings, args: Any, *, now: dt.datetime, out: TextIO) -> int:
    """``arshjul outbox``: the queue, history and errors."""
    with read_session(_engine(settings)) as session:
        rows = outbox_rows(session, status=args.status, limit=args.limit)
    if not rows:
        print("Utkorgen är tom.", file=out)
    for r in rows:
        when = r.send_at.astimezone(STOCKHOLM)
        status = OutboxStatus(r.status).label
        print(
            f"{when:%Y-%m-%d %H.%M}  {status:<12} {r.attempts} försök  {r.address}  {r.subject}",
            file=out,
        )
        if r.last_error and r.status != OutboxStatus.SENT:
            retry = (
                f"; nytt försök {r.next_attempt_at.astimezone(STOCKHOLM):%Y-%m-%d %H.%M}"
                if r.status == OutboxStatus.PENDING
                else ""
            )
            print(f"    fel: {r.last_error}{retry}", file=out)
    return 0


def tasks(settings: Settings, args: Any, *, now: dt.datetime, out: TextIO) -> int:
    """``arshjul tasks --person ORG/ID`` and ``arshjul tasks done ID``."""
    engine = _engine(settings)
    if args.done:
        if not args.task:
            raise DefinitionError("ange uppgiftens id: arshjul tasks done ID", field="ID")
        with write_session(engine) as session:
            title = complete_task(session, args.task, now=now)
        if title is None:
            raise DefinitionError("okänd uppgift", field="ID", value=args.task)
        print(f"Klar: {title}. Inga fler påminnelser om den.", file=out)
        return 0
    if not args.person:
        raise DefinitionError("ange --person ORG/ID eller `done ID`", field="--person")
    with read_session(engine) as session:
        rows = person_tasks(session, args.person, include_done=args.all)
    if not rows:
        print("Inga öppna uppgifter.", file=out)
    for task, meeting in rows:
        local = meeting.start.astimezone(STOCKHOLM)
        mark = "klar " if task.status == "done" else ""
        print(
            f"{task.id}  {mark}senast {format_date(task.due)}: {task.title} – "
            f"{meeting.title} {format_date(local.date())}",
            file=out,
        )
    return 0


def database(settings: Settings, action: str, out: TextIO) -> int:
    """``arshjul db upgrade|current``: the schema's migration version."""
    from models.schema import current, head, upgrade_schema

    engine = make_engine(settings.database_url)
    try:
        before = current(engine)
        if action == "upgrade":
            upgrade_schema(engine)
            after = current(engine)
            change = "redan senaste" if before == after else f"från {before or 'tom'}"
            print(
                f"Databasen {describe_url(settings.database_url)} har version {after} ({change}).",
                file=out,
            )
        else:
            state = "senaste" if before == head() else f"senaste är {head()}"
            print(
                f"Databasen {describe_url(settings.database_url)} har version "
                f"{before or 'ingen (tom)'} ({state}).",
                file=out,
            )
    finally:
        engine.dispose()
    return 0


def deploy(pool: str, out: TextIO) -> int:
    """``arshjul deploy --pool NAME``: every flow on a work pool, for workers."""
    if not os.environ.get("PREFECT_API_URL"):
        raise DefinitionError("ange Prefect-servern med PREFECT_API_URL", field="PREFECT_API_URL")
    from .deployments import deploy_to_pool

    names = deploy_to_pool(pool)
    print(
        f"{len(names)} deployments på arbetspoolen {pool!r}. Starta workers med: "
        f"prefect worker start --pool {pool}",
        file=out,
    )
    return 0
