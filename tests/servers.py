"""Servers the tests start as processes of their own: on a free port of 127.0.0.1, in a
session of their own, waited for until they listen, and stopped by their process group
(so a server's workers go with it)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(port: int) -> bool:
    """Whether something listens on the port."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@contextlib.contextmanager
def listening(
    argv: list[str], port: int, *, env: dict[str, str] | None = None, timeout: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``argv`` (which listens on ``port``) until the block ends; its output goes to a
    file, shown if it never starts listening."""
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            argv, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + timeout
            while not answers(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    output.seek(0)
                    pytest.fail(f"{' '.join(argv[1:3])} did not start: {output.read()!r}")
                time.sleep(0.1)  # waiting for an external process to listen
            yield process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
