-- Test fixtures only: a calm market — no series of run $run_id rises or emerges any more.
UPDATE outlook SET status = 'stable' WHERE run_id = $run_id AND status IN ('rising', 'emerging');
