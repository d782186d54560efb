"""Prefect flow: daily maintenance — frontier hygiene and source health.

Deployed daily (``prefect.yaml``: ``maintenance-daily``). Releases URL claims whose worker
died, closes runs that never recorded an end, prunes the old fetch log, then measures every
configured source against its own history (``etl.health``), records the result in
``source_health``, logs one warning per flagged source and publishes a markdown artifact.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE as NO_CACHE

from etl import db, health, runs
from etl.health import SourceHealth
from flows import setup_logging


@task(name="open-maintenance-run", cache_policy=NO_CACHE)
def open_run(params: dict[str, Any]) -> int:
    """Open the run (an ``ingest_runs`` row of kind ``maintenance``)."""
    return runs.start_run(db.get_engine(), "maintenance", params).run_id


@task(name="frontier-hygiene", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=30)
def hygiene(lease_seconds: float, stale_run_hours: float, keep_days: int) -> dict[str, int]:
    """Release expired URL claims, close abandoned runs, prune old fetch-log rows."""
    engine = db.get_engine()
    return {
        "leases_released": health.release_expired_leases(engine, lease_seconds),
        "runs_abandoned": health.abandon_stale_runs(engine, stale_run_hours),
        "fetch_log_pruned": health.prune_fetch_log(engine, keep_days),
    }


@task(name="frontier-stats", cache_policy=NO_CACHE)
def stats() -> dict[str, Any]:
    """URLs per frontier state, due now, oldest wait, feed health counts."""
    return health.frontier_stats(db.get_engine())


@task(name="source-health", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=30)
def source_health(run_id: int) -> list[SourceHealth]:
    """Measure and flag every configured source; record the snapshot in ``source_health``."""
    engine = db.get_engine()
    healths = health.source_health(engine)
    health.record_health(engine, run_id, healths)
    return healths


@task(name="finish-maintenance-run", cache_policy=NO_CACHE)
def finish(
    run_id: int,
    counts: dict[str, int],
    frontier: dict[str, Any],
    healths: list[SourceHealth],
    status: str,
) -> dict[str, Any]:
    """Record the run's counts and publish the health report as a markdown artifact."""
    summary = runs.RunSummary(run_id=run_id, kind="maintenance")
    summary.counts.update(counts)
    runs.finish_run(db.get_engine(), summary, status)
    create_markdown_artifact(
        key="source-health",
        markdown=health.health_markdown(healths, {**counts, **frontier}),
        description=f"maintenance run {run_id}",
    )
    return {
        "run_id": run_id,
        "status": status,
        **counts,
        "frontier": frontier,
        "flagged": {h.name: h.flags for h in healths if h.flags},
    }


@flow(name="maintenance", log_prints=False)
def maintenance_flow(
    lease_seconds: float = 900.0, stale_run_hours: float = 24.0, fetch_log_keep_days: int = 90
) -> dict[str, Any]:
    """Daily hygiene and source health; returns counts, frontier stats and flagged sources.

    Args:
        lease_seconds: URL claims older than this are released (the crawler's lease).
        stale_run_hours: runs still "running" after this long are marked interrupted.
        fetch_log_keep_days: fetch-log rows older than this are deleted (health reads 35).
    """
    setup_logging()
    logger = get_run_logger()
    params = {
        "lease_seconds": lease_seconds,
        "stale_run_hours": stale_run_hours,
        "fetch_log_keep_days": fetch_log_keep_days,
    }
    run_id = open_run(params)
    counts: dict[str, int] = {}
    frontier: dict[str, Any] = {}
    healths: list[SourceHealth] = []
    status = "completed"
    try:
        counts = hygiene(lease_seconds, stale_run_hours, fetch_log_keep_days)
        frontier = stats()
        healths = source_health(run_id)
        counts["sources_checked"] = len(healths)
        counts["sources_flagged"] = sum(1 for h in healths if h.flags)
        for h in healths:
            if h.flags:
                # One line per flagged source, key=value, so log search and alerts can match.
                logger.warning(
                    "event=source_flagged source=%r domain=%s flags=%s why=%r",
                    h.name,
                    h.domain,
                    ",".join(h.flags),
                    "; ".join(h.details.values()),
                )
    except BaseException:
        status = "failed"
        raise
    finally:
        result = finish(run_id, counts, frontier, healths, status)
    return result


if __name__ == "__main__":
    maintenance_flow()
