ALTER TABLE voltmetrics_runs DROP COLUMN shard;
