-- 0002: live crawling. Sources from sources.yaml, their feeds and sitemaps with conditional
-- request state and health, the shared URL frontier, and the fetch log.

ALTER TABLE sources
    ADD COLUMN enabled boolean NOT NULL DEFAULT true,
    ADD COLUMN configured boolean NOT NULL DEFAULT false;  -- from sources.yaml / `sources add`

-- Feeds (RSS, Atom, JSON Feed) and sitemaps polled for new article URLs.
CREATE TABLE source_feeds (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id            bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    url                  text NOT NULL,
    kind                 text NOT NULL CHECK (kind IN ('feed', 'sitemap')),
    discovered           boolean NOT NULL DEFAULT false,  -- found, not configured
    etag                 text,
    last_modified        text,
    body_sha256          char(64),           -- unchanged body = nothing to parse
    last_fetched_at      timestamptz,
    last_success_at      timestamptz,
    last_outcome         text,
    last_entries         integer,
    consecutive_failures integer NOT NULL DEFAULT 0,
    healthy              boolean NOT NULL DEFAULT true,
    next_fetch_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT source_feeds_url_key UNIQUE (url)
);
-- Polling picks due feeds.
CREATE INDEX source_feeds_due_idx ON source_feeds (next_fetch_at);

-- The shared frontier: claimed in batches with FOR UPDATE SKIP LOCKED, so several workers on
-- several machines never fetch the same URL twice.
CREATE TABLE frontier (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url             text NOT NULL,           -- normalized
    host            text NOT NULL,           -- claims interleave hosts (politeness is per host)
    source_id       bigint REFERENCES sources (id) ON DELETE CASCADE,
    feed_id         bigint REFERENCES source_feeds (id) ON DELETE SET NULL,
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'in_progress', 'done', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_by      text,
    claimed_at      timestamptz,
    last_outcome    text,
    last_status     integer,
    title_hint      text,
    published_hint  timestamptz,
    discovered_at   timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    CONSTRAINT frontier_url_key UNIQUE (url)
);
-- Claims: the due pending URLs in order.
CREATE INDEX frontier_due_idx ON frontier (next_attempt_at) WHERE state = 'pending';
-- Lease recovery: in_progress rows whose worker died.
CREATE INDEX frontier_claimed_idx ON frontier (claimed_at) WHERE state = 'in_progress';

-- One row per URL fetched (articles, feeds, sitemaps) per run, with its final outcome.
CREATE TABLE fetch_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       bigint REFERENCES ingest_runs (id),
    kind         text NOT NULL,             -- article, feed, sitemap
    url          text NOT NULL,
    frontier_id  bigint REFERENCES frontier (id) ON DELETE SET NULL,
    feed_id      bigint REFERENCES source_feeds (id) ON DELETE SET NULL,
    outcome      text NOT NULL,             -- loaded, duplicate, seen, skipped:..., http_404, timeout, robots, refused, not_modified, unchanged, ...
    http_status  integer,
    attempts     integer,
    elapsed_ms   integer,
    bytes        integer,
    error        text,
    fetched_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fetch_log_run_idx ON fetch_log (run_id, outcome);
-- Source health: recent outcomes per feed.
CREATE INDEX fetch_log_feed_idx ON fetch_log (feed_id, fetched_at DESC) WHERE feed_id IS NOT NULL;
