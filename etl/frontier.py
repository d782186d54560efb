"""The crawl frontier and feed schedule in PostgreSQL.

URLs are claimed in batches with ``FOR UPDATE SKIP LOCKED``: concurrent workers (threads,
processes, machines) each get different rows and nobody waits. A claim is a lease: rows left
``in_progress`` by a worker that died are handed out again after ``lease_seconds``.
Every fetch attempt is written to ``fetch_log`` with its final outcome.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

__all__ = [
    "RETRYABLE",
    "Claim",
    "FeedClaim",
    "FetchLogRow",
    "add_feeds",
    "add_urls",
    "claim_feeds",
    "claim_urls",
    "finish_urls",
    "log_fetches",
    "retry_delay",
    "update_feed",
    "worker_id",
]

log = logging.getLogger(__name__)

# Fetch outcomes worth another attempt later; anything else is final.
RETRYABLE = {
    "timeout",
    "connect_error",
    "reset",
    "dns_error",
    "robots_unreachable",
    "http_408",
    "http_429",
    "http_500",
    "http_502",
    "http_503",
    "http_504",
}
MAX_ATTEMPTS = 4


def worker_id(run_id: int | None = None) -> str:
    """``host:pid`` or ``host:pid:run<id>``: who holds a claim (two runs in one process,
    e.g. flows in threads, hold different claims)."""
    base = f"{socket.gethostname()}:{os.getpid()}"
    return base if run_id is None else f"{base}:run{run_id}"


def retry_delay(attempts: int, base: float = 300.0) -> float:
    """Seconds until the next attempt: 5 min, 10 min, 20 min..."""
    return base * (2 ** max(0, attempts - 1))


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    url: str
    source_id: int | None
    attempts: int


@dataclass(frozen=True, slots=True)
class FeedClaim:
    id: int
    url: str
    kind: str
    source_id: int
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    consecutive_failures: int


@dataclass(slots=True)
class FetchLogRow:
    kind: str
    url: str
    outcome: str
    frontier_id: int | None = None
    feed_id: int | None = None
    http_status: int | None = None
    attempts: int | None = None
    elapsed_ms: int | None = None
    bytes: int | None = None
    error: str | None = None


def add_urls(
    conn: sa.Connection,
    rows: Sequence[tuple[str, int | None, int | None, str | None, datetime | None]],
) -> int:
    """Queue article URLs ``(url, source_id, feed_id, title, published)``; URLs already in the
    frontier or already stored as articles are not queued again. Returns how many were new."""
    if not rows:
        return 0
    cols = [list(c) for c in zip(*rows, strict=True)]
    result = conn.execute(
        sa.text(
            """INSERT INTO frontier (url, host, source_id, feed_id, title_hint, published_hint)
               SELECT t.url, lower(substring(t.url from '^[a-z]+://([^/?#]+)')),
                      t.sid, t.fid, t.title, t.pub
               FROM unnest(CAST(:u AS text[]), CAST(:s AS bigint[]), CAST(:f AS bigint[]),
                           CAST(:t AS text[]), CAST(:p AS timestamptz[]))
                    AS t(url, sid, fid, title, pub)
               WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.url = t.url)
               ON CONFLICT ON CONSTRAINT frontier_url_key DO NOTHING"""
        ),
        {"u": cols[0], "s": cols[1], "f": cols[2], "t": cols[3], "p": cols[4]},
    )
    return result.rowcount or 0


def claim_urls(
    engine: Engine,
    limit: int,
    lease_seconds: float = 900.0,
    worker: str | None = None,
    source_ids: Sequence[int] | None = None,
) -> list[Claim]:
    """Claim up to ``limit`` due URLs for this worker (expired leases are reclaimed),
    optionally only URLs of ``source_ids`` (a shard of the sources)."""
    with engine.begin() as conn:
        rows = conn.execute(
            sa.text(
                """UPDATE frontier f SET state = 'in_progress', claimed_by = :w,
                          claimed_at = now(), attempts = f.attempts + 1
                   WHERE f.id IN (
                       SELECT id FROM frontier
                       WHERE id IN (
                           -- Round-robin over hosts: the k-th due URL of every host comes
                           -- before the (k+1)-th of any, so a batch spreads over hosts
                           -- instead of queueing behind one host's politeness delay. The
                           -- window looks at the :scan most overdue rows (index order).
                           SELECT id FROM (
                               SELECT id, next_attempt_at, row_number() OVER (
                                   PARTITION BY host ORDER BY next_attempt_at, id) AS rn
                               FROM (SELECT id, host, next_attempt_at FROM frontier
                                     WHERE ((state = 'pending' AND next_attempt_at <= now())
                                            OR (state = 'in_progress' AND claimed_at
                                                < now() - make_interval(secs => :lease)))
                                       AND (CAST(:only AS bigint[]) IS NULL
                                            OR source_id = ANY(CAST(:only AS bigint[])))
                                     ORDER BY next_attempt_at, id
                                     LIMIT :scan) due
                           ) ranked
                           ORDER BY rn, next_attempt_at, id
                           LIMIT :n)
                         -- Repeated here on purpose: under READ COMMITTED, FOR UPDATE
                         -- re-checks this level's WHERE on a row another worker just
                         -- claimed, so a row is never claimed twice.
                         AND ((state = 'pending' AND next_attempt_at <= now())
                              OR (state = 'in_progress'
                                  AND claimed_at < now() - make_interval(secs => :lease)))
                       FOR UPDATE SKIP LOCKED)
                   RETURNING f.id, f.url, f.source_id, f.attempts"""
            ),
            {
                "w": worker or worker_id(),
                "n": limit,
                "lease": lease_seconds,
                "scan": max(limit * 50, 10_000),
                "only": list(source_ids) if source_ids is not None else None,
            },
        ).all()
    return [Claim(r.id, r.url, r.source_id, r.attempts) for r in sorted(rows, key=lambda r: r.id)]


def finish_urls(conn: sa.Connection, results: Sequence[tuple[Claim, str, int | None]]) -> None:
    """Close claims with their outcome ``(claim, outcome, http_status)``: retryable failures go
    back to ``pending`` with a backoff until ``MAX_ATTEMPTS``; everything else is final."""
    if not results:
        return
    ids, states, outcomes, statuses, delays = [], [], [], [], []
    for claim, outcome, status in results:
        retry = outcome in RETRYABLE and claim.attempts < MAX_ATTEMPTS
        ids.append(claim.id)
        states.append("pending" if retry else ("failed" if _is_failure(outcome) else "done"))
        outcomes.append(outcome)
        statuses.append(status)
        delays.append(retry_delay(claim.attempts) if retry else 0.0)
    conn.execute(
        sa.text(
            """UPDATE frontier f SET state = t.state, last_outcome = t.outcome,
                      last_status = t.status, claimed_by = NULL, claimed_at = NULL,
                      next_attempt_at = now() + make_interval(secs => t.delay),
                      finished_at = CASE WHEN t.state = 'pending' THEN NULL ELSE now() END
               FROM unnest(CAST(:i AS bigint[]), CAST(:s AS text[]), CAST(:o AS text[]),
                           CAST(:h AS int[]), CAST(:d AS float8[]))
                    AS t(id, state, outcome, status, delay)
               WHERE f.id = t.id"""
        ),
        {"i": ids, "s": states, "o": outcomes, "h": statuses, "d": delays},
    )


def _is_failure(outcome: str) -> bool:
    return not (
        outcome in {"loaded", "duplicate", "seen", "updated"} or outcome.startswith("skipped")
    )


def claim_feeds(
    engine: Engine,
    limit: int,
    lease_seconds: float = 600.0,
    source_ids: Sequence[int] | None = None,
) -> list[FeedClaim]:
    """Claim due feeds/sitemaps of enabled sources by pushing their next fetch time out by
    the lease; a worker that finishes sets the real next time."""
    with engine.begin() as conn:
        rows = conn.execute(
            sa.text(
                """UPDATE source_feeds f SET next_fetch_at = now() + make_interval(secs => :lease)
                   WHERE f.id IN (
                       SELECT sf.id FROM source_feeds sf JOIN sources s ON s.id = sf.source_id
                       WHERE s.enabled AND sf.next_fetch_at <= now()
                         AND (CAST(:only AS bigint[]) IS NULL
                              OR s.id = ANY(CAST(:only AS bigint[])))
                       ORDER BY sf.next_fetch_at, sf.id
                       LIMIT :n
                       FOR UPDATE OF sf SKIP LOCKED)
                   RETURNING f.id, f.url, f.kind, f.source_id, f.etag, f.last_modified,
                             f.body_sha256, f.consecutive_failures"""
            ),
            {
                "lease": lease_seconds,
                "n": limit,
                "only": list(source_ids) if source_ids is not None else None,
            },
        ).all()
    return [FeedClaim(*r) for r in sorted(rows, key=lambda r: r.id)]


def update_feed(
    conn: sa.Connection,
    feed: FeedClaim,
    *,
    outcome: str,
    ok: bool,
    poll_seconds: float,
    etag: str | None = None,
    last_modified: str | None = None,
    body_sha256: str | None = None,
    entries: int | None = None,
    unhealthy_after: int = 3,
) -> None:
    """Record a poll: conditional-request state, health, and the next poll time. A feed that
    failed ``unhealthy_after`` times in a row is unhealthy and polled with exponential
    backoff (up to 32x the normal interval) until it succeeds again."""
    failures = 0 if ok else feed.consecutive_failures + 1
    backoff = 1 if ok else 2 ** min(failures, 5)
    conn.execute(
        sa.text(
            """UPDATE source_feeds SET last_fetched_at = now(), last_outcome = :o,
                      last_success_at = CASE WHEN :ok THEN now() ELSE last_success_at END,
                      etag = coalesce(:etag, etag),
                      last_modified = coalesce(:lm, last_modified),
                      body_sha256 = coalesce(:sha, body_sha256),
                      last_entries = coalesce(:n, last_entries),
                      consecutive_failures = :fails, healthy = :fails < :limit,
                      next_fetch_at = now() + make_interval(secs => :next)
               WHERE id = :id"""
        ),
        {
            "o": outcome,
            "ok": ok,
            "etag": etag,
            "lm": last_modified,
            "sha": body_sha256,
            "n": entries,
            "fails": failures,
            "limit": unhealthy_after,
            "next": poll_seconds * backoff,
            "id": feed.id,
        },
    )


def add_feeds(conn: sa.Connection, source_id: int, urls: Sequence[tuple[str, str]]) -> int:
    """Register discovered feeds/sitemaps ``(url, kind)`` for a source."""
    n = 0
    for url, kind in urls:
        n += (
            conn.execute(
                sa.text(
                    """INSERT INTO source_feeds (source_id, url, kind, discovered)
                   VALUES (:s, :u, :k, true)
                   ON CONFLICT ON CONSTRAINT source_feeds_url_key DO NOTHING"""
                ),
                {"s": source_id, "u": url, "k": kind},
            ).rowcount
            or 0
        )
    return n


def log_fetches(conn: sa.Connection, run_id: int | None, rows: Sequence[FetchLogRow]) -> None:
    """Append fetch attempts to ``fetch_log`` in one statement."""
    if not rows:
        return
    fields = [
        "kind",
        "url",
        "outcome",
        "frontier_id",
        "feed_id",
        "http_status",
        "attempts",
        "elapsed_ms",
        "bytes",
        "error",
    ]
    cols: dict[str, Any] = {f: [getattr(r, f) for r in rows] for f in fields}
    conn.execute(
        sa.text(
            """INSERT INTO fetch_log (run_id, kind, url, outcome, frontier_id, feed_id,
                                      http_status, attempts, elapsed_ms, bytes, error)
               SELECT :run, * FROM unnest(
                   CAST(:kind AS text[]), CAST(:url AS text[]), CAST(:outcome AS text[]),
                   CAST(:frontier_id AS bigint[]), CAST(:feed_id AS bigint[]),
                   CAST(:http_status AS int[]), CAST(:attempts AS int[]),
                   CAST(:elapsed_ms AS int[]), CAST(:bytes AS int[]), CAST(:error AS text[]))"""
        ),
        {"run": run_id, **cols},
    )
