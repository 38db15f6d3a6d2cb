-- Every stored alias with its skill (the skill's own name is one of its aliases).
-- $market: a category to leave out (the whole-market series), or '' for all skills.
SELECT s.name AS skill, s.name_key, s.category, a.alias, a.alias_key
FROM skill_alias a JOIN skill s ON s.skill_id = a.skill_id
WHERE s.category <> $market
ORDER BY s.skill_id, a.alias_key;
