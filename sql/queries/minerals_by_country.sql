-- Which countries are linked to which minerals (same-sentence co-mentions), stories only.
-- Change the window to restrict the period, e.g. published_at >= date_trunc('month', now()).
SELECT c.name        AS country,
       m.name        AS mineral,
       count(*)      AS stories,
       sum(l.sentence_count) AS sentences
FROM country_mineral_links l
JOIN stories s   ON s.id = l.article_id
JOIN countries c ON c.iso2 = l.country_iso2
JOIN minerals m  ON m.id = l.mineral_id
WHERE s.published_at >= timestamptz '2000-01-01'
GROUP BY c.name, m.name
ORDER BY stories DESC, sentences DESC, country, mineral
LIMIT 25;
