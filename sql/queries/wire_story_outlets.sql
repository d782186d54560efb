-- Which stories ran in the most outlets? Copies (exact and near duplicates: syndicated
-- wire stories with their own headline, lead and page furniture) are linked to the story's
-- first-seen article through duplicate_of; story_clusters counts them per story.
SELECT story_id, title, outlets, size AS appearances, sources, first_published, span
FROM story_clusters
WHERE size > 1
ORDER BY outlets DESC, size DESC, story_id
LIMIT 20;
