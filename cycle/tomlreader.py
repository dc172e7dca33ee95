"""A typed reader over parsed TOML that turns every problem into a located error.

Cycle files and the priority/follow-up import files are edited by hand; each getter
checks one field's type and names the file, line and field when it is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .errors import DefinitionError
from .locator import Locator, Path, format_path
from .suggestions import closest, did_you_mean
from .text import TextError, clean_text
from .times import missing_date

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_TYPE_NAMES = {str: "text", bool: "sant/falskt", int: "heltal", dt.date: "datum (ÅÅÅÅ-MM-DD)"}
E = TypeVar("E")


class Context:
    """Source name and line locator shared by every table of one file."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.locator = Locator(text)

    def error(self, path: Path, message: str, value: object = None) -> DefinitionError:
        return DefinitionError(
            message,
            source=self.source,
            line=self.locator.line_of(path),
            field=format_path(path) or None,
            value=value,
        )


class Table:
    """A TOML table being read: typed getters, and an error for keys nobody asked for."""

    def __init__(self, data: dict[str, Any], path: Path, ctx: Context) -> None:
        self.data, self.path, self.ctx = data, path, ctx
        self._seen: set[str] = set()

    def error(self, key: str | None, message: str, value: object = None) -> DefinitionError:
        return self.ctx.error(self.path if key is None else (*self.path, key), message, value)

    def _get(self, key: str, kind: type, required: bool) -> Any:
        self._seen.add(key)
        if key not in self.data:
            if required:
                typo = closest(key, [k for k in self.data if k not in self._seen])
                if typo is not None:  # `strat = …`: the typo is the news, not the gap
                    raise self.error(typo, f"okänt fält {typo!r}; menade du {key}?")
                raise self.error(None, f"obligatoriskt fält {key!r} saknas")
            return None
        value = self.data[key]
        # bool is an int subclass in Python; TOML keeps them apart, and so do we.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(key, f"ska vara {_TYPE_NAMES.get(kind, kind.__name__)}", value)
        if kind is dt.date and isinstance(value, dt.datetime):
            raise self.error(key, "ska vara ett datum utan klockslag", value.isoformat())
        return value

    def _clean(self, key: str, value: str, lines: bool) -> str:
        try:
            return clean_text(value, lines=lines)
        except TextError as error:
            raise self.error(key, str(error), value) from None

    def text(
        self, key: str, *, required: bool = True, default: str = "", lines: bool = False
    ) -> str:
        """A text field, normalised (``cycle.text``); ``lines`` allows line breaks."""
        value = self._get(key, str, required)
        if value is None:
            return default
        if required and not value.strip():
            raise self.error(key, "får inte vara tomt", value)
        return self._clean(key, value, lines)

    def optional_text(self, key: str, *, lines: bool = False) -> str | None:
        value = self._get(key, str, False)
        if value is None or not value.strip():
            return None
        return self._clean(key, value, lines)

    def slug(self, key: str) -> str:
        value = self.text(key)
        if not _SLUG.match(value):
            raise self.error(
                key, "får bara innehålla a–z, 0–9 och bindestreck (utan å, ä, ö)", value
            )
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, bool, False)
        return default if value is None else bool(value)

    def integer(self, key: str) -> int:
        return int(self._get(key, int, True))

    def minutes(self, key: str, *, most: int) -> int:
        """An optional whole number of minutes, 0 to ``most`` (0 when not given)."""
        value = self._get(key, int, False)
        if value is None:
            return 0
        if not 0 <= value <= most:
            raise self.error(key, f"ska vara ett antal minuter, 0–{most}", value)
        return int(value)

    def date(self, key: str) -> dt.date | None:
        value: dt.date | None = self._get(key, dt.date, False)
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key, list, False) or []
        if not all(isinstance(item, str) for item in value):
            raise self.error(key, "ska vara en lista med texter", value)
        return tuple(self._clean(key, item, False) for item in value)

    def choice(
        self, key: str, enum: Callable[[str], E], names: Iterable[str], *, required: bool = True
    ) -> E | None:
        value = self._get(key, str, required)
        if value is None:
            return None
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(repr(n) for n in names)
            raise self.error(key, f"okänt värde; tillåtna är {allowed}", value) from None

    def table(self, key: str) -> Table | None:
        value = self._get(key, dict, False)
        return None if value is None else Table(value, (*self.path, key), self.ctx)

    def tables(self, key: str) -> list[Table]:
        self._seen.add(key)
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.error(key, f"ska skrivas som [[{key}]]-tabeller")
        return [Table(item, (*self.path, key, i), self.ctx) for i, item in enumerate(value)]

    def done(self) -> None:
        for key in self.data:
            if key not in self._seen:
                hint = did_you_mean(key, sorted(self._seen))
                raise self.error(key, f"okänt fält {key!r}{hint}", self.data[key])


