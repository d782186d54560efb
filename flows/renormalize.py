"""Prefect flow: re-run normalization on articles with a stale normalizer version."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE as NO_CACHE

from etl import db
from etl.renormalize import renormalize_batch, stale_count


@task(name="renormalize-batch", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def batch(after_id: int, limit: int) -> tuple[int, int]:
    """Renormalize one batch of stale articles; returns (count, last id)."""
    return renormalize_batch(db.get_engine(), after_id, limit)


@flow(name="renormalize")
def renormalize_flow(batch_size: int = 500) -> dict[str, Any]:
    """Renormalize all stale articles in batches; returns the totals."""
    logger = get_run_logger()
    before = stale_count(db.get_engine())
    done, last = 0, 0
    while True:
        n, last = batch(last, batch_size)
        if n == 0:
            break
        done += n
    logger.info("renormalized %d of %d stale articles", done, before)
    return {"stale_before": before, "renormalized": done}


if __name__ == "__main__":
    renormalize_flow()
