-- VoltMetrics 0006: a run of one shard (--shard I/N) records which; NULL for a whole run.
ALTER TABLE voltmetrics_runs ADD COLUMN shard text;
