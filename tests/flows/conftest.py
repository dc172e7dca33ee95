"""Flow tests call the flows directly, as the CLI does: inside ``using(settings)``, never
through the environment (which the tests keep empty of ``ARSHJUL_*``), and at a fixed
moment – 1 October 2026, before the years the tests plan – so that what is history does
not depend on the day the tests run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from services.settings import Settings

FLOWS_NOW = dt.datetime(2026, 10, 1, 7, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _run_with_settings(settings: Settings) -> Iterator[Settings]:
    from flows.runtime.context import using

    with using(settings, now=FLOWS_NOW):
        yield settings
