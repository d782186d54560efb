-- Analyst views. Re-created by `etl db upgrade` after the migrations (they hold no data).
-- Views count STORIES, not copies: an article with duplicate_of set is a copy of a story that
-- is already counted through its first-seen article.

CREATE OR REPLACE VIEW stories AS
SELECT a.*
FROM articles a
WHERE a.duplicate_of IS NULL;

-- How many outlets ran each story: the first-seen article and its copies.
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
