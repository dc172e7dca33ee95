"""The flows an admin can trigger, their parameters, and Swedish checks of the values.

This module imports no Prefect, so ``arshjul --help`` and the parameter checks stay fast;
``registry`` binds these names to the flow objects, and a test keeps both in step with
the flows' signatures.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cycle import PlanError
from cycle.plan import STOCKHOLM

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def check_year(year: int) -> int:
    """Refuse years the holiday calendar and the planner are not meant for."""
    if not 2000 <= year <= 2100:
        raise PlanError("året måste ligga mellan 2000 och 2100", field="year", value=year)
    return year


def parse_month(text: str) -> tuple[int, int]:
    """``"2027-03"`` -> ``(2027, 3)``, or a Swedish error."""
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PlanError("månaden ska skrivas ÅÅÅÅ-MM, t.ex. 2027-03", field="month", value=text)
    return check_year(int(match.group(1))), int(match.group(2))


def parse_local(text: str, field: str = "start") -> dt.datetime:
    """``"2027-03-05T09:00"`` in Stockholm wall time -> an aware datetime, or a Swedish error."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise PlanError(
            "tiden ska skrivas ÅÅÅÅ-MM-DDTTT:MM, t.ex. 2027-03-05T09:00", field=field, value=text
        ) from None
    return moment.astimezone(STOCKHOLM) if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)


PARAMETER_HELP = {
    "org": "organisationens slug, t.ex. varmland (utelämnad: alla)",
    "year": "år, t.ex. 2027",
    "month": "månad ÅÅÅÅ-MM, t.ex. 2027-03 (utelämnad: nästa möte)",
    "forum": "vilket forum under året, 1–3",
    "meeting": "mötets id (se arshjul meetings)",
    "start": "ny starttid i svensk tid, ÅÅÅÅ-MM-DDTTT:MM",
    "reason": "skäl, visas offentligt i mötets historik och i kalendrarna",
    "now": "tidpunkt ÅÅÅÅ-MM-DDTTT:MM (utelämnad: nu)",
    "dry_run": "ja = visa bara vad som skulle skickas",
}

_CHECKS: Mapping[str, Callable[[Any], object]] = {
    "year": check_year,
    "month": parse_month,
    "start": parse_local,
    "now": lambda value: parse_local(value, "now"),
}


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    kind: type
    required: bool = False

    @property
    def help(self) -> str:
        return PARAMETER_HELP[self.name]


@dataclass(frozen=True, slots=True)
class FlowInfo:
    """A triggerable flow's name, Swedish summary and parameters."""

    name: str
    summary: str
    parameters: tuple[Parameter, ...]


_ORG, _YEAR = Parameter("org", str), Parameter("year", int)
CATALOGUE: dict[str, FlowInfo] = {
    info.name: info
    for info in (
        FlowInfo("plan-year", "planera och spara ett år (utan år: nästa år)", (_ORG, _YEAR)),
        FlowInfo(
            "january-prioritisation",
            "förbered januarimötets prioritering och publicera beslutade prioriteringar",
            (_ORG, _YEAR),
        ),
        FlowInfo(
            "year-end-follow-up",
            "årsuppföljning: statusuppgifter, uppföljningsrapport och uppdrag för nästa år",
            (_ORG, _YEAR),
        ),
        FlowInfo(
            "direktorsberedning-month",
            "förbered nästa direktörsberedning",
            (_ORG, Parameter("month", str)),
        ),
        FlowInfo(
            "stora-samverkansradet-forum",
            "förbered ett forum i Stora samverkansrådet",
            (Parameter("org", str, True), Parameter("year", int, True), Parameter("forum", int)),
        ),
        FlowInfo(
            "reschedule-meeting",
            "flytta ett möte och dess förberedelsekedja",
            (
                Parameter("meeting", str, True),
                Parameter("start", str, True),
                Parameter("reason", str, True),
            ),
        ),
        FlowInfo(
            "cancel-meeting",
            "ställ in ett möte",
            (Parameter("meeting", str, True), Parameter("reason", str, True)),
        ),
        FlowInfo(
            "send-reminders",
            "köa och skicka e-post: uppgifter, påminnelser, kallelser, veckobrev",
            (Parameter("now", str), Parameter("dry_run", bool)),
        ),
        FlowInfo(
            "plan-organisation",
            "planera ett års möten för en organisation",
            (Parameter("org", str, True), Parameter("year", int, True)),
        ),
        FlowInfo("export-feeds", "publicera alla kalenderflöden och startsidan", ()),
    )
}


def flow_info(name: str) -> FlowInfo:
    """The catalogue entry for ``name``, or a Swedish error listing the flows."""
    if name not in CATALOGUE:
        raise PlanError(
            f"okänt flöde; välj bland {', '.join(CATALOGUE)}", field="FLÖDE", value=name
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
                f"flödet {info.name} har ingen sådan parameter (tillåtna: {', '.join(known)})",
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
            lines.append(f"      {p.name}={kind} ({need}): {p.help}")
    return "\n".join(lines)
