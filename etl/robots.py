"""robots.txt rules per origin, parsed with Protego and cached with an expiry.

Follows RFC 9309 (and Google's documented practice where the RFC leaves a choice):

* **2xx** — the file is parsed; its rules, ``Crawl-delay`` and ``Sitemap:`` lines apply.
* **4xx** (except 429), too many redirects, a redirect loop — robots.txt is *unavailable*:
  everything may be crawled.
* **5xx, 429, timeout, connection or DNS failure** — robots.txt is *unreachable*: crawl
  nothing on that origin for now. This verdict is cached for only ``error_ttl`` seconds so
  the file is retried soon; if a good copy fetched within ``stale_ttl`` seconds exists, it is
  used instead (a short outage does not stop a site that was crawlable an hour ago).

One cache entry per origin (scheme + host + port). Concurrent requests for the same origin
share one fetch. The fetch itself goes through the caller's fetch function (the
:class:`~etl.fetcher.Fetcher`), so robots.txt gets the same timeouts, size cap, User-Agent,
SSRF checks and per-host politeness as any page. Files larger than the fetcher's robots cap
(512 KiB by default, RFC 9309 asks for at least 500 KiB) are parsed up to the cap.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import httpx
from protego import Protego

if TYPE_CHECKING:
    from .fetcher import FetchResult

__all__ = ["RobotsCache", "RobotsRules", "origin_of", "robots_url"]

log = logging.getLogger(__name__)

RobotsFetch = Callable[[str], Awaitable["FetchResult"]]
"""Fetches one robots.txt URL (``Fetcher.fetch(url, kind="robots")``)."""

_DEFAULT_PORTS = {"http": 80, "https": 443}
_ALLOW_OUTCOMES = frozenset({"too_many_redirects", "redirect_loop"})


def origin_of(url: str) -> str:
    """``scheme://host:port`` of a URL, port always explicit (the robots.txt cache key)."""
    u = httpx.URL(url)
    scheme = u.scheme.lower()
    port = u.port or _DEFAULT_PORTS.get(scheme, 0)
    host = u.raw_host.decode("ascii").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def robots_url(url: str) -> str:
    """The robots.txt URL governing ``url`` (default ports omitted)."""
    u = httpx.URL(url)
    scheme = u.scheme.lower()
    host = u.raw_host.decode("ascii").lower()
    if ":" in host:
        host = f"[{host}]"
    port = "" if u.port in (None, _DEFAULT_PORTS.get(scheme)) else f":{u.port}"
    return f"{scheme}://{host}{port}/robots.txt"


@dataclass(slots=True)
class RobotsRules:
    """The robots.txt verdict for one origin.

    ``status`` is ``ok`` (parsed), ``unavailable`` (4xx: allow all) or ``unreachable``
    (5xx/network: disallow all for now). ``crawl_delay`` is the ``Crawl-delay`` for our user
    agent (None when absent or invalid); ``sitemaps`` are the absolute ``Sitemap:`` URLs.
    """

    origin: str
    status: str
    user_agent: str
    parser: Protego | None = None
    crawl_delay: float | None = None
    sitemaps: tuple[str, ...] = ()
    http_status: int | None = None
    detail: str = ""
    fetched_at: float = field(default_factory=time.monotonic)
    expires_at: float = 0.0

    def can_fetch(self, url: str) -> bool:
        """True when our user agent may fetch ``url`` under these rules."""
        if self.status == "unreachable":
            return False
        if self.parser is None:
            return True
        try:
            return bool(self.parser.can_fetch(url, self.user_agent))
        except Exception:  # Protego on a pathological pattern: be conservative
            log.warning("event=robots_match_error origin=%s url=%s", self.origin, url)
            return False


