-- Test fixtures only: the measure of every series with an id in $series_ids.
SELECT series_id, measure FROM series WHERE series_id IN (SELECT unnest($series_ids));
