-- Resolve staged names (tmp_names: name) to skill ids through aliases, case-insensitively.
SELECT n.name, a.skill_id
FROM tmp_names n LEFT JOIN skill_alias a ON a.alias_key = lower(trim(n.name));
