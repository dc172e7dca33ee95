"""Prefect's temporary server for a local run, started as the command's own child and
tied to it, so that nothing a command starts outlives it.

Prefect starts this server itself on a flow's first call when no ``PREFECT_API_URL`` is
set (``SubprocessASGIServer``), stops it at exit – and leaves it running, with parent 1
and its port held, when the command is killed (``kill -9``, the out-of-memory killer),
because nothing tells it its parent is gone. Started here instead, the server runs in a
process group of its own (Ctrl-C at the terminal reaches the command, which stops the
server after the flow has ended, not under it) and, on Linux, with
``PR_SET_PDEATHSIG``: the kernel sends it SIGTERM the moment the command dies.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

import prefect
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_ENABLED,
    get_current_settings,
    temporary_settings,
)

from .errors import EngineError

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# what ends a command (cli.main turns them into SystemExit / KeyboardInterrupt); held back
# while the server is being forked, so the command always knows the process it made
ENDING = frozenset({signal.SIGTERM, signal.SIGINT, signal.SIGHUP})


def _tether(parent: int) -> None:
    """In the server's process, before it runs: a process group of its own, and
    SIGTERM when ``parent`` dies (the kernel's doing, so even ``kill -9`` of the command
    ends the server)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING)  # the fork inherited the block
    os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the command died before the tie was made
        os._exit(1)


class _TetheredServer(SubprocessASGIServer):
    """Prefect's temporary server, started as Prefect starts it (the same command and
    environment as ``SubprocessASGIServer._run_uvicorn_command`` in Prefect 3.9) but
    tied to this process, and silent unless asked."""

    # a registry of its own: Prefect's ``SubprocessASGIServer()`` must never hand out this one
    _instances: dict[int | None, SubprocessASGIServer] = {}  # noqa: RUF012
    inherited: Mapping[str, str] = MappingProxyType({})  # the command's environment
    quiet: bool = True
    made: subprocess.Popen[Any] | None = None  # the last process started, known at once

    def stop(self) -> None:
        """Prefect's stop, and the process it may not know yet: a command stopped while
        the server was starting ends it here, before the command itself ends."""
        made, self.made = self.made, None
        if self.server_process is None and made is not None and made.poll() is None:
            self.server_process = made
        super().stop()

    def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
        output = subprocess.DEVNULL if self.quiet else None
        parent = os.getpid()
        held = signal.pthread_sigmask(signal.SIG_BLOCK, ENDING)
        try:
            self.made = self._popen(output, parent)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a signal held lands here
        return self.made

    def _popen(self, output: int | None, parent: int) -> subprocess.Popen[Any]:
        return subprocess.Popen(
            args=[
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                str(prefect.__module_path__.parent),
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env={
                **self.inherited,
                "PREFECT_UI_ENABLED": "0",
                "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1",
                **get_current_settings().to_environment_variables(exclude_unset=True),
            },
            stdout=output,
            stderr=output,
            preexec_fn=lambda: _tether(parent),
        )


@contextmanager
def local_server(environment: Mapping[str, str], *, quiet: bool) -> Iterator[str | None]:
    """Prefect's temporary server for the flows called inside, when Prefect would start
    one (no API named, temporary servers allowed); yields its API address, or None when
    a server is named already or none may be started (Prefect then refuses, as before).

    Start it from the main thread: the kernel's tie is to the thread that starts it.

    Args:
        environment: the environment the server gets (the command's, read at its edge).
        quiet: send the server's own output nowhere (without ``--verbose``).

    Raises:
        EngineError: the server did not answer within Prefect's start-up limit
            (``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS``).
    """
    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        yield PREFECT_API_URL.value() or None
        return
    server = _TetheredServer()
    server.inherited, server.quiet = dict(environment), quiet
    try:
        server.start()
    except BaseException as error:
        # stopped while it starts too (Ctrl-C, SIGTERM): ended and waited for here, not
        # left to the kernel's tie, which ends it only after the command is gone
        server.stop()
        if not isinstance(error, Exception):
            raise
        limit = get_current_settings().server.ephemeral.startup_timeout_seconds
        raise EngineError(
            "Prefects tillfälliga server startade inte inom "
            f"{limit:g} s; försök igen, eller höj gränsen med "
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
        ) from error
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        server.stop()
