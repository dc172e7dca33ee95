"""The export-feeds flow: re-publish every feed (also run by the other flows as their
render step, and hourly as a safety net)."""

from __future__ import annotations

from typing import Any

from prefect import flow

from .runtime import audited, run_moment
from .settings import Settings
from .steps import publish


@flow(name="export-feeds", flow_run_name="Publicera kalenderflöden")
def export_feeds_flow() -> dict[str, Any]:
    """Write every feed and the start page to the publish folder; unchanged files stay."""
    settings = Settings.load()
    now = run_moment()
    with audited("export-feeds", {}, settings) as record:
        record.feed_files = publish(settings, now)
        record.message = f"publicerat i {settings.publish_dir}"
    return {"files_changed": record.feed_files, "folder": str(settings.publish_dir)}
