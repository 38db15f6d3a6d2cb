-- Merge staged aliases (tmp_alias: alias, skill_name) into skill_alias; the name itself is an alias.
INSERT INTO skill_alias (alias, alias_key, skill_id)
SELECT a.alias, lower(trim(a.alias)), s.skill_id
FROM tmp_alias a JOIN skill s ON s.name_key = lower(trim(a.skill_name))
WHERE trim(a.alias) <> ''
ON CONFLICT (alias_key) DO UPDATE SET skill_id = excluded.skill_id, alias = excluded.alias;
