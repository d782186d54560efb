"""The fetcher against real HTTP servers on loopback addresses (no mocks).

Several "hosts" are several 127.0.0.x addresses. Timeouts are short (read 0.5 s, total 2 s)
so every fault ends quickly; politeness is measured on the server side from request arrival
times.
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
import random
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from servers import (
    TestServer,
    bomb_bytes,
    conditional,
    endless,
    gzip_bomb,
    gzipped,
    hang_after_headers,
    hang_before_headers,
    raw,
    redirect,
    reset,
    respond,
    sequence,
    slow,
    trickle,
)
from warcio.archiveiterator import ArchiveIterator

from etl.archives import iter_records
from etl.config import Settings
from etl.fetcher import (
    Fetcher,
    FetchPolicy,
    FetchRequest,
    FetchResult,
    Kind,
    decode_text,
    fetch_one,
    gunzip_limited,
    parse_retry_after,
)
from etl.warcwriter import OPEN_SUFFIX, WarcArchive

UA = "MineralNewsTest/1.0 (+https://example.invalid/bot)"
ARTICLE = (
    "<!doctype html><html><head><title>Zinc</title></head>"
    "<body><p>Zinc prices in Peru — café talk</p></body></html>"
)
TOL = 0.05  # scheduling slack, seconds (server-side timestamps)


def policy(**overrides: Any) -> FetchPolicy:
    base: dict[str, Any] = {
        "user_agent": UA,
        "host_delay": 0.0,
        "connect_timeout": 0.5,
        "read_timeout": 0.5,
        "total_timeout": 2.0,
        "max_retries": 1,
        "backoff_base": 0.05,
        "backoff_max": 0.2,
        "allow_private": True,
        "max_bytes": 1 << 20,
    }
    base.update(overrides)
    return FetchPolicy(**base)


def fetch(url: str, kind: Kind = "article", **overrides: Any) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(policy(**overrides)) as fetcher:
            return await fetcher.fetch(url, kind=kind)

    return asyncio.run(go())


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer("127.0.0.1") as s:
        yield s


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


# ---------------------------------------------------------------------------------------
# Basics


def test_ok_article(server: TestServer) -> None:
    lm = formatdate(1_650_000_000, usegmt=True)
    server.routes["/a"] = respond(
        200, ARTICLE, "text/html; charset=utf-8", {"ETag": '"v1"', "Last-Modified": lm}
    )
    before = datetime.now(UTC)
    r = fetch(server.url("/a"))
    assert r.outcome == "ok" and r.ok
    assert r.status == 200 and r.attempts == 1
    assert r.final_url == r.url == server.url("/a")
    assert r.body == ARTICLE.encode()
    assert r.text is not None and "café" in r.text
    assert r.content_type == "text/html" and r.encoding == "utf-8"
    assert r.etag == '"v1"' and r.last_modified == lm
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert before <= r.fetched_at <= datetime.now(UTC) and r.fetched_at.tzinfo is not None
    assert r.elapsed > 0 and r.error is None
    # User-Agent on robots.txt and on the page; robots first.
    assert [h.path for h in server.hits()] == ["/robots.txt", "/a"]
    assert {h.headers["user-agent"] for h in server.hits()} == {UA}
    assert "gzip" in server.hits("/a")[0].headers["accept-encoding"]


def test_settings_drive_the_policy(server: TestServer) -> None:
    server.routes["/a"] = respond(200, ARTICLE)
    settings = Settings(
        user_agent="SettingsBot/2.0",
        allow_private_addresses=True,
        host_delay=0.0,
        read_timeout=0.5,
        max_page_bytes=4096,
    )
    fp = FetchPolicy.from_settings(settings, max_retries=0)
    assert (fp.user_agent, fp.max_bytes, fp.max_retries, fp.read_timeout) == (
        "SettingsBot/2.0",
        4096,
        0,
        0.5,
    )
    with pytest.raises(TypeError):
        FetchPolicy.from_settings(settings, no_such_knob=1)

    async def go() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(server.url("/a"))

    assert asyncio.run(go()).ok
    assert server.hits("/a")[0].headers["user-agent"] == "SettingsBot/2.0"


def test_conditional_requests(server: TestServer) -> None:
    feed = "<rss><channel><item><link>http://x.test/1</link></item></channel></rss>"
    server.routes["/feed"] = conditional(feed, '"abc"', 1_650_000_000)
    lm = formatdate(1_650_000_000, usegmt=True)

    async def go() -> list[FetchResult]:
        async with Fetcher(policy()) as f:
            return [
                await f.fetch(server.url("/feed"), kind="feed"),
                await f.fetch(server.url("/feed"), kind="feed", etag='"abc"'),
                await f.fetch(server.url("/feed"), kind="feed", last_modified=lm),
                await f.fetch(server.url("/feed"), kind="feed", etag='"old"'),
            ]

    first, by_etag, by_date, stale = asyncio.run(go())
    assert first.outcome == "ok" and first.etag == '"abc"' and first.last_modified == lm
    assert by_etag.outcome == "not_modified" and by_etag.status == 304 and by_etag.body is None
    assert by_date.outcome == "not_modified"
    assert stale.outcome == "ok"
    hits = server.hits("/feed")
    assert "if-none-match" not in hits[0].headers
    assert hits[1].headers["if-none-match"] == '"abc"'
    assert hits[2].headers["if-modified-since"] == lm


# ---------------------------------------------------------------------------------------
# Politeness


def test_per_host_spacing_and_hosts_interleave() -> None:
    """3 hosts x 10 URLs, host_delay 0.3 s, only 2 global slots: each host's requests are
    >= 0.3 s apart, and hosts run side by side (total ~ 11 x 0.3 s, not 33 x 0.3 s)."""
    delay = 0.3
    servers = [TestServer(f"127.0.0.{i}") for i in (2, 3, 4)]
    for s in servers:
        for i in range(10):
            s.routes[f"/p{i}"] = respond(200, ARTICLE)
        s.start()
    try:
        # Grouped by host on purpose: parked requests of host 1 must not block hosts 2-3.
        urls = [s.url(f"/p{i}") for s in servers for i in range(10)]

        async def go() -> tuple[list[FetchResult], float, float]:
            async with Fetcher(policy(host_delay=delay, max_concurrency=2)) as f:
                t0 = time.monotonic()
                results = [r async for r in f.fetch_many(urls)]
                return results, t0, time.monotonic() - t0

        results, t0, total = asyncio.run(go())
    finally:
        for s in servers:
            s.stop()
    assert sorted(r.outcome for r in results) == ["ok"] * 30
    for s in servers:
        times = s.times()  # robots.txt + 10 pages
        assert len(times) == 11
        assert min(gaps(times)) >= delay - TOL, gaps(times)
        assert times[0] - t0 < 0.5  # every host started right away
    # 11 requests per host at 0.3 s spacing is ~3.0 s; serialising hosts would be ~9.9 s.
    assert total < 11 * delay + 1.0, total


def test_crawl_delay_raises_spacing(server: TestServer) -> None:
    server.routes["/robots.txt"] = respond(
        200, "User-agent: *\nCrawl-delay: 0.5\nDisallow: /nothing\n", "text/plain"
    )
    for i in range(3):
        server.routes[f"/p{i}"] = respond(200, ARTICLE)

    async def go() -> list[FetchResult]:
        async with Fetcher(policy(host_delay=0.05)) as f:
            return [r async for r in f.fetch_many([server.url(f"/p{i}") for i in range(3)])]

    assert [r.outcome for r in asyncio.run(go())] == ["ok"] * 3
    times = server.times()
    assert len(times) == 4
    assert min(gaps(times)) >= 0.5 - TOL, gaps(times)


def test_crawl_delay_is_capped(server: TestServer) -> None:
    server.routes["/robots.txt"] = respond(200, "User-agent: *\nCrawl-delay: 3600\n", "text/plain")
    server.routes["/a"] = respond(200, ARTICLE)
    server.routes["/b"] = respond(200, ARTICLE)

    async def go() -> list[str]:
        async with Fetcher(policy(host_delay=0.0, max_host_delay=0.4)) as f:
            return [(await f.fetch(server.url(p))).outcome for p in ("/a", "/b")]

    assert asyncio.run(go()) == ["ok", "ok"]
    assert 0.4 - TOL <= min(gaps(server.times())) < 1.0


def test_retries_respect_host_delay_and_never_block_other_hosts() -> None:
    """A host answering 500 is retried behind its own delay while another host proceeds."""
    with TestServer("127.0.0.5") as bad, TestServer("127.0.0.6") as good:
        bad.routes["/x"] = sequence(respond(500, "oops", "text/plain"), respond(200, ARTICLE))
        for i in range(4):
            good.routes[f"/g{i}"] = respond(200, ARTICLE)

        async def go() -> list[FetchResult]:
            pol = policy(host_delay=0.4, backoff_base=0.01, max_concurrency=1)
            async with Fetcher(pol) as f:
                urls = [bad.url("/x")] + [good.url(f"/g{i}") for i in range(4)]
                return [r async for r in f.fetch_many(urls)]

        results = asyncio.run(go())
        by_url = {r.url: r for r in results}
        assert by_url[bad.url("/x")].outcome == "ok" and by_url[bad.url("/x")].attempts == 2
        assert min(gaps(bad.times())) >= 0.4 - TOL  # robots, 500, retry
        assert min(gaps(good.times())) >= 0.4 - TOL
        # Both hosts were served concurrently despite one global slot.
        assert abs(good.times()[0] - bad.times()[0]) < 0.3


# ---------------------------------------------------------------------------------------
# robots.txt


def test_robots_disallow_and_user_agent_groups(server: TestServer) -> None:
    server.routes["/robots.txt"] = respond(
        200,
        "User-agent: *\nDisallow: /private\n\n"
        "User-agent: MineralNewsTest\nDisallow: /not-for-us\nAllow: /\n"
        "Sitemap: /news-sitemap.xml\nSitemap: https://cdn.example/s.xml\n",
        "text/plain",
    )
    for p in ("/private/x", "/not-for-us/y", "/public"):
        server.routes[p] = respond(200, ARTICLE)

    async def go() -> tuple[list[FetchResult], Any]:
        async with Fetcher(policy()) as f:
            results = [
                await f.fetch(server.url(p)) for p in ("/private/x", "/not-for-us/y", "/public")
            ]
            return results, await f.robots_for(server.url("/"))

    (private, ours, public), rules = asyncio.run(go())
    # Our own group applies (it allows /private), the generic one does not.
    assert private.outcome == "ok"
    assert ours.outcome == "robots" and ours.attempts == 0 and "disallowed" in (ours.error or "")
    assert public.outcome == "ok"
    assert len(server.hits("/robots.txt")) == 1  # cached
    assert server.hits("/not-for-us/y") == []
    assert rules.sitemaps == (server.url("/news-sitemap.xml"), "https://cdn.example/s.xml")


def test_robots_4xx_allows_everything(server: TestServer) -> None:
    server.routes["/robots.txt"] = respond(403, "no", "text/plain")
    server.routes["/a"] = respond(200, ARTICLE)
    assert fetch(server.url("/a")).outcome == "ok"


@pytest.mark.parametrize(
    "handler",
    [respond(503, "down", "text/plain"), hang_before_headers(), reset()],
    ids=["5xx", "timeout", "reset"],
)
def test_robots_unreachable_disallows_for_now(server: TestServer, handler: Any) -> None:
    server.routes["/robots.txt"] = handler
    server.routes["/a"] = respond(200, ARTICLE)
    started = time.monotonic()
    r = fetch(server.url("/a"), max_retries=0)
    assert r.outcome == "robots"
    assert "robots_unreachable" in (r.error or "")
    assert server.hits("/a") == []
    assert time.monotonic() - started < 3


def test_robots_is_fetched_once_for_concurrent_requests(server: TestServer) -> None:
    server.routes["/robots.txt"] = slow(
        respond(200, "User-agent: *\nAllow: /\n", "text/plain"), 0.2
    )
    for i in range(5):
        server.routes[f"/p{i}"] = respond(200, ARTICLE)

    async def go() -> list[FetchResult]:
        async with Fetcher(policy()) as f:
            return [r async for r in f.fetch_many([server.url(f"/p{i}") for i in range(5)])]

    assert [r.outcome for r in asyncio.run(go())] == ["ok"] * 5
    assert len(server.hits("/robots.txt")) == 1


def test_robots_expires_and_a_stale_copy_covers_an_outage(server: TestServer) -> None:
    server.routes["/robots.txt"] = sequence(
        respond(200, "User-agent: *\nDisallow: /x\n", "text/plain"),
        respond(503, "down", "text/plain"),
    )
    server.routes["/x"] = respond(200, ARTICLE)
    server.routes["/y"] = respond(200, ARTICLE)

    async def go() -> list[str]:
        async with Fetcher(policy(robots_ttl=0.3, max_retries=0)) as f:
            first = await f.fetch(server.url("/y"))
            await asyncio.sleep(0.4)  # the cached copy expires
            later = [await f.fetch(server.url(p)) for p in ("/y", "/x")]
            return [r.outcome for r in (first, *later)]

    # The refetch fails (503): the last good copy (fetched < stale_ttl ago) still applies.
    assert asyncio.run(go()) == ["ok", "ok", "robots"]
    assert len(server.hits("/robots.txt")) == 2
    assert server.hits("/x") == []


def test_fetch_one_for_synchronous_callers(server: TestServer) -> None:
    server.routes["/a"] = respond(200, ARTICLE)
    r = fetch_one(server.url("/a"), policy())
    assert r.ok and r.text == ARTICLE


def test_oversized_robots_is_truncated_not_failed(server: TestServer) -> None:
    body = "User-agent: *\nDisallow: /secret\n" + "# padding\n" * 80_000
    server.routes["/robots.txt"] = respond(200, body, "text/plain")
    server.routes["/secret"] = respond(200, ARTICLE)
    r = fetch(server.url("/secret"), max_robots_bytes=64 * 1024)
    assert r.outcome == "robots"


# ---------------------------------------------------------------------------------------
# Faults: every one ends with the right outcome, quickly, without raising


def test_hang_before_headers_times_out(server: TestServer) -> None:
    server.routes["/h"] = hang_before_headers()
    r = fetch(server.url("/h"))
    assert r.outcome == "timeout" and r.attempts == 2  # retried once
    assert r.elapsed < 2.5


def test_hang_after_headers_times_out(server: TestServer) -> None:
    server.routes["/h"] = hang_after_headers()
    r = fetch(server.url("/h"), max_retries=0)
    assert r.outcome == "timeout" and r.attempts == 1
    assert r.elapsed < 1.5


def test_trickling_server_hits_the_total_deadline(server: TestServer) -> None:
    server.routes["/t"] = trickle(0.1)
    r = fetch(server.url("/t"), max_retries=0, total_timeout=1.0)
    assert r.outcome == "timeout"
    assert "total deadline" in (r.error or "")
    assert 0.9 < r.elapsed < 1.8


def test_slow_but_within_limits_is_ok(server: TestServer) -> None:
    server.routes["/s"] = slow(respond(200, ARTICLE), 0.3)
    assert fetch(server.url("/s")).outcome == "ok"


def test_connection_reset_is_retried_then_reported(server: TestServer) -> None:
    server.routes["/r"] = reset()
    r = fetch(server.url("/r"))
    assert r.outcome == "reset" and r.attempts == 2
    assert len(server.hits("/r")) == 2


def test_connection_refused() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    r = fetch(f"http://127.0.0.1:{port}/", respect_robots=False)
    assert r.outcome == "connect_error" and r.attempts == 2


def test_garbage_response_is_reset(server: TestServer) -> None:
    server.routes["/g"] = raw(b"this is not HTTP\r\n\r\n")
    assert fetch(server.url("/g"), max_retries=0).outcome == "reset"


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_transient_statuses_are_retried(server: TestServer, status: int) -> None:
    server.routes["/x"] = sequence(respond(status, "err", "text/plain"), respond(200, ARTICLE))
    r = fetch(server.url("/x"))
    assert r.outcome == "ok" and r.attempts == 2 and r.status == 200


def test_retries_are_bounded(server: TestServer) -> None:
    server.routes["/x"] = respond(500, "err", "text/plain")
    r = fetch(server.url("/x"), max_retries=2)
    assert r.outcome == "http_500" and r.status == 500 and r.attempts == 3
    assert len(server.hits("/x")) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 451])
def test_permanent_errors_are_not_retried(server: TestServer, status: int) -> None:
    server.routes["/x"] = respond(status, "no", "text/plain")
    r = fetch(server.url("/x"), max_retries=3)
    assert r.outcome == f"http_{status}" and r.attempts == 1


def test_retry_after_is_honoured(server: TestServer) -> None:
    server.routes["/x"] = sequence(
        respond(429, "slow down", "text/plain", {"Retry-After": "1"}), respond(200, ARTICLE)
    )
    r = fetch(server.url("/x"), backoff_base=0.01)
    assert r.outcome == "ok" and r.attempts == 2
    (first, second) = server.times("/x")
    assert second - first >= 1.0 - TOL


def test_retry_after_beyond_cap_gives_up_at_once(server: TestServer) -> None:
    server.routes["/x"] = respond(503, "maintenance", "text/plain", {"Retry-After": "3600"})
    r = fetch(server.url("/x"), max_retries=3)
    assert r.outcome == "http_503" and r.attempts == 1
    assert r.headers["retry-after"] == "3600"
    assert r.elapsed < 1.0


def test_parse_retry_after() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    later = formatdate((now + timedelta(seconds=90)).timestamp(), usegmt=True)
    assert parse_retry_after(later, now) == pytest.approx(90, abs=1)
    assert parse_retry_after("Mon, 01 Jan 2001 00:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


# ---------------------------------------------------------------------------------------
# Redirects


def test_redirect_chain_is_followed(server: TestServer) -> None:
    with TestServer("127.0.0.7") as other:
        other.routes["/final"] = respond(200, ARTICLE)
        server.routes["/r1"] = redirect("/r2", 301)
        server.routes["/r2"] = redirect(other.url("/final"), 308)
        r = fetch(server.url("/r1"))
        assert r.outcome == "ok" and r.final_url == other.url("/final")
        assert r.redirects == (server.url("/r2"), other.url("/final"))
        assert r.attempts == 3
        assert [h.path for h in other.hits()] == ["/robots.txt", "/final"]  # each host's robots


def test_redirect_loop(server: TestServer) -> None:
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect(server.url("/a#frag"))
    r = fetch(server.url("/a"))
    assert r.outcome == "redirect_loop" and r.status == 302
    assert len(server.hits("/a")) == 1


def test_too_many_redirects(server: TestServer) -> None:
    for i in range(10):
        server.routes[f"/r{i}"] = redirect(f"/r{i + 1}")
    r = fetch(server.url("/r0"), max_redirects=3)
    assert r.outcome == "too_many_redirects"
    assert len(server.hits()) == 1 + 4  # robots + the first 4 hops


def test_redirect_to_metadata_and_other_schemes_is_refused(server: TestServer) -> None:
    server.routes["/m"] = redirect("http://169.254.169.254/latest/meta-data/")
    server.routes["/v6"] = redirect("http://[::ffff:169.254.169.254]/")
    server.routes["/f"] = redirect("file:///etc/passwd")

    async def go() -> list[FetchResult]:
        async with Fetcher(policy()) as f:
            return [await f.fetch(server.url(p)) for p in ("/m", "/v6", "/f")]

    meta, v6, file = asyncio.run(go())
    assert meta.outcome == "refused" and (meta.error or "").startswith("refused_address")
    assert meta.final_url == "http://169.254.169.254/latest/meta-data/"
    assert v6.outcome == "refused" and (v6.error or "").startswith("refused_address")
    assert file.outcome == "refused" and (file.error or "").startswith("refused_scheme")


def test_redirect_target_is_robots_checked() -> None:
    with TestServer("127.0.0.7") as a, TestServer("127.0.0.8") as b:
        b.routes["/robots.txt"] = respond(200, "User-agent: *\nDisallow: /private\n", "text/plain")
        b.routes["/private/x"] = respond(200, ARTICLE)
        a.routes["/go"] = redirect(b.url("/private/x"))
        r = fetch(a.url("/go"))
        assert r.outcome == "robots"
        assert b.hits("/private/x") == []


# ---------------------------------------------------------------------------------------
# Size limits and decompression


def test_endless_body_is_cut_at_the_limit(server: TestServer) -> None:
    server.routes["/e"] = endless()
    r = fetch(server.url("/e"))
    assert r.outcome == "too_large" and r.body is None and r.elapsed < 1.5


def test_declared_content_length_over_limit_is_not_downloaded(server: TestServer) -> None:
    def huge(req: Any) -> None:
        req.send_response(200)
        req.send_header("Content-Type", "text/html")
        req.send_header("Content-Length", str(10**9))
        req.end_headers()
        req.wfile.write(b"<html>")
        req.stop_event.wait(5)

    server.routes["/big"] = huge
    r = fetch(server.url("/big"))
    assert r.outcome == "too_large" and "Content-Length" in (r.error or "")
    assert r.elapsed < 0.5


def test_gzip_bomb_is_stopped_without_inflating_it(server: TestServer) -> None:
    bomb_bytes()  # build the 200 MiB bomb (about 200 KiB) before measuring
    server.routes["/bomb"] = gzip_bomb()
    tracemalloc.start()
    try:
        r = fetch(server.url("/bomb"), max_bytes=1 << 20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert r.outcome == "too_large"
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MiB"


def test_gzipped_sitemap_file_is_gunzipped_with_the_cap(server: TestServer) -> None:
    xml = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a.test/1</loc></url></urlset>'
    server.routes["/sitemap.xml.gz"] = respond(200, gzipped(xml), "application/x-gzip")
    server.routes["/bomb.xml.gz"] = gzip_bomb(as_file=True)

    async def go() -> list[FetchResult]:
        async with Fetcher(policy()) as f:
            return [
                await f.fetch(server.url("/sitemap.xml.gz"), kind="sitemap"),
                await f.fetch(server.url("/bomb.xml.gz"), kind="sitemap"),
            ]

    ok, bomb = asyncio.run(go())
    assert ok.outcome == "ok" and ok.body == xml.encode() and ok.text == xml
    assert bomb.outcome == "too_large"


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate"])
def test_content_encodings(server: TestServer, coding: str) -> None:
    if coding == "gzip":
        data = gzip.compress(ARTICLE.encode())
    elif coding == "deflate":
        data = zlib.compress(ARTICLE.encode())
    else:
        c = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        data = c.compress(ARTICLE.encode()) + c.flush()
    header = "gzip" if coding == "gzip" else "deflate"
    server.routes["/c"] = respond(200, data, "text/html", {"Content-Encoding": header})
    r = fetch(server.url("/c"))
    assert r.outcome == "ok" and r.text == ARTICLE


def test_bad_or_unknown_content_encoding_is_decode_error(server: TestServer) -> None:
    server.routes["/corrupt"] = respond(
        200, b"\x1f\x8bnot gzip at all", "text/html", {"Content-Encoding": "gzip"}
    )
    server.routes["/br"] = respond(200, b"whatever", "text/html", {"Content-Encoding": "br"})
    for path in ("/corrupt", "/br"):
        assert fetch(server.url(path)).outcome == "decode_error", path


def test_gunzip_limited() -> None:
    data = gzip.compress(b"a" * 1000) + gzip.compress(b"b" * 10)  # two members
    assert gunzip_limited(data, 2000) == b"a" * 1000 + b"b" * 10
    with pytest.raises(Exception, match="exceeds"):
        gunzip_limited(bomb_bytes(), 1 << 20)
    with pytest.raises(zlib.error):
        gunzip_limited(gzip.compress(b"x" * 5000)[:-20], 10_000)


# ---------------------------------------------------------------------------------------
# Content types


def test_wrong_content_type_is_refused_without_download(server: TestServer) -> None:
    server.routes["/img"] = respond(200, b"\x89PNG" + bytes(5 << 20), "image/png")
    r = fetch(server.url("/img"))
    assert r.outcome == "bad_content_type" and r.body is None
    assert r.content_type == "image/png"


def test_kinds_accept_their_types(server: TestServer) -> None:
    rss = b"<rss><channel></channel></rss>"
    server.routes["/rss"] = respond(200, rss, "application/rss+xml")
    server.routes["/json"] = respond(
        200, b'{"version":"https://jsonfeed.org/version/1.1"}', "application/feed+json"
    )
    server.routes["/txt"] = respond(200, b"http://a.test/1\n", "text/plain")
    server.routes["/png"] = respond(200, b"\x89PNG", "image/png")

    async def go() -> dict[str, str]:
        async with Fetcher(policy()) as f:
            return {
                "rss-feed": (await f.fetch(server.url("/rss"), kind="feed")).outcome,
                "json-feed": (await f.fetch(server.url("/json"), kind="feed")).outcome,
                "txt-sitemap": (await f.fetch(server.url("/txt"), kind="sitemap")).outcome,
                "png-feed": (await f.fetch(server.url("/png"), kind="feed")).outcome,
                "rss-article": (await f.fetch(server.url("/rss"))).outcome,
            }

    assert asyncio.run(go()) == {
        "rss-feed": "ok",
        "json-feed": "ok",
        "txt-sitemap": "ok",
        "png-feed": "bad_content_type",
        "rss-article": "bad_content_type",
    }


def test_missing_content_type_is_sniffed(server: TestServer) -> None:
    server.routes["/html"] = respond(200, ARTICLE, None)
    server.routes["/bin"] = respond(200, bytes(range(256)), None)
    assert fetch(server.url("/html")).outcome == "ok"
    assert fetch(server.url("/bin")).outcome == "bad_content_type"


# ---------------------------------------------------------------------------------------
# Text decoding


def test_encodings_end_to_end(server: TestServer) -> None:
    latin = "<html><body>Café São Tomé</body></html>".encode("latin-1")
    mixed = "<html><body>Zürich ".encode() + b"\xff\xfe" + " Köln</body></html>".encode()
    cyr = '<html><head><meta charset="windows-1251"></head><body>Медь</body></html>'
    server.routes["/latin"] = respond(200, latin, "text/html; charset=utf-8")
    server.routes["/mixed"] = respond(200, mixed, "text/html; charset=utf-8")
    server.routes["/meta"] = respond(200, cyr.encode("cp1251"), "text/html")
    server.routes["/bogus"] = respond(200, b"<html>ok</html>", "text/html; charset=x-no-such")

    async def go() -> dict[str, FetchResult]:
        async with Fetcher(policy()) as f:
            return {
                p: await f.fetch(server.url(p)) for p in ("/latin", "/mixed", "/meta", "/bogus")
            }

    r = asyncio.run(go())
    assert all(x.outcome == "ok" for x in r.values())
    assert "Café São Tomé" in (r["/latin"].text or "")  # mislabelled Latin-1 re-detected
    mixed_text = r["/mixed"].text or ""
    assert "Zürich" in mixed_text and "Köln" in mixed_text and "\ufffd" in mixed_text
    assert "Медь" in (r["/meta"].text or "") and r["/meta"].encoding == "cp1251"
    assert r["/bogus"].text == "<html>ok</html>"


def test_decode_text_rules() -> None:
    assert decode_text("€ and ü".encode("utf-16"), None) == ("€ and ü", "utf-16-le")
    assert decode_text(b"\xef\xbb\xbfhello", "latin-1")[0] == "hello"  # BOM beats header
    assert decode_text("na\u00efve".encode("latin-1"), "iso-8859-1") == ("naïve", "cp1252")
    assert decode_text(b"<?xml version='1.0' encoding='iso-8859-2'?><a>\xb1</a>")[0].endswith(
        "<a>ą</a>"
    )
    assert decode_text("plain ünïcode".encode(), None) == ("plain ünïcode", "utf-8")
    text, enc = decode_text(bytes(range(128, 256)) * 3, None)  # junk: never raises
    assert isinstance(text, str) and enc


# ---------------------------------------------------------------------------------------
# Many URLs at once


def test_fetch_many_never_raises_and_reports_every_fault(server: TestServer) -> None:
    feed = "<rss><channel><item><link>http://x.test/1</link></item></channel></rss>"
    routes = {
        "/ok": respond(200, ARTICLE),
        "/404": respond(404, "no", "text/plain"),
        "/reset": reset(),
        "/hang": hang_before_headers(),
        "/endless": endless(),
        "/png": respond(200, b"\x89PNG", "image/png"),
        "/loop": redirect("/loop"),
        "/feed": conditional(feed, '"e1"', 1_650_000_000),
    }
    server.routes.update(routes)
    items: list[str | FetchRequest] = [server.url(p) for p in routes if p != "/feed"]
    items += [
        FetchRequest(server.url("/feed"), "feed", etag='"e1"'),
        "ftp://127.0.0.1/file",
        "http://169.254.169.254/",
        "not a url at all",
    ]

    async def go() -> list[FetchResult]:
        async with Fetcher(policy(max_retries=0)) as f:
            return [r async for r in f.fetch_many(items)]

    started = time.monotonic()
    results = asyncio.run(go())
    assert time.monotonic() - started < 4
    outcomes = {r.url.removeprefix(server.origin): r.outcome for r in results}
    assert outcomes == {
        "/ok": "ok",
        "/404": "http_404",
        "/reset": "reset",
        "/hang": "timeout",
        "/endless": "too_large",
        "/png": "bad_content_type",
        "/loop": "redirect_loop",
        "/feed": "not_modified",
        "ftp://127.0.0.1/file": "refused",
        "http://169.254.169.254/": "refused",
        "not a url at all": "refused",
    }


def test_fetch_many_can_be_abandoned(server: TestServer) -> None:
    for i in range(20):
        server.routes[f"/p{i}"] = respond(200, ARTICLE)

    async def go() -> int:
        got = 0
        async with Fetcher(policy(host_delay=0.1)) as f:
            stream = f.fetch_many(server.url(f"/p{i}") for i in range(20))
            async for _ in stream:
                got += 1
                if got == 2:
                    break
            await stream.aclose()
            await asyncio.sleep(0.3)
        return got

    assert asyncio.run(go()) == 2
    assert len(server.hits()) <= 4  # robots + 2 pages (+1 in flight), nothing afterwards


def test_fetch_many_accepts_an_async_source(server: TestServer) -> None:
    server.routes["/a"] = respond(200, ARTICLE)
    server.routes["/b"] = respond(200, ARTICLE)

    async def source() -> Any:
        for p in ("/a", "/b"):
            yield server.url(p)

    async def go() -> list[str]:
        async with Fetcher(policy()) as f:
            return sorted([r.url async for r in f.fetch_many(source())])

    assert asyncio.run(go()) == [server.url("/a"), server.url("/b")]


# ---------------------------------------------------------------------------------------
# WARC archive


def test_warc_archive_rotates_and_offsets_read_back(tmp_path: Path, server: TestServer) -> None:
    server.routes["/a"] = respond(200, ARTICLE, "text/html; charset=utf-8", {"ETag": '"1"'})
    result = fetch(server.url("/a"))
    assert result.ok
    archive = WarcArchive(tmp_path, max_bytes=1500, prefix="test-news")
    written = [archive.write_result(result)]
    assert archive.current_path is not None
    assert (tmp_path / (archive.current_path.name + OPEN_SUFFIX)).exists()
    assert not list(tmp_path.glob("*.warc.gz"))  # nothing complete yet
    bodies = {}
    for i in range(6):
        filler = random.Random(i).randbytes(250 * i).hex()  # incompressible
        body = f"<html><body>story {i} {filler}</body></html>".encode()
        url = f"https://news.test/{i}"
        bodies[url] = body
        written.append(
            archive.write_response(
                url,
                200,
                {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                body,
                datetime(2024, 5, 1, 12, 0, i, tzinfo=UTC),
            )
        )
    archive.close()
    archive.close()  # idempotent
    assert not list(tmp_path.glob("*" + OPEN_SUFFIX))
    files = sorted(tmp_path.glob("test-news-*.warc.gz"))
    assert len(files) >= 3  # rotated by size
    assert all(path.exists() for path, _ in written if path is not None)

    for path in files:
        with path.open("rb") as fh:
            it = ArchiveIterator(fh)
            records = []
            for rec in it:
                records.append((rec.rec_type, it.get_record_offset()))
                rec.content_stream().read()
        assert records[0] == ("warcinfo", 0)

    for entry in written:
        assert entry is not None
        path, offset = entry
        with path.open("rb") as fh:
            fh.seek(offset)
            rec = next(iter(ArchiveIterator(fh)))
            url = rec.rec_headers.get_header("WARC-Target-URI")
            payload = rec.content_stream().read()
            assert rec.rec_type == "response"
            assert rec.http_headers.get_statuscode() == "200"
            assert rec.http_headers.get_header("Content-Encoding") is None
            assert rec.http_headers.get_header("Content-Length") == str(len(payload))
            if url == result.final_url:
                assert payload == result.body
            else:
                assert payload == bodies[url]
                assert rec.rec_headers.get_header("WARC-Date").startswith("2024-05-01T12:00:0")

    # The project's own archive reader sees the same records at the same offsets.
    seen = {(str(p), r.offset, r.url) for p in files for r in iter_records(p, "warc")}
    for entry in written:
        assert entry is not None
        assert any(s[0] == str(entry[0]) and s[1] == entry[1] for s in seen)


def test_two_warc_archives_in_one_process_never_share_a_file(tmp_path: Path) -> None:
    """Overlapping crawl runs in one process (threads) each open their own archive in the
    same folder, with the same prefix, in the same second: every file name is taken once."""
    archives = [WarcArchive(tmp_path, prefix="news") for _ in range(16)]
    barrier = threading.Barrier(len(archives))
    errors: list[BaseException] = []
    written: list[tuple[Path, int] | None] = []

    def write(i: int) -> None:
        try:
            barrier.wait()
            written.append(
                archives[i].write_response(
                    f"https://news.test/{i}",
                    200,
                    {"Content-Type": "text/html"},
                    f"<html><body>story {i}</body></html>".encode(),
                    datetime.now(UTC),
                )
            )
            archives[i].close()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(archives))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    paths = [w[0] for w in written if w is not None]
    assert len(set(paths)) == len(archives) == len(paths)
    urls = {r.url for p in paths for r in iter_records(p, "warc") if r.url}
    assert urls == {f"https://news.test/{i}" for i in range(len(archives))}
