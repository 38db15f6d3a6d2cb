-- Summaries: the stored result with key $id (from summary_read.sql), through the key's index.
SELECT frame FROM summary WHERE id = $id;
