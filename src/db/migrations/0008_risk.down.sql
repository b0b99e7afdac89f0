DROP VIEW voltmetrics_latest_results;
ALTER TABLE voltmetrics_results
    DROP COLUMN risk_severity,
    DROP COLUMN risk_likelihood,
    DROP COLUMN risk_score,
    DROP COLUMN risk_level;
ALTER TABLE voltmetrics_facility_summaries
    DROP COLUMN risk_low_count,
    DROP COLUMN risk_medium_count,
    DROP COLUMN risk_high_count,
    DROP COLUMN risk_extreme_count,
    DROP COLUMN risk_index,
    DROP COLUMN expected_label_exceedances;
CREATE VIEW voltmetrics_latest_results AS
    SELECT r.*
    FROM voltmetrics_results r
    WHERE r.as_of = (SELECT max(s.as_of) FROM voltmetrics_facility_summaries s
                     WHERE s.facility_id = r.facility_id);
