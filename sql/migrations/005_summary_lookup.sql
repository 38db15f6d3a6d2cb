-- 005: summaries are fetched by a one-column key. A read used to scan `frame` for every stored
-- row (DuckDB reads a column's values for the whole vector the filter leaves one row of): the
-- changes of a run at a million series (hundreds of MB) made every summary read of every page
-- cost as much as reading them. `id` (an md5 of run, query and parameters, the same expression as
-- sql/summary_insert.sql) is the primary key: a read finds its row on the small columns, then
-- fetches that one frame through the key's index.
CREATE TABLE summary_keyed (
    id      UBIGINT PRIMARY KEY,                   -- md5_number_upper(run_id|name|params)
    run_id  INTEGER NOT NULL,                      -- the run whose publication wrote the row
    name    VARCHAR NOT NULL,                      -- the dashboard query (sql/<name>.sql)
    params  VARCHAR NOT NULL,
    stamp   UBIGINT NOT NULL,
    frame   BLOB NOT NULL
);
INSERT INTO summary_keyed
SELECT md5_number_upper(concat_ws('|', run_id, name, params)), run_id, name, params, stamp, frame
FROM summary;
DROP TABLE summary;
ALTER TABLE summary_keyed RENAME TO summary;
