"""One crawl cycle: poll feeds and sitemaps, fetch new article URLs politely, archive them
to WARC, extract, deduplicate, load and normalize.

The frontier is shared through PostgreSQL (``etl.frontier``), so any number of cycles may
run at once on one or many machines: each URL is claimed by exactly one of them. Every URL
claimed in a cycle ends with one outcome in ``fetch_log`` and in the run's counts: the load
outcome (``loaded``, ``duplicate``, ``seen``, ``updated``, ``skipped:<reason>``) for pages
that were fetched, or the fetch outcome (``robots``, ``http_404``, ``timeout``, ``refused``,
``too_large``, ...) for those that were not.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .config import Settings, get_settings
from .feeds import parse_feed
from .fetcher import Fetcher, FetchRequest, FetchResult
from .frontier import (
    Claim,
    FeedClaim,
    FetchLogRow,
    add_feeds,
    add_urls,
    claim_feeds,
    claim_urls,
    finish_urls,
    log_fetches,
    update_feed,
    worker_id,
)
from .load import ArchiveDone, Processed, load_batch
from .pipeline import Options, WorkItem, make_pool, ordered_map
from .runs import RunSummary, fail_run, finish_run, start_run
from .sitemaps import parse_sitemap
from .urls import normalize_url
from .warcwriter import WarcArchive

__all__ = ["crawl", "poll_feeds"]

log = logging.getLogger(__name__)


def _log_row(kind: str, res: FetchResult, outcome: str, **ids: int | None) -> FetchLogRow:
    return FetchLogRow(
        kind=kind,
        url=res.url,
        outcome=outcome,
        http_status=res.status,
        attempts=res.attempts,
        elapsed_ms=int(res.elapsed * 1000),
        bytes=len(res.body) if res.body else None,
        error=res.error,
        **ids,
    )


async def poll_feeds(
    engine: Engine,
    fetcher: Fetcher,
    summary: RunSummary,
    *,
    poll_seconds: float,
    max_rounds: int = 3,
    source_ids: Sequence[int] | None = None,
) -> int:
    """Poll every due feed/sitemap (conditional requests); queue new article URLs.

    Sitemap indexes add their children as feeds, polled in the next round (at most
    ``max_rounds``). Returns the number of URLs newly queued.
    """
    queued = 0
    for _ in range(max_rounds):
        claims = claim_feeds(engine, 1000, source_ids=source_ids)
        if not claims:
            break
        by_url = {c.url: c for c in claims}
        reqs = [
            FetchRequest(c.url, "feed" if c.kind == "feed" else "sitemap", c.etag, c.last_modified)
            for c in claims
        ]
        async for res in fetcher.fetch_many(reqs):
            queued += _handle_feed(engine, by_url[res.url], res, summary, poll_seconds)
    return queued


def _handle_feed(
    engine: Engine, feed: FeedClaim, res: FetchResult, summary: RunSummary, poll_seconds: float
) -> int:
    queued = 0
    entries: int | None = None
    sha = None
    with engine.begin() as conn:
        if res.outcome == "not_modified":
            outcome, ok = "not_modified", True
        elif res.outcome != "ok" or res.body is None:
            outcome, ok = res.outcome, False
        else:
            sha = hashlib.sha256(res.body).hexdigest()
            if sha == feed.body_sha256:
                outcome, ok = "unchanged", True  # servers without validators: one comparison
            else:
                rows, children, error = _parse_listing(feed, res)
                entries = len(rows)
                queued = add_urls(conn, rows)
                if children:
                    add_feeds(conn, feed.source_id, [(u, "sitemap") for u in children])
                ok = error is None or bool(rows)
                outcome = "ok" if error is None else "parse_error"
                if error:
                    log.warning("event=feed_parse_error url=%s error=%s", feed.url, error)
        update_feed(
            conn,
            feed,
            outcome=outcome,
            ok=ok,
            poll_seconds=poll_seconds,
            etag=res.etag if ok else None,
            last_modified=res.last_modified if ok else None,
            body_sha256=sha if ok else None,
            entries=entries,
        )
        log_fetches(conn, summary.run_id, [_log_row(feed.kind, res, outcome, feed_id=feed.id)])
    summary.feeds[outcome] += 1
    log.info(
        "event=feed_polled url=%s outcome=%s entries=%s queued=%d",
        feed.url,
        outcome,
        entries,
        queued,
    )
    return queued


def _parse_listing(feed: FeedClaim, res: FetchResult) -> tuple[list[Any], list[str], str | None]:
    assert res.body is not None
    if feed.kind == "feed":
        parsed = parse_feed(res.body, res.final_url)
        rows = [
            (normalize_url(e.url), feed.source_id, feed.id, e.title, e.published)
            for e in parsed.entries
        ]
        return rows, [], parsed.error
    sm = parse_sitemap(res.body, res.final_url)
    rows = [
        (
            normalize_url(u.url),
            feed.source_id,
            feed.id,
            u.news_title,
            u.news_publication_date or u.lastmod,
        )
        for u in sm.urls
    ]
    return rows, [normalize_url(s.url) for s in sm.sitemaps], sm.error


def _interleave(claims: list[Claim]) -> list[Claim]:
    """Round-robin over hosts so one big host does not hold the fetch window."""
    by_host: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_host[urlsplit(c.url).netloc].append(c)
    out: list[Claim] = []
    queues = list(by_host.values())
    while queues:
        out.extend(q.pop(0) for q in queues)
        queues = [q for q in queues if q]
    return out


def _archive_id(engine: Engine, path: Path, run_id: int, cache: dict[Path, int]) -> int:
    """Ledger row for a WARC file the crawler writes (keyed by its unique name)."""
    if path not in cache:
        with engine.begin() as conn:
            cache[path] = int(
                conn.scalar(
                    sa.text(
                        """INSERT INTO archive_files (path, fingerprint, size_bytes, first_run_id)
                       VALUES (:p, :f, 0, :r)
                       ON CONFLICT ON CONSTRAINT archive_files_fingerprint_key
                       DO UPDATE SET path = EXCLUDED.path RETURNING id"""
                    ),
                    {"p": str(path), "f": f"crawl:{path.name}", "r": run_id},
                )
            )
    return cache[path]


async def _fetch_batch(fetcher: Fetcher, claims: list[Claim]) -> dict[int, FetchResult]:
    by_url: dict[str, Claim] = {c.url: c for c in claims}
    out: dict[int, FetchResult] = {}
    async for res in fetcher.fetch_many([c.url for c in _interleave(claims)]):
        out[by_url[res.url].id] = res
    return out


def crawl(
    engine: Engine | None = None,
    settings: Settings | None = None,
    *,
    max_urls: int | None = None,
    batch_size: int | None = None,
    workers: int | None = None,
    poll_seconds: float = 3600.0,
    source_ids: Sequence[int] | None = None,
    fetcher_options: dict[str, Any] | None = None,
    on_progress: Callable[[RunSummary], Any] | None = None,
) -> RunSummary:
    """Run one crawl cycle: poll due feeds/sitemaps, then fetch, extract and load queued
    article URLs in batches until the frontier has nothing due (or ``max_urls``).

    Args:
        engine: the warehouse (default: configured / embedded).
        settings: fetcher politeness, timeouts, WARC folder, extraction limits.
        max_urls: stop after claiming this many article URLs (default: no limit).
        batch_size: URLs claimed, fetched and loaded per batch.
        workers: extraction processes.
        poll_seconds: normal interval between polls of one feed.
        source_ids: only poll these sources' feeds.
        fetcher_options: overrides for :class:`~etl.fetcher.Fetcher` (e.g. ``resolver``,
            ``host_delay``).
        on_progress: called with the run summary after each batch.

    Returns:
        The run summary: ``counts`` has one outcome per article URL claimed, ``feeds`` one
        per feed poll, ``timings`` seconds per stage.
    """
    from .db import get_engine

    settings = settings or get_settings()
    engine = engine or get_engine(settings)
    summary = start_run(engine, "crawl", {"max_urls": max_urls, "batch_size": batch_size})
    try:
        asyncio.run(
            _crawl(
                engine,
                settings,
                summary,
                max_urls=max_urls,
                batch_size=batch_size or settings.batch_size,
                workers=workers or settings.workers,
                poll_seconds=poll_seconds,
                source_ids=source_ids,
                fetcher_options=fetcher_options or {},
                on_progress=on_progress,
            )
        )
    except BaseException as exc:
        fail_run(engine, summary, exc)
        raise
    return finish_run(engine, summary, "completed")


async def _crawl(
    engine: Engine,
    settings: Settings,
    summary: RunSummary,
    *,
    max_urls: int | None,
    batch_size: int,
    workers: int,
    poll_seconds: float,
    source_ids: Sequence[int] | None,
    fetcher_options: dict[str, Any],
    on_progress: Callable[[RunSummary], Any] | None,
) -> None:
    from .normalize import default_normalizer

    opts = Options(settings.min_words, settings.max_page_bytes, settings.langdetect_sample_chars)
    norm_version = default_normalizer().version
    timings = summary.timings
    archives: dict[Path, int] = {}
    pool = make_pool(workers)
    claimed = 0
    async with Fetcher(settings, **fetcher_options) as fetcher:
        t = time.monotonic()
        await poll_feeds(engine, fetcher, summary, poll_seconds=poll_seconds, source_ids=source_ids)
        timings["discover"] = time.monotonic() - t
        with WarcArchive(settings.warc_path) as warc:
            raw = engine.raw_connection()

            def next_claims() -> list[Claim]:
                nonlocal claimed
                if max_urls is not None and claimed >= max_urls:
                    return []
                limit = batch_size if max_urls is None else min(batch_size, max_urls - claimed)
                claims = claim_urls(engine, limit, worker=worker_id(summary.run_id))
                claimed += len(claims)
                return claims

            def process(claims: list[Claim], results: dict[int, FetchResult]) -> None:
                """Archive, extract, load and close one fetched batch (runs in a thread, so
                the event loop keeps fetching the next batch meanwhile)."""
                t = time.monotonic()
                items: list[WorkItem] = []
                for c in claims:
                    res = results[c.id]
                    if res.ok and res.body is not None:
                        loc = warc.write_result(res)
                        assert loc is not None
                        aid = _archive_id(engine, loc[0], summary.run_id, archives)
                        items.append(
                            WorkItem(aid, loc[1], res.final_url, res.body, res.content_type)
                        )
                processed = [p for p in ordered_map(items, opts, pool) if isinstance(p, Processed)]
                timings["extract"] = timings.get("extract", 0.0) + time.monotonic() - t
                t = time.monotonic()
                if processed:
                    conn: Any = raw.driver_connection
                    batch: list[Processed | ArchiveDone] = list(processed)
                    load_batch(conn, summary.run_id, batch, norm_version)
                _finish(engine, summary, claims, results, processed, items)
                timings["load"] = timings.get("load", 0.0) + time.monotonic() - t
                if on_progress:
                    on_progress(summary)

            fetching: asyncio.Task[dict[int, FetchResult]] | None = None
            try:
                claims = next_claims()
                if claims:
                    fetching = asyncio.create_task(_fetch_batch(fetcher, claims))
                while fetching is not None:
                    t = time.monotonic()
                    results = await fetching
                    timings["fetch_wait"] = timings.get("fetch_wait", 0.0) + time.monotonic() - t
                    current, claims = claims, next_claims()
                    # Pipeline: the next batch is fetched while this one is extracted.
                    fetching = (
                        asyncio.create_task(_fetch_batch(fetcher, claims)) if claims else None
                    )
                    await asyncio.to_thread(process, current, results)
            finally:
                if fetching is not None and not fetching.done():
                    fetching.cancel()
                    await asyncio.gather(fetching, return_exceptions=True)
                raw.close()
                if pool is not None:
                    pool.shutdown(cancel_futures=True)
    with engine.begin() as conn:
        conn.execute(
            sa.text("""UPDATE archive_files SET status = 'done', completed_at = now(),
                       records = (SELECT count(*) FROM ingest_records r
                                  WHERE r.archive_id = archive_files.id)
                       WHERE id = ANY(:ids)"""),
            {"ids": list(archives.values())},
        )


def _finish(
    engine: Engine,
    summary: RunSummary,
    claims: list[Claim],
    results: dict[int, FetchResult],
    processed: list[Processed],
    items: list[WorkItem],
) -> None:
    """Give every claimed URL its one final outcome (frontier, fetch_log, run counts)."""
    by_pos = {(p.archive_id, p.offset): p for p in processed}
    item_for: dict[int, WorkItem] = {}
    it = iter(items)
    for c in claims:
        res = results[c.id]
        if res.ok and res.body is not None:
            item_for[c.id] = next(it)
    finals: list[tuple[Claim, str, int | None]] = []
    rows: list[FetchLogRow] = []
    for c in claims:
        res = results[c.id]
        if c.id in item_for:
            wi = item_for[c.id]
            p = by_pos[(wi.archive_id, wi.offset)]
            out, reason, _aid = p.final or (p.outcome, p.reason, None)
            outcome = f"{out}:{reason}" if out in ("skipped", "failed") and reason else out
        elif res.outcome == "robots" and (res.error or "").startswith("robots_unreachable"):
            outcome = "robots_unreachable"  # temporary: the site's robots.txt failed to load
        else:
            outcome = res.outcome
        finals.append((c, outcome, res.status))
        rows.append(_log_row("article", res, outcome, frontier_id=c.id))
        summary.counts[outcome] += 1
    with engine.begin() as conn:
        finish_urls(conn, finals)
        log_fetches(conn, summary.run_id, rows)
