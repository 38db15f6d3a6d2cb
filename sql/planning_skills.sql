-- Planning: every skill of the taxonomy except the market series (id, canonical name, category,
-- successors: '|'-separated names of the skills that replace it, or null; near: '|'-separated
-- names of the skills most often mentioned in the same postings over the last 12 months of
-- co-mention data, at most 5, most co-mentioned first, or null).
WITH recent AS (
    SELECT skill_a, skill_b, sum(postings) AS postings
    FROM skill_pair
    WHERE period > (SELECT max(period) FROM skill_pair) - INTERVAL 12 MONTH
    GROUP BY ALL
), both_ways AS (
    SELECT skill_a AS skill_id, skill_b AS other, postings FROM recent
    UNION ALL
    SELECT skill_b, skill_a, postings FROM recent
), ranked AS (
    SELECT w.skill_id, o.name AS other, w.postings,
           row_number() OVER (PARTITION BY w.skill_id ORDER BY w.postings DESC, o.name) AS rn
    FROM both_ways w JOIN skill o ON o.skill_id = w.other
    WHERE o.category <> 'market'
), near AS (
    SELECT skill_id, string_agg(other, '|' ORDER BY rn) AS near
    FROM ranked WHERE rn <= 5 GROUP BY skill_id
)
SELECT s.skill_id, s.name AS skill, s.category, s.successors, n.near
FROM skill s LEFT JOIN near n USING (skill_id)
WHERE s.category <> 'market'
ORDER BY s.name;
