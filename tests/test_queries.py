"""Every example query in sql/queries runs against a warehouse loaded with the sample archive,
and the views count stories, not copies."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from etl.backfill import backfill

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "sql" / "queries").glob("*.sql"))


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    summary = backfill([ROOT / "examples" / "sample-archive"], engine=engine, workers=1)
    assert summary.by_outcome()["loaded"] >= 30
    return engine


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_example_query_runs(loaded: Engine, path: Path) -> None:
    with loaded.connect() as conn:
        rows = conn.execute(sa.text(path.read_text(encoding="utf-8"))).all()
    if path.stem in {
        "minerals_by_country",
        "articles_per_day_language",
        "full_text_search",
        "run_outcomes",
        "countries_linked_to_lithium",
    }:
        assert rows, f"{path.name} returned nothing on the sample archive"


def test_views_count_stories_not_copies(loaded: Engine) -> None:
    with loaded.connect() as conn:
        total = conn.scalar(sa.text("SELECT count(*) FROM articles"))
        copies = conn.scalar(
            sa.text("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL")
        )
        stories = conn.scalar(sa.text("SELECT count(*) FROM stories"))
        per_day = conn.scalar(sa.text("SELECT sum(articles) FROM articles_by_main_country"))
        with_main = conn.scalar(
            sa.text(
                "SELECT count(*) FROM stories "
                "WHERE main_country IS NOT NULL "
                "AND published_at IS NOT NULL"
            )
        )
    assert stories == total - copies
    assert per_day == with_main


def test_rare_earth_group_never_includes_lithium(loaded: Engine) -> None:
    with loaded.connect() as conn:
        members = set(
            conn.scalars(
                sa.text(
                    "SELECT mineral_id FROM mineral_groups WHERE group_id = 'rare-earth-elements' "
                    "AND mineral_id <> 'rare-earth-elements'"
                )
            )
        )
    assert len(members) == 17
    assert not members & {"lithium", "cobalt", "titanium"}
