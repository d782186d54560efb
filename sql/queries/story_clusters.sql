-- Which stories were run by the most outlets in the last 90 days, who ran them, and over what
-- time span? One row per STORY (a first article and its copies, linked through duplicate_of),
-- not per copy: a wire story republished by 12 outlets is one row with outlets = 12.
SELECT story_id, title, first_source, outlets, size, sources, first_published, span
FROM story_clusters
WHERE size > 1
  AND first_published >= (SELECT max(published_at) FROM articles) - interval '90 days'
ORDER BY outlets DESC, size DESC, first_published, story_id
LIMIT 20;
