"""The export-feeds flow: re-publish every feed (also run by the other flows as their
render step, and hourly as a safety net)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow

from .runtime.context import audited, run_moment, run_settings
from .runtime.prefect_tasks import publish


@dataclass(frozen=True, slots=True)
class ExportFeedsResult:
    """How many files an export wrote or removed, and where."""

    files_changed: int
    folder: Path
    details: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return f"{self.files_changed} filer ändrade i {self.folder}"


@flow(name="export-feeds", flow_run_name="Publicera kalenderflöden")
def export_feeds_flow() -> ExportFeedsResult:
    """Write every feed and the start page to the publish folder; unchanged files stay."""
    settings = run_settings()
    now = run_moment()
    with audited("export-feeds", {}, settings) as record:
        record.feed_files = publish(settings, now)
        record.message = f"publicerat i {settings.publish_dir}"
    return ExportFeedsResult(record.feed_files, settings.publish_dir)
