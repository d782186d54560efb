"""Polite, bounded async HTTP fetching for the crawler.

:class:`Fetcher` wraps one ``httpx.AsyncClient`` and turns every URL into a
:class:`FetchResult` whose ``outcome`` says what happened; per-URL problems never raise.

What every request gets:

* **SSRF guard** (:mod:`etl.netguard`) on the URL and on every redirect hop, and again at
  socket level (connections go only to checked addresses).
* **robots.txt** (:mod:`etl.robots`) on every hop; ``Crawl-delay`` raises the host delay.
* **Politeness**: one request in flight per host and at least ``host_delay`` seconds between
  request starts to a host (raised by ``Crawl-delay`` and ``Retry-After``, capped at
  ``max_host_delay``). Requests waiting for their host are parked on that host's queue and
  hold no global slot, so they never block other hosts; ``max_concurrency`` bounds requests
  actually in flight. Retries queue again behind the host delay.
* **Timeouts**: connect, read (between bytes) and a total deadline per request, body
  included, so a server trickling bytes cannot hold a slot for long.
* **Size cap** on the *decoded* body, enforced while streaming: ``Content-Encoding`` is
  decoded here with bounded ``zlib`` calls (httpx's own decoder inflates a whole network chunk
  at once, which lets a 64 KiB chunk of a gzip bomb become ~64 MiB), so a bomb allocates at
  most about ``max_bytes``. Gzipped feeds and sitemaps (``.gz``) are gunzipped with the same
  cap.
* **Redirects** followed by hand (each hop checked), loops and over-long chains detected.
* **Retries** with exponential backoff and jitter for timeouts, connection errors, resets,
  408, 429, 500, 502, 503, 504; ``Retry-After`` is honoured (seconds or HTTP date) up to
  ``retry_after_cap``, beyond which the fetch gives up with the status outcome.
* **Conditional requests** (``If-None-Match`` / ``If-Modified-Since``); 304 → ``not_modified``.
* **Text decoding**: BOM, then the ``Content-Type`` charset, then ``<meta>`` / XML
  declaration, then detection (UTF-8, else charset_normalizer); undecodable bytes are
  replaced, never raised.

Outcomes (``FetchResult.outcome``): ``ok``, ``not_modified``, ``http_<code>``, ``timeout``,
``connect_error``, ``reset``, ``too_large``, ``too_many_redirects``, ``redirect_loop``,
``robots``, ``refused``, ``bad_content_type``, ``decode_error``, ``dns_error``.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import email.utils
import http.cookiejar
import logging
import random
import re
import time
import zlib
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any, Literal

import charset_normalizer
import httpx

from .config import Settings, get_settings
from .errors import BlockedURLError, FetchError
from .netguard import DNS_ERROR, GuardedTransport, Resolver, check_url
from .robots import RobotsCache, RobotsRules

__all__ = [
    "OUTCOMES",
    "RETRYABLE_STATUSES",
    "BodyTooLargeError",
    "FetchPolicy",
    "FetchRequest",
    "FetchResult",
    "Fetcher",
    "Kind",
    "decode_text",
    "fetch_one",
    "gunzip_limited",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

Kind = Literal["article", "feed", "sitemap", "robots"]

OUTCOMES = frozenset(
    {
        "ok",
        "not_modified",
        "timeout",
        "connect_error",
        "reset",
        "too_large",
        "too_many_redirects",
        "redirect_loop",
        "robots",
        "refused",
        "bad_content_type",
        "decode_error",
        "dns_error",
    }
)
"""Every outcome except ``http_<code>``."""

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_RETRYABLE_OUTCOMES = frozenset({"timeout", "connect_error", "reset"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SELECTED_HEADERS = ("content-type", "etag", "last-modified", "retry-after")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GZIP_TYPES = frozenset(
    {
        "application/gzip",
        "application/x-gzip",
        "application/x-gunzip",
        "application/gzip-compressed",
    }
)
_ACCEPT = {
    "article": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    "feed": (
        "application/rss+xml,application/atom+xml,application/feed+json,"
        "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
    ),
    "sitemap": "application/xml,text/xml;q=0.9,application/x-gzip;q=0.8,*/*;q=0.5",
    "robots": "text/plain,*/*;q=0.5",
}
_MAX_HOSTS = 10_000
_DRAIN_MAX = 64 * 1024


class BodyTooLargeError(FetchError):
    """A (decompressed) body exceeded its size limit."""


# --------------------------------------------------------------------------------------
# Results and policy


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class FetchResult:
    """What happened to one URL.

    ``outcome`` is ``ok`` only for a 2xx with an acceptable, fully read body (then ``body``
    is set, and ``text`` for textual types). ``headers`` holds the selected response headers
    (content-type, etag, last-modified, retry-after) of the last response. ``elapsed`` is the
    wall time of the whole fetch (politeness waits, retries and redirects included);
    ``attempts`` counts HTTP requests sent (all hops); ``fetched_at`` is when the last
    request was sent (UTC; the WARC-Date), or when the fetch ended if nothing was sent.
    ``error`` explains non-``ok`` outcomes (for ``refused``: ``refused_scheme``,
    ``refused_address`` or ``invalid_url``; for ``robots``: ``disallowed``, or
    ``robots_unreachable``, which is temporary and worth retrying later).
    """

    url: str
    final_url: str
    status: int | None
    outcome: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    text: str | None = None
    content_type: str | None = None
    elapsed: float = 0.0
    attempts: int = 0
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime = field(default_factory=_utcnow)
    kind: str = "article"
    encoding: str | None = None
    redirects: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the outcome is ``ok``."""
        return self.outcome == "ok"


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """One item for :meth:`Fetcher.fetch_many` when a plain URL is not enough."""

    url: str
    kind: Kind = "article"
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Every knob of a :class:`Fetcher`. Build it with :meth:`from_settings`.

    Times are seconds, sizes bytes. ``host_delay`` is the minimum gap between request
    starts to one host, raised by robots.txt ``Crawl-delay`` up to ``max_host_delay``.
    ``total_timeout`` caps one HTTP exchange (headers and body; not the politeness wait).
    ``max_retries`` counts retries after the first attempt; backoff is
    ``backoff_base * 2**(n-1)`` (at most ``backoff_max``) times a 0.5-1.5 jitter, or
    ``Retry-After`` when longer; a ``Retry-After`` above ``retry_after_cap`` ends the fetch.
    ``robots_error_ttl`` is how long an unreachable robots.txt blocks its origin before it
    is retried. ``max_bytes`` caps the decoded body (``max_robots_bytes`` for robots.txt,
    which is truncated rather than refused). ``dns_ttl`` is the resolver cache lifetime.
    """

    user_agent: str
    host_delay: float = 3.0
    max_host_delay: float = 60.0
    max_concurrency: int = 16
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_redirects: int = 5
    max_retries: int = 3
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    retry_after_cap: float = 120.0
    robots_ttl: float = 3600.0
    robots_error_ttl: float = 300.0
    respect_robots: bool = True
    allow_private: bool = False
    max_bytes: int = 8 * 1024 * 1024
    max_robots_bytes: int = 512 * 1024
    dns_ttl: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> FetchPolicy:
        """Policy from :class:`~etl.config.Settings` (default: ``get_settings()``), with
        keyword overrides of any field (``FetchPolicy.from_settings(s, host_delay=0.5)``)."""
        s = settings if settings is not None else get_settings()
        base = cls(
            user_agent=s.user_agent,
            host_delay=s.host_delay,
            max_concurrency=s.max_concurrency,
            connect_timeout=s.connect_timeout,
            read_timeout=s.read_timeout,
            total_timeout=s.total_timeout,
            max_redirects=s.max_redirects,
            max_retries=s.max_retries,
            robots_ttl=s.robots_ttl,
            allow_private=s.allow_private_addresses,
            max_bytes=s.max_page_bytes,
        )
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown FetchPolicy fields: {sorted(unknown)}")
        return replace(base, **overrides)


# --------------------------------------------------------------------------------------
# Per-host politeness


class _Host:
    __slots__ = ("delay", "last_start", "lock", "not_before", "users")

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.last_start = float("-inf")
        self.not_before = float("-inf")
        self.lock = asyncio.Lock()
        self.users = 0


class _Scheduler:
    """Per-host FIFO slots plus the global in-flight limit.

    A request first queues on its host's lock (parked: it holds nothing global), sleeps until
    the host's next allowed start (``delay`` after the end of its previous request), then
    takes a global slot. The host lock stays held for the request, so each host has one
    request in flight.
    """

    def __init__(self, base_delay: float, max_delay: float, concurrency: int) -> None:
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._global = asyncio.Semaphore(concurrency)
        self._hosts: OrderedDict[str, _Host] = OrderedDict()

    def _host(self, host: str) -> _Host:
        h = self._hosts.get(host)
        if h is None:
            if len(self._hosts) >= _MAX_HOSTS:
                self._prune()
            h = self._hosts[host] = _Host(min(self.base_delay, self.max_delay))
        return h

    def _prune(self) -> None:
        now = time.monotonic()
        for name in list(self._hosts):
            h = self._hosts[name]
            if h.users == 0 and max(h.last_start + h.delay, h.not_before) < now:
                del self._hosts[name]
            if len(self._hosts) < _MAX_HOSTS // 2:
                break

    def set_crawl_delay(self, host: str, crawl_delay: float | None) -> None:
        h = self._host(host)
        delay = min(max(self.base_delay, crawl_delay or 0.0), self.max_delay)
        if delay != h.delay:
            log.info("event=host_delay host=%s delay=%.3f crawl_delay=%s", host, delay, crawl_delay)
            h.delay = delay

    def hold_off(self, host: str, seconds: float) -> None:
        """No request to ``host`` starts for ``seconds`` (Retry-After)."""
        h = self._host(host)
        h.not_before = max(h.not_before, time.monotonic() + seconds)

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        h = self._host(host)
        h.users += 1
        try:
            async with h.lock:
                while True:
                    wait = max(h.last_start + h.delay, h.not_before) - time.monotonic()
                    if wait <= 0:
                        break
                    await asyncio.sleep(wait)
                async with self._global:
                    h.last_start = time.monotonic()
                    try:
                        yield
                    finally:
                        # Count the delay from the end of the exchange: the server then
                        # sees at least `delay` between two requests, whatever the latency
                        # (measured from starts, a slow first connect shortened the gap).
                        h.last_start = time.monotonic()
        finally:
            h.users -= 1


# --------------------------------------------------------------------------------------
# Bounded decompression


class _Inflater:
    """Streaming gzip/deflate decoder whose output never exceeds ``limit`` bytes.

    Each ``zlib`` call is given ``max_length`` so a highly compressed chunk cannot expand
    past the limit in memory. Concatenated gzip members are decoded in turn.
    """

    def __init__(self, coding: str, limit: int) -> None:
        self.coding = coding
        self.limit = limit
        self.size = 0
        self._first = True
        self._d = self._new()

    def _new(self) -> Any:
        if self.coding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        return zlib.decompressobj(zlib.MAX_WBITS | 16)

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        while data:
            room = self.limit - self.size - len(out)
            try:
                chunk = self._d.decompress(data, room + 1)
            except zlib.error:
                if self.coding == "deflate" and self._first:
                    # Some servers send raw deflate without the zlib header.
                    self._d = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._first = False
                    continue
                raise
            self._first = False
            out += chunk
            if self.size + len(out) > self.limit:
                raise BodyTooLargeError(f"decoded body exceeds {self.limit} bytes")
            if self._d.unconsumed_tail:
                data = self._d.unconsumed_tail
            elif self._d.eof and self._d.unused_data and self.coding != "deflate":
                data = self._d.unused_data.lstrip(b"\x00")  # next gzip member
                self._d = self._new()
            else:
                data = b""
        self.size += len(out)
        return bytes(out)

    def finish(self) -> bytes:
        if self._first:
            return b""
        if not self._d.eof and self.coding != "deflate":
            raise zlib.error("truncated gzip stream")
        tail = self._d.flush()
        if self.size + len(tail) > self.limit:
            raise BodyTooLargeError(f"decoded body exceeds {self.limit} bytes")
        self.size += len(tail)
        return tail


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """Gunzip ``data`` (all members), raising :class:`BodyTooLargeError` past ``limit``
    decompressed bytes (without allocating more than about ``limit``) and ``zlib.error``
    for corrupt or truncated input."""
    inflater = _Inflater("gzip", limit)
    out = bytearray()
    view = memoryview(data)
    for start in range(0, len(data), 1 << 16):
        out += inflater.feed(bytes(view[start : start + (1 << 16)]))
    out += inflater.finish()
    return bytes(out)


# --------------------------------------------------------------------------------------
# Text decoding

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG Encoding: these labels mean windows-1252 on the web.
_WEB_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}


def _codec(label: str | bytes | None) -> str | None:
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WEB_ALIASES.get(name, name)


def decode_text(
    body: bytes, declared: str | None = None, *, sniff_html: bool = True
) -> tuple[str, str]:
    """Decode ``body`` to ``(text, encoding)``; never raises.

    Order: byte-order mark; ``declared`` (the Content-Type charset); ``<meta charset>`` or the
    XML declaration in the first 4 KiB; otherwise UTF-8 if the bytes are valid UTF-8, else
    charset_normalizer's best guess, else windows-1252. A declared UTF-8 that contains no
    valid multi-byte sequence at all (typically Latin-1 mislabelled as UTF-8) is re-detected.
    Invalid bytes become U+FFFD.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, "replace"), name
    encoding = _codec(declared)
    if encoding is None:
        head = body[:4096]
        m = _XML_ENCODING.match(head) or (_META_CHARSET.search(head) if sniff_html else None)
        encoding = _codec(m.group(1)) if m else None
        if encoding is not None and encoding.startswith(("utf-16", "utf-32")):
            encoding = "utf-8"  # a document read as ASCII cannot really be UTF-16
    if encoding is not None:
        try:
            return body.decode(encoding), encoding
        except UnicodeDecodeError:
            if encoding != "utf-8" or _UTF8_MULTIBYTE.search(body):
                return body.decode(encoding, "replace"), encoding
            # Declared UTF-8 without a single UTF-8 sequence: the label is wrong.
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect(body[:262_144]) or "cp1252"
    return body.decode(encoding, "replace"), encoding


