"""URL identity: one spelling per page, so the same article is never stored twice."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit, urlunsplit

import courlan

__all__ = ["domain_of", "normalize_url"]


def normalize_url(url: str) -> str:
    """Normalize a URL for identity: lower-case scheme/host, no default port, no fragment,
    tracking parameters (``utm_*``, ``fbclid``, ``gclid``...) removed, query parameters sorted.

    Meaningful query strings (``?id=123``) are kept. Non-http(s) URLs (``file:``) only lose
    their fragment.
    """
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return urlunsplit(parts._replace(fragment=""))
    # courlan raises on some malformed inputs; the plain URL is kept then.
    with contextlib.suppress(Exception):
        # strict=False keeps meaningful parameters; courlan drops known trackers either way.
        url = courlan.normalize_url(url, strict=False, trailing_slash=True)
    parts = urlsplit(url)
    netloc = parts.netloc.lower()
    if (parts.scheme == "http" and netloc.endswith(":80")) or (
        parts.scheme == "https" and netloc.endswith(":443")
    ):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def domain_of(url: str) -> str | None:
    """The host of a URL without ``www.`` and port: the key that links pages to a source."""
    host = urlsplit(url).hostname
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
