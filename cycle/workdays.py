"""Swedish working days: public and de facto holidays, half days and klämdagar.

The facts come from the ``holidays`` package (Sweden, ``language="sv"``, every category);
this module only classifies them. A :class:`WorkCalendar` is an immutable value, so the
planner can be handed a synthetic one in tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import holidays
from holidays.countries.sweden import Sweden

from .errors import PlanError

_HALF_DAY = re.compile(r"från kl\. (\d{1,2})\.(\d{2})")
KLAMDAG = "Klämdag"
_WEEKDAYS_SV = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


@dataclass(frozen=True, slots=True)
class HalfDay:
    """A working day that ends early, e.g. "Dag före Midsommarafton (från kl. 14.00)"."""

    name: str
    ends_at: dt.time


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked, for the years it covers.

    Args:
        years: the calendar years the facts cover; asking about other days is an error,
            because silently treating an uncovered Christmas as a working day is worse.
        days_off: holidays that are not worked (public and de facto), by date.
        half_days: days that end early, by date.
        klamdagar: working days squeezed between a holiday and a weekend, by date.
    """

    years: frozenset[int]
    days_off: Mapping[dt.date, str]
    half_days: Mapping[dt.date, HalfDay]
    klamdagar: Mapping[dt.date, str]

    @classmethod
    def from_entries(
        cls, entries: Iterable[tuple[dt.date, str]], years: Iterable[int]
    ) -> WorkCalendar:
        """Classify named holiday entries; a klämdag is also derived where the source has none.

        Example:
            >>> cal = WorkCalendar.from_entries([(dt.date(2027, 5, 6), "Kristi himmelsfärdsdag")],
            ...                                 [2027])
            >>> cal.klamdagar[dt.date(2027, 5, 7)]
            'Klämdag'
        """
        off: dict[dt.date, str] = {}
        half: dict[dt.date, HalfDay] = {}
        klam: dict[dt.date, str] = {}
        for day, name in entries:
            if name == KLAMDAG:
                klam[day] = name
            elif match := _HALF_DAY.search(name):
                half[day] = HalfDay(name, dt.time(int(match.group(1)), int(match.group(2))))
            else:
                if day not in off:
                    off[day] = name
                elif name not in off[day]:
                    off[day] = f"{off[day]}, {name}"
        for day in list(half):
            if day in off:  # a full holiday wins over an early-closing note on the same day
                del half[day]
        covered = frozenset(years)
        for day in _derived_klamdagar(off, covered):
            klam.setdefault(day, KLAMDAG)
        return cls(covered, MappingProxyType(off), MappingProxyType(half), MappingProxyType(klam))

    def _check_covered(self, day: dt.date) -> None:
        if day.year not in self.years:
            raise PlanError(
                f"helgdagskalendern täcker inte år {day.year} "
                f"(täcker {', '.join(map(str, sorted(self.years)))})",
                value=day.isoformat(),
            )

    def day_off_reason(self, day: dt.date, *, avoid_klamdagar: bool) -> str | None:
        """Why ``day`` is not a working day ("lördag", "Julafton", "Klämdag"), or ``None``."""
        self._check_covered(day)
        if day in self.days_off:
            return self.days_off[day]
        if day.weekday() >= 5:
            return _WEEKDAYS_SV[day.weekday()]
        if avoid_klamdagar and day in self.klamdagar:
            return self.klamdagar[day]
        return None

    def is_working_day(self, day: dt.date, *, avoid_klamdagar: bool) -> bool:
        """True for a weekday that is neither a holiday nor (if avoided) a klämdag."""
        return self.day_off_reason(day, avoid_klamdagar=avoid_klamdagar) is None

    def add_working_days(self, day: dt.date, count: int, *, avoid_klamdagar: bool) -> dt.date:
        """Move ``count`` working days from ``day`` (backwards when negative).

        ``count == 0`` returns ``day`` itself, so a step "on the meeting day" stays there.
        Three working days before Monday 10 May 2027 skip the klämdag and Ascension Day:

        Example:
            >>> cal = swedish_calendar([2027])
            >>> cal.add_working_days(dt.date(2027, 5, 10), -3, avoid_klamdagar=True)
            datetime.date(2027, 5, 3)
        """
        step = 1 if count > 0 else -1
        remaining = abs(count)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day, avoid_klamdagar=avoid_klamdagar):
                remaining -= 1
        return day


def _derived_klamdagar(off: Mapping[dt.date, str], years: frozenset[int]) -> Iterable[dt.date]:
    """Weekdays with a holiday on one side and a holiday or weekend on the other."""

    def is_off(day: dt.date) -> bool:
        return day.weekday() >= 5 or day in off

    for year in years:
        day = dt.date(year, 1, 1)
        while day.year == year:
            before, after = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
            if (
                day.weekday() < 5
                and day not in off
                and is_off(before)
                and is_off(after)
                and (before in off or after in off)
            ):
                yield day
            day = after


def swedish_calendar(years: Iterable[int]) -> WorkCalendar:
    """Build the calendar for ``years`` from the ``holidays`` package, in Swedish.

    Example:
        >>> swedish_calendar([2027]).days_off[dt.date(2027, 6, 25)]
        'Midsommarafton'
    """
    covered = sorted(set(years))
    source = holidays.country_holidays(
        "SE",
        years=covered,
        language="sv",
        categories=Sweden.supported_categories,
    )
    entries = [(day, name) for day in sorted(source) for name in source.get_list(day)]
    return WorkCalendar.from_entries(entries, covered)
