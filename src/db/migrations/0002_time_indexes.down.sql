-- Hypertables cannot be turned back into plain tables in place; dropping the indexes (plain
-- PostgreSQL) or leaving the hypertables (TimescaleDB, harmless to 0001) undoes 0002.
DROP INDEX IF EXISTS voltmetrics_results_as_of_brin;
DROP INDEX IF EXISTS voltmetrics_facility_summaries_as_of_brin;
