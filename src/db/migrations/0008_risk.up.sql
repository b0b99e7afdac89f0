-- VoltMetrics 0008: likelihood x severity (risk@1, issue 13). Results carry the severity,
-- likelihood, score and level; facility summaries the counts per level, the risk index and the
-- expected number of label exceedances (--uncertainty). The latest-results view shows them.
ALTER TABLE voltmetrics_results
    ADD COLUMN risk_severity integer,
    ADD COLUMN risk_likelihood integer,
    ADD COLUMN risk_score integer,
    ADD COLUMN risk_level text;
ALTER TABLE voltmetrics_facility_summaries
    ADD COLUMN risk_low_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN risk_medium_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN risk_high_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN risk_extreme_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN risk_index double precision,
    ADD COLUMN expected_label_exceedances double precision;
CREATE OR REPLACE VIEW voltmetrics_latest_results AS
    SELECT r.*
    FROM voltmetrics_results r
    WHERE r.as_of = (SELECT max(s.as_of) FROM voltmetrics_facility_summaries s
                     WHERE s.facility_id = r.facility_id);
