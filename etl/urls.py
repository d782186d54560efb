"""URL identity: one spelling per page, so the same article is never stored twice.

Three layers, cheapest first:

* :func:`normalize_url` gives every page one spelling: courlan's normalization (lower-case
  scheme and host, no default port, no fragment, tracking parameters such as ``utm_*``,
  ``fbclid``, ``gclid`` removed, query parameters sorted), plus session ids removed and AMP /
  mobile variants folded into the page they render (``/amp/``, ``/amp`` suffix, ``.amp``,
  ``?amp=1``, ``outputType=amp``, ``amp.`` / ``m.`` / ``mobile.`` hosts, AMP cache URLs).
* :func:`www_twin` names the same page with and without ``www.``: both spellings are looked up,
  but the fetched spelling is kept (some sites answer on one host only).
* :func:`canonical_key` adopts a page's ``<link rel=canonical>`` / ``og:url`` as another name of
  the page, only when it points into the same registered site (a cross-site canonical is a
  syndication claim, decided on content instead) and is not the site's front page (a common
  template bug declares the homepage as every article's canonical).
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import courlan

__all__ = [
    "canonical_key",
    "domain_of",
    "normalize_url",
    "registered_domain",
    "same_site",
    "www_twin",
]

# Session ids that always are one (courlan already drops names containing "session").
_SESSION_PARAMS = frozenset(
    {
        "jsessionid",
        "phpsessid",
        "sessid",
        "sessionid",
        "session_id",
        "cfid",
        "cftoken",
        "oscsid",
        "zenid",
        "ps_session",
        "wt.mc_id",
    }
)
_SESSION_PREFIXES = ("aspsessionid",)
# ``sid`` is a session id on some sites and the story id on others (PHP-Nuke's
# ``article&sid=123``); only token-like values are dropped.
_TOKEN = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{16,}$")
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/?#]*", re.I)
# Query parameters that only select the AMP rendering of a page.
_AMP_PARAMS = frozenset({"amp", "_amp", "amp_js_v", "amp_gsa", "usqp", "amp_lite"})
_AMP_VALUE_PARAMS = frozenset({"outputtype", "output", "format", "view"})  # =amp only
_MOBILE_HOST_LABELS = ("amp.", "m.", "mobile.")
_AMP_CACHE = re.compile(r"\.cdn\.ampproject\.org$")


def _strip_params(query: str) -> str:
    """Drop session ids and AMP selectors; keep everything else in the original order."""
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = []
    for key, value in pairs:
        k = key.lower()
        if k in _SESSION_PARAMS or k.startswith(_SESSION_PREFIXES) or k in _AMP_PARAMS:
            continue
        if k == "sid" and _TOKEN.match(value):
            continue
        if k in _AMP_VALUE_PARAMS and value.lower() == "amp":
            continue
        kept.append((key, value))
    # Re-encoding could respell what courlan produced: only rebuild when something went.
    return query if len(kept) == len(pairs) else urlencode(kept)


def _fold_amp_path(path: str) -> str:
    """``/amp/news/x``, ``/news/x/amp``, ``/news/x/amp/`` and ``/news/x.amp(.html)`` → the page."""
    segments = [s for s in path.split("/") if s.lower() != "amp"]
    if segments and segments != [""]:
        last = segments[-1]
        low = last.lower()
        if low.endswith(".amp"):
            segments[-1] = last[:-4]
        elif low.endswith(".amp.html"):
            segments[-1] = last[:-9] + ".html"
    folded = "/".join(segments)
    return folded if folded.startswith("/") else "/" + folded


def _unwrap_amp_cache(url: str) -> str:
    """``https://www-x-com.cdn.ampproject.org/c/s/www.x.com/a`` and ``google.com/amp/s/...``
    point at the publisher's page: return that URL."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path
    if _AMP_CACHE.search(host):
        m = re.match(r"^/[cvi]/(s/)?(.+)$", path)
    elif host in ("www.google.com", "google.com"):
        m = re.match(r"^/amp/(s/)?(.+)$", path)
    else:
        return url
    if not m:
        return url
    scheme = "https" if m.group(1) else "http"
    inner = f"{scheme}://{m.group(2)}"
    return inner + (f"?{parts.query}" if parts.query else "")


@lru_cache(maxsize=65536)
def registered_domain(host: str | None) -> str | None:
    """The registrable domain of a host (``m.bbc.co.uk`` → ``bbc.co.uk``), by the public suffix
    list; for unknown suffixes (``.example``, ``.test``) the last two labels; IPs as they are."""
    if not host:
        return None
    host = host.lower().rstrip(".").split(":")[0]
    if re.fullmatch(r"[\d.]+|\[[0-9a-f:]+\]", host):
        return host
    from tld import get_fld

    fld = get_fld(host, fix_protocol=True, fail_silently=True)
    if isinstance(fld, str) and fld:
        return fld
    labels = host.split(".")
    return ".".join(labels[-2:]) if len(labels) >= 2 else host


def _fold_host(host: str) -> str:
    """Drop a leading ``amp.`` / ``m.`` / ``mobile.`` label when a site remains after it."""
    low = host.lower()
    for label in _MOBILE_HOST_LABELS:
        if low.startswith(label):
            rest = host[len(label) :]
            site = registered_domain(rest)
            # "m.example" itself is a registered name: nothing to fold into.
            if site and "." in rest and registered_domain(host) == site:
                return rest
    return host


def normalize_url(url: str) -> str:
    """Normalize a URL for identity: one spelling per page.

    Lower-case scheme and host, no default port, no fragment, tracking parameters (``utm_*``,
    ``fbclid``, ``gclid``...) and session ids (``jsessionid``, ``PHPSESSID``, token-like
    ``sid``...) removed, query parameters sorted; AMP and mobile variants folded into the page
    they render (see the module docstring). Meaningful query strings (``?id=123``) are kept.
    Non-http(s) URLs (``file:``) only lose their fragment.
    """
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return urlunsplit(parts._replace(fragment=""))
    url = _unwrap_amp_cache(url)
    # courlan would percent-encode the ';' and keep the session id in the path.
    url = _PATH_SESSION.sub("", url)
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
    host, sep, port = netloc.partition(":")
    netloc = _fold_host(host) + sep + port
    path = _fold_amp_path(parts.path or "/")
    query = _strip_params(parts.query)
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def www_twin(url: str) -> str | None:
    """The same URL with ``www.`` added or removed (None for IPs and non-http URLs)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host or re.fullmatch(r"[\d.]+", host):
        return None
    netloc = parts.netloc
    twin = netloc[4:] if netloc.startswith("www.") else "www." + netloc
    return urlunsplit(parts._replace(netloc=twin))


def same_site(a: str, b: str) -> bool:
    """Whether two URLs belong to the same registered site (``m.x.co.uk`` ~ ``www.x.co.uk``)."""
    da = registered_domain(urlsplit(a).hostname)
    return da is not None and da == registered_domain(urlsplit(b).hostname)


def canonical_key(url: str, canonical: str | None) -> str | None:
    """The page's declared canonical URL as another name of the page, or None.

    Adopted only when it is an http(s) URL of the same registered site, differs from ``url``
    and is not the front page. Both arguments are expected normalized (:func:`normalize_url`).
    """
    if not canonical or canonical == url:
        return None
    parts = urlsplit(canonical)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.path in ("", "/") and not parts.query:
        return None
    if not same_site(url, canonical):
        return None
    return canonical


def domain_of(url: str) -> str | None:
    """The host of a URL without ``www.`` and port: the key that links pages to a source."""
    host = urlsplit(url).hostname
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
