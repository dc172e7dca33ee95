"""How ``arshjul web`` hands its configuration to uvicorn's worker processes.

With more than one worker uvicorn starts fresh processes that import the application by
name, so nothing built in the command's own process reaches them: the settings and the
web options travel as environment variables, and each worker builds its app from them.
One worker goes the same way, so both paths are the same code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette

from services.settings import Settings

from .app import create_app

PREFIX = "ARSHJUL_WEB_"
DEFAULT_WRITE_LIMIT = 60
EXPORT_PAUSE = 10.0  # seconds between exports while writes keep coming (feeds are polled hourly)


@dataclass(frozen=True)
class WebOptions:
    """What ``arshjul web`` adds to the settings."""

    static_dir: Path | None = None
    mail_dir: Path | None = None
    behind_proxy: bool = False
    write_limit: int = DEFAULT_WRITE_LIMIT

    def environment(self) -> dict[str, str]:
        """These options as the variables :meth:`from_environment` reads."""
        return {
            f"{PREFIX}STATIC_DIR": str(self.static_dir.resolve()) if self.static_dir else "",
            f"{PREFIX}MAIL_DIR": str(self.mail_dir.resolve()) if self.mail_dir else "",
            f"{PREFIX}BEHIND_PROXY": "1" if self.behind_proxy else "",
            f"{PREFIX}WRITE_LIMIT": str(self.write_limit),
        }

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> WebOptions:
        """The options :meth:`environment` wrote (defaults where a variable is unset)."""
        static = environ.get(f"{PREFIX}STATIC_DIR")
        mail = environ.get(f"{PREFIX}MAIL_DIR")
        return cls(
            static_dir=Path(static) if static else None,
            mail_dir=Path(mail) if mail else None,
            behind_proxy=bool(environ.get(f"{PREFIX}BEHIND_PROXY")),
            write_limit=int(environ.get(f"{PREFIX}WRITE_LIMIT") or DEFAULT_WRITE_LIMIT),
        )


def exporter(settings: Settings) -> Callable[[], None]:
    """The export a write asks for: ``arshjul feeds export`` in a process of its own, at
    low priority, so that its half second of rendering never holds this process's
    interpreter lock while clicks wait (in a thread it put hundreds of milliseconds on
    the slowest answers). It reads the same settings from the environment, and does
    nothing when another worker's export already carried every write (``--if-changed``)."""
    argv = [sys.executable, "-m", "cli.main", "feeds", "export", "--if-changed"]
    if nice := shutil.which("nice"):
        argv = [nice, "-n", "10", *argv]
    environment = os.environ | settings.environment()

    def publish() -> None:
        done = subprocess.run(argv, env=environment, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip() or f"exit code {done.returncode}")

    return publish


def app_from_env() -> Starlette:
    """The application for one worker process, from the variables ``arshjul web`` set."""
    settings = Settings.load(os.environ)
    options = WebOptions.from_environment(os.environ)
    return create_app(
        settings,
        publish=exporter(settings),
        static_dir=options.static_dir,
        mail_dir=options.mail_dir,
        behind_proxy=options.behind_proxy,
        write_limit=options.write_limit,
        export_pause=EXPORT_PAUSE,
    )
