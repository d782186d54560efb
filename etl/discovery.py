"""Find a site's feeds and sitemaps.

Pure part (no I/O): :func:`find_feed_links` reads ``<link rel="alternate">`` feed
declarations (RSS, Atom, RDF, JSON Feed) from a homepage, honouring ``<base href>``, with a
fallback on ``<a href>`` links that look like feeds; :func:`feed_candidates` and
:func:`sitemap_candidates` list the usual locations to probe. :func:`discover` combines them.

Network part: :func:`discover_site` fetches the homepage and robots.txt **through a**
:class:`~etl.fetcher.Fetcher` (so every politeness, SSRF and size rule applies) and probes the
guessed locations only when the site declares nothing.

trafilatura's ``feeds.find_feed_urls`` and ``sitemaps.sitemap_search`` do their own
downloads (``trafilatura.fetch_url``) outside our fetcher, so they are not used;
``trafilatura.feeds.determine_feed`` is network-free but matches ``rel="alternate"`` only
exactly and filters by domain, so the small parser here is used instead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from .feeds import absolute_url, parse_feed
from .sitemaps import parse_sitemap

if TYPE_CHECKING:
    from .fetcher import Fetcher

__all__ = [
    "COMMON_FEED_PATHS",
    "COMMON_SITEMAP_PATHS",
    "FEED_TYPES",
    "Discovery",
    "discover",
    "discover_site",
    "feed_candidates",
    "find_feed_links",
    "sitemap_candidates",
]

log = logging.getLogger(__name__)

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/x.atom+xml",
        "application/x-atom+xml",
        "text/xml",
        "application/xml",
    }
)
COMMON_FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml")
COMMON_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml")
_FEEDISH_HREF = re.compile(
    r"(?:[./](?:rss|atom|rdf)(?:\.xml)?|/feeds?/?|/rss/?|\.xml)(?:[?#].*)?$", re.IGNORECASE
)


@dataclass(slots=True)
class Discovery:
    """Feeds and sitemaps of one site.

    ``feeds``/``sitemaps`` are declared (homepage ``<link>``, robots.txt ``Sitemap:``) or,
    after :func:`discover_site` probing, confirmed to parse. ``feed_candidates`` and
    ``sitemap_candidates`` are the remaining guesses (common paths), not verified.
    """

    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    feed_candidates: list[str] = field(default_factory=list)
    sitemap_candidates: list[str] = field(default_factory=list)


def _origin(url: str) -> str | None:
    u = absolute_url(url, None)
    if u is None:
        return None
    parts = urlsplit(u)
    return f"{parts.scheme}://{parts.netloc}"


def find_feed_links(page: str | bytes, base_url: str) -> list[str]:
    """Absolute feed URLs declared in an HTML page, in document order, deduplicated.

    ``<link rel="alternate" type="application/rss+xml|atom+xml|feed+json|...">`` wins;
    only when there is none are ``<a href>`` links ending like feeds (``/feed``, ``.rss``,
    ``/rss.xml``...) returned. Relative links resolve against ``<base href>`` then
    ``base_url``. Never raises; unparseable HTML gives ``[]``.
    """
    if not page or not page.strip():
        return []
    try:
        doc = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError, TypeError):
        return []
    base = base_url
    for el in doc.iter("base"):
        href = el.get("href")
        if href:
            base = absolute_url(href, base_url) or base_url
            break
    found: list[str] = []
    for el in doc.iter("link"):
        rels = (el.get("rel") or "").lower().split()
        media = (el.get("type") or "").split(";")[0].strip().lower()
        href = el.get("href")
        if not href or not ("alternate" in rels or "feed" in rels):
            continue
        if media in FEED_TYPES or (not media and "feed" in rels):
            url = absolute_url(href, base)
            if url:
                found.append(url)
    if not found:
        for el in doc.iter("a"):
            href = (el.get("href") or "").strip()
            if href and _FEEDISH_HREF.search(href) and "sitemap" not in href.lower():
                url = absolute_url(href, base)
                if url:
                    found.append(url)
    return list(dict.fromkeys(found))


def feed_candidates(url: str) -> list[str]:
    """The common feed locations (``/feed``, ``/rss``, ``/rss.xml``, ...) on ``url``'s site."""
    origin = _origin(url)
    return [origin + p for p in COMMON_FEED_PATHS] if origin else []


def sitemap_candidates(url: str, robots_sitemaps: list[str] | tuple[str, ...] = ()) -> list[str]:
    """robots.txt ``Sitemap:`` URLs first, then ``/sitemap.xml``, ``/sitemap_index.xml``,
    ``/news-sitemap.xml`` on ``url``'s site; deduplicated."""
    origin = _origin(url)
    guesses = [origin + p for p in COMMON_SITEMAP_PATHS] if origin else []
    return list(dict.fromkeys([*robots_sitemaps, *guesses]))


def discover(
    page: str | bytes | None, url: str, robots_sitemaps: list[str] | tuple[str, ...] = ()
) -> Discovery:
    """Everything that can be learnt without I/O from a homepage and its robots.txt."""
    feeds = find_feed_links(page, url) if page else []
    sitemaps = list(dict.fromkeys(robots_sitemaps))
    return Discovery(
        feeds=feeds,
        sitemaps=sitemaps,
        feed_candidates=[u for u in feed_candidates(url) if u not in feeds],
        sitemap_candidates=[u for u in sitemap_candidates(url) if u not in sitemaps],
    )


async def discover_site(fetcher: Fetcher, url: str, *, probe: bool = True) -> Discovery:
    """Fetch ``url`` (a homepage) and its robots.txt through ``fetcher`` and discover feeds
    and sitemaps.

    With ``probe``, the guessed locations are fetched only for what the site does not
    declare (no feed ``<link>`` → try the common feed paths; no ``Sitemap:`` line → try the
    common sitemap paths); those that parse with at least one entry move from the
    candidates to ``feeds``/``sitemaps``. Never raises for network problems.
    """
    home = await fetcher.fetch(url, kind="article")
    base = home.final_url if home.ok else url
    rules = await fetcher.robots_for(base)
    found = discover(home.text if home.ok else None, base, rules.sitemaps)
    if not probe:
        return found
    if not found.feeds:
        for candidate in list(found.feed_candidates):
            r = await fetcher.fetch(candidate, kind="feed")
            if r.ok and r.body and parse_feed(r.body, r.final_url).entries:
                found.feeds.append(r.final_url)
                found.feed_candidates.remove(candidate)
        found.feeds = list(dict.fromkeys(found.feeds))
    if not found.sitemaps:
        for candidate in list(found.sitemap_candidates):
            r = await fetcher.fetch(candidate, kind="sitemap")
            if r.ok and r.body:
                parsed = parse_sitemap(r.body, r.final_url)
                if parsed.urls or parsed.sitemaps:
                    found.sitemaps.append(r.final_url)
                    found.sitemap_candidates.remove(candidate)
        found.sitemaps = list(dict.fromkeys(found.sitemaps))
    log.info(
        "event=discovery url=%s feeds=%d sitemaps=%d", url, len(found.feeds), len(found.sitemaps)
    )
    return found
