"""``arshjul run|serve|deploy|history``: trigger the flows, serve their deployments,
put them on a work pool, and read the audit log.

Prefect is imported only once the parameters are known to be good, so a typo costs no
second of Prefect start-up.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import os
from typing import Any

from cycle import DefinitionError
from cycle.times import STOCKHOLM
from flows.runtime.catalogue import (
    CATALOGUE,
    DEPLOYMENT,
    describe_flows,
    flow_info,
    parse_parameters,
)
from models.audit import recent_runs
from services.cyclefiles import load_cycles
from services.storage import reading

from .arguments import EVERYTHING, STORED, Command, Invocation, option
from .progress import steps

# Prefect's final run states, as an admin reads them
RUN_STATES = {
    "COMPLETED": "klar",
    "FAILED": "misslyckades",
    "CRASHED": "kraschade",
    "CANCELLED": "avbruten",
    "CANCELLING": "avbryts",
}
# An admin's `arshjul run` waits for the runner's next poll; Prefect's default is 10 s.
RUNNER_POLL_SECONDS = "2"


def _on_server() -> bool:
    """True when PREFECT_API_URL names a Prefect server (read here, at the edge)."""
    return bool(os.environ.get("PREFECT_API_URL"))


def run(call: Invocation) -> int:
    """Trigger a flow: on the Prefect server when PREFECT_API_URL is set, else in-process
    with this command's settings."""
    info = flow_info(call.args.flow)
    params = parse_parameters(info, call.args.param)
    if params.get("org"):
        load_cycles(call.settings.cycles_dir, params["org"])  # unknown organisation: fail now
    # Prefect loads in a second; only now that the parameters are known to be good
    from prefect import tags

    from flows.runtime.context import CLI_TAG_PREFIX, reporting, using
    from flows.runtime.deployments import load_flow

    tag = f"{CLI_TAG_PREFIX}{getpass.getuser()}"
    if _on_server():
        given = [f for f in ("db", "cycles", "out", "reports", "base_url") if getattr(call.args, f)]
        if given:
            flags = ", ".join("--" + f.replace("_", "-") for f in given)
            raise DefinitionError(
                "en körning på Prefect-servern använder inställningarna hos processen som "
                "kör flödena (arshjul serve eller en worker); ange dem där",
                field=flags,
            )
        from prefect.client.schemas.objects import FlowRun
        from prefect.deployments import run_deployment

        call.say(f"Startar {info.name}/{DEPLOYMENT} på Prefect-servern …")
        flow_run = run_deployment(
            f"{info.name}/{DEPLOYMENT}", parameters=params, tags=[tag], poll_interval=1
        )
        assert isinstance(flow_run, FlowRun)
        state = flow_run.state.type.value if flow_run.state else ""
        call.say(
            f"Körningen {flow_run.name} slutade: {RUN_STATES.get(state, state.lower() or 'okänt')}."
            " Se `arshjul history`."
        )
        return 0 if flow_run.state and flow_run.state.is_completed() else 1
    as_json = call.args.json
    if not as_json:
        call.say(f"Kör {info.name} lokalt (ingen PREFECT_API_URL satt) …")
    # the steps as they end, on stderr (stdout keeps the result), with a spinner at a
    # terminal; none with --json
    from flows.runtime.local_server import local_server

    with (
        local_server(os.environ, quiet=not call.args.verbose),
        steps(call.err, info.name) as step,
        reporting(step if not as_json else lambda _line: None),
        tags(tag),
        using(call.settings, now=call.now),
    ):
        result = load_flow(info.name)(**params)
    if as_json:
        call.say(
            json.dumps(
                _as_record(info.name, params, result), ensure_ascii=False, indent=2, default=str
            )
        )
        return 0
    call.say(result.summary)
    for line in result.details:
        call.say(f"  {line}")
    return 0


def _as_record(flow: str, params: dict[str, Any], result: Any) -> dict[str, Any]:
    """A local run's result for machines: the flow, its parameters, the Swedish summary
    and detail lines, and the result's own fields."""
    is_value = dataclasses.is_dataclass(result) and not isinstance(result, type)
    fields = dataclasses.asdict(result) if is_value else {}
    return {
        "flow": flow,
        "parameters": params,
        "summary": result.summary,
        "details": list(result.details),
        "result": fields,
    }


