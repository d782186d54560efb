"""Sitemap parsing: ``urlset``, ``sitemapindex``, Google News fields, plain and gzipped.

Input is the raw bytes of a sitemap (as fetched with ``kind="sitemap"``, or a ``.gz`` file
still compressed: gzip is detected by its magic bytes and inflated with a size cap). XML goes
through :func:`etl.feeds.parse_xml`, so the same protections apply (no entity expansion, no
DTD or network access; documents declaring entities are refused). Also accepted, because
search engines accept them as sitemaps: plain-text sitemaps (one URL per line) and RSS/Atom
feeds.

Child sitemaps (from a ``sitemapindex``) and page URLs (from a ``urlset``) are returned
separately; following child sitemaps is the caller's job (through the fetcher), so nesting
depth and fan-out stay under the caller's control.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

from .feeds import absolute_url, element_text, local_name, parse_date, parse_feed, parse_xml
from .fetcher import BodyTooLargeError, gunzip_limited

__all__ = ["SitemapParseResult", "SitemapRef", "SitemapURL", "parse_sitemap"]

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit (uncompressed)
MAX_SITEMAP_URLS = 50_000


@dataclass(frozen=True, slots=True)
class SitemapURL:
    """A page listed in a ``urlset``.

    ``lastmod`` and ``news_publication_date`` are aware UTC datetimes (None when absent or
    unparseable); ``news_title`` comes from ``<news:news><news:title>``; ``alternates`` are
    the ``xhtml:link rel="alternate"`` pairs ``(hreflang, absolute href)``.
    """

    url: str
    lastmod: datetime | None = None
    news_title: str | None = None
    news_publication_date: datetime | None = None
    alternates: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SitemapRef:
    """A child sitemap listed in a ``sitemapindex``."""

    url: str
    lastmod: datetime | None = None


@dataclass(slots=True)
class SitemapParseResult:
    """``urls`` (pages) and ``sitemaps`` (children) found; ``kind`` is ``urlset``,
    ``sitemapindex``, ``text``, ``feed`` or None; ``error`` is set when the document was
    refused, unreadable, partly recovered, or truncated at ``max_urls``."""

    urls: list[SitemapURL] = field(default_factory=list)
    sitemaps: list[SitemapRef] = field(default_factory=list)
    error: str | None = None
    kind: str | None = None


def _first(el: Any, name: str) -> Any:
    for child in el:
        if local_name(child) == name:
            return child
    return None


def parse_sitemap(
    data: bytes,
    base_url: str,
    *,
    max_bytes: int = MAX_SITEMAP_BYTES,
    max_urls: int = MAX_SITEMAP_URLS,
) -> SitemapParseResult:
    """Parse a sitemap (XML, gzipped XML, plain text or feed); never raises.

    ``base_url`` is the sitemap's own URL, used to resolve relative locations (which the
    protocol forbids but sites use). Only http(s) URLs are kept, duplicates dropped. A
    gzipped body inflating past ``max_bytes`` gives ``error="too_large"`` without being
    inflated further; more than ``max_urls`` entries gives ``error="truncated: ..."``.
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gunzip_limited(data, max_bytes)
        except BodyTooLargeError:
            return SitemapParseResult(error="too_large")
        except (zlib.error, EOFError) as exc:
            return SitemapParseResult(error=f"gzip: {exc}"[:300])
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        return SitemapParseResult(error="empty")
    if stripped[:4].lower() == b"http":
        return _parse_text(stripped, base_url, max_urls)
    root, error = parse_xml(data, base_url)
    if root is None:
        return SitemapParseResult(error=error)
    name = local_name(root)
    if name == "urlset":
        result = _parse_urlset(root, base_url, max_urls)
    elif name == "sitemapindex":
        result = _parse_index(root, base_url, max_urls)
    elif name in ("rss", "RDF", "feed"):
        feed = parse_feed(data, base_url, max_entries=max_urls)
        urls = [SitemapURL(e.url, e.published, e.title) for e in feed.entries]
        return SitemapParseResult(urls, [], feed.error, "feed")
    else:
        return SitemapParseResult(error=f"not_a_sitemap: root element <{name}>")
    result.error = result.error or error
    return result


def _parse_text(data: bytes, base_url: str, max_urls: int) -> SitemapParseResult:
    urls: list[SitemapURL] = []
    seen: set[str] = set()
    for line in data.decode("utf-8", "replace").splitlines():
        url = absolute_url(line, None)
        if url is None or url in seen:
            continue
        seen.add(url)
        urls.append(SitemapURL(url))
        if len(urls) >= max_urls:
            return SitemapParseResult(urls, [], f"truncated: more than {max_urls} urls", "text")
    if not urls:
        return SitemapParseResult(error="not_a_sitemap: no URLs in text")
    return SitemapParseResult(urls, [], None, "text")


def _parse_urlset(root: etree._Element, base_url: str, max_urls: int) -> SitemapParseResult:
    result = SitemapParseResult(kind="urlset")
    seen: set[str] = set()
    for el in root:
        if local_name(el) != "url":
            continue
        url = absolute_url(element_text(_first(el, "loc")), base_url)
        if url is None or url in seen:
            continue
        if len(result.urls) >= max_urls:
            result.error = f"truncated: more than {max_urls} urls"
            break
        seen.add(url)
        news = _first(el, "news")
        news_title = news_date = None
        if news is not None:
            news_title = " ".join(element_text(_first(news, "title")).split()) or None
            news_date = parse_date(element_text(_first(news, "publication_date")))
        alternates = tuple(
            (link.get("hreflang", "").strip(), href)
            for link in el
            if local_name(link) == "link"
            and (link.get("rel") or "").strip().lower() == "alternate"
            and (href := absolute_url(link.get("href") or "", base_url)) is not None
        )
        result.urls.append(
            SitemapURL(
                url,
                parse_date(element_text(_first(el, "lastmod"))),
                news_title,
                news_date,
                alternates,
            )
        )
    return result


def _parse_index(root: etree._Element, base_url: str, max_urls: int) -> SitemapParseResult:
    result = SitemapParseResult(kind="sitemapindex")
    seen: set[str] = set()
    for el in root:
        if local_name(el) != "sitemap":
            continue
        url = absolute_url(element_text(_first(el, "loc")), base_url)
        if url is None or url in seen:
            continue
        if len(result.sitemaps) >= max_urls:
            result.error = f"truncated: more than {max_urls} sitemaps"
            break
        seen.add(url)
        result.sitemaps.append(SitemapRef(url, parse_date(element_text(_first(el, "lastmod")))))
    return result
