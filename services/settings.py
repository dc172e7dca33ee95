"""The one settings object: built once at the edge and passed inward, never re-read.

The CLI builds it from its options over the environment; a deployed flow run, whose
process has no command line, builds it from that process's environment. Everything
below takes it as an argument, the way Radicale passes its configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cycle import DefinitionError

# The cycle files shipped with the checkout; deployments point ARSHJUL_CYCLES_DIR elsewhere.
SHIPPED_CYCLES = Path(__file__).resolve().parent.parent / "cycles"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
TLS_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
SMTP_PREFIX = "ARSHJUL_SMTP_"
DEFAULT_CATCH_UP_DAYS = 7
# plan-year shares a year among the workers of a pool only when it has at least this many
# meetings: below, starting a child run costs more than the half of the work it takes
# over (bench.fanout and docs/scale.md: about 36,000 meetings on two 1-core workers)
DEFAULT_FANOUT_MIN_MEETINGS = 36_000
DEFAULT_SECRET_FILE = "arshjul-nyckel.secret"


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes: ``ARSHJUL_SMTP_HOST``, ``_PORT``, ``_USER``, ``_PASSWORD``, ``_FROM``
    and ``_TLS`` (none | starttls | ssl). The password is left out of the repr, so it is
    never printed or logged."""

    host: str
    port: int
    sender: str
    tls: str = "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        """The settings, None when no host is configured, or a Swedish error.

        Example:
            >>> SmtpSettings.from_environment({"ARSHJUL_SMTP_HOST": "smtp.region.se",
            ...                                "ARSHJUL_SMTP_TLS": "starttls"}).port
            587
        """
        host = env.get("ARSHJUL_SMTP_HOST")
        if not host:
            return None
        tls = env.get("ARSHJUL_SMTP_TLS", "none").lower()
        if tls not in TLS_MODES:
            raise DefinitionError(
                f"ska vara {', '.join(TLS_MODES)}", field="ARSHJUL_SMTP_TLS", value=tls
            )
        try:
            port = int(env.get("ARSHJUL_SMTP_PORT") or DEFAULT_PORTS[tls])
        except ValueError:
            raise DefinitionError(
                "ska vara ett portnummer",
                field="ARSHJUL_SMTP_PORT",
                value=env.get("ARSHJUL_SMTP_PORT"),
            ) from None
        return cls(
            host=host,
            port=port,
            tls=tls,
            sender=env.get("ARSHJUL_SMTP_FROM") or "arshjul@localhost",
            user=env.get("ARSHJUL_SMTP_USER") or None,
            password=env.get("ARSHJUL_SMTP_PASSWORD") or None,
        )


def data_home(environ: Mapping[str, str]) -> Path:
    """Where Årshjul keeps its data unless told otherwise: ``ARSHJUL_HOME``, else the
    per-user data directory (``$XDG_DATA_HOME/arshjul``, ``~/.local/share/arshjul``).

    Example:
        >>> data_home({"ARSHJUL_HOME": "/srv/arshjul"}).as_posix()
        '/srv/arshjul'
        >>> data_home({"HOME": "/home/anna"}).as_posix()
        '/home/anna/.local/share/arshjul'
        >>> data_home({"HOME": "/home/anna", "XDG_DATA_HOME": "/data"}).as_posix()
        '/data/arshjul'
    """
    if home := environ.get("ARSHJUL_HOME"):
        return Path(home).expanduser()
    if xdg := environ.get("XDG_DATA_HOME"):
        return Path(xdg) / "arshjul"
    user = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    return user / ".local" / "share" / "arshjul"


@dataclass(frozen=True)
class Settings:
    """Where the database, the cycle files, the reports and the published feeds are,
    the address subscribers use, and the mail server's settings.

    Precedence: an explicit value (a command-line option), then the environment
    (``ARSHJUL_DATABASE_URL``, ``ARSHJUL_CYCLES_DIR``, ``ARSHJUL_REPORTS_DIR``,
    ``ARSHJUL_PUBLISH_DIR``, ``ARSHJUL_PUBLIC_URL``, ``ARSHJUL_SMTP_*``,
    ``ARSHJUL_SECRET_KEY``/``ARSHJUL_SECRET_FILE``), then the embedded default:
    ``arshjul.db``, ``rapporter/``, ``publicerat/`` and ``arshjul-nyckel.secret`` in the
    data home (:func:`data_home`: the same wherever a command runs), the shipped
    ``cycles/``, ``http://127.0.0.1:8000``.
    """

    database_url: str
    cycles_dir: Path
    reports_dir: Path = Path("rapporter")
    publish_dir: Path = Path("publicerat")
    home: Path = Path(".")
    public_url: str = DEFAULT_PUBLIC_URL
    # ARSHJUL_SMTP_* as given, checked only where mail is sent: a typo in the mail
    # settings must not stop planning or publishing (the password is kept out of repr)
    smtp_values: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    # ARSHJUL_REMINDER_CATCHUP_DAYS as given: how many days back a reminder run sends what
    # runs that did not happen would have sent (checked where reminders are sent)
    catch_up_value: str = str(DEFAULT_CATCH_UP_DAYS)
    # ARSHJUL_FANOUT_MIN_MEETINGS as given (checked where plan-year reads it)
    fan_out_value: str = str(DEFAULT_FANOUT_MIN_MEETINGS)
    # the key that signs "Markera som klar" links and form tokens: ARSHJUL_SECRET_KEY, or
    # else a file made on first use (mode 0600); see services.secret
    secret_value: str | None = field(default=None, repr=False)
    secret_file: Path = Path(DEFAULT_SECRET_FILE)

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str],
        *,
        database_url: str | None = None,
        cycles_dir: str | Path | None = None,
        reports_dir: str | Path | None = None,
        publish_dir: str | Path | None = None,
        public_url: str | None = None,
        secret_file: str | Path | None = None,
        home: str | Path | None = None,
    ) -> Settings:
        """Build settings from explicit values over ``environ`` – which the edge passes
        in (``os.environ`` there, a plain dict in tests).

        Example:
            >>> Settings.load({"ARSHJUL_DATABASE_URL": "sqlite:///x.db"},
            ...               database_url="sqlite:///y.db").database_url
            'sqlite:///y.db'
        """
        home = Path(home) if home is not None else data_home(environ)
        return cls(
            database_url=database_url
            or environ.get("ARSHJUL_DATABASE_URL")
            or f"sqlite:///{home / 'arshjul.db'}",
            cycles_dir=Path(cycles_dir or environ.get("ARSHJUL_CYCLES_DIR") or SHIPPED_CYCLES),
            reports_dir=Path(
                reports_dir or environ.get("ARSHJUL_REPORTS_DIR") or home / "rapporter"
            ),
            publish_dir=Path(
                publish_dir or environ.get("ARSHJUL_PUBLISH_DIR") or home / "publicerat"
            ),
            home=home,
            public_url=(
                public_url or environ.get("ARSHJUL_PUBLIC_URL") or DEFAULT_PUBLIC_URL
            ).rstrip("/"),
            catch_up_value=environ.get("ARSHJUL_REMINDER_CATCHUP_DAYS")
            or str(DEFAULT_CATCH_UP_DAYS),
            fan_out_value=environ.get("ARSHJUL_FANOUT_MIN_MEETINGS")
            or str(DEFAULT_FANOUT_MIN_MEETINGS),
            smtp_values=tuple(
                sorted((k, v) for k, v in environ.items() if k.startswith(SMTP_PREFIX))
            ),
            secret_value=environ.get("ARSHJUL_SECRET_KEY") or None,
            secret_file=Path(
                secret_file or environ.get("ARSHJUL_SECRET_FILE") or home / DEFAULT_SECRET_FILE
            ),
        )

    def smtp(self) -> SmtpSettings | None:
        """The mail server, None when none is configured.

        Raises:
            DefinitionError: a mail setting is wrong, naming the variable.
        """
        return SmtpSettings.from_environment(dict(self.smtp_values))

    def catch_up_days(self) -> int:
        """How many days back a reminder run still sends what missed runs would have
        sent (0–60; default 7).

        Raises:
            DefinitionError: not a number of days, naming the variable.
        """
        try:
            days = int(self.catch_up_value)
        except ValueError:
            days = -1
        if not 0 <= days <= 60:
            raise DefinitionError(
                "ska vara ett antal dagar, 0–60",
                field="ARSHJUL_REMINDER_CATCHUP_DAYS",
                value=self.catch_up_value,
            )
        return days

    def fan_out_min_meetings(self) -> int:
        """From how many meetings in a year plan-year shares it among a pool's workers.

        Raises:
            DefinitionError: not a whole number of 0 or more, naming the variable.
        """
        try:
            meetings = int(self.fan_out_value)
        except ValueError:
            meetings = -1
        if meetings < 0:
            raise DefinitionError(
                "ska vara ett antal möten, 0 eller fler",
                field="ARSHJUL_FANOUT_MIN_MEETINGS",
                value=self.fan_out_value,
            )
        return meetings

    def environment(self) -> dict[str, str]:
        """These settings as the environment variables that :meth:`load` reads (without
        the mail server's), for the processes a served deployment starts."""
        return {
            "ARSHJUL_HOME": str(self.home.resolve()),
            "ARSHJUL_DATABASE_URL": self.database_url,
            "ARSHJUL_CYCLES_DIR": str(self.cycles_dir.resolve()),
            "ARSHJUL_REPORTS_DIR": str(self.reports_dir.resolve()),
            "ARSHJUL_PUBLISH_DIR": str(self.publish_dir.resolve()),
            "ARSHJUL_PUBLIC_URL": self.public_url,
            "ARSHJUL_REMINDER_CATCHUP_DAYS": self.catch_up_value,
            "ARSHJUL_FANOUT_MIN_MEETINGS": self.fan_out_value,
            # the file, never the key: a served run reads the same key from it
            "ARSHJUL_SECRET_FILE": str(self.secret_file.resolve()),
        }
