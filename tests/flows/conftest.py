"""Flow tests call the flows directly, as the CLI does: inside ``using(settings)``, never
through the environment (which the tests keep empty of ``ARSHJUL_*``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.settings import Settings


@pytest.fixture(autouse=True)
def _run_with_settings(settings: Settings) -> Iterator[Settings]:
    from flows.runtime.context import using

    with using(settings):
        yield settings
