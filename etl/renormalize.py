"""Re-run normalization on stored articles whose normalizer version is stale.

No re-crawling or re-extraction: the stored title and text are normalized again with the
current seeds and rules, in batches (keyset pagination on id), each batch in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .load import write_normalization
from .runs import RunSummary, finish_run, start_run

__all__ = ["renormalize", "renormalize_batch", "stale_count"]

log = logging.getLogger(__name__)


def _normalize_rows(rows: list[tuple[int, str | None, str, str | None]]) -> list[Any]:
    from .normalize import default_normalizer

    norm = default_normalizer()
    return [
        (aid, norm.normalize(text, title=title, language=lang)) for aid, title, text, lang in rows
    ]


def stale_count(engine: Engine, version: str | None = None) -> int:
    """How many articles were normalized with another version (or never)."""
    from .normalize import default_normalizer

    version = version or default_normalizer().version
    with engine.connect() as conn:
        return int(
            conn.scalar(
                sa.text(
                    "SELECT count(*) FROM articles WHERE normalizer_version IS DISTINCT FROM :v"
                ),
                {"v": version},
            )
            or 0
        )


def renormalize_batch(
    engine: Engine, after_id: int, limit: int, pool: Any = None
) -> tuple[int, int]:
    """Renormalize up to ``limit`` stale articles with id > ``after_id``.

    Returns ``(articles done, last id)``; ``(0, after_id)`` when nothing is left.
    """
    from .normalize import default_normalizer

    version = default_normalizer().version
    raw = engine.raw_connection()
    try:
        conn: Any = raw.driver_connection
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(
                """SELECT id, title, text, language FROM articles
                   WHERE id > %s AND normalizer_version IS DISTINCT FROM %s
                   ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                (after_id, version, limit),
            )
            rows = cur.fetchall()
            if not rows:
                return 0, after_id
            if pool is not None:
                chunks = [rows[i : i + 25] for i in range(0, len(rows), 25)]
                pairs = [p for part in pool.map(_normalize_rows, chunks) for p in part]
            else:
                pairs = _normalize_rows(rows)
            write_normalization(cur, pairs, replace=True)
            cur.execute(
                """UPDATE articles a SET normalizer_version = %s, main_country = t.main
                   FROM unnest(%s::bigint[], %s::text[]) AS t(id, main) WHERE a.id = t.id""",
                (version, [aid for aid, _ in pairs], [n.main_country for _, n in pairs]),
            )
        return len(rows), rows[-1][0]
    finally:
        raw.close()


def renormalize(
    engine: Engine,
    batch_size: int = 500,
    workers: int = 1,
    on_progress: Callable[[int, int], Any] | None = None,
) -> RunSummary:
    """Renormalize every stale article; returns the run summary (``renormalized`` count).

    ``on_progress(done, total)`` is called after each batch.
    """
    from .pipeline import make_pool

    total = stale_count(engine)
    summary = start_run(engine, "renormalize", {"batch_size": batch_size, "stale": total})
    pool = make_pool(workers)
    last = 0
    try:
        while True:
            n, last = renormalize_batch(engine, last, batch_size, pool)
            if n == 0:
                break
            summary.counts["renormalized"] += n
            log.info("event=renormalize_batch articles=%d last_id=%d", n, last)
            if on_progress:
                on_progress(summary.counts["renormalized"], total)
    except BaseException as exc:
        finish_run(engine, summary, "failed", repr(exc))
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return finish_run(engine, summary, "completed")
