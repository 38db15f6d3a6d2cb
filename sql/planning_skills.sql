-- Planning: every skill of the taxonomy except the market series (id, canonical name, category,
-- successors: '|'-separated names of the skills that replace it, or null).
SELECT skill_id, name AS skill, category, successors
FROM skill WHERE category <> 'market'
ORDER BY name;
