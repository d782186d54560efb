"""One crawl cycle split into steps for orchestrators: open → poll → (fetch → process)* → finish.

:func:`etl.crawl.crawl` runs a whole cycle in one call. An orchestrator (``flows/crawl.py``)
wants each step as its own task: retry the steps that touch the network, run the CPU-heavy
extraction elsewhere (a Dask cluster), and hand only ids and counts from one step to the next.
The steps reuse the cycle's own parts (claims, fetcher, WARC archive, loader), so they keep
its guarantees:

* **Nothing is fetched twice.** URLs are claimed from the shared frontier with
  ``FOR UPDATE SKIP LOCKED`` leases; feeds are claimed by pushing their next poll time out.
  Overlapping runs, on one machine or many, cooperate through those claims.
* **Every claimed URL ends with one outcome** in ``fetch_log``, the frontier and the run's
  counts: fetch failures are closed by :func:`fetch_batch`, fetched pages by
  :func:`process_batch`.
* **No article body crosses a step boundary.** :func:`fetch_batch` archives each page to
  WARC (as the cycle does) and returns its file and offset; :func:`process_batch` reads it
  back from there. With a remote Dask cluster the WARC folder must therefore be shared.

Politeness state (per-host delays, the robots.txt cache) lives in a per-run
:class:`CrawlSession` in the process that polls and fetches, so it lasts across batches as it
does in :func:`etl.crawl.crawl`. Each run has its own session: per-host politeness is per run,
which is why the hourly deployment does not overlap itself (see docs/scaling.md) and why
``shards`` exists to split hosts between parallel runs.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import threading
import time
from collections import Counter
from collections.abc import Coroutine, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from warcio.archiveiterator import ArchiveIterator

from .archives import _warc_record
from .config import Settings, get_settings
from .crawl import _archive_id, _fetch_batch, _log_row, poll_feeds
from .fetcher import Fetcher, FetchResult
from .frontier import Claim, FetchLogRow, claim_urls, finish_urls, log_fetches, worker_id
from .load import ArchiveDone, Processed, load_batch
from .pipeline import Options, WorkItem, make_pool, ordered_map
from .runs import RunSummary, finish_run, start_run
from .warcwriter import OPEN_SUFFIX, WarcArchive

__all__ = [
    "CrawlSession",
    "FetchedBatch",
    "FetchedPage",
    "StepReport",
    "close_session",
    "fetch_batch",
    "finish_crawl_run",
    "merge_reports",
    "open_crawl_run",
    "poll",
    "process_batch",
    "shard_source_ids",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

# Outcomes of a fetched page that mean "an article is in the warehouse".
ARTICLE_OUTCOMES = frozenset({"loaded", "duplicate", "seen", "updated"})


@dataclass
class StepReport:
    """What one step did: article outcomes, feed poll outcomes, seconds per stage."""

    counts: Counter[str] = field(default_factory=Counter)
    feeds: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)
    queued: int = 0  # article URLs newly queued by polling

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able form (what flows log and return)."""
        return {
            "counts": dict(self.counts),
            "feeds": dict(self.feeds),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "queued": self.queued,
        }


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A claimed URL whose page was fetched and archived: where to read it back, and what
    ``fetch_log`` needs once it is processed. No body."""

    frontier_id: int
    url: str  # the claimed (normalized) URL
    source_id: int | None
    claim_attempts: int
    archive_id: int
    warc_path: str
    offset: int
    final_url: str
    status: int | None
    http_attempts: int
    elapsed_ms: int
    bytes: int


@dataclass
class FetchedBatch:
    """The result of :func:`fetch_batch`: pages to process, and the fetch failures that were
    already closed (their outcomes are in ``report.counts``)."""

    run_id: int
    claimed: int
    pages: list[FetchedPage] = field(default_factory=list)
    report: StepReport = field(default_factory=StepReport)


# -- sessions ---------------------------------------------------------------------------------


class CrawlSession:
    """A run's fetcher and WARC archive, alive across steps in one process.

    The fetcher is asynchronous; steps are plain functions called from any thread, so the
    session owns an event loop in a background thread and runs coroutines on it. One fetch
    at a time per session (a lock), as in a crawl cycle.
    """

    def __init__(self, settings: Settings, **fetcher_options: Any) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="crawl-session", daemon=True
        )
        self._thread.start()
        self.lock = threading.Lock()
        self.fetcher: Fetcher = self.run(self._open_fetcher(fetcher_options))
        self.warc = WarcArchive(settings.warc_path)
        self.archives: dict[Path, int] = {}

    async def _open_fetcher(self, options: dict[str, Any]) -> Fetcher:
        return Fetcher(self.settings, **options)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the session's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def close(self) -> None:
        """Close the fetcher, stop the loop, and finish the current WARC file."""
        try:
            self.run(self.fetcher.aclose())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
            self.loop.close()
            self.warc.close()


_sessions: dict[int, CrawlSession] = {}
_sessions_lock = threading.Lock()


def _session(run_id: int, settings: Settings, fetcher_options: dict[str, Any]) -> CrawlSession:
    with _sessions_lock:
        s = _sessions.get(run_id)
        if s is None:
            s = _sessions[run_id] = CrawlSession(settings, **fetcher_options)
        return s


def close_session(run_id: int) -> None:
    """Close the run's session and extraction pool in this process, if it has them
    (idempotent)."""
    with _sessions_lock:
        s = _sessions.pop(run_id, None)
    try:
        if s is not None:
            s.close()
    finally:
        _shutdown_pool(run_id)


# Extraction pools, one per run and process, reused across the run's batches: starting
# ``spawn`` workers and building the normalizer in each costs seconds, a batch often less.
_pools: dict[int, ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool(run_id: int, workers: int) -> ProcessPoolExecutor | None:
    if workers <= 1:
        return None
    if mp.current_process().daemon:
        # Dask (and other) worker processes are daemonic and may not have children: extract
        # inline there; the cluster provides the parallelism.
        log.info("event=extract_inline reason=daemonic_process workers=%d", workers)
        return None
    with _pools_lock:
        if run_id not in _pools:
            pool = make_pool(workers)
            assert pool is not None
            _pools[run_id] = pool
        return _pools[run_id]


_langdetect_lock = threading.Lock()


def _warm_langdetect() -> None:
    """Load langdetect's profiles once, under a lock, before extracting inline.

    ``langdetect.detect_langs`` publishes its global factory *before* loading the language
    profiles, so two threads extracting at once (two ``extract-load`` tasks in the thread
    runner, or a Dask worker with several threads) can detect with half the languages loaded
    (an English page came out as ``ro``). Process pools are not affected (one thread each).
    The proper place for this is ``etl.language._init``."""
    with _langdetect_lock:
        from langdetect.detector_factory import init_factory

        init_factory()


def _shutdown_pool(run_id: int) -> None:
    with _pools_lock:
        pool = _pools.pop(run_id, None)
    if pool is not None:
        pool.shutdown(cancel_futures=True)


# -- steps ------------------------------------------------------------------------------------


def open_crawl_run(engine: Engine, params: dict[str, Any]) -> int:
    """Insert the run's ``ingest_runs`` row (kind ``crawl``); returns its id."""
    return start_run(engine, "crawl", params).run_id


