-- Test fixtures only: one 'fixture' series per staged skill (tmp_fixture: skill, …).
INSERT INTO series (skill_id, source, region, occupation, measure)
SELECT k.skill_id, 'fixture', '', '', 'count'
FROM tmp_fixture t JOIN skill k ON k.name_key = lower(trim(t.skill))
ON CONFLICT DO NOTHING;
