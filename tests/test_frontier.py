"""Frontier claims: no URL is handed out twice, hosts are interleaved, leases expire."""

from __future__ import annotations

import threading
from collections import Counter
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from etl.frontier import Claim, add_urls, claim_urls, finish_urls


def _fill(engine: Engine, hosts: int, per_host: int) -> list[str]:
    urls = [f"https://h{h}.example/{i}" for h in range(hosts) for i in range(per_host)]
    with engine.begin() as conn:
        assert add_urls(conn, [(u, None, None, None, None) for u in urls]) == len(urls)
        # queued again (or already an article): not added twice
        assert add_urls(conn, [(urls[0], None, None, None, None)]) == 0
    return urls


def test_concurrent_claims_never_overlap(engine: Engine) -> None:
    urls = _fill(engine, 5, 100)
    got: list[Claim] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while batch := claim_urls(engine, 17, worker=name):
            with lock:
                got.extend(batch)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [c.id for c in got]
    assert len(ids) == len(set(ids)) == len(urls)


def test_a_batch_spreads_over_hosts(engine: Engine) -> None:
    _fill(engine, 5, 40)
    batch = claim_urls(engine, 10)
    per_host = Counter(urlsplit(c.url).netloc for c in batch)
    assert len(per_host) == 5 and set(per_host.values()) == {2}


def test_expired_lease_is_reclaimed_and_retry_policy(engine: Engine) -> None:
    _fill(engine, 1, 3)
    first = claim_urls(engine, 3, worker="dead")
    assert len(first) == 3 and claim_urls(engine, 3) == []
    # the worker died: after the lease, the URLs are handed out again
    again = claim_urls(engine, 3, lease_seconds=0.0)
    assert {c.id for c in again} == {c.id for c in first}
    with engine.begin() as conn:
        finish_urls(
            conn,
            [(again[0], "timeout", None), (again[1], "http_404", 404), (again[2], "loaded", 200)],
        )
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT last_outcome, state FROM frontier")).all())
        wait = conn.scalar(
            sa.text(
                "SELECT extract(epoch FROM next_attempt_at - now()) "
                "FROM frontier WHERE last_outcome = 'timeout'"
            )
        )
    assert rows == {"timeout": "pending", "http_404": "failed", "loaded": "done"}
    assert wait > 60  # backoff before the retry
