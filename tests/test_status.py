"""Source health against each source's own history (etl.health) and `etl status`, on
synthetic history inserted into a real PostgreSQL warehouse."""

from __future__ import annotations

import json
import math

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from etl.health import HealthPolicy, SourceHealth, flag_source, poisson_cdf, source_health
from etl.sources import SourceConfig, sync_sources

NAMES = ["Steady", "Quiet", "Slow", "New", "Halved", "Broken", "Down", "Off"]


def _articles(
    conn: sa.Connection,
    source: str,
    per_day: float,
    days: float,
    quiet_days: float = 0.0,
    language: str = "en",
    dated_every: int = 1,
) -> None:
    """``per_day`` articles a day over ``days`` days, ending ``quiet_days`` ago."""
    conn.execute(
        sa.text(
            """INSERT INTO articles (url, source_id, text, word_count, content_sha256,
                                     extractor_version, language, published_at, first_seen_at)
               SELECT 'https://' || s.domain || '/' || :lang || '/' || g || '-' || :q, s.id,
                      'text', 100, md5(s.domain || :lang || g || :q) || md5(g::text),
                      'test', :lang, CASE WHEN g % :dated = 0 THEN now() END,
                      now() - make_interval(secs => (:q + (g - 0.5) / :rate) * 86400)
               FROM sources s, generate_series(1, :n) g WHERE s.name = :name"""
        ),
        {
            "name": source,
            "rate": per_day,
            "n": int(per_day * days),
            "q": quiet_days,
            "lang": language,
            "dated": dated_every,
        },
    )


def _fetches(
    conn: sa.Connection, source: str, days_ago: float, ok: int, skipped: int, tag: str
) -> None:
    """Fetched article pages of a source around ``days_ago``: ``ok`` became articles,
    ``skipped`` did not (too short)."""
    conn.execute(
        sa.text(
            """WITH f AS (
                   INSERT INTO frontier (url, host, source_id, state)
                   SELECT 'https://' || s.domain || '/p/' || :tag || g, s.domain, s.id, 'done'
                   FROM sources s, generate_series(1, :n) g WHERE s.name = :name
                   RETURNING id, url)
               INSERT INTO fetch_log (kind, url, outcome, frontier_id, http_status, fetched_at)
               SELECT 'article', f.url,
                      CASE WHEN row_number() OVER (ORDER BY f.id) <= :ok THEN 'loaded'
                           ELSE 'skipped:too_short' END,
                      f.id, 200, now() - make_interval(secs => :ago * 86400)
               FROM f"""
        ),
        {"name": source, "n": ok + skipped, "ok": ok, "ago": days_ago, "tag": tag},
    )


@pytest.fixture
def history(engine: Engine) -> Engine:
    sync_sources(
        engine,
        [
            SourceConfig(
                name=n,
                homepage=f"https://{n.lower()}.example/",
                feeds=[f"https://{n.lower()}.example/feed.xml"],
            )
            for n in NAMES
        ],
    )
    with engine.begin() as conn:
        # Healthy: 10 a day for five weeks, half English half German, 80% dated.
        _articles(conn, "Steady", 5, 35, language="en")
        _articles(conn, "Steady", 5, 35, language="de", dated_every=2)
        # Went quiet three days ago: nothing in the last day where 10 are expected.
        _articles(conn, "Quiet", 10, 32, quiet_days=3)
        # Publishes twice a week: a silent week is not unusual for it.
        _articles(conn, "Slow", 0.3, 28, quiet_days=7)
        # Three days of history only: too new to judge.
        _articles(conn, "New", 10, 3)
        # Down 40% this week: noticeable, but not the "went quiet" kind of drop.
        _articles(conn, "Halved", 10, 28, quiet_days=7)
        _articles(conn, "Halved", 6, 7)
        # Pages still fetched, but most stopped yielding articles (a layout change).
        _fetches(conn, "Broken", 20, ok=36, skipped=4, tag="old")
        _fetches(conn, "Broken", 2, ok=5, skipped=15, tag="new")
        # Disabled on purpose: its silence is expected.
        _articles(conn, "Off", 10, 32, quiet_days=3)
        conn.execute(sa.text("UPDATE sources SET enabled = false WHERE name = 'Off'"))
        # Every feed keeps failing.
        conn.execute(
            sa.text(
                """UPDATE source_feeds SET healthy = false, consecutive_failures = 5
                   WHERE source_id = (SELECT id FROM sources WHERE name = 'Down')"""
            )
        )
        conn.execute(
            sa.text(
                """UPDATE source_feeds SET last_success_at = now() - interval '1 hour'
                   WHERE source_id = (SELECT id FROM sources WHERE name = 'Steady')"""
            )
        )
    return engine