class RobotsCache:
    """Per-origin robots.txt cache with expiry.

    ``fetch`` downloads a robots.txt URL and returns a
    :class:`~etl.fetcher.FetchResult`. ``ttl`` is how long a fetched file (or a 4xx) is
    trusted; ``error_ttl`` how long an *unreachable* verdict is kept before retrying.
    """

    def __init__(
        self,
        fetch: RobotsFetch,
        *,
        user_agent: str,
        ttl: float = 3600.0,
        error_ttl: float = 300.0,
        stale_ttl: float = 86_400.0,
        max_entries: int = 50_000,
    ) -> None:
        self._fetch = fetch
        self.user_agent = user_agent
        self.ttl = ttl
        self.error_ttl = min(error_ttl, ttl) if ttl > 0 else error_ttl
        self.stale_ttl = stale_ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[str, RobotsRules] = OrderedDict()
        self._inflight: dict[str, asyncio.Task[RobotsRules]] = {}

    def cached(self, url: str) -> RobotsRules | None:
        """The unexpired rules for ``url``'s origin, without fetching."""
        rules = self._entries.get(origin_of(url))
        if rules is not None and rules.expires_at > time.monotonic():
            return rules
        return None

    def invalidate(self, url: str) -> None:
        """Forget the rules of ``url``'s origin (next :meth:`get` fetches again)."""
        self._entries.pop(origin_of(url), None)

    async def get(self, url: str) -> RobotsRules:
        """Rules for ``url``'s origin, fetching robots.txt when absent or expired."""
        origin = origin_of(url)
        rules = self._entries.get(origin)
        now = time.monotonic()
        if rules is not None and rules.expires_at > now:
            self._entries.move_to_end(origin)
            return rules
        task = self._inflight.get(origin)
        if task is None:
            # A task, not the caller's coroutine: a cancelled caller does not cancel the fetch
            # that other callers for the same origin are waiting on.
            task = asyncio.create_task(self._load(origin, robots_url(url), previous=rules))
            self._inflight[origin] = task
            task.add_done_callback(lambda t: self._store(origin, t))
        return await asyncio.shield(task)

    def _store(self, origin: str, task: asyncio.Task[RobotsRules]) -> None:
        self._inflight.pop(origin, None)
        if task.cancelled() or task.exception() is not None:
            return
        self._entries[origin] = task.result()
        self._entries.move_to_end(origin)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def _load(self, origin: str, url: str, previous: RobotsRules | None) -> RobotsRules:
        result = await self._fetch(url)
        now = time.monotonic()
        status = result.status
        if result.outcome == "ok":
            rules = self._parse(origin, result.text or "", status)
        elif (
            status is not None and 400 <= status < 500 and status != 429
        ) or result.outcome in _ALLOW_OUTCOMES:
            rules = RobotsRules(origin, "unavailable", self.user_agent, http_status=status)
            rules.detail = result.outcome
        else:
            if (
                previous is not None
                and previous.status != "unreachable"
                and now - previous.fetched_at < self.stale_ttl
            ):
                previous.expires_at = now + self.error_ttl
                log.info(
                    "event=robots_stale origin=%s outcome=%s age=%.0f",
                    origin,
                    result.outcome,
                    now - previous.fetched_at,
                )
                return previous
            rules = RobotsRules(origin, "unreachable", self.user_agent, http_status=status)
            rules.detail = (
                result.outcome if not result.error else f"{result.outcome}: {result.error}"
            )
        rules.fetched_at = now
        rules.expires_at = now + (self.error_ttl if rules.status == "unreachable" else self.ttl)
        log.info(
            "event=robots origin=%s status=%s http_status=%s crawl_delay=%s sitemaps=%d detail=%r",
            origin,
            rules.status,
            status,
            rules.crawl_delay,
            len(rules.sitemaps),
            rules.detail,
        )
        return rules

    def _parse(self, origin: str, text: str, http_status: int | None) -> RobotsRules:
        base = f"{origin}/robots.txt"
        try:
            parser = Protego.parse(text)
            delay = parser.crawl_delay(self.user_agent)
            sitemaps = tuple(
                dict.fromkeys(
                    absolute
                    for s in parser.sitemaps
                    if (absolute := urljoin(base, s.strip())).startswith(("http://", "https://"))
                )
            )
        except Exception as exc:  # Protego is lenient; this is a last resort
            log.warning("event=robots_parse_error origin=%s error=%r", origin, exc)
            return RobotsRules(
                origin,
                "unavailable",
                self.user_agent,
                http_status=http_status,
                detail="parse_error",
            )
        crawl_delay = float(delay) if delay is not None and math.isfinite(delay) else None
        if crawl_delay is not None and crawl_delay < 0:
            crawl_delay = None
        return RobotsRules(
            origin,
            "ok",
            self.user_agent,
            parser=parser,
            crawl_delay=crawl_delay,
            sitemaps=sitemaps,
            http_status=http_status,
        )
