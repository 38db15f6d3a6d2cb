-- DuckDB's memory cap on this connection ($limit, e.g. '256MB'), for a step that needs another
-- cap than the one the connection was opened with (store.Memory).
SET memory_limit = $limit;