def test_poisson_lower_tail() -> None:
    assert poisson_cdf(0, 5.0) == pytest.approx(math.exp(-5))
    assert poisson_cdf(2, 5.0) == pytest.approx(0.124652, abs=1e-6)
    assert poisson_cdf(10, 0.0) == 1.0
    # large rates stay finite (log space): 900 where 1000 are expected is rare, not zero
    assert 0.0 < poisson_cdf(900, 1000.0) < 0.01
    assert poisson_cdf(1000, 1000.0) == pytest.approx(0.508, abs=0.01)


def test_sources_are_flagged_against_their_own_history(history: Engine) -> None:
    healths = {h.name: h for h in source_health(history)}
    assert set(healths) == set(NAMES)
    flags = {name: h.flags for name, h in healths.items()}
    assert flags == {
        "Steady": [],
        "Quiet": ["volume_drop"],
        "Slow": [],
        "New": [],
        "Halved": [],
        "Broken": ["extraction_drop"],
        "Down": ["feeds_failing"],
        "Off": [],
    }
    steady = healths["Steady"]
    assert steady.articles_1d == 10 and steady.articles_7d == 70
    assert steady.expected_daily == pytest.approx(10, rel=0.05)
    assert steady.dated_share_7d == pytest.approx(0.7, abs=0.05)  # all en, every 2nd de
    assert steady.language_mix() == "de 50%, en 50%"
    assert steady.last_success_at is not None and steady.last_article_at is not None
    quiet = healths["Quiet"]
    assert quiet.articles_1d == 0 and "expected 10.0" in quiet.details["volume_drop"]
    assert healths["New"].expected_daily is None  # too new for a baseline
    broken = healths["Broken"]
    assert broken.extraction_rate_7d == pytest.approx(0.25)
    assert broken.extraction_rate_history == pytest.approx(0.9)
    assert "25% of 20 pages" in broken.details["extraction_drop"]
    assert healths["Down"].unhealthy_feeds == healths["Down"].feeds == 1


def test_flag_rules_need_evidence() -> None:
    """A drop is flagged only when large and unlikely for that source."""
    base = {"source_id": 1, "name": "x", "domain": "x", "enabled": True}
    busy = SourceHealth(**base, articles_1d=2, articles_7d=60, history_articles=280,
                        history_days=28)  # fmt: skip
    assert flag_source(busy).flags == ["volume_drop"]  # 2 where 10 a day are normal
    sparse = SourceHealth(**base, articles_1d=0, articles_7d=0, history_articles=8,
                          history_days=28)  # fmt: skip
    assert flag_source(sparse).flags == []  # 2 a week expected: silence is not evidence
    stricter = HealthPolicy(min_expected=1.0, alpha=0.2)
    assert flag_source(sparse, stricter).flags == ["volume_drop"]


def test_etl_status_shows_runs_and_flags(history: Engine, db_url: str) -> None:
    from etl.cli import app
    from etl.health import record_health
    from etl.runs import RunSummary, finish_run, start_run

    summary: RunSummary = start_run(history, "crawl", {})
    summary.counts.update({"loaded": 7, "http_404": 1})
    finish_run(history, summary, "completed")

    runner = CliRunner()
    res = runner.invoke(app, ["status", "--json"])
    assert res.exit_code == 1, res.output  # flagged sources: non-zero for cron/alerting
    doc = json.loads(res.output)
    assert doc["runs"][0]["kind"] == "crawl" and doc["runs"][0]["status"] == "completed"
    flagged = {s["name"]: s["flags"] for s in doc["sources"] if s["flags"]}
    assert flagged == {
        "Quiet": ["volume_drop"],
        "Broken": ["extraction_drop"],
        "Down": ["feeds_failing"],
    }
    res = runner.invoke(app, ["status"], env={"COLUMNS": "200"})
    assert res.exit_code == 1
    assert "volume_drop" in res.output and "loaded=7" in res.output
    assert "Quiet" in res.output and "expected 10.0" in res.output

    assert record_health(history, summary.run_id, source_health(history)) == len(NAMES)
    with history.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT count(*) FROM source_health WHERE flags <> '{}'")
        ).scalar()
    assert rows == 3
