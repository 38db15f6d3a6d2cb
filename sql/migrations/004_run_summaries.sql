-- 004: dashboard summaries precomputed when a forecast run is published, so pages over millions of
-- series read a few rows instead of aggregating the whole store. One row per dashboard query and
-- parameters (`params`: canonical JSON): its result as an Arrow IPC stream (`frame`). `stamp`
-- fingerprints what the results depend on besides the run (ingest batches, taxonomy, series;
-- sql/summary_read.sql): a reader uses a row only while the store's stamp is unchanged and
-- otherwise runs the query itself (an ingest or taxonomy import since the run).
CREATE TABLE summary (
    run_id  INTEGER NOT NULL,                     -- the run whose publication wrote the row
    name    VARCHAR NOT NULL,                     -- the dashboard query (sql/<name>.sql)
    params  VARCHAR NOT NULL,
    stamp   UBIGINT NOT NULL,
    frame   BLOB NOT NULL,
    PRIMARY KEY (run_id, name, params)
);
