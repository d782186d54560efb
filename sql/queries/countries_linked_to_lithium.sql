-- Which countries are linked to lithium in the latest month that has articles?
WITH latest AS (SELECT date_trunc('month', max(published_at)) AS month FROM stories)
SELECT c.iso2, c.name, count(DISTINCT l.article_id) AS stories
FROM country_mineral_links l
JOIN stories s   ON s.id = l.article_id
JOIN countries c ON c.iso2 = l.country_iso2
CROSS JOIN latest
WHERE l.mineral_id = 'lithium'
  AND s.published_at >= latest.month
  AND s.published_at <  latest.month + interval '1 month'
GROUP BY c.iso2, c.name
ORDER BY stories DESC, c.name;
