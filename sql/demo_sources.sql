-- The distinct series sources in the database (the demo refuses to mix with other data).
SELECT DISTINCT source FROM series ORDER BY source;
