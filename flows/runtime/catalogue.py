"""The flows as data: name, Swedish summary, parameters, where the flow lives and when it
runs, with Swedish checks of an admin's parameter values.

This module imports no Prefect, so ``arshjul --help`` and the parameter checks stay
fast. The flows are found by their entrypoint (``module:function``), the same string a
Prefect deployment and a worker use; a test keeps every entry equal to the flow it names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from cycle import PlanError
from cycle.suggestions import did_you_mean
from cycle.times import check_year, parse_local, parse_month

PARAMETER_HELP = {
    "org": "organisationens slug, t.ex. varmland",
    "year": "år, t.ex. 2027",
    "month": "månad ÅÅÅÅ-MM, t.ex. 2027-03",
    "forum": "vilket forum under året, 1–3",
    "meeting": "mötets id (se arshjul meetings)",
    "start": "ny starttid i svensk tid, ÅÅÅÅ-MM-DDTTT:MM",
    "reason": "skäl, visas offentligt i mötets historik och i kalendrarna",
    "now": "tidpunkt ÅÅÅÅ-MM-DDTTT:MM",
    "dry_run": "ja = visa bara vad som skulle skickas",
}
# what an optional parameter left out means (a required one is never left out)
WHEN_OMITTED = {"org": "alla", "month": "nästa möte", "now": "nu"}

# Every flow's deployment is named "<flow>/arshjul".
DEPLOYMENT = "arshjul"

_CHECKS: Mapping[str, Callable[[Any], object]] = {
    "year": check_year,
    "month": parse_month,
    "start": parse_local,
    "now": lambda value: parse_local(value, field="now"),
}


class FlowResult(Protocol):
    """What every flow returns: one Swedish line for the audit log and the CLI, and the
    lines that give the detail (tasks, guests, reports, messages)."""

    @property
    def summary(self) -> str: ...

    @property
    def details(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    kind: type
    required: bool = False

    @property
    def help(self) -> str:
        return PARAMETER_HELP[self.name]


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a flow runs by itself: a cron expression in Stockholm time, and in Swedish."""

    cron: str
    text: str


@dataclass(frozen=True, slots=True)
class FlowInfo:
    """A flow an admin can trigger: what it does, its parameters, its entrypoint and its
    schedule (None: started by an admin or another flow only)."""

    name: str
    summary: str
    parameters: tuple[Parameter, ...]
    entrypoint: str
    schedule: Schedule | None = None


_ORG, _YEAR = Parameter("org", str), Parameter("year", int)
CATALOGUE: dict[str, FlowInfo] = {
    info.name: info
    for info in (
        FlowInfo(
            "plan-year",
            "planera och spara ett år (utan år: nästa år)",
            (_ORG, _YEAR),
            "flows.plan:plan_year_flow",
            Schedule("0 6 1 10 *", "1 oktober kl. 06.00: planera nästa år"),
        ),
        FlowInfo(
            "january-prioritisation",
            "förbered januarimötets prioritering och publicera beslutade prioriteringar",
            (_ORG, _YEAR),
            "flows.yearly:january_prioritisation_flow",
            Schedule("0 7 1 12 *", "1 december kl. 07.00: förbered januarimötet"),
        ),
        FlowInfo(
            "year-end-follow-up",
            "årsuppföljning: statusuppgifter, uppföljningsrapport och uppdrag för nästa år",
            (_ORG, _YEAR),
            "flows.yearly:year_end_follow_up_flow",
            # every Monday of November and December: the first run makes the status
            # tasks (due before the follow-up meeting), the later ones write the report
            # again with what has been reported since – after the work it collects
            Schedule(
                "0 7 * 11,12 1",
                "måndagar i november och december kl. 07.00: statusuppgifter, sedan "
                "rapporten på nytt med de rapporterade statusarna",
            ),
        ),
        FlowInfo(
            "direktorsberedning-month",
            "förbered nästa direktörsberedning",
            (_ORG, Parameter("month", str)),
            "flows.meetings:direktorsberedning_month_flow",
            Schedule("0 6 1 * *", "den 1:a varje månad kl. 06.00"),
        ),
        FlowInfo(
            "stora-samverkansradet-forum",
            "förbered ett forum i Stora samverkansrådet",
            (Parameter("org", str, True), Parameter("year", int, True), Parameter("forum", int)),
            "flows.meetings:forum_flow",
        ),
        FlowInfo(
            "reschedule-meeting",
            "flytta ett möte och dess förberedelsekedja",
            (
                Parameter("meeting", str, True),
                Parameter("start", str, True),
                Parameter("reason", str, True),
            ),
            "flows.meetings:reschedule_meeting_flow",
        ),
        FlowInfo(
            "cancel-meeting",
            "ställ in ett möte",
            (Parameter("meeting", str, True), Parameter("reason", str, True)),
            "flows.meetings:cancel_meeting_flow",
        ),
        FlowInfo(
            "send-reminders",
            "köa och skicka e-post: uppgifter, påminnelser, kallelser, veckobrev",
            (Parameter("now", str), Parameter("dry_run", bool)),
            "flows.reminders:send_reminders_flow",
            Schedule("0 7 * * *", "varje morgon kl. 07.00"),
        ),
        FlowInfo(
            "plan-organisation",
            "planera ett års möten för en eller flera organisationer (org=a,b)",
            (Parameter("org", str, True), Parameter("year", int, True)),
            "flows.plan:plan_organisation_flow",
        ),
        FlowInfo(
            "export-feeds",
            "publicera alla kalenderflöden och startsidan",
            (),
            "flows.feeds:export_feeds_flow",
            Schedule("5 * * * *", "fem över varje hel timme"),
        ),
    )
}