def shard_source_ids(
    engine: Engine, shard: int, shards: int, source_ids: Sequence[int] | None = None
) -> list[int] | None:
    """The enabled sources of one shard (``id % shards == shard``), optionally restricted to
    ``source_ids``; None means "all sources" (one shard and no restriction)."""
    if shards <= 1:
        return list(source_ids) if source_ids is not None else None
    if not 0 <= shard < shards:
        raise ValueError(f"shard must be in 0..{shards - 1}, not {shard}")
    with engine.connect() as conn:
        ids = conn.scalars(
            sa.text("SELECT id FROM sources WHERE enabled AND id % :n = :k ORDER BY id"),
            {"n": shards, "k": shard},
        ).all()
    keep = set(source_ids) if source_ids is not None else None
    return [int(i) for i in ids if keep is None or i in keep]


def poll(
    engine: Engine,
    run_id: int,
    *,
    settings: Settings | None = None,
    poll_seconds: float = 3600.0,
    source_ids: Sequence[int] | None = None,
    fetcher_options: dict[str, Any] | None = None,
) -> StepReport:
    """Poll every due feed/sitemap (of ``source_ids``, default all) and queue new URLs."""
    settings = settings or get_settings()
    s = _session(run_id, settings, fetcher_options or {})
    summary = RunSummary(run_id=run_id, kind="crawl")
    t = time.monotonic()
    with s.lock:
        queued = s.run(
            poll_feeds(engine, s.fetcher, summary, poll_seconds=poll_seconds, source_ids=source_ids)
        )
    report = StepReport(feeds=summary.feeds, queued=queued)
    report.timings["discover"] = time.monotonic() - t
    log.info(
        "event=poll_done run=%d queued=%d feeds=%s", run_id, queued, dict(summary.feeds) or "{}"
    )
    return report


