"""Prefect flow: re-run normalization on articles with a stale normalizer version."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE as NO_CACHE

from etl import db, runs
from etl.renormalize import renormalize_batch, stale_count


@task(name="start-renormalize", cache_policy=NO_CACHE)
def start(batch_size: int) -> tuple[int, int]:
    """Open a run; returns (run id, stale articles)."""
    engine = db.get_engine()
    stale = stale_count(engine)
    summary = runs.start_run(engine, "renormalize", {"batch_size": batch_size, "stale": stale})
    return summary.run_id, stale


@task(name="renormalize-batch", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def batch(after_id: int, limit: int) -> tuple[int, int]:
    """Renormalize one batch of stale articles; returns (count, last id)."""
    return renormalize_batch(db.get_engine(), after_id, limit)


@task(name="finish-renormalize", cache_policy=NO_CACHE)
def finish(run_id: int, done: int, status: str) -> None:
    """Record the totals and publish them as a markdown artifact."""
    summary = runs.RunSummary(run_id=run_id, kind="renormalize")
    summary.counts["renormalized"] = done
    runs.finish_run(db.get_engine(), summary, status)
    create_markdown_artifact(
        key="renormalize-summary",
        markdown=runs.summary_markdown(summary),
        description=f"renormalize run {run_id}",
    )


@flow(name="renormalize")
def renormalize_flow(batch_size: int = 500) -> dict[str, Any]:
    """Renormalize all stale articles in batches; returns the totals."""
    logger = get_run_logger()
    run_id, before = start(batch_size)
    done, last = 0, 0
    status = "failed"
    try:
        while True:
            n, last = batch(last, batch_size)
            if n == 0:
                break
            done += n
        status = "completed"
    finally:
        finish(run_id, done, status)
    logger.info("renormalized %d of %d stale articles", done, before)
    return {"stale_before": before, "renormalized": done}


if __name__ == "__main__":
    renormalize_flow()
