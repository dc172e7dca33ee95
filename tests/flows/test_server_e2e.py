"""End to end as an admin would do it: a real `prefect server start` on 127.0.0.1, the
deployments served by `arshjul serve`, plan-year triggered with `arshjul run`, and the
result read back with `arshjul history`; the server stopped under `arshjul serve`.
Everything started here is stopped by PID."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from services.settings import SHIPPED_CYCLES
from tests.conftest import fresh_database_url

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            try:
                return response.status, json.loads(raw)
            except ValueError:
                return response.status, raw.decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:
        return 0, None


def _wait_for(
    what: str, check: Callable[[], bool], proc: subprocess.Popen[str], timeout: float = 120
) -> None:
    """Poll ``check`` until it holds; fail at once if ``proc`` dies, or at ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc.poll() is not None:
            pytest.fail(f"{what}: the process exited with {proc.returncode}")
        time.sleep(0.5)  # polling interval for an external process, not a race
    pytest.fail(f"{what}: not ready within {timeout} s")


def _stop(proc: subprocess.Popen[str]) -> None:
    """End a process group we started, by its PID: TERM, then KILL if it lingers."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with _prefect_server(tmp_path) as (_, api, env):
        yield api, env


@contextmanager
def _prefect_server(
    tmp_path: Path,
) -> Iterator[tuple[subprocess.Popen[str], str, dict[str, str]]]:
    """A real Prefect server on a free port: its process, API address and environment."""
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_API_KEY"}
    }
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        _wait_for("prefect server", lambda: _get(f"{api}/health")[0] == 200, proc)
        yield proc, api, {**env, "PREFECT_API_URL": api}
    finally:
        _stop(proc)
        log.close()


@pytest.mark.slow
def test_admin_triggers_plan_year_on_a_served_deployment(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    api, env = server
    env = {
        **env,
        "ARSHJUL_DATABASE_URL": fresh_database_url(tmp_path),
        "ARSHJUL_CYCLES_DIR": str(SHIPPED_CYCLES),
        "ARSHJUL_PUBLISH_DIR": str(tmp_path / "publicerat"),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
    }
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [str(BIN / "arshjul"), "serve"],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_for(
            "deployments",
            lambda: _get(f"{api}/deployments/name/send-reminders/arshjul")[0] == 200,
            serve,
        )
        status, deployment = _get(f"{api}/deployments/name/plan-year/arshjul")
        assert status == 200 and deployment["paused"] is False
        schedule = deployment["schedules"][0]["schedule"]
        assert (schedule["cron"], schedule["timezone"]) == ("0 6 1 10 *", "Europe/Stockholm")
        status, page = _get(api.removesuffix("/api") + "/")  # the UI
        assert status == 200 and "<title>Prefect" in page

        run = subprocess.run(
            [
                str(BIN / "arshjul"),
                "run",
                "plan-year",
                "--param",
                "org=varmland",
                "--param",
                "year=2027",
            ],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert "slutade: klar." in run.stdout

        history = subprocess.run(
            [str(BIN / "arshjul"), "history"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        assert "plan-year(org=varmland, year=2027)  lyckades" in history
        assert "utlöst av: CLI (" in history
    finally:
        _stop(serve)
        log.close()
    assert serve.returncode is not None


@pytest.mark.slow
def test_a_server_that_stops_under_serve_is_one_swedish_line(tmp_path: Path) -> None:
    with _prefect_server(tmp_path) as (server, api, env):
        env = {
            **env,
            "ARSHJUL_DATABASE_URL": fresh_database_url(tmp_path),
            "ARSHJUL_CYCLES_DIR": str(SHIPPED_CYCLES),
            "ARSHJUL_PUBLISH_DIR": str(tmp_path / "publicerat"),
        }
        out_path, err_path = tmp_path / "serve.out", tmp_path / "serve.err"
        with out_path.open("w") as out, err_path.open("w") as err:
            serve = subprocess.Popen(
                [str(BIN / "arshjul"), "serve"],
                env=env,
                cwd=tmp_path,
                stdout=out,
                stderr=err,
                text=True,
                start_new_session=True,
            )
        try:
            # Prefect's runner says so once it polls and watches for cancellations
            _wait_for("serving", lambda: "being served" in out_path.read_text(), serve)
            _stop(server)
            address = api.removesuffix("/api")
            gone = (
                f"arshjul serve: Prefect-servern på {address} svarar inte; "
                "inga körningar startar förrän den svarar igen"
            )
            # the runner's websocket closes with the server, before the next health
            # check: its traceback (logged before this line, unfiltered) would be in
            _wait_for("the Swedish line", lambda: gone in err_path.read_text(), serve)
        finally:
            _stop(serve)
    said = err_path.read_text()
    assert said.splitlines() == [gone], said
