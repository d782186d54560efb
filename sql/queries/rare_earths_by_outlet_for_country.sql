-- Who reports on rare earths in Belarus? Outlets whose stories link Belarus to rare earths
-- (the group or any of the 17 elements; lithium or cobalt never count).
SELECT src.name AS outlet, src.domain, count(DISTINCT s.id) AS stories,
       min(s.published_at) AS first, max(s.published_at) AS last
FROM country_mineral_links l
JOIN mineral_groups g ON g.mineral_id = l.mineral_id
JOIN stories s        ON s.id = l.article_id
JOIN sources src      ON src.id = s.source_id
WHERE l.country_iso2 = 'BY'
  AND g.group_id = 'rare-earth-elements'
GROUP BY src.name, src.domain
ORDER BY stories DESC, outlet;
