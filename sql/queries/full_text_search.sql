-- Full-text search with ranking. The tsvector is built per article language
-- (etl_ts_config); query with the same configuration as the language you search in.
SELECT id, language, published_at::date AS day, title,
       ts_rank(search, q) AS rank
FROM articles, websearch_to_tsquery('english', 'lithium OR cobalt') AS q
WHERE search @@ q AND language = 'en'
ORDER BY rank DESC, id
LIMIT 20;
