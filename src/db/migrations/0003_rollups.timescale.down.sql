DROP MATERIALIZED VIEW IF EXISTS voltmetrics_facility_daily;
DROP MATERIALIZED VIEW IF EXISTS voltmetrics_facility_weekly;
DROP MATERIALIZED VIEW IF EXISTS voltmetrics_facility_monthly;
