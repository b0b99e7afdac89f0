-- VoltMetrics 0005: clearing times from protective devices. Results record where the clearing
-- times come from, the elements that clear the arc and whether a time was capped; summaries
-- count capped and no-trip rows. The latest-results view shows the new columns.
ALTER TABLE voltmetrics_results
    ADD COLUMN arc_duration_source text,
    ADD COLUMN trip_element_full text,
    ADD COLUMN trip_element_reduced text,
    ADD COLUMN arc_duration_capped boolean;
ALTER TABLE voltmetrics_facility_summaries
    ADD COLUMN arc_duration_capped_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN device_no_trip_count bigint NOT NULL DEFAULT 0;
CREATE OR REPLACE VIEW voltmetrics_latest_results AS
    SELECT r.*
    FROM voltmetrics_results r
    WHERE r.as_of = (SELECT max(s.as_of) FROM voltmetrics_facility_summaries s
                     WHERE s.facility_id = r.facility_id);
