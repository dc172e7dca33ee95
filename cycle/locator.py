"""Find the line of a field in TOML text, so errors can point at it.

``tomllib`` returns plain dicts without positions. The cycle files use a small subset of
TOML (top-level keys, ``[table]``, ``[[array]]`` and ``[[array.sub]]``), so a line scanner
that mirrors that structure is enough to map a field path back to its line.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.\-]+)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-]+)\s*\]")
_KEY = re.compile(r"^\s*\"?([A-Za-z0-9_\-]+)\"?\s*=")


class Locator:
    """Maps field paths such as ``("series", 2, "rrule")`` to 1-based line numbers.

    Example:
        >>> loc = Locator('a = 1\\n[[series]]\\nid = "x"\\n[[series]]\\nid = "y"\\n')
        >>> loc.line_of(("series", 1, "id"))
        5
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[Path, int] = {}
        counts: dict[Path, int] = {}
        current: Path = ()
        for number, line in enumerate(text.splitlines(), start=1):
            if match := _ARRAY_HEADER.match(line):
                current = self._array_path(match.group(1), current, counts)
                self._lines.setdefault(current, number)
            elif match := _TABLE_HEADER.match(line):
                current = tuple(match.group(1).split("."))
                self._lines.setdefault(current, number)
            elif match := _KEY.match(line):
                self._lines.setdefault((*current, match.group(1)), number)

    @staticmethod
    def _array_path(name: str, current: Path, counts: dict[Path, int]) -> Path:
        """Path of a new ``[[name]]`` element; ``[[a.b]]`` nests under the latest ``a``."""
        head, _, sub = name.partition(".")
        parent: Path = (head,)
        if sub:
            parent = current[:2] if current[:1] == (head,) and len(current) >= 2 else (head, 0)
            parent = (*parent, sub)
        index = counts.get(parent, 0)
        counts[parent] = index + 1
        return (*parent, index)

    def line_of(self, path: Path) -> int | None:
        """Return the line of ``path``, or of its nearest enclosing block, or ``None``."""
        for end in range(len(path), 0, -1):
            if (line := self._lines.get(path[:end])) is not None:
                return line
        return None


def format_path(path: Path) -> str:
    """Render ``("series", 2, "rrule")`` as ``series[2].rrule`` for error messages."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
