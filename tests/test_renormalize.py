"""Re-normalization of stored articles (CLI function and Prefect flow)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pages import sample_pages, write_warc
from sqlalchemy.engine import Engine

from etl.backfill import backfill
from etl.normalize import default_normalizer
from etl.renormalize import renormalize, stale_count


def _state(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {
            "mentions": conn.execute(
                sa.text(
                    "SELECT article_id, kind, coalesce(country_iso2, mineral_id), field, "
                    "start_char "
                    "FROM mentions ORDER BY 1, 4, 5, 2"
                )
            ).all(),
            "links": conn.execute(
                sa.text("SELECT * FROM country_mineral_links ORDER BY 1, 2, 3")
            ).all(),
            "main": conn.execute(
                sa.text("SELECT id, main_country FROM articles ORDER BY id")
            ).all(),
        }


def test_renormalize_restores_the_same_tags_for_stale_rows(engine: Engine, tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    write_warc(warc, sample_pages(8), with_requests=False)
    backfill([warc], engine=engine, workers=1)
    before = _state(engine)
    assert before["mentions"]
    with engine.begin() as conn:
        # an older normalizer left different tags behind on half of the articles
        conn.execute(
            sa.text(
                "UPDATE articles SET normalizer_version = 'old', main_country = NULL "
                "WHERE id % 2 = 0"
            )
        )
        conn.execute(sa.text("DELETE FROM mentions WHERE article_id % 2 = 0"))
    assert stale_count(engine) == 4
    summary = renormalize(engine, batch_size=3)
    assert summary.counts["renormalized"] == 4
    assert _state(engine) == before
    assert stale_count(engine) == 0
    assert renormalize(engine).counts["renormalized"] == 0
    with engine.connect() as conn:
        versions = set(conn.scalars(sa.text("SELECT DISTINCT normalizer_version FROM articles")))
    assert versions == {default_normalizer().version}


def test_renormalize_flow(prefect_harness: None, engine: Engine, tmp_path: Path) -> None:
    from flows.renormalize import renormalize_flow

    warc = tmp_path / "b.warc.gz"
    write_warc(warc, sample_pages(5), with_requests=False)
    backfill([warc], engine=engine, workers=1)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE articles SET normalizer_version = NULL"))
    result = renormalize_flow(batch_size=2)
    assert result == {"stale_before": 5, "renormalized": 5}
