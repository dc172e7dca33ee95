"""iCalendar feeds of the annual wheel: rendering (pure), static export and the feed server.

Filled in by the feeds work; the package exists now because the design card fixes the
top-level layout.
"""
