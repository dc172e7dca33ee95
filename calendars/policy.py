"""The security headers every page gets, in one place, whoever serves it.

``arshjul web`` (its own pages and the exported folder behind them), ``arshjul feeds
serve`` and the nginx example in docs/deploy.md send the same policy: scripts, styles
and images only from the site itself, nothing inline, no framing – except the embed
view of a wheel, which exists to be framed by the organisation's own web pages.
"""

from __future__ import annotations

PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# the embed view (/o/<org>/<year>/inbaddning) may be framed by any site
EMBED_POLICY = PAGE_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")
EMBED_SUFFIX = "/inbaddning"

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", PAGE_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
EMBED_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (b"content-security-policy", EMBED_POLICY.encode())
    if name == b"content-security-policy"
    else (name, value)
    for name, value in HEADERS
    if name != b"x-frame-options"
)


def headers_for(path: str) -> tuple[tuple[bytes, bytes], ...]:
    """The headers for a request path: the embed view's allow framing, all others not.

    Example:
        >>> dict(headers_for("/o/varmland/2027/inbaddning")).get(b"x-frame-options")
        >>> dict(headers_for("/o/varmland/2027"))[b"x-frame-options"]
        b'DENY'
    """
    embed = path.removesuffix(".html").endswith(EMBED_SUFFIX)
    return EMBED_HEADERS if embed else HEADERS
