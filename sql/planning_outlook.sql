-- Planning: one outlook row per skill for run $run_id (the market series excluded).
-- A skill may have several series (sources, regions, occupations); the representative one is the
-- all-segments series (region = '' and occupation = '') when there is one, else the one with the
-- most months of data, ties broken by the larger total volume, then the lower series id.
WITH obs AS (
    SELECT series_id, count(*) AS months, sum(value) AS volume
    FROM observation GROUP BY series_id
), ranked AS (
    SELECT k.skill_id, k.name AS skill, k.category, s.source, s.region, s.occupation, s.measure,
           o.status, o.horizon, o.last_period, o.last_value, o.growth_pct,
           -- The cited interval is the one the status was judged on (the change of the expected
           -- level, on growth_basis); runs without it fall back to the forecast's 80% bounds.
           coalesce(o.growth_lower_80,
                    CASE WHEN o.forecast > 0 AND o.growth_pct IS NOT NULL
                         THEN 100 * (o.lower_80 * (1 + o.growth_pct / 100) / o.forecast - 1) END)
               AS growth_lower_80,
           coalesce(o.growth_upper_80,
                    CASE WHEN o.forecast > 0 AND o.growth_pct IS NOT NULL
                         THEN 100 * (o.upper_80 * (1 + o.growth_pct / 100) / o.forecast - 1) END)
               AS growth_upper_80,
           o.growth_basis, o.mentions_12m,
           o.half_life_months, o.half_life_lower, o.half_life_upper, o.peak_ratio,
           o.market_relative_growth_pct, o.backtest_mase, o.coverage_80, o.q_value,
           coalesce(b.months, 0) AS months, coalesce(b.volume, 0) AS volume,
           count(*) OVER (PARTITION BY k.skill_id) AS n_series,
           row_number() OVER (PARTITION BY k.skill_id
                              ORDER BY (s.region = '' AND s.occupation = '') DESC,
                                       coalesce(b.months, 0) DESC, coalesce(b.volume, 0) DESC,
                                       s.series_id) AS rn
    FROM outlook o
    JOIN series s USING (series_id)
    JOIN skill k USING (skill_id)
    LEFT JOIN obs b USING (series_id)
    WHERE o.run_id = $run_id AND k.category <> 'market'
)
SELECT skill_id, skill, category, source, region, occupation, measure, status, horizon,
       last_period, last_value, growth_pct, growth_lower_80, growth_upper_80, half_life_months,
       half_life_lower, half_life_upper, peak_ratio, market_relative_growth_pct, backtest_mase,
       coverage_80, q_value, months, volume, n_series, growth_basis, mentions_12m
FROM ranked WHERE rn = 1
ORDER BY skill;