def load_toml(text: str, source: str) -> Table:
    """Parse ``text`` and return its root table.

    Raises:
        DefinitionError: the text is not valid TOML; the line is taken from the parser.
    """
    ctx = Context(source, text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(str(error), text, source) from None
    return Table(raw, (), ctx)


# ``key = value`` on one line (comments after the value left out), for naming the field
# of a line the parser refused
_KEY_VALUE = re.compile(r'\s*("[^"]*"|[A-Za-z0-9_.-]+)\s*=\s*([^#]*?)\s*(?:#.*)?')
_DATE_LIKE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{1,2}\S*)?")
# tomllib's messages, in the Swedish the rest of the file check speaks (the parser's
# own text is English; a message not listed here is said as a plain syntax error)
_TOML_MESSAGES = {
    "Invalid date or datetime": "ogiltigt datum eller klockslag",
    "Expected newline or end of document after a statement": "raden fortsätter efter värdet",
    "Expected '=' after a key in a key/value pair": "'=' saknas efter fältnamnet",
    "Invalid value": "ogiltigt värde",
    "Unterminated string": "en text saknar sitt avslutande citattecken",
    "Cannot overwrite a value": "ett fält anges två gånger",
    "Invalid statement": "raden är varken fält = värde eller en [tabell]",
    "Unclosed array": "en lista saknar sitt ]",
    "Unclosed inline table": "en tabell saknar sitt }",
    "Invalid initial character for a key part": "ogiltigt tecken i ett fältnamn",
    "Illegal character": "otillåtet tecken",
}


def _syntax_error(message: str, text: str, source: str) -> DefinitionError:
    """The parser's refusal as a Swedish error with the file, line and – where the line
    is a ``field = value`` – the field; a date the calendar lacks (30 February) is said
    as such, since the parser calls it a syntax error.

    Example:
        >>> e = _syntax_error("Invalid date or datetime (at line 1, column 8)",
        ...                   "from = 2027-02-30", "mini.toml")
        >>> e.line, e.field, e.value
        (1, 'from', '2027-02-30')
        >>> e.message
        'det datumet finns inte: februari 2027 har 28 dagar'
    """
    where = re.search(r"at line (\d+), column (\d+)", message)
    line = int(where.group(1)) if where else None
    detail = re.sub(r"\s*\(at (?:line.*|end of document)\)$", "", message)
    lines = text.splitlines()
    pair = _KEY_VALUE.fullmatch(lines[line - 1]) if line and line <= len(lines) else None
    field = _field_at(lines, line, pair.group(1).strip('"')) if line and pair else None
    if pair is not None:
        value = pair.group(2)
        date = _DATE_LIKE.fullmatch(value)
        if date is not None:
            impossible = missing_date(*(int(g) for g in date.groups()))
            reason = impossible or "ett datum skrivs ÅÅÅÅ-MM-DD, t.ex. 2027-03-05"
            return DefinitionError(reason, source=source, line=line, field=field, value=value)
    said = next((sv for en, sv in _TOML_MESSAGES.items() if detail.startswith(en)), "syntaxfel")
    return DefinitionError(
        f"filen är inte giltig TOML ({said})",
        source=source,
        line=line,
        field=field,
    )


_HEADER = re.compile(r"\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(?:#.*)?")


def _field_at(lines: list[str], line: int, key: str) -> str:
    """The field a ``key = value`` on ``line`` (1-based) sets, as errors name fields
    (``series[0].name``): the tables and arrays of tables opened above it, counted.

    Example:
        >>> _field_at(["[organisation]", "[[series]]", "[[series]]", "[[series.change]]",
        ...            "day = 2027-02-30"], 5, "day")
        'series[1].change[0].day'
    """
    counts: dict[str, int] = {}  # array-of-tables path -> index of the latest
    current: list[str | int] = []
    for text in lines[: line - 1]:
        header = _HEADER.fullmatch(text)
        if header is None:
            continue
        names = header.group(2).split(".")
        parts: list[str | int] = []
        for depth, name in enumerate(names):
            parts.append(name)
            prefix = ".".join(names[: depth + 1])
            last = depth == len(names) - 1
            if header.group(1) == "[[" and last:
                counts[prefix] = counts.get(prefix, -1) + 1
                for other in [k for k in counts if k.startswith(prefix + ".")]:
                    del counts[other]  # a new parent's arrays count from 0 again
            if prefix in counts:
                parts.append(counts[prefix])
        current = parts
    return format_path((*current, key))


def values(enum: Iterable[Any]) -> list[str]:
    """The string values of an enum, for "allowed are …" messages."""
    return [member.value for member in enum]
