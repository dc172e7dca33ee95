"""SMTP delivery: a connection as the settings say, and one message at a time.

The password is never printed or logged: it is excluded from the settings' repr, and
errors quote only the server's reply.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from enum import StrEnum

from .settings import SmtpSettings


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
