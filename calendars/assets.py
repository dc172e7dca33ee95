"""The files every page uses: one stylesheet, one script and the icon, all from the site.

Pages carry no inline style or script, so the strictest Content-Security-Policy
(:mod:`calendars.policy`) holds for all of them. The export writes these files into the
folder (``_/arshjul.css``, ``_/arshjul.js``, ``favicon.ico``, where browsers look for
it) so that any static web server has them; the web application serves the same bytes
at the same paths.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FOLDER = Path(__file__).parent / "static"
PATHS = ("_/arshjul.css", "_/arshjul.js", "favicon.ico")  # where each is in the site


@cache
def assets() -> dict[str, bytes]:
    """The files by their path in the site (``_/arshjul.css``, …), read once."""
    return {path: (FOLDER / path.rsplit("/", 1)[-1]).read_bytes() for path in PATHS}


def stylesheet() -> str:
    """The stylesheet's text, for a document that must stand alone (a report file)."""
    return assets()["_/arshjul.css"].decode("utf-8")
