-- 002: what the verdicts were judged on, and nearness for plans.
-- outlook.growth_basis: share | count | index — the basis of growth_pct and its judged interval.
-- outlook.mentions_12m: postings mentioning the skill in the last 12 months (NULL without counts).
-- skill.successors: '|'-separated names of the skills that replace it (from the taxonomy).
-- skill_pair: monthly co-mention counts (postings mentioning both skills), skill_a < skill_b.
ALTER TABLE outlook ADD COLUMN growth_basis VARCHAR;
ALTER TABLE outlook ADD COLUMN mentions_12m DOUBLE;
ALTER TABLE skill ADD COLUMN successors VARCHAR;
CREATE TABLE skill_pair (
    skill_a  INTEGER NOT NULL,
    skill_b  INTEGER NOT NULL,
    period   DATE NOT NULL,
    postings BIGINT NOT NULL,
    PRIMARY KEY (skill_a, skill_b, period)
);
