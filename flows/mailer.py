"""SMTP delivery: settings from the environment and one message at a time.

The password is never printed or logged: it is excluded from the settings' repr, and
errors quote only the server's reply.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from enum import StrEnum

from cycle import DefinitionError

TLS_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes: ``ARSHJUL_SMTP_HOST``, ``_PORT``, ``_USER``, ``_PASSWORD``, ``_FROM``
    and ``_TLS`` (none | starttls | ssl)."""

    host: str
    port: int
    sender: str
    tls: str = "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        """The settings, None when no host is configured, or a Swedish error."""
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


class Delivery(StrEnum):
    SENT = "sent"
    TEMPORARY = "temporary"  # try again later
    PERMANENT = "permanent"  # the server said no for good (5xx)


def connect(settings: SmtpSettings, timeout: float = 30) -> smtplib.SMTP:
    """An authenticated connection, with TLS as configured."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.tls == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        if settings.tls == "starttls":
            smtp.starttls(context=context)
    if settings.user:
        smtp.login(settings.user, settings.password or "")
    return smtp


def deliver(
    smtp: smtplib.SMTP, message: EmailMessage, sender: str, recipient: str
) -> tuple[Delivery, str | None]:
    """Send one message to one recipient; classify the server's answer.

    Raises:
        smtplib.SMTPServerDisconnected, OSError: the connection is gone (temporary, for
            every message still waiting).
    """
    try:
        smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        return _classify(code, reply)
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        return _classify(error.smtp_code, error.smtp_error)
    return Delivery.SENT, None


def _classify(code: int, reply: bytes | str) -> tuple[Delivery, str]:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    kind = Delivery.PERMANENT if 500 <= code < 600 else Delivery.TEMPORARY
    return kind, f"{code} {text}"
