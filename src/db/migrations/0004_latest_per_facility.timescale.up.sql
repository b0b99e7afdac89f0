-- VoltMetrics 0004 (TimescaleDB): as the plain script, and the continuous aggregates answer
-- in real time (materialised buckets plus the rows not materialised yet; off by default since
-- TimescaleDB 2.13). Each run also refreshes the buckets of its as_of.
CREATE OR REPLACE VIEW voltmetrics_latest_results AS
    SELECT r.*
    FROM voltmetrics_results r
    WHERE r.as_of = (SELECT max(s.as_of) FROM voltmetrics_facility_summaries s
                     WHERE s.facility_id = r.facility_id);
ALTER MATERIALIZED VIEW voltmetrics_facility_daily SET (timescaledb.materialized_only = false);
ALTER MATERIALIZED VIEW voltmetrics_facility_weekly SET (timescaledb.materialized_only = false);
ALTER MATERIALIZED VIEW voltmetrics_facility_monthly SET (timescaledb.materialized_only = false);
