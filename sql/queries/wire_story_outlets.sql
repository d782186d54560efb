-- Which stories ran in the most outlets? (exact copies linked through duplicate_of)
SELECT story_id, story_title, outlets, appearances, first_published, last_published
FROM story_copies
WHERE appearances > 1
ORDER BY outlets DESC, appearances DESC, story_id
LIMIT 20;
