"""Progress for long work, the way a person at a terminal wants it: one line per step
that stays, and under them a bar (or a spinner, when the number of steps is not known)
that disappears when the work is done. When output is not a terminal (a pipe, a log, a
cron job) there is no bar: only the lines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class Steps:
    """A callable that takes one Swedish line per step (``progress`` in the services)."""

    def __init__(self, stream: TextIO, progress: Progress | None, task: TaskID | None) -> None:
        self._stream, self._progress, self._task = stream, progress, task

    def __call__(self, line: str) -> None:
        if self._progress is None or self._task is None:
            print(line, file=self._stream, flush=True)
            return
        self._progress.console.print(line, highlight=False, markup=False)
        self._progress.update(self._task, advance=1, description=line.strip())


@contextmanager
def steps(stream: TextIO, label: str, total: int | None = None) -> Iterator[Steps]:
    """Steps written to ``stream``; on a terminal with a transient bar of ``total`` steps
    (a spinner when None) labelled ``label``."""
    if not stream.isatty():
        yield Steps(stream, None, None)
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=Console(file=stream), transient=True) as progress:
        yield Steps(stream, progress, progress.add_task(label, total=total))
