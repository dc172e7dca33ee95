"""The pure core of Årshjul: cycle rules, Swedish working days and the year's plan.

Nothing in this package reads a clock, a file, a database or the network, and it imports
neither Prefect nor SQLModel nor icalendar; callers pass ``today``/``now`` and text in.
"""

from .cyclefile import parse_cycle
from .definitions import CycleDefinition
from .errors import CycleError, DefinitionError, PlanError
from .plan import PlannedMeeting, PlannedTask, YearPlan, plan_year
from .workdays import WorkCalendar, swedish_calendar

__all__ = [
    "CycleDefinition",
    "CycleError",
    "DefinitionError",
    "PlanError",
    "PlannedMeeting",
    "PlannedTask",
    "WorkCalendar",
    "YearPlan",
    "parse_cycle",
    "plan_year",
    "swedish_calendar",
]
