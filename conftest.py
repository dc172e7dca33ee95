"""Hermetic test runs, set before anything is collected – the doctests in the packages
as much as the tests in ``tests/``.

Prefect writes to ``~/.prefect`` unless told otherwise, and a developer's own Prefect
server or mail server must never be reached, so the environment is cleaned before
anything imports prefect or reads the settings.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

collect_ignore = ["models/migrations"]  # alembic scripts run only inside a migration

_PREFECT_HOME = tempfile.mkdtemp(prefix="arshjul-prefect-home-")
atexit.register(shutil.rmtree, _PREFECT_HOME, True)
os.environ.update(
    PREFECT_HOME=_PREFECT_HOME,
    PREFECT_SERVER_ANALYTICS_ENABLED="false",
    PREFECT_SERVER_EPHEMERAL_ENABLED="false",
    DO_NOT_TRACK="1",
)
for _name in ("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_PROFILE"):
    os.environ.pop(_name, None)
# the settings of an admin's shell (database, folders, mail server) stay out of the tests;
# ARSHJUL_TEST_*, ARSHJUL_REQUIRE_* and ARSHJUL_UPDATE_* are the suite's own switches
SWITCHES = ("ARSHJUL_TEST_", "ARSHJUL_REQUIRE_", "ARSHJUL_UPDATE_")
for _name in [n for n in os.environ if n.startswith("ARSHJUL_") and not n.startswith(SWITCHES)]:
    os.environ.pop(_name)
# the signing key of the suite's own: a file in a temporary folder, never the checkout's
os.environ["ARSHJUL_SECRET_FILE"] = os.path.join(_PREFECT_HOME, "arshjul-nyckel.secret")
# and its own data home: never the developer's ~/.local/share/arshjul
os.environ["ARSHJUL_HOME"] = os.path.join(_PREFECT_HOME, "arshjul-home")
