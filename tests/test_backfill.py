"""Backfill end to end against a real PostgreSQL: counts, idempotence, resume, bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pages import article_html, article_text, gzip_bytes, sample_pages, write_warc
from sqlalchemy.engine import Engine

from etl.backfill import backfill
from etl.errors import InputError


def _rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def _scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.scalar(sa.text(sql), params)


def _snapshot(engine: Engine) -> dict[str, Any]:
    """Content of the warehouse independent of generated ids."""
    return {
        "articles": _rows(
            engine,
            """SELECT url, title, content_sha256, language,
                                      (duplicate_of IS NOT NULL) AS dup, main_country
                                      FROM articles ORDER BY url""",
        ),
        "mentions": _rows(
            engine,
            """SELECT a.url, m.kind, m.country_iso2, m.mineral_id,
                                      m.field, m.start_char, m.end_char FROM mentions m
                                      JOIN articles a ON a.id = m.article_id
                                      ORDER BY 1, 5, 6, 2""",
        ),
        "records": _rows(
            engine,
            """SELECT f.fingerprint, r.record_offset, r.outcome, r.reason
                                     FROM ingest_records r JOIN archive_files f
                                     ON f.id = r.archive_id ORDER BY 1, 2""",
        ),
    }


def test_backfill_warc_loads_articles_and_counts_add_up(engine: Engine, tmp_path: Path) -> None:
    pages = sample_pages(12)
    warc = tmp_path / "news.warc.gz"
    offsets = write_warc(warc, pages)
    summary = backfill([warc], engine=engine, workers=1, batch_size=5)
    assert summary.status == "completed"
    outcomes = summary.by_outcome()
    assert outcomes["loaded"] == 12
    # warcinfo + 12 request records are accounted for, not dropped
    assert summary.counts["skipped:not_response"] == 13
    assert summary.records == 25 == _scalar(engine, "SELECT count(*) FROM ingest_records")
    run = _rows(engine, "SELECT status, records, counts FROM ingest_runs")[0]
    assert run.status == "completed" and run.records == 25 and run.counts["loaded"] == 12
    # provenance: each article traces back to its WARC offset
    prov = _rows(
        engine,
        """SELECT a.url, r.record_offset FROM ingest_records r
                            JOIN articles a ON a.id = r.article_id ORDER BY r.record_offset""",
    )
    assert [p.record_offset for p in prov] == offsets
    assert [p.url for p in prov] == [u for u, _ in pages]
    # mentions point into the stored text
    bad = _scalar(
        engine,
        """SELECT count(*) FROM mentions m JOIN articles a ON a.id = m.article_id
                             WHERE substr(CASE m.field WHEN 'title' THEN a.title ELSE a.text END,
                                          m.start_char + 1, m.end_char - m.start_char)
                                   <> m.surface""",
    )
    assert bad == 0
    assert _scalar(engine, "SELECT count(*) FROM mentions") > 12
    assert _scalar(engine, "SELECT count(*) FROM sources") == 1
    assert _scalar(engine, "SELECT count(*) FROM articles WHERE normalizer_version IS NULL") == 0


def test_rerun_adds_nothing_and_copies_are_seen(engine: Engine, tmp_path: Path) -> None:
    warc = tmp_path / "a.warc.gz"
    write_warc(warc, sample_pages(6))
    backfill([warc], engine=engine, workers=1)
    before = _snapshot(engine)
    again = backfill([warc], engine=engine, workers=1)
    assert again.records == 0 and again.files["already_done"] == 1
    # the same pages in another archive: recorded as seen, no new rows
    other = tmp_path / "b.warc.gz"
    write_warc(other, sample_pages(6), with_requests=False)
    third = backfill([other], engine=engine, workers=1)
    assert third.counts["seen"] == 6 and third.by_outcome()["loaded"] == 0
    after = _snapshot(engine)
    assert after["articles"] == before["articles"] and after["mentions"] == before["mentions"]


def test_interrupted_backfill_resumes_to_the_same_result(
    engine: Engine, pg_server_url: str, template_db: str, tmp_path: Path
) -> None:
    warc = tmp_path / "big.warc.gz"
    write_warc(warc, sample_pages(30))
    calls = 0

    def crash_after_two_batches(_: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backfill(
            [warc], engine=engine, workers=1, batch_size=7, on_progress=crash_after_two_batches
        )
    partial = _scalar(engine, "SELECT count(*) FROM articles")
    assert 0 < partial < 30
    status = _scalar(engine, "SELECT status FROM ingest_runs ORDER BY id LIMIT 1")
    assert status == "interrupted"
    resumed = backfill([warc], engine=engine, workers=1, batch_size=7)
    assert resumed.files["resumed"] == 1
    assert resumed.counts["loaded"] == 30 - partial
    # a clean run in a second database gives the identical warehouse
    clean_name = "etl_test_clean_resume"
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{clean_name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{clean_name}" TEMPLATE "{template_db}"'))
    clean = sa.create_engine(sa.make_url(pg_server_url).set(database=clean_name))
    try:
        backfill([warc], engine=clean, workers=1, batch_size=7)
        assert _snapshot(clean) == _snapshot(engine)
    finally:
        clean.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{clean_name}" WITH (FORCE)'))
        admin.dispose()


def test_bad_inputs_end_as_recorded_skips(engine: Engine, tmp_path: Path) -> None:
    (_, good), (_, good2) = sample_pages(2)
    invalid_utf8 = good2.encode().replace(b"Fixture story", b"Fixture \xff\xfe story")
    nul = good.replace("Reference", "Ref\x00erence").encode()
    warc = tmp_path / "mixed.warc.gz"
    write_warc(
        warc,
        [
            ("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 400),
            ("https://news.example/empty", b""),
            ("https://news.example/utf8", invalid_utf8),
            ("https://news.example/nul", nul),
            ("https://news.example/short", "<html><body><p>Subscribe to read.</p></body></html>"),
        ],
        with_requests=False,
    )
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "ok.html.gz").write_bytes(gzip_bytes(sample_pages(1, start=50)[0][1]))
    (folder / "truncated.html.gz").write_bytes(gzip_bytes(good * 3)[:60])
    (folder / "readme.txt").write_text("not a page")
    summary = backfill([warc, folder], engine=engine, workers=1)
    c = summary.counts
    assert c["skipped:not_html"] == 1
    assert c["skipped:empty"] == 1
    assert c["skipped:too_short"] == 1
    assert c["skipped:bad_gzip"] == 1
    assert c["loaded"] == 3  # invalid UTF-8, NUL byte, and the folder's good page
    assert summary.files["unsupported"] == 1
    assert summary.records == _scalar(engine, "SELECT count(*) FROM ingest_records")
    texts = _rows(engine, "SELECT text FROM articles")
    assert all("\x00" not in t.text for t in texts)


def test_truncated_warc_records_an_archive_error(engine: Engine, tmp_path: Path) -> None:
    warc = tmp_path / "t.warc.gz"
    offsets = write_warc(warc, sample_pages(5), with_requests=False)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(warc.read_bytes()[: offsets[4] + 100])
    summary = backfill([cut], engine=engine, workers=1)
    assert summary.counts["loaded"] == 4
    assert summary.counts["skipped:archive_error"] == 1
    err = _scalar(engine, "SELECT error FROM archive_files")
    assert err and ("corrupt" in err or "truncated" in err or "trailing" in err)


def test_duplicates_are_linked_and_updates_keep_history(engine: Engine, tmp_path: Path) -> None:
    text = article_text(7)
    wire = [
        (
            f"https://outlet{i}.example/story",
            article_html(
                url=f"https://outlet{i}.example/story",
                title=f"Headline variant {i}",
                paragraphs=text,
                site=f"Outlet {i}",
            ),
        )
        for i in range(3)
    ]
    a = tmp_path / "wire.warc.gz"
    write_warc(a, wire, with_requests=False)
    s1 = backfill([a], engine=engine, workers=1)
    assert s1.counts["loaded"] == 1 and s1.counts["duplicate"] == 2
    first = _scalar(engine, "SELECT id FROM articles WHERE url = 'https://outlet0.example/story'")
    dups = _rows(engine, "SELECT duplicate_of FROM articles WHERE duplicate_of IS NOT NULL")
    assert [d.duplicate_of for d in dups] == [first, first]
    copies = _rows(
        engine, "SELECT appearances, outlets FROM story_copies WHERE story_id = :i", i=first
    )
    assert copies[0].appearances == 3 and copies[0].outlets == 3
    # the first outlet edits its page: same URL, new text
    changed = article_html(
        url="https://outlet0.example/story",
        title="Headline variant 0",
        paragraphs=[*text, "An added paragraph with an update on Chile."],
    )
    b = tmp_path / "update.warc.gz"
    write_warc(b, [("https://outlet0.example/story", changed)], with_requests=False)
    s2 = backfill([b], engine=engine, workers=1)
    assert s2.counts["updated"] == 1
    assert (
        _scalar(engine, "SELECT count(*) FROM article_versions WHERE article_id = :i", i=first) == 1
    )
    assert "added paragraph" in _scalar(engine, "SELECT text FROM articles WHERE id = :i", i=first)
    assert _scalar(engine, "SELECT count(*) FROM articles") == 3


def test_process_pool_gives_the_same_result(engine: Engine, tmp_path: Path) -> None:
    warc = tmp_path / "p.warc.gz"
    write_warc(warc, sample_pages(10) + sample_pages(4, lang="de", start=40))
    summary = backfill([warc], engine=engine, workers=2, batch_size=4)
    assert summary.counts["loaded"] == 14
    langs = dict(_rows(engine, "SELECT language, count(*) FROM articles GROUP BY 1"))
    assert langs == {"en": 10, "de": 4}


def test_missing_input_fails_before_any_write(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        backfill([tmp_path / "nope.warc.gz"], engine=engine)
    assert _scalar(engine, "SELECT count(*) FROM ingest_runs") == 0


def test_date_range_backfill_loads_the_window_and_leaves_the_rest(
    engine: Engine, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    # sample_pages(n) publish hourly from 2026-03-01 08:00 UTC
    warc = tmp_path / "range.warc.gz"
    write_warc(warc, sample_pages(10), with_requests=False)
    lo = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    hi = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
    first = backfill([warc], engine=engine, workers=1, published_from=lo, published_until=hi)
    assert first.counts["loaded"] == 4  # 10:00, 11:00, 12:00, 13:00
    assert first.counts["skipped:out_of_range"] == 6
    assert _scalar(engine, "SELECT status FROM archive_files") == "in_progress"
    # the rest of the file is picked up by a later run without a window
    second = backfill([warc], engine=engine, workers=1)
    assert second.counts["loaded"] == 6 and second.files["resumed"] == 1
    assert _scalar(engine, "SELECT count(*) FROM articles") == 10
    assert _scalar(engine, "SELECT status FROM archive_files") == "done"