def serve(call: Invocation) -> int:
    """Serve every deployment until stopped (Ctrl-C); the flow runs it starts inherit
    this command's settings through their environment."""
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", RUNNER_POLL_SECONDS)
    os.environ.update(call.settings.environment())
    from flows.runtime.deployments import serve_deployments
    from flows.runtime.server_watch import watching

    call.say("Startar Årshjuls deployments (avsluta med Ctrl-C). Scheman i svensk tid:")
    for name, info in CATALOGUE.items():
        if info.schedule is not None:
            call.say(f"  {name}: {info.schedule.text}")
    api = os.environ.get("PREFECT_API_URL")
    if not api:
        serve_deployments()
        return 0

    def say(line: str) -> None:
        print(line, file=call.err, flush=True)

    with watching(api, say, quiet=not call.args.verbose):
        serve_deployments()
    return 0


def deploy(call: Invocation) -> int:
    """``arshjul deploy --pool NAME``: every flow on a work pool, for workers."""
    if not _on_server():
        raise DefinitionError("ange Prefect-servern med PREFECT_API_URL", field="PREFECT_API_URL")
    from flows.runtime.deployments import deploy_to_pool

    pool = call.args.pool
    names = deploy_to_pool(pool)
    call.say(
        f"{len(names)} deployments på arbetspoolen {pool!r}. Starta workers med: "
        f"prefect worker start --pool {pool}"
    )
    return 0


def history(call: Invocation) -> int:
    """Print the audit log, newest first."""
    with reading(call.settings) as session:
        runs = recent_runs(session, limit=call.args.limit, flow=call.args.flow)
    if not runs:
        call.say("Inga körningar loggade ännu.")
        return 0
    for r in runs:
        started = r.started_at.astimezone(STOCKHOLM)
        took = f"{(r.finished_at - r.started_at).total_seconds():.1f} s" if r.finished_at else "–"
        params = ", ".join(f"{k}={v}" for k, v in json.loads(r.parameters).items() if v is not None)
        call.say(
            f"{started:%Y-%m-%d %H.%M.%S}  {r.flow}({params})  {r.outcome}  {took}  "
            f"{r.rows_changed} rader  utlöst av: {r.triggered_by}"
        )
        if r.message:
            call.say(f"    {r.message}")
    return 0


COMMANDS = (
    Command(
        "run",
        "starta ett flöde (på Prefect-servern om PREFECT_API_URL är satt)",
        "Startar ett av årshjulets flöden. Med PREFECT_API_URL satt startas "
        "flödets deployment på servern (som `arshjul serve` kör); annars körs det lokalt "
        "med inställningarna nedan.",
        (
            option("flow", metavar="FLÖDE", help="flödets namn, se listan nedan"),
            option(
                "--param",
                action="append",
                default=[],
                metavar="NYCKEL=VÄRDE",
                help="en parameter till flödet (kan upprepas)",
            ),
            option(
                "--json",
                action="store_true",
                help="skriv körningens resultat som JSON (för program och skript)",
            ),
            *EVERYTHING,
        ),
        run,
        epilog=describe_flows(),
    ),
    Command(
        "deploy",
        "registrera flödena på en arbetspool för workers",
        "Registrerar alla flöden med scheman på en Prefect-arbetspool av typen "
        "process (skapas om den saknas). Starta sedan `prefect worker start --pool NAMN` "
        "på en eller flera maskiner.",
        (option("--pool", default="arshjul", metavar="NAMN", help="arbetspoolen (arshjul)"),),
        deploy,
    ),
    Command(
        "serve",
        "kör flödenas deployments och scheman mot Prefect-servern",
        "Registrerar alla flöden som deployments med scheman i svensk "
        "tid och kör dem tills du avbryter. Kräver PREFECT_API_URL. Körningarna "
        "använder inställningarna nedan.",
        EVERYTHING,
        serve,
    ),
    Command(
        "history",
        "visa loggade flödeskörningar",
        "Visar de senaste körningarna: flöde, parametrar, vem eller "
        "vad som startade dem, utfall och antal ändrade rader.",
        (
            option("--flow", metavar="FLÖDE", help="bara detta flöde"),
            option("--limit", type=int, default=20, metavar="N", help="antal rader (20)"),
            *STORED,
        ),
        history,
    ),
)
