"""Write the yearly processes' reports to the reports folder.

The text comes from ``calendars.reports``; files are written atomically and only when
their text changed, so a re-run of a process touches nothing.
"""

from __future__ import annotations

from pathlib import Path

from calendars.export import write_atomically

from .settings import Settings


def report_path(settings: Settings, organisation: str, name: str, year: int) -> Path:
    """Where an organisation's report lives, e.g. ``rapporter/varmland/uppfoljning-2027.md``."""
    return settings.reports_dir / organisation / f"{name}-{year}.md"


def write_report(path: Path, text: str | bytes) -> bool:
    """Write ``text`` (or a PDF's bytes) to ``path`` (a reader never sees half a file);
    True when written."""
    return write_atomically(path, text.encode("utf-8") if isinstance(text, str) else text)
