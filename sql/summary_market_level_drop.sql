-- summaries: drop the temporary table of summary_market_level.sql.
DROP TABLE IF EXISTS summary_market_level;
