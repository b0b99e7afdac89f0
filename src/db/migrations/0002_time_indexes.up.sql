-- VoltMetrics 0002 (plain PostgreSQL): time access paths. BRIN indexes on as_of serve the
-- range queries of `history`; queries by facility use the primary key, whose first column is
-- facility_id. With TimescaleDB the tables become hypertables instead
-- (0002_time_indexes.timescale.up.sql).
CREATE INDEX voltmetrics_results_as_of_brin ON voltmetrics_results USING brin (as_of);
CREATE INDEX voltmetrics_facility_summaries_as_of_brin ON voltmetrics_facility_summaries USING brin (as_of);
