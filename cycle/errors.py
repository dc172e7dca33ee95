"""Errors that carry their cause: which file, line, field and value went wrong.

Every error is a ``ValueError`` subclass so callers that only care about "bad input"
can catch one type, while the CLI prints ``str(error)`` as one Swedish sentence.
"""

from __future__ import annotations


class CycleError(ValueError):
    """Bad input to the annual cycle, described in Swedish for the person who wrote it.

    Args:
        message: what is wrong, in Swedish, without the location.
        source: the file (or other source) the input came from.
        line: 1-based line number in ``source``, when known.
        field: dotted path of the offending field, e.g. ``series[2].rrule``.
        value: the offending value, shown quoted.

    Example:
        >>> str(CycleError("okänd roll", source="v.toml", line=4, field="membership[0].role",
        ...                value="kung"))
        "v.toml, rad 4, fält membership[0].role: okänd roll (värde: 'kung')"
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        self.value = value

    def __str__(self) -> str:
        where = [part for part in (self.source,) if part]
        if self.line is not None:
            where.append(f"rad {self.line}")
        if self.field:
            where.append(f"fält {self.field}")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        if self.value is not None:
            text += f" (värde: {self.value!r})"
        return text


class DefinitionError(CycleError):
    """A cycle definition file is malformed or inconsistent."""


class PlanError(CycleError):
    """The definitions are valid on their own but cannot be planned for a given year."""


class HistoryError(PlanError):
    """A change would rewrite what has already happened: a meeting that has begun or a
    task whose due date has passed. Correcting history is an explicit admin act."""


class InputError(CycleError):
    """A value a person typed into a form cannot be taken; ``field`` names the form field
    and ``message`` is shown next to it."""
