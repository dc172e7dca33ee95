"""The one settings object, read once at the edge (CLI, flow entry) and passed inward."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from models.database import DEFAULT_URL

# The cycle files shipped with the checkout; deployments point ARSHJUL_CYCLES_DIR elsewhere.
SHIPPED_CYCLES = Path(__file__).resolve().parent.parent / "cycles"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the database and the cycle files are.

    Precedence: command-line option, then environment (``ARSHJUL_DATABASE_URL``,
    ``ARSHJUL_CYCLES_DIR``, ``ARSHJUL_REPORTS_DIR``, ``ARSHJUL_PUBLISH_DIR``,
    ``ARSHJUL_PUBLIC_URL``), then the embedded default (``arshjul.db``, ``rapporter/`` and
    ``publicerat/`` in the working directory, the shipped ``cycles/``, and
    ``http://127.0.0.1:8000`` as the address subscribers use).
    """

    database_url: str
    cycles_dir: Path
    reports_dir: Path = Path("rapporter")
    publish_dir: Path = Path("publicerat")
    public_url: str = "http://127.0.0.1:8000"

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        database_url: str | None = None,
        cycles_dir: str | Path | None = None,
        reports_dir: str | Path | None = None,
        publish_dir: str | Path | None = None,
        public_url: str | None = None,
    ) -> Settings:
        """Build settings from explicit values over ``environ`` (default ``os.environ``)."""
        env = os.environ if environ is None else environ
        return cls(
            database_url=database_url or env.get("ARSHJUL_DATABASE_URL") or DEFAULT_URL,
            cycles_dir=Path(cycles_dir or env.get("ARSHJUL_CYCLES_DIR") or SHIPPED_CYCLES),
            reports_dir=Path(reports_dir or env.get("ARSHJUL_REPORTS_DIR") or "rapporter"),
            publish_dir=Path(publish_dir or env.get("ARSHJUL_PUBLISH_DIR") or "publicerat"),
            public_url=(
                public_url or env.get("ARSHJUL_PUBLIC_URL") or "http://127.0.0.1:8000"
            ).rstrip("/"),
        )
