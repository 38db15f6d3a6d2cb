-- Rename a stored skill (taxonomy import: a file lists the stored name as an alias of its own
-- skill). Its id, series and aliases stay; the old name remains one of its aliases.
UPDATE skill SET name = $new_name, name_key = lower(trim($new_name))
WHERE name_key = lower(trim($old_name));
