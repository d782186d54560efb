-- Articles (stories, copies excluded) per day and language.
SELECT date_trunc('day', published_at)::date AS day, language, count(*) AS articles
FROM stories
WHERE published_at IS NOT NULL
GROUP BY 1, 2
ORDER BY 1 DESC, 3 DESC
LIMIT 60;
