-- 0003: near-duplicate detection and story clusters (etl/dedup.py, etl/clusters.py).
--
-- article_fingerprints holds, per article, what the same-story decision needs besides the
-- text: the MOD-16 sample of its word 3-shingles, its normalized headline and its outlet.
-- article_samples is the lookup index derived from it (one row per sample and article); it
-- is maintained by the triggers below, so writers only touch article_fingerprints.

CREATE TABLE article_fingerprints (
    article_id    bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version       smallint NOT NULL,       -- etl.dedup.FINGERPRINT_VERSION that built the row
    source_id     bigint,                  -- articles.source_id (title rule)
    title_key     text,                    -- etl.dedup.title_key(articles.title)
    published_at  timestamptz,             -- articles.published_at (title window, story order)
    word_count    integer NOT NULL,        -- normalized words of articles.text
    samples       bigint[] NOT NULL        -- etl.dedup.sample_shingles(articles.text), sorted
);
-- Title rule: the same normalized headline from one outlet within a few days.
CREATE INDEX article_fingerprints_title_idx
    ON article_fingerprints (source_id, title_key, published_at)
    WHERE title_key IS NOT NULL;
-- Rows built by an older fingerprint version are found and rebuilt by recluster().
CREATE INDEX article_fingerprints_version_idx ON article_fingerprints (version);

-- Near-duplicate candidates: "which articles contain this sampled shingle", earliest published
-- first. Probed with a LIMIT per sample, so a boilerplate shingle shared by thousands of pages
-- costs a bounded index range, not a scan. No foreign key on purpose: a cascade would need a
-- second index on article_id; deletions go through the trigger below instead.
CREATE TABLE article_samples (
    sample       bigint NOT NULL,
    published_at timestamptz,
    article_id   bigint NOT NULL
);
CREATE INDEX article_samples_lookup_idx ON article_samples (sample, published_at, article_id);

CREATE FUNCTION etl_article_samples_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO article_samples (sample, published_at, article_id)
    SELECT s.sample, n.published_at, n.article_id
    FROM new_rows n CROSS JOIN LATERAL unnest(n.samples) AS s(sample);
    RETURN NULL;
END
$$;

CREATE FUNCTION etl_article_samples_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- (sample, article_id) pairs of the old rows; the lookup index serves the sample prefix.
    DELETE FROM article_samples a
    USING old_rows o CROSS JOIN LATERAL unnest(o.samples) AS s(sample)
    WHERE a.sample = s.sample AND a.article_id = o.article_id;
    RETURN NULL;
END
$$;

CREATE FUNCTION etl_article_samples_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM article_samples a
    USING old_rows o CROSS JOIN LATERAL unnest(o.samples) AS s(sample)
    WHERE a.sample = s.sample AND a.article_id = o.article_id;
    INSERT INTO article_samples (sample, published_at, article_id)
    SELECT s.sample, n.published_at, n.article_id
    FROM new_rows n CROSS JOIN LATERAL unnest(n.samples) AS s(sample);
    RETURN NULL;
END
$$;

-- Statement-level with transition tables: one set-based statement per loader batch.
CREATE TRIGGER article_fingerprints_insert AFTER INSERT ON article_fingerprints
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION etl_article_samples_insert();
CREATE TRIGGER article_fingerprints_update AFTER UPDATE ON article_fingerprints
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION etl_article_samples_update();
CREATE TRIGGER article_fingerprints_delete AFTER DELETE ON article_fingerprints
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION etl_article_samples_delete();

-- A page seen under another URL of the same site declares the stored page as canonical (or
-- the other way round): the loader looks both up.
CREATE INDEX articles_canonical_url_idx ON articles (canonical_url)
    WHERE canonical_url IS NOT NULL;

-- Story membership: every article's story is coalesce(duplicate_of, id) (the first article of
-- its cluster). story_clusters / story_appearances filter and group on this expression.
CREATE INDEX articles_story_idx ON articles ((coalesce(duplicate_of, id)));
