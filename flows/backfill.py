"""Prefect flow: backfill WARC files and HTML folders into the warehouse.

One task per input path (each extracts on a process pool and loads in batches inside the
library); tasks exchange run ids and counts, never article bodies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE as NO_CACHE

from etl import db, runs
from etl.archives import discover_inputs
from etl.backfill import check_ready, ingest_inputs
from etl.config import get_settings


# Tasks write to the warehouse: never serve them from a result cache.
@task(name="prepare-backfill", cache_policy=NO_CACHE)
def prepare(paths: list[str]) -> tuple[int, list[list[str]]]:
    """Check the warehouse, open a run, and list the input files per path."""
    engine = db.get_engine()
    groups = [[str(p) for p, _ in discover_inputs([path])] for path in paths]
    check_ready(engine)
    summary = runs.start_run(engine, "backfill", {"paths": paths, "orchestrator": "prefect"})
    return summary.run_id, groups


@task(name="ingest-files", cache_policy=NO_CACHE)
def ingest(
    run_id: int,
    files: list[str],
    workers: int | None,
    batch_size: int | None,
    published_from: datetime | None = None,
    published_until: datetime | None = None,
) -> dict[str, Any]:
    """Process and load a group of files within the run; returns its counts."""
    from pathlib import Path

    from etl.archives import kind_of

    engine = db.get_engine()
    summary = runs.RunSummary(run_id=run_id, kind="backfill")
    inputs = [(Path(f), kind_of(Path(f))) for f in files]
    ingest_inputs(
        engine,
        summary,
        inputs,
        workers=workers,
        batch_size=batch_size,
        published_from=published_from,
        published_until=published_until,
    )
    return {"counts": dict(summary.counts), "files": dict(summary.files)}


@task(name="finish-backfill", cache_policy=NO_CACHE)
def finish(run_id: int, parts: list[dict[str, Any]], status: str) -> dict[str, Any]:
    """Record the run's totals and publish them as a markdown artifact."""
    summary = runs.RunSummary(run_id=run_id, kind="backfill")
    for part in parts:
        summary.counts.update(part["counts"])
        summary.files.update(part["files"])
    runs.finish_run(db.get_engine(), summary, status)
    create_markdown_artifact(
        key="backfill-summary",
        markdown=runs.summary_markdown(summary),
        description=f"backfill run {run_id}",
    )
    return summary.as_dict()


@flow(name="backfill", log_prints=False)
def backfill_flow(
    paths: list[str],
    workers: int | None = None,
    batch_size: int | None = None,
    published_from: datetime | None = None,
    published_until: datetime | None = None,
) -> dict[str, Any]:
    """Backfill the given WARC files / HTML folders; returns the run summary.

    ``published_from``/``published_until`` restrict the load to articles published in that
    window (the others are counted as skipped:out_of_range and left for another run)."""
    logger = get_run_logger()
    run_id, groups = prepare(paths)
    parts = []
    status = "completed"
    try:
        for files in groups:
            parts.append(
                ingest(
                    run_id,
                    files,
                    workers or get_settings().workers,
                    batch_size,
                    published_from,
                    published_until,
                )
            )
    except BaseException:
        status = "failed"
        raise
    finally:
        result = finish(run_id, parts, status)
    logger.info("backfill run %s: %s", run_id, result["outcomes"])
    return result


if __name__ == "__main__":
    import sys

    backfill_flow(sys.argv[1:])
