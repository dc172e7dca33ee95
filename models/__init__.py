"""Stored state of Årshjul: SQLModel tables, engines and idempotent upserts.

Functions take the session as a keyword argument and never commit; the caller's
``write_session`` makes each save one transaction.
"""