def _fetch_outcome(res: FetchResult) -> str:
    if res.outcome == "robots" and (res.error or "").startswith("robots_unreachable"):
        return "robots_unreachable"  # temporary, as in etl.crawl
    return res.outcome


def fetch_batch(
    engine: Engine,
    run_id: int,
    limit: int,
    *,
    settings: Settings | None = None,
    source_ids: Sequence[int] | None = None,
    fetcher_options: dict[str, Any] | None = None,
) -> FetchedBatch:
    """Claim up to ``limit`` due URLs (of ``source_ids``, default all), fetch them politely,
    archive the pages to WARC and close the URLs that could not be fetched.

    Returns the pages to hand to :func:`process_batch` (ids, WARC file and offset: no body).
    ``claimed == 0`` means the frontier has nothing due.
    """
    settings = settings or get_settings()
    claims = claim_urls(engine, limit, worker=worker_id(run_id), source_ids=source_ids)
    batch = FetchedBatch(run_id=run_id, claimed=len(claims))
    if not claims:
        return batch
    s = _session(run_id, settings, fetcher_options or {})
    t = time.monotonic()
    with s.lock:
        results = s.run(_fetch_batch(s.fetcher, claims))
    batch.report.timings["fetch"] = time.monotonic() - t
    t = time.monotonic()
    finals: list[tuple[Claim, str, int | None]] = []
    rows: list[FetchLogRow] = []
    for c in claims:
        res = results[c.id]
        loc = s.warc.write_result(res) if res.ok and res.body is not None else None
        if loc is not None and res.body is not None:
            aid = _archive_id(engine, loc[0], run_id, s.archives)
            batch.pages.append(
                FetchedPage(
                    frontier_id=c.id,
                    url=c.url,
                    source_id=c.source_id,
                    claim_attempts=c.attempts,
                    archive_id=aid,
                    warc_path=str(loc[0]),
                    offset=loc[1],
                    final_url=res.final_url,
                    status=res.status,
                    http_attempts=res.attempts,
                    elapsed_ms=int(res.elapsed * 1000),
                    bytes=len(res.body),
                )
            )
            continue
        outcome = _fetch_outcome(res)
        finals.append((c, outcome, res.status))
        rows.append(_log_row("article", res, outcome, frontier_id=c.id))
        batch.report.counts[outcome] += 1
    with engine.begin() as conn:
        finish_urls(conn, finals)
        log_fetches(conn, run_id, rows)
    batch.report.timings["archive"] = time.monotonic() - t
    log.info(
        "event=fetch_batch_done run=%d claimed=%d pages=%d failed=%d",
        run_id,
        len(claims),
        len(batch.pages),
        len(finals),
    )
    return batch


def _open_warc(path: str) -> Any:
    """Open a crawl WARC file that may still be open for writing (``.open`` suffix) or may
    be renamed to its final name meanwhile; an open handle survives the rename."""
    names = [path, path + OPEN_SUFFIX, path]
    for i, name in enumerate(names):
        try:
            return open(name, "rb")  # closed by the caller
        except FileNotFoundError:
            if i == len(names) - 1:
                raise
    raise AssertionError("unreachable")


def _read_pages(pages: Iterable[FetchedPage], max_bytes: int) -> list[WorkItem]:
    """Read archived pages back from their WARC files (one gzip member per record)."""
    items: list[WorkItem] = []
    handles: dict[str, Any] = {}
    try:
        for p in pages:
            fh = handles.get(p.warc_path)
            if fh is None:
                fh = handles[p.warc_path] = _open_warc(p.warc_path)
            fh.seek(p.offset)
            rec = next(iter(ArchiveIterator(fh)))
            r = _warc_record(rec, max_bytes)
            items.append(
                WorkItem(
                    p.archive_id,
                    p.offset,
                    r.url or p.final_url,
                    r.payload,
                    r.content_type,
                    skip=r.skip,
                    detail=r.detail,
                )
            )
    finally:
        for fh in handles.values():
            fh.close()
    return items