def _detect(sample: bytes) -> str | None:
    """charset_normalizer's guess; among equally good guesses windows-1252, the web's most
    common legacy encoding, wins (short Western texts otherwise often come out as cp1250)."""
    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    for m in matches:
        if (
            _codec(m.encoding) == "cp1252"
            and m.chaos <= best.chaos + 0.01
            and m.coherence >= best.coherence - 0.01
        ):
            return "cp1252"
    return _codec(best.encoding)


# --------------------------------------------------------------------------------------
# Helpers


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date); None if
    absent or unparseable. Dates in the past give 0."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or _utcnow())).total_seconds())


def _media_type(value: str | None) -> tuple[str | None, str | None]:
    """``(media type, charset)`` of a Content-Type header."""
    if not value:
        return None, None
    parts = value.split(";")
    media = parts[0].strip().lower() or None
    charset = None
    for p in parts[1:]:
        key, _, val = p.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return media, charset


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return bool(re.search(rb"<(?:!doctype\s+html|html|head|body)[\s>]", head))


def _type_allowed(kind: str, media: str | None) -> bool | None:
    """True/False, or None when the body must be sniffed (article without a type)."""
    if kind == "robots":
        return True
    if kind == "article":
        if media is None:
            return None
        return media in _HTML_TYPES
    if media is None:
        return True
    return (
        media.endswith(("/xml", "+xml", "/json", "+json"))
        or media.startswith("text/")
        or media in _GZIP_TYPES
        or media == "application/octet-stream"
    )


