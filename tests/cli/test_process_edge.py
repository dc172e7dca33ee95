"""The CLI as a process: a closed output pipe ends it quietly, SIGTERM and Ctrl-C stop
what it started (the temporary Prefect server of a local run), even SIGKILL leaves
nothing behind, and its output is quiet Swedish – Prefect's English log lines and
tracebacks only with --verbose, an error (a flow's refusal, a server that does not
start) one Swedish line. Prefect keeps its files in the data folder. Real processes,
found and checked by PID, parent, process group and session in /proc."""

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


def _processes() -> dict[int, tuple[int, int, int]]:
    """Every live process: its parent, process group and session (from /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while we looked
            continue
        if fields[0] != "Z":
            found[int(entry.name)] = (int(fields[1]), int(fields[2]), int(fields[3]))
    return found


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    return [child for child, (parent, _, _) in _processes().items() if parent == pid]


def _left_of(pid: int, known: set[int]) -> set[int]:
    """What is still alive of the process ``pid`` (started as the leader of a session
    of its own): anything in its session or process group, anything descended from
    it, and any of ``known`` (its descendants seen earlier, wherever they are now)."""
    table = _processes()
    mine = {p for p, (_, group, session) in table.items() if pid in (group, session)}
    mine |= known & table.keys()
    grew = True
    while grew:
        more = {p for p, (parent, _, _) in table.items() if parent in mine | {pid}} - mine
        mine |= more
        grew = bool(more)
    return mine - {os.getpid()}


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
    # as `arshjul meetings … | head -1`, made certain: the reader is gone before the
    # listing is written (a reader that left after one line could lose the race with a
    # listing small enough to fit in the pipe)
    reader, writer = os.pipe()
    os.close(reader)
    proc = subprocess.Popen(
        [ARSHJUL, "meetings", "--org", "varmland", "--year", "2027"],
        env=env,
        stdout=writer,
        stderr=subprocess.PIPE,
    )
    os.close(writer)
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == EXIT_CLOSED_PIPE
    assert err == ""


def test_a_local_run_is_quiet_swedish_and_keeps_prefect_in_the_data_folder(
    workspace: Path, settings: Settings, tmp_path: Path
) -> None:
    """An admin's local run, PREFECT_HOME unset: Prefect's files go to the data folder,
    never to ~/.prefect, and Prefect's own lines show only with --verbose."""
    home = tmp_path / "hem"
    home.mkdir()
    argv = [ARSHJUL, "run", "plan-year", "--param", "org=varmland", "--param", "year=2027"]
    env = _without_prefect_home(settings, home)
    quiet = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0, quiet.stderr
    assert not (home / ".prefect").exists()
    assert (settings.home / "prefect" / "prefect.db").is_file()
    # one Swedish line per step of the flow, as it ends, and nothing else on stderr
    assert quiet.stderr == (
        "  ✓ läs cykelfiler\n  ✓ läs kalendrar\n  ✓ spara årsplan\n  ✓ publicera flöden\n"
    )
    assert "varmland 2027: " in quiet.stdout and "INFO" not in quiet.stdout
    loud = subprocess.run(
        [*argv, "--verbose"], env=env, capture_output=True, text=True, timeout=300
    )
    assert loud.returncode == 0, loud.stderr
    assert "arshjul: databas sqlite:///" in loud.stderr or "postgresql" in loud.stderr
    assert "Finished in state Completed()" in loud.stderr  # Prefect's own lines


def test_a_killed_run_leaves_no_process_behind(workspace: Path, settings: Settings) -> None:
    """``kill -9`` mid-flow: no ``finally`` runs in the command, and still its temporary
    Prefect server ends (the kernel's parent-death signal), with nothing else left."""
    proc = subprocess.Popen(
        [ARSHJUL, "run", "plan-year", "--param", "org=varmland", "--param", "year=2027"],
        env=_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stderr is not None
    try:
        server = _wait_for_server_child(proc)
        # mid-flow: the first step has ended, the flow runs on the server
        assert proc.stderr.readline() == "  ✓ läs cykelfiler\n"
        started = _left_of(proc.pid, set()) - {proc.pid}
        assert server in started
        proc.kill()
        proc.wait(timeout=60)
        deadline = time.monotonic() + 60
        while (left := _left_of(proc.pid, started)) and time.monotonic() < deadline:
            time.sleep(0.1)  # polling: the server takes a moment to shut down
        assert not left, {p: _cmdline(p) for p in left}
    finally:
        for pid in _left_of(proc.pid, set()):
            os.kill(pid, signal.SIGKILL)
        proc.stderr.close()


def _without_prefect_home(settings: Settings, home: Path) -> dict[str, str]:
    """A local run's environment with the user's home at ``home`` and no PREFECT_HOME."""
    env = _env(settings) | {"HOME": str(home)}
    env.pop("PREFECT_HOME", None)
    return env


def test_a_server_that_does_not_start_is_one_swedish_line(
    workspace: Path, settings: Settings
) -> None:
    """A start-up limit of 0 s: the server is never waited for, as when it starts more
    slowly than the limit allows."""
    env = _env(settings) | {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "0"}
    proc = subprocess.Popen(
        [ARSHJUL, "run", "plan-year", "--param", "org=varmland", "--param", "year=2027"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err.splitlines() == [
        "arshjul: fel: Prefects tillfälliga server startade inte inom 0 s; försök igen, "
        "eller höj gränsen med PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
    ]
    assert not _left_of(proc.pid, set())


def test_a_flows_refusal_is_one_swedish_line(workspace: Path, settings: Settings) -> None:
    """A domain error raised inside a flow: Prefect logs it (in English, with the
    traceback) – only with --verbose; without, the one Swedish line and exit 2."""
    argv = [
        ARSHJUL,
        "run",
        "reschedule-meeting",
        "--param",
        "meeting=finns-inte",
        "--param",
        "start=2027-03-03T10:00",
        "--param",
        "reason=prov",
    ]
    done = subprocess.run(argv, env=_env(settings), capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "  ✗ läs möte",
        "arshjul: fel: fält meeting: okänt möte; se `arshjul meetings` för id:n "
        "(värde: 'finns-inte')",
    ]
