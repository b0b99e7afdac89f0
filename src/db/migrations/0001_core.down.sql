DROP VIEW IF EXISTS voltmetrics_latest_results;
DROP TABLE IF EXISTS voltmetrics_facility_summaries;
DROP TABLE IF EXISTS voltmetrics_results;
DROP TABLE IF EXISTS voltmetrics_runs;
