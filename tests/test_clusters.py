"""Story clusters: the linking rule, and re-clustering that is idempotent and independent of
the order in which articles were loaded (real PostgreSQL, real backfill)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pages import sample_pages, write_warc
from sqlalchemy.engine import Engine
from test_dedup import (
    COPY,
    DAY1,
    DAY2,
    ITEM,
    NICKEL_A,
    NICKEL_B,
    ROUNDUP,
    SAME_TOPIC,
    SHORTENED,
    TRANSLATION_DE,
    WIRE,
    _page,
)

from etl.backfill import backfill
from etl.clusters import link_in_order, recluster

ROOT = Path(__file__).resolve().parent.parent

ITEM2 = [
    "SANTIAGO, March 5 (Meridian Wire) - Chile's state copper company said on Thursday it had "
    "restarted the concentrator at its El Arrayán division after a four-day halt caused by a "
    "fault in the main power line feeding the plant high in the Andes.",
    "The company said the outage had cost about 6,000 tonnes of fine copper and that it "
    "still expected the division to meet its production target for the year.",
]
# A short monthly digest that prints two different wire items whole: a bridge between two
# stories, which must not merge them.
DIGEST = [
    "The Metals Digest brings you, once a month, two wire stories our editors think you should "
    "not have missed, with no commentary of our own.",
    *ITEM,
    *ITEM2,
    "The Metals Digest is free. Forward it to a colleague who works in the metals trade.",
]


def corpus() -> list[tuple[str, str]]:
    """Pages of several stories and confounders, with publication times spread over days."""
    return [
        _page("https://meridianwire.example/mining/kwena", "Kwena manganese strike ends", WIRE),
        _page(
            "https://highveldpost.example/news/manganese-workers-back",
            "Manganese workers back underground",
            COPY,
            hours=3,
        ),
        _page("https://ore-daily.example/kwena-short", "Kwena strike over", SHORTENED, hours=5),
        _page("https://copperbelt.example/kwena", "Strike ends at Kwena", COPY[1:], hours=30),
        _page("https://meridianwire.example/metals/lme-alu", "LME aluminium stocks slide", ITEM, 1),
        _page(
            "https://meridianwire.example/metals/arrayan", "Chile restarts concentrator", ITEM2, 2
        ),
        _page("https://metalsweekly.example/review/w10", "Week in metals", ROUNDUP, hours=48),
        _page("https://digest.example/march", "Metals digest for March", DIGEST, hours=60),
        _page("https://meridianwire.example/mining/mamatwan", "Mamatwan deal", SAME_TOPIC, 50),
        _page(
            "https://rohstoffe.example/kwena-streik",
            "Streik in Manganmine beendet",
            TRANSLATION_DE,
            hours=6,
            lang="de",
        ),
        _page("https://nickelnews.example/quotas", "Nickel quotas approved", NICKEL_A, hours=70),
        _page("https://nickelnews.example/landslide", "Landslide at nickel mine", NICKEL_B, 75),
        _page("https://copperdaily.example/tue", "Copper daily", [DAY1], hours=24),
        _page("https://copperdaily.example/wed", "Copper daily", [DAY2], hours=48),
        *sample_pages(6, host="fixture.example"),
    ]


EXPECTED_STORIES = {
    # first article of the story -> its other articles
    "https://meridianwire.example/mining/kwena": {
        "https://highveldpost.example/news/manganese-workers-back",
        "https://ore-daily.example/kwena-short",
        "https://copperbelt.example/kwena",
    },
    "https://meridianwire.example/metals/lme-alu": {
        "https://metalsweekly.example/review/w10",
        "https://digest.example/march",  # the digest joins the earlier of its two items
    },
}


def _clusters(engine: Engine) -> dict[str, str]:
    """url -> url of its story's first article."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                """SELECT a.url, f.url AS first FROM articles a
                   JOIN articles f ON f.id = coalesce(a.duplicate_of, a.id)"""
            )
        ).all()
    return {r.url: r.first for r in rows}


def _expected(urls: list[str]) -> dict[str, str]:
    out = {u: u for u in urls}
    for first, others in EXPECTED_STORIES.items():
        for u in others:
            out[u] = first
    return out


def _published(html: str) -> datetime:
    m = re.search(r'article:published_time" content="([^"]+)"', html)
    assert m
    return datetime.fromisoformat(m.group(1))


def _load(
    engine: Engine, tmp_path: Path, pages: list[tuple[str, str]], name: str, batch: int
) -> Any:
    warc = tmp_path / f"{name}.warc.gz"
    records: list[tuple[str, bytes | str]] = list(pages)
    write_warc(warc, records, with_requests=False)
    return backfill([warc], engine=engine, workers=1, batch_size=batch)


@pytest.fixture
def second_engine(pg_server_url: str, template_db: str) -> Iterator[Engine]:
    """Another fresh warehouse on the same server (the `engine` fixture gives the first)."""
    name = "etl_test_clusters_second"
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
    eng = sa.create_engine(sa.make_url(pg_server_url).set(database=name))
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_linking_rule_follows_chains_but_never_merges_two_stories() -> None:
    # A~B, B~C, A≁C: C joins A's story through B.
    sim = {1: [0], 2: [1]}
    assert link_in_order(3, lambda i: sim.get(i, [])) == [0, 0, 0]
    # Two stories {0, 2} and {1, 3}; item 4 resembles 2 and 3 (a page embedding both): it joins
    # the story of the earlier match, and the stories stay apart (single linkage would merge).
    sim = {2: [0], 3: [1], 4: [3, 2]}
    assert link_in_order(5, lambda i: sim.get(i, [])) == [0, 1, 0, 1, 0]


def test_recluster_gives_the_same_clusters_in_any_load_order(
    engine: Engine, second_engine: Engine, tmp_path: Path
) -> None:
    pages = corpus()
    urls = [u for u, _ in pages]
    # Latest first, in small batches: online, later copies arrive before their originals.
    latest_first = list(reversed(pages))
    _load(engine, tmp_path, latest_first, "reverse", batch=3)
    shuffled = random.Random(11).sample(pages, len(pages))
    _load(second_engine, tmp_path, shuffled, "shuffled", batch=4)
    online = _clusters(engine)
    assert online != _expected(urls)  # online linking followed the (wrong) arrival order
    first = recluster(engine)
    assert first.changed > 0 and first.articles == len(pages)
    recluster(second_engine)
    assert _clusters(engine) == _clusters(second_engine) == _expected(urls)
    # idempotent: nothing left to change, in either warehouse
    assert recluster(engine).changed == 0
    assert recluster(second_engine).changed == 0
    # every copy points at its story's first article, never at another copy
    with engine.connect() as conn:
        chains = conn.scalar(
            sa.text(
                """SELECT count(*) FROM articles c JOIN articles r ON r.id = c.duplicate_of
                   WHERE r.duplicate_of IS NOT NULL"""
            )
        )
    assert chains == 0


def test_loading_in_publication_order_needs_no_reclustering(engine: Engine, tmp_path: Path) -> None:
    pages = corpus()
    in_order = sorted(pages, key=lambda p: _published(p[1]))
    _load(engine, tmp_path, in_order, "in_order", batch=3)
    assert _clusters(engine) == _expected([u for u, _ in pages])
    assert recluster(engine).changed == 0


def test_recluster_rebuilds_missing_fingerprints(engine: Engine, tmp_path: Path) -> None:
    pages = corpus()[:6]
    _load(engine, tmp_path, pages, "few", batch=10)
    with engine.begin() as conn:
        before = conn.scalar(sa.text("SELECT count(*) FROM article_samples"))
        conn.execute(sa.text("DELETE FROM article_fingerprints"))
        # the trigger removed the samples with their fingerprints
        assert conn.scalar(sa.text("SELECT count(*) FROM article_samples")) == 0
    result = recluster(engine)
    assert result.fingerprints_built == len(pages) and result.changed == 0
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM article_samples")) == before
        assert before == conn.scalar(
            sa.text("SELECT sum(cardinality(samples)) FROM article_fingerprints")
        )


def test_story_views_count_stories_not_copies(engine: Engine, tmp_path: Path) -> None:
    _load(engine, tmp_path, corpus(), "views", batch=50)
    with engine.connect() as conn:
        total = conn.scalar(sa.text("SELECT count(*) FROM articles"))
        stories = conn.scalar(sa.text("SELECT count(*) FROM stories"))
        clusters = conn.scalar(sa.text("SELECT count(*) FROM story_clusters"))
        sizes = conn.scalar(sa.text("SELECT sum(size) FROM story_clusters"))
        appearances = conn.execute(
            sa.text(
                """SELECT source, is_first FROM story_appearances
                   WHERE story_id = (SELECT id FROM articles
                                     WHERE url = 'https://meridianwire.example/mining/kwena')
                   ORDER BY published_at"""
            )
        ).all()
        top = conn.execute(
            sa.text((ROOT / "sql" / "queries" / "story_clusters.sql").read_text())
        ).all()
    assert stories == clusters == total - 5 and sizes == total
    assert [a.source for a in appearances] == [
        "meridianwire.example",
        "highveldpost.example",
        "ore-daily.example",
        "copperbelt.example",
    ]
    assert [a.is_first for a in appearances] == [True, False, False, False]
    assert top[0].outlets == 4 and top[0].first_source == "meridianwire.example"
