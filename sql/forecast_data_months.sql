-- forecast: the first and last month with an observation (NULL, NULL without any): the range a
-- --as-of month must fall in.
SELECT min(period) AS first_period, max(period) AS last_period
FROM observation;
