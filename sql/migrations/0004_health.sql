-- 0004: source health history (etl/health.py). The daily maintenance run records one row per
-- configured source: its volume, extraction success rate, share of dated articles, language
-- mix, and the flags raised against its own history, so "when did this source go quiet"
-- stays answerable after the fact.

CREATE TABLE source_health (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id             bigint REFERENCES ingest_runs (id),
    source_id          bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    checked_at         timestamptz NOT NULL DEFAULT now(),
    articles_1d        integer NOT NULL,
    articles_7d        integer NOT NULL,
    expected_1d        real,             -- daily volume of the source's history (NULL: too new)
    extraction_rate_7d real,             -- fetched pages that became articles (NULL: none fetched)
    dated_share_7d     real,             -- articles with a published date (NULL: no articles)
    languages_7d       jsonb NOT NULL DEFAULT '{}',  -- language -> articles
    last_success_at    timestamptz,      -- last successful feed/sitemap poll
    last_article_at    timestamptz,
    flags              text[] NOT NULL DEFAULT '{}', -- volume_drop, extraction_drop, feeds_failing
    details            jsonb NOT NULL DEFAULT '{}'   -- flag -> human-readable reason
);
CREATE INDEX source_health_source_idx ON source_health (source_id, checked_at DESC);
-- "Which sources were flagged recently" without scanning every snapshot.
CREATE INDEX source_health_flagged_idx ON source_health (checked_at DESC)
    WHERE flags <> '{}';

-- Health windows read recent articles and fetches by time.
CREATE INDEX articles_first_seen_at_idx ON articles (first_seen_at);
CREATE INDEX fetch_log_article_time_idx ON fetch_log (fetched_at) WHERE kind = 'article';