def _recorded(engine: Engine, pages: Sequence[FetchedPage]) -> dict[tuple[int, int], str]:
    """Outcomes already recorded for these pages (a retried step must not load twice)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                """SELECT r.archive_id, r.record_offset, r.outcome, r.reason
                   FROM ingest_records r
                   JOIN unnest(CAST(:a AS bigint[]), CAST(:o AS bigint[])) AS t(a, o)
                     ON r.archive_id = t.a AND r.record_offset = t.o"""
            ),
            {"a": [p.archive_id for p in pages], "o": [p.offset for p in pages]},
        ).all()
    return {(r.archive_id, r.record_offset): _outcome_key(r.outcome, r.reason) for r in rows}


def _outcome_key(outcome: str, reason: str | None) -> str:
    return f"{outcome}:{reason}" if outcome in ("skipped", "failed") and reason else outcome


def process_batch(
    engine: Engine,
    run_id: int,
    batch: FetchedBatch,
    *,
    settings: Settings | None = None,
    workers: int = 1,
) -> StepReport:
    """Extract, deduplicate, load and normalize a fetched batch, and close its URLs.

    Reads the pages back from WARC, so it can run in another thread, process or (with a
    shared WARC folder) machine than :func:`fetch_batch`. Idempotent: pages whose outcome is
    already recorded (a retried step) are closed with it, not loaded again.
    """
    from .normalize import default_normalizer

    settings = settings or get_settings()
    report = StepReport()
    pages = batch.pages
    if not pages:
        return report
    t = time.monotonic()
    done = _recorded(engine, pages)
    todo = [p for p in pages if (p.archive_id, p.offset) not in done]
    items = _read_pages(todo, settings.max_page_bytes)
    opts = Options(settings.min_words, settings.max_page_bytes, settings.langdetect_sample_chars)
    pool = _pool(run_id, workers)
    if pool is None:
        _warm_langdetect()
    processed = [p for p in ordered_map(items, opts, pool) if isinstance(p, Processed)]
    report.timings["extract"] = time.monotonic() - t
    t = time.monotonic()
    if processed:
        raw = engine.raw_connection()
        try:
            conn: Any = raw.driver_connection
            loadable: list[Processed | ArchiveDone] = list(processed)
            load_batch(conn, run_id, loadable, default_normalizer().version)
        finally:
            raw.close()
    for p in processed:
        out, reason, _aid = p.final or (p.outcome, p.reason, None)
        done[(p.archive_id, p.offset)] = _outcome_key(out, reason)
    finals: list[tuple[Claim, str, int | None]] = []
    rows: list[FetchLogRow] = []
    for pg in pages:
        outcome = done[(pg.archive_id, pg.offset)]
        claim = Claim(pg.frontier_id, pg.url, pg.source_id, pg.claim_attempts)
        finals.append((claim, outcome, pg.status))
        rows.append(
            FetchLogRow(
                kind="article",
                url=pg.url,
                outcome=outcome,
                frontier_id=pg.frontier_id,
                http_status=pg.status,
                attempts=pg.http_attempts,
                elapsed_ms=pg.elapsed_ms,
                bytes=pg.bytes,
            )
        )
        report.counts[outcome] += 1
    with engine.begin() as conn:
        finish_urls(conn, finals)
        log_fetches(conn, run_id, rows)
    report.timings["load"] = time.monotonic() - t
    log.info(
        "event=process_batch_done run=%d pages=%d outcomes=%s",
        run_id,
        len(pages),
        dict(report.counts),
    )
    return report


def merge_reports(reports: Iterable[StepReport]) -> StepReport:
    """Add up step reports (counts, feed outcomes, seconds per stage, queued URLs)."""
    total = StepReport()
    for r in reports:
        total.counts.update(r.counts)
        total.feeds.update(r.feeds)
        total.queued += r.queued
        for k, v in r.timings.items():
            total.timings[k] = total.timings.get(k, 0.0) + v
    return total


def finish_crawl_run(
    engine: Engine,
    run_id: int,
    reports: Iterable[StepReport],
    status: str = "completed",
    error: str | None = None,
) -> RunSummary:
    """Close the run: release its session and pool in this process, mark its WARC files
    done, and record the summed counts (and the wall time since it started)."""
    close_session(run_id)
    total = merge_reports(reports)
    with engine.begin() as conn:
        conn.execute(
            sa.text("""UPDATE archive_files SET status = 'done', completed_at = now(),
                       records = (SELECT count(*) FROM ingest_records r
                                  WHERE r.archive_id = archive_files.id)
                       WHERE first_run_id = :r AND fingerprint LIKE 'crawl:%'"""),
            {"r": run_id},
        )
        age = conn.scalar(
            sa.text("SELECT extract(epoch FROM now() - started_at) FROM ingest_runs WHERE id = :r"),
            {"r": run_id},
        )
    summary = RunSummary(
        run_id=run_id,
        kind="crawl",
        counts=total.counts,
        feeds=total.feeds,
        timings=total.timings,
        started=time.monotonic() - float(age or 0.0),
    )
    return finish_run(engine, summary, status, error)
