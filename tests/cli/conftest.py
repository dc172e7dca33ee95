"""CLI tests run ``main`` in-process; the workspace reaches it the way it reaches an
admin's shell: through ``ARSHJUL_*`` in the environment, read at the CLI's edge."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.settings import Settings


@pytest.fixture
def workspace(workspace: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The workspace, with its settings exported as an admin would export them."""
    for name, value in settings.environment().items():
        monkeypatch.setenv(name, value)
    return workspace
