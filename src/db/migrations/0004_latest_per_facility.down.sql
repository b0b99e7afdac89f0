CREATE OR REPLACE VIEW voltmetrics_latest_results AS
    SELECT DISTINCT ON (facility_id, equipment_id) *
    FROM voltmetrics_results
    ORDER BY facility_id, equipment_id, as_of DESC;
