-- Summaries: drop rows written at another stamp (no reader can use them again).
DELETE FROM summary WHERE stamp <> $stamp;
