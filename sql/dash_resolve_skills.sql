-- Dashboard: resolve user-given names ($keys: lower-cased, trimmed) through aliases.
SELECT a.alias_key AS key, k.skill_id, k.name, k.category
FROM skill_alias a
JOIN skill k USING (skill_id)
WHERE list_contains($keys, a.alias_key)
UNION
SELECT k.name_key AS key, k.skill_id, k.name, k.category
FROM skill k
WHERE list_contains($keys, k.name_key);
