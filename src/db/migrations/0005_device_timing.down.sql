DROP VIEW voltmetrics_latest_results;
ALTER TABLE voltmetrics_results
    DROP COLUMN arc_duration_source,
    DROP COLUMN trip_element_full,
    DROP COLUMN trip_element_reduced,
    DROP COLUMN arc_duration_capped;
ALTER TABLE voltmetrics_facility_summaries
    DROP COLUMN arc_duration_capped_count,
    DROP COLUMN device_no_trip_count;
CREATE VIEW voltmetrics_latest_results AS
    SELECT r.*
    FROM voltmetrics_results r
    WHERE r.as_of = (SELECT max(s.as_of) FROM voltmetrics_facility_summaries s
                     WHERE s.facility_id = r.facility_id);
