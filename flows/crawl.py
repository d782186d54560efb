"""Prefect flow: one crawl cycle — poll due feeds, then batches of fetch → extract → load.

Deployed hourly (``prefect.yaml``: ``crawl-hourly``). Tasks call :mod:`etl.crawlsteps` and
exchange run ids, URL ids, WARC offsets and counts, never article bodies:

* ``poll-feeds`` and ``fetch-batch`` touch the network and are retried. They run in the flow's
  process (called directly), where the run's fetcher keeps per-host politeness and the
  robots.txt cache across batches.
* ``extract-load`` is the CPU-heavy part. It is *submitted* to the flow's task runner, so the
  next batch is fetched while the previous one is extracted; with the Dask runner
  (``flows/dask.py``) it runs on the cluster.

Overlapping runs (an overrunning hourly run and the next one, or runs on several workers)
cooperate through the frontier: URLs are claimed with ``FOR UPDATE SKIP LOCKED`` leases, so
none is fetched or loaded twice. The deployment still does not overlap itself (concurrency
limit 1, ``CANCEL_NEW``) because each run is polite per host on its own: two runs on one
host would double its request rate. Parallel runs use ``shards`` to split the sources.
"""

from __future__ import annotations

import time
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE as NO_CACHE
from prefect.futures import PrefectFuture

from etl import crawlsteps, db, health
from etl.config import get_settings
from etl.crawlsteps import FetchedBatch, StepReport
from flows import setup_logging


# Tasks write to the warehouse: never serve them from a result cache.
@task(name="open-crawl-run", cache_policy=NO_CACHE)
def open_run(params: dict[str, Any], shard: int, shards: int) -> tuple[int, list[int] | None]:
    """Open the run (an ``ingest_runs`` row) and resolve the sources of this shard."""
    engine = db.get_engine()
    ids = crawlsteps.shard_source_ids(engine, shard, shards, params.get("source_ids"))
    return crawlsteps.open_crawl_run(engine, params), ids


@task(name="poll-feeds", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[30, 120])
def poll_feeds(run_id: int, poll_seconds: float, source_ids: list[int] | None) -> StepReport:
    """Poll due feeds and sitemaps (conditional requests); queue new article URLs."""
    return crawlsteps.poll(
        db.get_engine(), run_id, poll_seconds=poll_seconds, source_ids=source_ids
    )


@task(name="fetch-batch", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[10, 60])
def fetch_batch(run_id: int, limit: int, source_ids: list[int] | None) -> FetchedBatch:
    """Claim due URLs, fetch them politely, archive pages to WARC; returns ids and offsets."""
    return crawlsteps.fetch_batch(db.get_engine(), run_id, limit, source_ids=source_ids)


@task(name="extract-load", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def extract_load(run_id: int, batch: FetchedBatch, workers: int) -> StepReport:
    """Extract, deduplicate, load and normalize a fetched batch (idempotent on retry)."""
    return crawlsteps.process_batch(db.get_engine(), run_id, batch, workers=workers)


@task(name="finish-crawl-run", cache_policy=NO_CACHE)
def finish(
    run_id: int, reports: list[StepReport], status: str, error: str | None
) -> dict[str, Any]:
    """Record the run's totals and publish its report as a markdown artifact."""
    engine = db.get_engine()
    summary = crawlsteps.finish_crawl_run(engine, run_id, reports, status, error)
    create_markdown_artifact(
        key="crawl-summary",
        markdown=health.run_report(engine, summary),
        description=f"crawl run {run_id}",
    )
    return summary.as_dict()


@flow(name="crawl", log_prints=False)
def crawl_flow(
    max_urls: int | None = None,
    batch_size: int = 100,
    workers: int | None = None,
    poll_seconds: float = 3600.0,
    time_budget_seconds: float | None = 3000.0,
    source_ids: list[int] | None = None,
    shard: int = 0,
    shards: int = 1,
    max_inflight: int = 2,
) -> dict[str, Any]:
    """Run one crawl cycle and return its summary (``etl.runs.RunSummary.as_dict``).

    Args:
        max_urls: stop after claiming this many article URLs (default: until none is due).
        batch_size: URLs claimed, fetched and loaded per batch.
        workers: extraction processes per ``extract-load`` task (default: ``ETL_WORKERS``;
            inside Dask workers extraction runs inline).
        poll_seconds: normal interval between two polls of one feed.
        time_budget_seconds: claim no new batch after this long, so an hourly run ends
            before the next one is due (what is left stays queued in the frontier).
        source_ids: only crawl these sources.
        shard, shards: crawl only sources with ``id % shards == shard`` (parallel runs
            without sharing hosts, so per-host politeness holds across them).
        max_inflight: fetched batches waiting for or in extraction at once.
    """
    setup_logging()
    logger = get_run_logger()
    started = time.monotonic()
    params = {
        "max_urls": max_urls,
        "batch_size": batch_size,
        "source_ids": source_ids,
        "shard": shard,
        "shards": shards,
        "orchestrator": "prefect",
    }
    run_id, only = open_run(params, shard, shards)
    nproc = workers or get_settings().workers
    reports: list[StepReport] = []
    pending: list[PrefectFuture[StepReport]] = []
    status, error = "completed", None
    try:
        reports.append(poll_feeds(run_id, poll_seconds, only))
        claimed = 0
        while max_urls is None or claimed < max_urls:
            if time_budget_seconds is not None and time.monotonic() - started > time_budget_seconds:
                logger.warning("crawl run %s: time budget reached, rest left queued", run_id)
                break
            limit = batch_size if max_urls is None else min(batch_size, max_urls - claimed)
            batch = fetch_batch(run_id, limit, only)
            if batch.claimed == 0:
                break
            claimed += batch.claimed
            reports.append(batch.report)
            if batch.pages:
                pending.append(extract_load.submit(run_id, batch, nproc))
            while len(pending) >= max(1, max_inflight):
                reports.append(pending.pop(0).result())
        while pending:
            reports.append(pending.pop(0).result())
    except BaseException as exc:
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        raise
    finally:
        result = finish(run_id, reports, status, error)
    logger.info("crawl run %s: %s", run_id, result["outcomes"])
    return result


if __name__ == "__main__":
    crawl_flow()
