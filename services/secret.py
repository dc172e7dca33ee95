"""The server's secret: the key that signs "Markera som klar" links and form tokens.

Taken from ``ARSHJUL_SECRET_KEY`` when an admin sets one (at least 32 characters), or
else from a file that the first process to need it creates with mode 0600 and 256 random
bits. Every process of one installation – the reminder run that writes the links, the
web application that checks them – reads the same key. Replacing the key invalidates
every link already sent, which is the way to revoke them all.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cycle import DefinitionError

from .settings import Settings

MIN_KEY_CHARS = 32


def link_key(settings: Settings) -> bytes:
    """The signing key of this installation.

    Raises:
        DefinitionError: the configured key is too short, or the key file is unreadable
            or open to other users.
    """
    if settings.secret_value is not None:
        if len(settings.secret_value) < MIN_KEY_CHARS:
            raise DefinitionError(
                f"nyckeln ska vara minst {MIN_KEY_CHARS} tecken (t.ex. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)",
                field="ARSHJUL_SECRET_KEY",
            )
        return settings.secret_value.encode()
    return _key_file(settings.secret_file)


def _key_file(path: Path) -> bytes:
    if not path.exists():
        # written whole under a temporary name, then linked into place: of two processes
        # starting at once, one key wins and neither ever reads a half-written file
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    if path.stat().st_mode & 0o077:
        raise DefinitionError(
            "nyckelfilen får bara kunna läsas av sin ägare (chmod 600)",
            field="ARSHJUL_SECRET_FILE",
            value=str(path),
        )
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_KEY_CHARS:
        raise DefinitionError(
            f"nyckelfilen ska innehålla minst {MIN_KEY_CHARS} tecken",
            field="ARSHJUL_SECRET_FILE",
            value=str(path),
        )
    return key.encode()
