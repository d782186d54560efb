"""Prefect flows run for real (prefect_test_harness) and delegate to the library."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from pages import sample_pages, write_warc
from sqlalchemy.engine import Engine


def test_backfill_flow_loads_and_publishes_artifact(
    prefect_harness: None, engine: Engine, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client

    from flows.backfill import backfill_flow

    a = tmp_path / "a.warc.gz"
    write_warc(a, sample_pages(5), with_requests=False)
    folder = tmp_path / "html"
    folder.mkdir()
    for i, (_, html) in enumerate(sample_pages(3, start=10)):
        (folder / f"{i}.html").write_text(html)
    result = backfill_flow([str(a), str(folder)], workers=1, batch_size=4)
    assert result["status"] == "completed"
    assert result["outcomes"]["loaded"] == 8
    assert result["records"] == 9  # 8 pages + the warcinfo record
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM articles")) == 8
        run = conn.execute(sa.text("SELECT status, records FROM ingest_runs")).one()
    assert run.status == "completed" and run.records == 9

    async def artifacts() -> list[str]:
        async with get_client() as client:
            arts = await client.read_artifacts()
            return [a.data for a in arts if a.key == "backfill-summary"]

    import asyncio

    data = asyncio.run(artifacts())
    assert data and "| loaded |  | 8 |" in data[0]

    again = backfill_flow([str(a), str(folder)], workers=1)
    assert again["records"] == 0 and again["files"]["already_done"] == 4
