"""The one error of the Prefect plumbing an admin can meet: Prefect could not do its
part. Prefect-free, so the CLI can catch it without loading Prefect."""

from __future__ import annotations


class EngineError(RuntimeError):
    """Prefect's server did not start, or stopped under a command; the message is one
    Swedish sentence, the English cause is chained (shown with ``--verbose``)."""
