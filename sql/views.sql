-- Analyst views. Re-created by `etl db upgrade` after the migrations (they hold no data).
-- Views count STORIES, not copies: an article with duplicate_of set is a copy of a story that
-- is already counted through its first-seen article.

CREATE OR REPLACE VIEW stories AS
SELECT a.*
FROM articles a
WHERE a.duplicate_of IS NULL;

-- How many outlets ran each story: the first-seen article and its copies (kept for existing
-- queries; story_clusters has the same counts plus the outlets' names and time span).
CREATE OR REPLACE VIEW story_copies AS
SELECT s.id                                    AS story_id,
       s.title                                 AS story_title,
       count(c.id) + 1                         AS appearances,
       count(DISTINCT c.source_id) FILTER (WHERE c.source_id <> s.source_id)
         + 1                                   AS outlets,
       least(s.published_at, min(c.published_at)) AS first_published,
       greatest(s.published_at, max(c.published_at)) AS last_published
FROM articles s
LEFT JOIN articles c ON c.duplicate_of = s.id
WHERE s.duplicate_of IS NULL
GROUP BY s.id, s.title, s.published_at, s.source_id;

-- Story clusters: one row per story (a first article and every copy linked to it through
-- duplicate_of, exact or near duplicates; see etl/clusters.py). size counts articles (distinct
-- URLs), outlets counts distinct sources; a story nobody copied has size 1. Times: publication
-- (first/last_published, span) and when the warehouse first stored each copy
-- (first/last_seen). Filter on story_id to use articles_story_idx.
CREATE OR REPLACE VIEW story_clusters AS
SELECT c.story_id,
       f.title                                  AS title,
       f.url                                    AS first_url,
       fs.domain                                AS first_source,
       f.language                               AS language,
       c.size,
       c.outlets,
       c.sources,
       c.first_published,
       c.last_published,
       c.last_published - c.first_published     AS span,
       c.first_seen,
       c.last_seen
FROM (SELECT coalesce(a.duplicate_of, a.id)                        AS story_id,
             count(*)                                              AS size,
             count(DISTINCT a.source_id)                           AS outlets,
             array_agg(DISTINCT s.domain ORDER BY s.domain) FILTER (WHERE s.domain IS NOT NULL) AS sources,
             min(a.published_at)                                   AS first_published,
             max(a.published_at)                                   AS last_published,
             min(a.first_seen_at)                                  AS first_seen,
             max(a.first_seen_at)                                  AS last_seen
      FROM articles a
      LEFT JOIN sources s ON s.id = a.source_id
      GROUP BY 1) c
JOIN articles f ON f.id = c.story_id
LEFT JOIN sources fs ON fs.id = f.source_id;

-- Every appearance of every story: one row per stored article (URL) with its outlet, when it
-- was published and when the warehouse first stored it. Re-fetches of a known page and its
-- other URLs (AMP, canonical variants) are in ingest_records with outcome 'seen' and this
-- article_id.
CREATE OR REPLACE VIEW story_appearances AS
SELECT coalesce(a.duplicate_of, a.id) AS story_id,
       a.id                           AS article_id,
       a.duplicate_of IS NULL         AS is_first,
       a.source_id,
       s.domain                       AS source,
       a.url,
       a.title,
       a.language,
       a.published_at,
       a.first_seen_at                AS fetched_at
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id;

-- Mentions per day, kind and entity, over stories (copies excluded).
CREATE OR REPLACE VIEW mentions_daily AS
SELECT date_trunc('day', s.published_at)::date AS day,
       m.kind,
       coalesce(m.country_iso2::text, m.mineral_id) AS entity_id,
       count(*)                               AS mentions,
       count(DISTINCT m.article_id)           AS articles
FROM mentions m
JOIN stories s ON s.id = m.article_id
GROUP BY 1, 2, 3;

-- Country-mineral co-mentions (same sentence), per day, over stories.
CREATE OR REPLACE VIEW country_mineral_daily AS
SELECT date_trunc('day', s.published_at)::date AS day,
       l.country_iso2,
       l.mineral_id,
       count(*)                 AS articles,
       sum(l.sentence_count)    AS sentences
FROM country_mineral_links l
JOIN stories s ON s.id = l.article_id
GROUP BY 1, 2, 3;

-- Stories per main country (what the article is about) and day.
CREATE OR REPLACE VIEW articles_by_main_country AS
SELECT date_trunc('day', s.published_at)::date AS day,
       s.main_country AS country_iso2,
       count(*)       AS articles
FROM stories s
WHERE s.main_country IS NOT NULL
GROUP BY 1, 2;

-- Minerals with their group (rare-earth-elements, platinum-group-metals, coal) resolved, so a
-- query for a group also finds its members: WHERE mineral_id = 'neodymium' OR group_id = ...
CREATE OR REPLACE VIEW mineral_groups AS
SELECT m.id AS mineral_id, m.name, m.category, coalesce(m.group_id, m.id) AS group_id
FROM minerals m;
