-- VoltMetrics 0002: time access paths. With TimescaleDB installed (pg_available_extensions)
-- the results and summaries become hypertables on as_of; without it, BRIN indexes on as_of
-- serve the same range queries. Continuous aggregates need a non-transactional statement and
-- are created by migration 0003 only where TimescaleDB is present. Queries by facility use the
-- primary key, whose first column is facility_id.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
        EXECUTE 'CREATE EXTENSION IF NOT EXISTS timescaledb';
        PERFORM create_hypertable('voltmetrics_results', 'as_of', migrate_data => true, if_not_exists => true);
        PERFORM create_hypertable('voltmetrics_facility_summaries', 'as_of', migrate_data => true, if_not_exists => true);
    ELSE
        CREATE INDEX voltmetrics_results_as_of_brin ON voltmetrics_results USING brin (as_of);
        CREATE INDEX voltmetrics_facility_summaries_as_of_brin ON voltmetrics_facility_summaries USING brin (as_of);
    END IF;
END
$$;
