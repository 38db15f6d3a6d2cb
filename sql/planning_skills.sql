-- Planning: every skill of the taxonomy except the market series (id, canonical name, category).
SELECT skill_id, name AS skill, category
FROM skill WHERE category <> 'market'
ORDER BY name;
