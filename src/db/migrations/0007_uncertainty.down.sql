DROP VIEW voltmetrics_latest_results;
ALTER TABLE voltmetrics_results
    DROP COLUMN incident_energy_p50_cal_cm2,
    DROP COLUMN incident_energy_p95_cal_cm2,
    DROP COLUMN incident_energy_p99_cal_cm2,
    DROP COLUMN prob_exceeds_label,
    DROP COLUMN prob_exceeds_ppe,
    DROP COLUMN prob_danger;
CREATE VIEW voltmetrics_latest_results AS
    SELECT r.*
    FROM voltmetrics_results r
    WHERE r.as_of = (SELECT max(s.as_of) FROM voltmetrics_facility_summaries s
                     WHERE s.facility_id = r.facility_id);
