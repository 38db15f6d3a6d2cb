-- Merge the staged taxonomy (tmp_taxonomy: name, category, description, successors) into skill.
-- Existing skills keep their id; a real category replaces 'uncategorised'; successors
-- ('|'-separated names of what replaces the skill) replace stored ones when given.
INSERT INTO skill (name, name_key, category, description, successors)
SELECT t.name, lower(trim(t.name)), coalesce(nullif(t.category, ''), 'uncategorised'), t.description,
       t.successors
FROM tmp_taxonomy t
ON CONFLICT (name_key) DO UPDATE SET
    category = CASE WHEN excluded.category <> 'uncategorised' THEN excluded.category ELSE skill.category END,
    description = coalesce(excluded.description, skill.description),
    successors = coalesce(excluded.successors, skill.successors);
