-- Upsert monthly co-mention counts (tmp_pair: skill_a, skill_b, period, postings — skill names as
-- matched); pairs are stored with skill_a < skill_b by id; the latest file wins for a month and pair.
INSERT INTO skill_pair (skill_a, skill_b, period, postings)
SELECT least(a.skill_id, b.skill_id), greatest(a.skill_id, b.skill_id), t.period, sum(t.postings)
FROM tmp_pair t
JOIN skill a ON a.name = t.skill_a
JOIN skill b ON b.name = t.skill_b
WHERE a.skill_id <> b.skill_id
GROUP BY ALL
ON CONFLICT (skill_a, skill_b, period) DO UPDATE SET postings = excluded.postings;
