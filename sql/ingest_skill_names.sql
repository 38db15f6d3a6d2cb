-- Canonical names of the staged skill ids (tmp_ids: skill_id).
SELECT s.skill_id, s.name FROM skill s
WHERE s.skill_id IN (SELECT skill_id FROM tmp_ids);