def flow_info(name: str) -> FlowInfo:
    """The catalogue entry for ``name``, or a Swedish error listing the flows."""
    if name not in CATALOGUE:
        raise PlanError(
            f"okänt flöde{did_you_mean(name, CATALOGUE)} (flöden: {', '.join(CATALOGUE)})",
            field="FLÖDE",
            value=name,
        )
    return CATALOGUE[name]


def parse_parameters(info: FlowInfo, pairs: list[str]) -> dict[str, Any]:
    """Turn ``key=value`` strings into typed, checked parameters, or a Swedish error."""
    known = {p.name: p for p in info.parameters}
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise PlanError("parametrar skrivs nyckel=värde", field="--param", value=pair)
        param = known.get(key)
        if param is None:
            raise PlanError(
                f"flödet {info.name} har ingen sådan parameter{did_you_mean(key, known)} "
                f"(tillåtna: {', '.join(known)})",
                field="--param",
                value=key,
            )
        values[key] = _convert(param, raw)
        if key in _CHECKS:
            _CHECKS[key](values[key])
    missing = [p.name for p in info.parameters if p.required and p.name not in values]
    if missing:
        raise PlanError(f"parameter saknas: {', '.join(missing)}", field="--param")
    return values


_BOOLEANS = {"ja": True, "true": True, "1": True, "nej": False, "false": False, "0": False}


def _convert(param: Parameter, raw: str) -> Any:
    if param.kind is bool:
        if raw.lower() not in _BOOLEANS:
            raise PlanError("värdet ska vara ja eller nej", field=param.name, value=raw)
        return _BOOLEANS[raw.lower()]
    try:
        return param.kind(raw)
    except ValueError:
        raise PlanError("värdet ska vara ett heltal", field=param.name, value=raw) from None


def describe_flows() -> str:
    """The Swedish list of flows and parameters for ``arshjul run --help``."""
    lines = ["flöden:"]
    for info in CATALOGUE.values():
        lines.append(f"  {info.name:<28} {info.summary}")
        for p in info.parameters:
            need = "krävs" if p.required else "valfri"
            kind = {int: "heltal", bool: "ja/nej"}.get(p.kind, "text")
            omitted = "" if p.required else WHEN_OMITTED.get(p.name, "")
            lines.append(
                f"      {p.name}={kind} ({need}): {p.help}"
                + (f" (utelämnad: {omitted})" if omitted else "")
            )
    return "\n".join(lines)
