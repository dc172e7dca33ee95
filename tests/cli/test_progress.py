"""Progress: lines that stay, and a bar only at a terminal, gone when the work is done."""

from __future__ import annotations

import io

from cli.progress import steps


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as a person's shell is."""

    def isatty(self) -> bool:
        return True


def test_without_a_terminal_only_the_lines_are_written() -> None:
    out = io.StringIO()
    with steps(out, "Planerar", total=2) as step:
        step("Sparar A 2027")
        step("Sparar B 2027")
    assert out.getvalue() == "Sparar A 2027\nSparar B 2027\n"


def test_at_a_terminal_a_bar_runs_under_the_lines_and_is_cleared() -> None:
    out = Terminal()
    with steps(out, "Planerar", total=2) as step:
        step("Sparar A 2027")
        step("Sparar B 2027")
    written = out.getvalue()
    assert "Sparar A 2027" in written and "Sparar B 2027" in written
    assert "\x1b[?25l" in written  # the cursor hidden while the bar runs
    assert "2/2" in written  # the bar counted both steps
    # at the end the cursor is shown again and the bar's line erased
    assert written.endswith("\x1b[?25h\r\x1b[1A\x1b[2K")
