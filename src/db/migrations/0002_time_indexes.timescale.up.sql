-- VoltMetrics 0002 (TimescaleDB): results and facility summaries become hypertables on as_of.
-- Used only where the extension is created in the database (or `db migrate --timescale`).
SELECT create_hypertable('voltmetrics_results', 'as_of', migrate_data => true, if_not_exists => true);
SELECT create_hypertable('voltmetrics_facility_summaries', 'as_of', migrate_data => true, if_not_exists => true);
