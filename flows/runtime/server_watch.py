"""``arshjul serve`` and the Prefect server under it: one Swedish line when the server
stops answering, one when it answers again, and none of Prefect's English tracebacks
about the lost connection.

Prefect's runner keeps serving when its server goes away (it polls until the server is
back, and picks up again on its own), but says so only as a websocket traceback logged
as a warning. An admin reading ``journalctl -u arshjul-serve`` needs to know that no
runs start meanwhile, and when they do again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
from websockets.exceptions import ConnectionClosed

HEALTH_EVERY_SECONDS = 2.0
# what a lost or refused connection to the server raises in the runner
LOST_CONNECTION = (ConnectionClosed, httpx.TransportError, ConnectionError)


def _lost_connection(record: logging.LogRecord) -> bool:
    """True for a log record whose exception (or its cause) is a lost connection."""
    error = record.exc_info[1] if record.exc_info else None
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, LOST_CONNECTION):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


class _WithoutLostConnections(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _lost_connection(record)


@contextmanager
def watching(api_url: str, say: Callable[[str], None], *, quiet: bool = True) -> Iterator[None]:
    """While inside: check the server's health every few seconds and ``say`` (one
    Swedish line) when it stops answering and when it answers again; when ``quiet``
    (no ``--verbose``), keep Prefect's lost-connection tracebacks out of this process's
    log handlers."""
    without = _WithoutLostConnections()
    handlers = _handlers() if quiet else []
    for handler in handlers:
        handler.addFilter(without)
    stop = threading.Event()
    address = api_url.removesuffix("/").removesuffix("/api")

    def watch() -> None:
        answering = True
        with httpx.Client(timeout=5) as client:
            while not stop.wait(HEALTH_EVERY_SECONDS):
                try:
                    now = client.get(f"{api_url.rstrip('/')}/health").status_code == 200
                except httpx.HTTPError:
                    now = False
                if now != answering:
                    say(
                        f"arshjul serve: Prefect-servern på {address} svarar igen; "
                        "körningarna startar som vanligt"
                        if now
                        else f"arshjul serve: Prefect-servern på {address} svarar inte; "
                        "inga körningar startar förrän den svarar igen"
                    )
                    answering = now

    thread = threading.Thread(target=watch, name="arshjul-server-watch", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
        for handler in handlers:
            handler.removeFilter(without)


def _handlers() -> list[logging.Handler]:
    """Every log handler of this process (Prefect's console and API handlers included)."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    return list({id(h): h for logger in loggers for h in logger.handlers}.values())
