"""The CLI as a process: a closed output pipe ends it quietly, SIGTERM and Ctrl-C stop
what it started (the temporary Prefect server of a local run), and its output is quiet
Swedish – Prefect's English log lines only with --verbose. Real processes, found and
checked by PID in /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli.main import EXIT_CLOSED_PIPE, EXIT_INTERRUPTED
from services.settings import Settings
from tests.conftest import TEST_DATABASE

# the process's edge is the same whatever the database: once, in the SQLite pass
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TEST_DATABASE == "postgres", reason="database-independent; SQLite pass"),
]
ARSHJUL = str(Path(sys.executable).with_name("arshjul"))


def _env(settings: Settings) -> dict[str, str]:
    """The workspace's settings, and a local run as an admin's: Prefect's temporary
    server allowed (the suite turns it off for itself)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    return env | settings.environment() | {"PREFECT_SERVER_EPHEMERAL_ENABLED": "true"}


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended while we looked
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _wait_for_server_child(proc: subprocess.Popen[str], timeout: float = 120) -> int:
    """The PID of the temporary Prefect server ``proc`` starts (polled until it exists)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        for child in _children(proc.pid):
            if "uvicorn" in _cmdline(child):
                return child
        time.sleep(0.05)
    raise AssertionError("no temporary Prefect server started")


@pytest.mark.parametrize(
    ("sig", "code"),
    [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, EXIT_INTERRUPTED)],
)
def test_a_stopped_run_leaves_no_process_behind(
    workspace: Path, settings: Settings, sig: signal.Signals, code: int
) -> None:
    proc = subprocess.Popen(
        [ARSHJUL, "run", "plan-year", "--param", "org=varmland", "--param", "year=2027"],
        env=_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        server = _wait_for_server_child(proc)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code
    assert "Traceback" not in err
    assert not _alive(server), f"the temporary server {server} was left running"


def test_a_closed_pipe_ends_quietly(workspace: Path, settings: Settings) -> None:
    env = _env(settings)
    planned = subprocess.run(
        [ARSHJUL, "plan", "--year", "2027", "--org", "varmland"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert planned.returncode == 0, planned.stderr
    # as `arshjul meetings … | head -1`: the reader goes away after the first line
    proc = subprocess.Popen(
        [ARSHJUL, "meetings", "--org", "varmland", "--year", "2027"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == EXIT_CLOSED_PIPE
    assert err == ""


def test_a_local_run_is_quiet_and_swedish_unless_asked(workspace: Path, settings: Settings) -> None:
    argv = [ARSHJUL, "run", "plan-year", "--param", "org=varmland", "--param", "year=2027"]
    quiet = subprocess.run(argv, env=_env(settings), capture_output=True, text=True, timeout=180)
    assert quiet.returncode == 0, quiet.stderr
    # one Swedish line per step of the flow, as it ends, and nothing else on stderr
    assert quiet.stderr == (
        "  ✓ läs cykelfiler\n  ✓ läs kalendrar\n  ✓ spara årsplan\n  ✓ publicera flöden\n"
    )
    assert "varmland 2027: " in quiet.stdout and "INFO" not in quiet.stdout
    loud = subprocess.run(
        [*argv, "--verbose"], env=_env(settings), capture_output=True, text=True, timeout=180
    )
    assert loud.returncode == 0, loud.stderr
    assert "arshjul: databas sqlite:///" in loud.stderr or "postgresql" in loud.stderr
    assert "Finished in state Completed()" in loud.stderr  # Prefect's own lines
