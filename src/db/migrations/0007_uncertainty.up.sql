-- VoltMetrics 0007: run --uncertainty (issue 13). Results carry the sampled incident energy's
-- percentiles and the probabilities of exceeding the label, the PPE category and the danger
-- threshold (NULL for runs without --uncertainty). The latest-results view shows them.
ALTER TABLE voltmetrics_results
    ADD COLUMN incident_energy_p50_cal_cm2 double precision,
    ADD COLUMN incident_energy_p95_cal_cm2 double precision,
    ADD COLUMN incident_energy_p99_cal_cm2 double precision,
    ADD COLUMN prob_exceeds_label double precision,
    ADD COLUMN prob_exceeds_ppe double precision,
    ADD COLUMN prob_danger double precision;
CREATE OR REPLACE VIEW voltmetrics_latest_results AS
    SELECT r.*
    FROM voltmetrics_results r
    WHERE r.as_of = (SELECT max(s.as_of) FROM voltmetrics_facility_summaries s
                     WHERE s.facility_id = r.facility_id);
