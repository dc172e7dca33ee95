"""The core stays pure: importing it loads no Prefect, SQLModel, icalendar or database."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_no_io_frameworks() -> None:
    code = (
        "import sys, cycle, cycle.plan, cycle.cyclefile, cycle.workdays\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'prefect', 'sqlmodel', 'sqlalchemy', 'icalendar', 'models', 'flows', 'calendars'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
