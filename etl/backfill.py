"""Backfill: load WARC files and folders of HTML pages into the warehouse.

The work streams: files are read record by record, processed on a process pool in order,
and committed in batches. ``archive_files`` and ``ingest_records`` form the ledger that makes
a backfill resumable: a finished file (same fingerprint) is skipped as a whole, and within an
unfinished file every record that already has an outcome is skipped, so a rerun after a crash
or Ctrl-C continues without duplicates or loss.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .archives import discover_inputs, fingerprint, iter_records
from .config import Settings, get_settings
from .errors import DatabaseError
from .load import OUT_OF_RANGE, ArchiveDone, Processed, load_batch
from .pipeline import Options, WorkItem, make_pool, ordered_map
from .runs import RunSummary, fail_run, finish_run, start_run

__all__ = ["Progress", "backfill", "check_ready", "ingest_inputs"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Progress:
    """Progress report handed to the ``on_progress`` callback after every batch/file."""

    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int
    summary: RunSummary


def check_ready(engine: Engine) -> None:
    """Fail early, with the command to run, if the schema or reference data is missing."""
    from .db import migration_status

    status = migration_status(engine)
    if status.pending:
        raise DatabaseError(
            f"the warehouse schema is not up to date ({len(status.pending)} pending "
            "migrations): run `etl db upgrade`"
        )
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT count(*) FROM countries")):
            raise DatabaseError("reference data is not loaded: run `etl db seed`")


def _open_archive(engine: Engine, path: Path, run_id: int) -> tuple[int, str, set[int]]:
    """Register a file in the ledger. Returns (archive id, status, offsets already done)."""
    fp = fingerprint(path)
    size = path.stat().st_size
    with engine.begin() as conn:
        row = conn.execute(
            sa.text(
                """INSERT INTO archive_files (path, fingerprint, size_bytes, first_run_id)
                   VALUES (:p, :f, :s, :r)
                   ON CONFLICT ON CONSTRAINT archive_files_fingerprint_key
                   DO UPDATE SET path = EXCLUDED.path
                   RETURNING id, status"""
            ),
            {"p": str(path.resolve()), "f": fp, "s": size, "r": run_id},
        ).one()
        done: set[int] = set()
        if row.status != "done":
            done = set(
                conn.scalars(
                    sa.text("SELECT record_offset FROM ingest_records WHERE archive_id = :a"),
                    {"a": row.id},
                )
            )
    return int(row.id), str(row.status), done


def _work_items(
    engine: Engine,
    inputs: Sequence[tuple[Path, str | None]],
    summary: RunSummary,
    opts: Options,
    position: list[int],
) -> Iterator[WorkItem | ArchiveDone]:
    """Stream work items across all input files, each file closed by an ArchiveDone marker."""
    for path, kind in inputs:
        if kind is None:
            summary.files["unsupported"] += 1
            log.warning("event=file_skipped reason=unsupported path=%s", path)
            position[0] += path.stat().st_size
            continue
        archive_id, status, done = _open_archive(engine, path, summary.run_id)
        if status == "done":
            summary.files["already_done"] += 1
            log.info("event=file_skipped reason=already_done path=%s", path)
            position[0] += path.stat().st_size
            continue
        summary.files["read"] += 1
        if done:
            summary.files["resumed"] += 1
        error = None
        base = position[0]
        for rec in iter_records(path, kind, opts.max_bytes):
            position[0] = base + rec.offset
            if rec.offset in done:
                continue  # recorded by an earlier, interrupted run
            if rec.skip == "archive_error":
                error = rec.detail
            yield WorkItem(
                archive_id, rec.offset, rec.url, rec.payload, rec.content_type, rec.skip, rec.detail
            )
        position[0] = base + path.stat().st_size
        yield ArchiveDone(archive_id, error)


def ingest_inputs(
    engine: Engine,
    summary: RunSummary,
    inputs: Sequence[tuple[Path, str | None]],
    *,
    settings: Settings | None = None,
    workers: int | None = None,
    batch_size: int | None = None,
    on_progress: Callable[[Progress], Any] | None = None,
    published_from: datetime | None = None,
    published_until: datetime | None = None,
) -> RunSummary:
    """Process and load the given input files within an existing run (counts accumulate in
    ``summary``). This is the unit a Prefect task calls."""
    settings = settings or get_settings()
    workers = workers or settings.workers
    batch_size = batch_size or settings.batch_size
    opts = Options(
        settings.min_words,
        settings.max_page_bytes,
        settings.langdetect_sample_chars,
        published_from,
        published_until,
    )
    partial: set[int] = set()  # archives with records left out by the date range
    from .normalize import default_normalizer

    norm_version = default_normalizer().version
    total = sum(p.stat().st_size for p, _ in inputs)
    position = [0]
    files_total = len(inputs)

    def report() -> None:
        if on_progress:
            done_files = sum(summary.files.values())
            on_progress(Progress(position[0], total, done_files, files_total, summary))

    pool = make_pool(workers)
    raw = engine.raw_connection()
    # One loader thread: batch N is written to PostgreSQL while batch N+1 is extracted.
    # At most one batch is in flight, so errors (and Ctrl-C from on_progress) surface at
    # the next hand-over, and batches still commit in input order.
    loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="etl-loader")
    in_flight: Future[None] | None = None
    timings = summary.timings
    try:
        conn: Any = raw.driver_connection

        def load(items: list[Processed | ArchiveDone]) -> None:
            t = time.monotonic()
            summary.counts.update(load_batch(conn, summary.run_id, items, norm_version))
            timings["load"] = timings.get("load", 0.0) + time.monotonic() - t
            report()

        def hand_over(items: list[Processed | ArchiveDone]) -> None:
            nonlocal in_flight
            if in_flight is not None:
                in_flight.result()
            in_flight = loader.submit(load, items)

        batch: list[Processed | ArchiveDone] = []
        n_items = 0
        stream = ordered_map(_work_items(engine, inputs, summary, opts, position), opts, pool)
        for result in stream:
            if isinstance(result, Processed) and result.reason == OUT_OF_RANGE:
                partial.add(result.archive_id)
            elif isinstance(result, ArchiveDone) and result.archive_id in partial:
                result = replace(result, complete=False)
            batch.append(result)
            if isinstance(result, Processed):
                n_items += 1
            if n_items >= batch_size or (isinstance(result, ArchiveDone) and n_items == 0):
                hand_over(batch)
                batch, n_items = [], 0
        if batch:
            hand_over(batch)
        if in_flight is not None:
            in_flight.result()
    finally:
        loader.shutdown(wait=True)  # a batch being written finishes (commit or rollback)
        raw.close()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return summary


def backfill(
    paths: Iterable[str | os.PathLike[str]],
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    workers: int | None = None,
    batch_size: int | None = None,
    on_progress: Callable[[Progress], Any] | None = None,
    published_from: datetime | None = None,
    published_until: datetime | None = None,
) -> RunSummary:
    """Backfill WARC/ARC files and folders of ``.html``/``.html.gz`` pages.

    Args:
        paths: files and folders (searched recursively).
        engine: the warehouse (default: ``DATABASE_URL`` or the embedded server).
        settings: defaults for workers, batch size and extraction limits.
        workers: extraction processes (default: every core).
        batch_size: records per load transaction.
        on_progress: called after every committed batch with a :class:`Progress`.
        published_from, published_until: only load articles published in this window
            (inclusive start, exclusive end; aware datetimes). Others, and undated pages,
            are counted as ``skipped:out_of_range`` but not remembered in the ledger, and
            their files stay unfinished, so a later run with another window reads them.

    Returns:
        The run's :class:`RunSummary`; its ``counts`` hold one outcome per record read.

    Raises:
        InputError: a path does not exist (checked before anything is written).
        DatabaseError: the warehouse is unreachable or not migrated/seeded.
    """
    from .db import get_engine

    settings = settings or get_settings()
    engine = engine or get_engine(settings)
    inputs = list(discover_inputs(paths))
    check_ready(engine)
    summary = start_run(
        engine,
        "backfill",
        {
            "paths": [str(p) for p in paths],
            "workers": workers,
            "batch_size": batch_size,
            "published_from": published_from,
            "published_until": published_until,
        },
    )
    try:
        ingest_inputs(
            engine,
            summary,
            inputs,
            settings=settings,
            workers=workers,
            batch_size=batch_size,
            on_progress=on_progress,
            published_from=published_from,
            published_until=published_until,
        )
    except BaseException as exc:
        fail_run(engine, summary, exc)
        raise
    return finish_run(engine, summary, "completed")
