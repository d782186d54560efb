"""The crawl cycle end to end: real HTTP servers on 127.x, real PostgreSQL frontier."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pages import sample_pages
from servers import TestServer, conditional, respond
from sqlalchemy.engine import Engine

from etl.config import Settings
from etl.crawl import crawl
from etl.sources import SourceConfig, sync_sources


def _settings(tmp_path: Path, **kw: Any) -> Settings:
    base: dict[str, Any] = {
        "allow_private_addresses": True,
        "host_delay": 0.05,
        "data_dir": tmp_path,
        "workers": 1,
        "read_timeout": 2.0,
        "connect_timeout": 2.0,
        "total_timeout": 5.0,
        "max_retries": 0,
    }
    base.update(kw)
    return Settings(**base)


def _rss(urls: list[str]) -> str:
    items = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in urls)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
    )


def _site(
    host: str, n: int, start: int = 0, extra_links: list[str] | None = None
) -> tuple[TestServer, list[str]]:
    srv = TestServer(host).start()
    paths = []
    for i, (_, html) in enumerate(sample_pages(n, host=host, start=start)):
        path = f"/news/{start + i}.html"
        srv.routes[path] = respond(200, html)
        paths.append(path)
    links = [srv.url(p) for p in paths] + (extra_links or [])
    srv.routes["/feed.xml"] = conditional(_rss(links), '"v1"', time.time() - 3600)
    srv.routes["/robots.txt"] = respond(200, "User-agent: *\nDisallow: /private/\n", "text/plain")
    return srv, paths


def _count(engine: Engine, sql: str) -> Any:
    with engine.connect() as conn:
        return conn.scalar(sa.text(sql))


def test_crawl_fetches_each_article_once_and_records_every_outcome(
    engine: Engine, tmp_path: Path
) -> None:
    a, paths_a = _site("127.0.0.21", 4)
    bad = ["/news/missing.html", "/private/secret.html", "/news/broken.html"]
    b, paths_b = _site("127.0.0.22", 3, start=10)
    b.routes["/news/broken.html"] = respond(500, "oops")
    extra = [b.url(p) for p in bad] + ["http://169.254.169.254/latest/meta-data/"]
    b.routes["/feed.xml"] = conditional(_rss([b.url(p) for p in paths_b] + extra), '"v1"', 0)
    try:
        sync_sources(
            engine,
            [
                SourceConfig(name="A", homepage=a.url("/"), feeds=[a.url("/feed.xml")]),
                SourceConfig(name="B", homepage=b.url("/"), feeds=[b.url("/feed.xml")]),
            ],
        )
        settings = _settings(tmp_path)
        s1 = crawl(engine, settings)
        c = s1.counts
        assert c["loaded"] == 7
        assert c["http_404"] == 1 and c["robots"] == 1 and c["http_500"] == 1
        assert c["refused"] == 1
        assert (
            s1.records
            == 11
            == _count(engine, "SELECT count(*) FROM fetch_log WHERE kind = 'article'")
        )
        assert s1.feeds["ok"] == 2
        # every article page was requested exactly once; robots-disallowed never
        for srv, paths in ((a, paths_a), (b, paths_b)):
            for p in paths:
                assert len(srv.hits(p)) == 1
        assert b.hits("/private/secret.html") == []
        # the 500 is retryable: back in the frontier for later; the 404 is final
        states = dict(_rows(engine, "SELECT last_outcome, state FROM frontier"))
        assert states["http_500"] == "pending" and states["http_404"] == "failed"
        # pages are archived to WARC and traceable
        assert list((tmp_path / "warc").glob("*.warc.gz"))
        assert (
            _count(
                engine,
                """SELECT count(*) FROM ingest_records r
                                 JOIN archive_files f ON f.id = r.archive_id
                                 WHERE f.fingerprint LIKE 'crawl:%'""",
            )
            == 7
        )
        # a second cycle right after: feeds are not due, nothing is fetched again
        s2 = crawl(engine, settings)
        assert s2.records == 0
        # forcing a re-poll: the feed answers 304 and still no article is refetched
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE source_feeds SET next_fetch_at = now()"))
        s3 = crawl(engine, settings)
        assert s3.feeds["not_modified"] == 2 and s3.records == 0
        assert a.hits("/feed.xml")[-1].headers.get("if-none-match") == '"v1"'
        for srv, paths in ((a, paths_a), (b, paths_b)):
            for p in paths:
                assert len(srv.hits(p)) == 1
    finally:
        a.stop()
        b.stop()


def _rows(engine: Engine, sql: str) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql)))


def test_two_concurrent_crawls_share_the_frontier(engine: Engine, tmp_path: Path) -> None:
    servers = [_site(f"127.0.0.{30 + i}", 10, start=100 * i) for i in range(3)]
    try:
        sync_sources(
            engine,
            [
                SourceConfig(name=f"S{i}", homepage=s.url("/"), feeds=[s.url("/feed.xml")])
                for i, (s, _) in enumerate(servers)
            ],
        )
        settings = _settings(tmp_path, host_delay=0.1)
        results: list[Any] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                results.append(crawl(engine, settings, batch_size=4))
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors
        total = sum(r.counts["loaded"] for r in results)
        assert total == 30
        for srv, paths in servers:
            for p in paths:
                assert len(srv.hits(p)) == 1, p
            assert len(srv.hits("/feed.xml")) == 1  # the feed was claimed by one cycle
        assert _count(engine, "SELECT count(*) FROM articles") == 30
    finally:
        for srv, _ in servers:
            srv.stop()


def test_failing_feed_becomes_unhealthy_and_backs_off(engine: Engine, tmp_path: Path) -> None:
    srv = TestServer("127.0.0.41").start()
    srv.routes["/feed.xml"] = respond(503, "down")
    try:
        sync_sources(
            engine, [SourceConfig(name="Down", homepage=srv.url("/"), feeds=[srv.url("/feed.xml")])]
        )
        settings = _settings(tmp_path)
        for _ in range(3):
            with engine.begin() as conn:
                conn.execute(sa.text("UPDATE source_feeds SET next_fetch_at = now()"))
            crawl(engine, settings, poll_seconds=60)
        row = _rows(
            engine,
            """SELECT healthy, consecutive_failures,
                                      extract(epoch FROM next_fetch_at - now()) AS wait
                               FROM source_feeds""",
        )[0]
        assert row.consecutive_failures == 3 and row.healthy is False
        assert row.wait > 60 * 4  # polled less often than the normal 60 s
    finally:
        srv.stop()


def test_private_addresses_are_refused_by_default(engine: Engine, tmp_path: Path) -> None:
    srv, _ = _site("127.0.0.51", 2)
    try:
        sync_sources(
            engine,
            [SourceConfig(name="Local", homepage=srv.url("/"), feeds=[srv.url("/feed.xml")])],
        )
        summary = crawl(engine, _settings(tmp_path, allow_private_addresses=False))
        assert summary.feeds["refused"] == 1
        assert srv.hits() == []
    finally:
        srv.stop()
