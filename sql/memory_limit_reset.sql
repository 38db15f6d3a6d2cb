-- DuckDB's default memory limit again on this connection (after a bounded step; store.Memory).
RESET memory_limit;