def _host_key(url: str) -> str:
    return httpx.URL(url).host.lower()


def _loop_key(url: str) -> str:
    return str(httpx.URL(url).copy_with(fragment=None))


@dataclass(slots=True)
class _Hop:
    """One HTTP exchange (after retries) for one URL."""

    outcome: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    media: str | None = None
    charset: str | None = None
    location: str | None = None
    error: str | None = None
    attempts: int = 0
    started_at: datetime | None = None


# --------------------------------------------------------------------------------------
# The fetcher


class Fetcher:
    """Async HTTP fetcher for articles, feeds, sitemaps and robots.txt.

    Use as an async context manager::

        async with Fetcher(settings, host_delay=1.0) as fetcher:
            result = await fetcher.fetch("https://example.com/news/1")
            async for r in fetcher.fetch_many(urls):
                ...

    ``settings`` is a :class:`~etl.config.Settings` (default ``get_settings()``) or a ready
    :class:`FetchPolicy`; keyword ``overrides`` replace policy fields. ``resolver`` replaces
    the DNS resolver (tests map names to loopback addresses with it).
    """

    def __init__(
        self,
        settings: Settings | FetchPolicy | None = None,
        *,
        resolver: Resolver | None = None,
        **overrides: Any,
    ) -> None:
        if isinstance(settings, FetchPolicy):
            policy = replace(settings, **overrides) if overrides else settings
        else:
            policy = FetchPolicy.from_settings(settings, **overrides)
        self.policy = policy
        self.resolver = resolver or Resolver(ttl=policy.dns_ttl, timeout=policy.connect_timeout)
        self._scheduler = _Scheduler(
            policy.host_delay, policy.max_host_delay, policy.max_concurrency
        )
        self.robots = RobotsCache(
            lambda url: self.fetch(url, kind="robots"),
            user_agent=policy.user_agent,
            ttl=policy.robots_ttl,
            error_ttl=policy.robots_error_ttl,
        )
        transport = GuardedTransport(
            allow_private=policy.allow_private,
            resolver=self.resolver,
            limits=httpx.Limits(
                max_connections=policy.max_concurrency,
                max_keepalive_connections=policy.max_concurrency,
                keepalive_expiry=5.0,
            ),
        )
        # Stateless crawler: no cookies are stored (or sent back).
        no_cookies = http.cookiejar.CookieJar(
            policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[])
        )
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(
                connect=policy.connect_timeout,
                read=policy.read_timeout,
                write=policy.read_timeout,
                pool=policy.connect_timeout,
            ),
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            trust_env=False,
            cookies=no_cookies,
        )
        self._closed = False

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool. Idempotent."""
        if not self._closed:
            self._closed = True
            await self._client.aclose()

    # -- public API -------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        kind: Kind = "article",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """Fetch one URL politely and return what happened; never raises for per-URL problems.

        ``kind`` selects accepted content types (``article``: HTML/XHTML; ``feed`` and
        ``sitemap``: XML, JSON, text, gzip — gunzipped here; ``robots``: anything, truncated
        at ``max_robots_bytes`` instead of failing, and not itself checked against
        robots.txt). ``etag``/``last_modified`` make the request conditional; a 304 gives
        ``not_modified``. Cancellation (``asyncio.CancelledError``) propagates.
        """
        if self._closed:
            raise FetchError("Fetcher is closed")
        started = time.monotonic()
        try:
            result = await self._fetch(url, kind, etag, last_modified)
        except Exception as exc:  # a bug or an unforeseen library error: still one result
            log.exception("event=fetch_internal_error url=%s", url)
            result = FetchResult(url, url, None, "connect_error", error=f"internal: {exc!r}"[:300])
        result.kind = kind
        result.elapsed = time.monotonic() - started
        log.info(
            "event=fetch url=%s final_url=%s kind=%s outcome=%s status=%s attempts=%d "
            "elapsed=%.3f bytes=%s error=%r",
            url,
            result.final_url,
            kind,
            result.outcome,
            result.status,
            result.attempts,
            result.elapsed,
            len(result.body) if result.body is not None else None,
            result.error,
        )
        return result

    async def fetch_many(
        self,
        urls: Iterable[str | FetchRequest] | AsyncIterable[str | FetchRequest],
        *,
        kind: Kind = "article",
        max_pending: int = 1000,
    ) -> AsyncIterator[FetchResult]:
        """Fetch many URLs concurrently; yield results as they complete (not input order).

        Items are URLs (fetched as ``kind``) or :class:`FetchRequest`. At most
        ``max_pending`` fetches are started ahead of the consumer (most of them parked on
        their host's queue); ``max_concurrency`` requests are in flight. For fairness,
        interleave hosts in the input: a window full of one host's URLs waits for that
        host. Stopping the iteration cancels what is still pending.
        """
        if isinstance(urls, AsyncIterable):
            source: AsyncIterator[str | FetchRequest] = aiter(urls)
        else:
            source = _aiter_sync(urls)
        pending: set[asyncio.Task[FetchResult]] = set()
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < max_pending:
                    try:
                        item = await anext(source)
                    except StopAsyncIteration:
                        exhausted = True
                        break
                    req = item if isinstance(item, FetchRequest) else FetchRequest(item, kind)
                    pending.add(
                        asyncio.create_task(
                            self.fetch(
                                req.url,
                                kind=req.kind,
                                etag=req.etag,
                                last_modified=req.last_modified,
                            )
                        )
                    )
                if not pending:
                    return
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    yield task.result()
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    async def robots_for(self, url: str) -> RobotsRules:
        """The robots.txt rules for ``url``'s origin (fetched and cached on demand)."""
        rules = await self.robots.get(url)
        self._scheduler.set_crawl_delay(_host_key(url), rules.crawl_delay)
        return rules

    # -- internals --------------------------------------------------------------------

    async def _fetch(
        self, url: str, kind: str, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        policy = self.policy
        current = url
        redirects: list[str] = []
        attempts = 0
        try:
            visited = {_loop_key(url)}
        except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
            return FetchResult(url, url, None, "refused", error=f"invalid_url: {exc}"[:300])

        def done(outcome: str, error: str | None = None, hop: _Hop | None = None) -> FetchResult:
            r = FetchResult(url, current, None, outcome, error=error, attempts=attempts)
            r.redirects = tuple(redirects)
            if hop is not None:
                r.fetched_at = hop.started_at or r.fetched_at
                r.status = hop.status
                r.headers = hop.headers
                r.etag = hop.headers.get("etag")
                r.last_modified = hop.headers.get("last-modified")
                r.content_type = hop.media
                r.body = hop.body
            return r

        for hop_no in range(policy.max_redirects + 1):
            verdict = await check_url(
                current, allow_private=policy.allow_private, resolver=self.resolver
            )
            if not verdict.allowed:
                outcome = "dns_error" if verdict.reason == DNS_ERROR else "refused"
                return done(outcome, f"{verdict.reason}: {verdict.detail}")
            if kind != "robots" and policy.respect_robots:
                rules = await self.robots_for(current)
                if not rules.can_fetch(current):
                    why = "disallowed" if rules.status == "ok" else f"robots_{rules.status}"
                    return done("robots", f"{why} ({rules.origin}/robots.txt)")
            hop = await self._exchange(current, kind, etag, last_modified)
            attempts += hop.attempts
            if hop.location is None:
                result = done(hop.outcome, hop.error, hop)
                if hop.outcome == "ok" and hop.body is not None:
                    if kind == "robots":  # RFC 9309: robots.txt is UTF-8
                        result.text = hop.body.decode("utf-8", "replace")
                        result.encoding = "utf-8"
                    else:  # every accepted type is textual (gzip was inflated above)
                        result.text, result.encoding = decode_text(
                            hop.body, hop.charset, sniff_html=kind == "article"
                        )
                return result
            try:
                nxt = _loop_key(str(httpx.URL(current).join(hop.location)))
            except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
                return done(
                    "refused", f"invalid_url: bad Location {hop.location!r}: {exc}"[:300], hop
                )
            if nxt in visited:
                redirects.append(nxt)
                return done("redirect_loop", f"{current} -> {nxt}", hop)
            if hop_no == policy.max_redirects:
                return done("too_many_redirects", f"more than {policy.max_redirects}", hop)
            visited.add(nxt)
            redirects.append(nxt)
            current = nxt
        raise AssertionError("unreachable")  # pragma: no cover

    async def _exchange(
        self, url: str, kind: str, etag: str | None, last_modified: str | None
    ) -> _Hop:
        """One URL, with retries, each attempt behind the host's politeness slot."""
        policy = self.policy
        host = _host_key(url)
        headers = {"Accept": _ACCEPT.get(kind, "*/*")}
        if kind != "robots":
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            attempt += 1
            async with self._scheduler.slot(host):
                started_at = _utcnow()
                hop = await self._attempt(url, kind, headers)
                hop.started_at = started_at
            hop.attempts = attempt
            retryable = hop.outcome in _RETRYABLE_OUTCOMES or (
                hop.status in RETRYABLE_STATUSES and hop.location is None
            )
            if not retryable:
                return hop
            wait = policy.backoff_base * min(2 ** (attempt - 1), 1 << 20)
            wait = min(wait, policy.backoff_max) * random.uniform(0.5, 1.5)
            retry_after = parse_retry_after(hop.headers.get("retry-after"))
            if retry_after is not None and hop.status in (429, 503):
                if retry_after > policy.retry_after_cap:
                    hop.error = f"Retry-After {retry_after:.0f}s exceeds cap"
                    return hop
                self._scheduler.hold_off(host, retry_after)
                wait = max(wait, retry_after)
            if attempt > policy.max_retries:
                return hop
            log.info(
                "event=fetch_retry url=%s attempt=%d outcome=%s status=%s wait=%.2f",
                url,
                attempt,
                hop.outcome,
                hop.status,
                wait,
            )
            await asyncio.sleep(wait)

    async def _attempt(self, url: str, kind: str, headers: dict[str, str]) -> _Hop:
        """One HTTP request; maps every network failure to an outcome."""
        try:
            async with asyncio.timeout(self.policy.total_timeout):
                request = self._client.build_request("GET", url, headers=headers)
                response = await self._client.send(request, stream=True)
                try:
                    return await self._read(url, kind, response)
                finally:
                    await response.aclose()
        except TimeoutError:
            return _Hop("timeout", error=f"total deadline {self.policy.total_timeout}s")
        except httpx.TimeoutException as exc:
            return _Hop("timeout", error=f"{type(exc).__name__}: {exc}"[:300])
        except BlockedURLError as exc:
            outcome = "dns_error" if exc.reason == DNS_ERROR else "refused"
            return _Hop(outcome, error=f"{exc.reason}: connection to {exc.url} refused")
        except httpx.ConnectError as exc:
            return _Hop("connect_error", error=f"{exc}"[:300] or "ConnectError")
        except httpx.DecodingError as exc:
            return _Hop("decode_error", error=f"{exc}"[:300])
        except (
            httpx.ReadError,
            httpx.WriteError,
            httpx.RemoteProtocolError,
            ConnectionError,
        ) as exc:
            return _Hop("reset", error=f"{type(exc).__name__}: {exc}"[:300])
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
            return _Hop("refused", error=f"invalid_url: {exc}"[:300])
        except httpx.TransportError as exc:
            return _Hop("connect_error", error=f"{type(exc).__name__}: {exc}"[:300])

    async def _read(self, url: str, kind: str, response: httpx.Response) -> _Hop:
        status = response.status_code
        selected = {k: response.headers[k] for k in _SELECTED_HEADERS if k in response.headers}
        media, charset = _media_type(response.headers.get("content-type"))
        hop = _Hop("ok", status, selected, media=media, charset=charset)
        if status in _REDIRECTS and response.headers.get("location"):
            hop.location = response.headers["location"].strip()
            hop.outcome = f"http_{status}"
            await self._drain(response)
            return hop
        if status == 304:
            hop.outcome = "not_modified"
            await self._drain(response)
            return hop
        if not 200 <= status < 300:
            hop.outcome = f"http_{status}"
            await self._drain(response)
            return hop
        allowed = _type_allowed(kind, media)
        if allowed is False:
            hop.outcome = "bad_content_type"
            hop.error = f"{media} not accepted for {kind}"
            return hop
        limit = self.policy.max_robots_bytes if kind == "robots" else self.policy.max_bytes
        truncate = kind == "robots"
        codings = [
            c.strip().lower()
            for c in response.headers.get("content-encoding", "").split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            hop.outcome = "decode_error"
            hop.error = f"unsupported Content-Encoding {','.join(codings)}"
            return hop
        declared = response.headers.get("content-length", "")
        if not codings and not truncate and declared.isdigit() and int(declared) > limit:
            hop.outcome = "too_large"
            hop.error = f"Content-Length {declared} > {limit}"
            return hop
        inflater = (
            _Inflater("deflate" if codings == ["deflate"] else "gzip", limit) if codings else None
        )
        buf = bytearray()
        try:
            async for raw in response.aiter_raw():
                chunk = inflater.feed(raw) if inflater is not None else raw
                buf += chunk
                if len(buf) > limit:
                    raise BodyTooLargeError(f"body exceeds {limit} bytes")
            if inflater is not None:
                buf += inflater.finish()
        except BodyTooLargeError as exc:
            if not truncate:
                hop.outcome = "too_large"
                hop.error = str(exc)
                return hop
            del buf[limit:]
        except zlib.error as exc:
            hop.outcome = "decode_error"
            hop.error = f"Content-Encoding {codings[0]}: {exc}"
            return hop
        body = bytes(buf)
        if kind in ("feed", "sitemap") and body[:2] == b"\x1f\x8b":
            try:
                body = gunzip_limited(body, limit)
            except BodyTooLargeError as exc:
                hop.outcome = "too_large"
                hop.error = f"gunzipped {exc}"
                return hop
            except (zlib.error, EOFError) as exc:
                hop.outcome = "decode_error"
                hop.error = f"gzip: {exc}"
                return hop
        if allowed is None and not _looks_like_html(body):
            hop.outcome = "bad_content_type"
            hop.error = "no Content-Type and the body is not HTML"
            return hop
        hop.body = body
        return hop

    async def _drain(self, response: httpx.Response) -> None:
        """Read a small unwanted body (redirect, error page) so the connection can be
        reused; bodies without a small Content-Length are left to ``aclose`` instead."""
        declared = response.headers.get("content-length", "")
        if not declared.isdigit() or int(declared) > _DRAIN_MAX:
            return
        with contextlib.suppress(httpx.HTTPError, TimeoutError, OSError):
            async with asyncio.timeout(min(1.0, self.policy.read_timeout)):
                async for _ in response.aiter_raw():
                    pass


def fetch_one(
    url: str,
    settings: Settings | FetchPolicy | None = None,
    *,
    kind: Kind = "article",
    **overrides: Any,
) -> FetchResult:
    """Fetch one URL from synchronous code (CLI, notebooks): a throwaway :class:`Fetcher` in
    its own event loop. Not for use inside a running loop; never raises for per-URL
    problems."""

    async def run() -> FetchResult:
        async with Fetcher(settings, **overrides) as fetcher:
            return await fetcher.fetch(url, kind=kind)

    return asyncio.run(run())


async def _aiter_sync(items: Iterable[str | FetchRequest]) -> AsyncIterator[str | FetchRequest]:
    for item in items:
        yield item
